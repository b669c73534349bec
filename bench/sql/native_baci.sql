-- name: native-baci
-- purpose: the baseline of target 1: DuckDB's own CSV reader, with explicit
--          column types, loading a BACI file into a table of a file database.
-- parameters:
--   $path: the BACI file
CREATE TABLE baci AS
SELECT * FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'});
