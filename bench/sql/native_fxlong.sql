-- name: native-fxlong
-- purpose: the baseline of the readers target for tradepipe's long
--          exchange-rate layout: DuckDB's own CSV reader, with explicit
--          column types, loading the file into a table of a file database.
-- parameters:
--   $path: the file
CREATE TABLE fxlong AS
SELECT * FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'date_or_period': 'VARCHAR', 'currency': 'VARCHAR', 'per_usd': 'DOUBLE'});
