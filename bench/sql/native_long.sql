-- name: native-long
-- purpose: the baseline of the readers target for tradepipe's long trade
--          layout: DuckDB's own CSV reader, with explicit column types,
--          loading the file into a table of a file database.
-- parameters:
--   $path: the file
CREATE TABLE long AS
SELECT * FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'year': 'INTEGER', 'month': 'INTEGER', 'reporter': 'VARCHAR', 'partner': 'VARCHAR', 'flow': 'VARCHAR',
               'product': 'VARCHAR', 'value': 'DOUBLE', 'currency': 'VARCHAR'});
