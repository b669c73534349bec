-- name: native-rows
-- purpose: context for target 1's memory bound: DuckDB alone (no CSV, no
--          Go, no Arrow) inserting $rows generated rows in one statement
--          into a new table of trade_rows' shape in a file database. Its
--          peak RSS at 1M and 10M rows shows how much of the growth of an
--          ingest's RSS is DuckDB's own.
-- parameters:
--   $rows: how many rows
CREATE TABLE rows_only (
    slice_id INTEGER NOT NULL, line BIGINT NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL,
    reporter INTEGER NOT NULL, partner INTEGER NOT NULL, product INTEGER NOT NULL, value DOUBLE NOT NULL,
    cif_value DOUBLE, fob_value DOUBLE, quantity DOUBLE, net_weight_kg DOUBLE);
INSERT INTO rows_only
SELECT 1, i + 2, 2019, 0, 1 + i // 43860, 1 + (i // 192) % 228, 1 + i % 5000, (hash(i) % 100000000) / 1000.0,
       NULL, NULL, CASE WHEN i % 50 = 0 THEN NULL ELSE (hash(i + 1) % 10000000) / 1000.0 END, NULL
FROM range($rows::BIGINT) AS r(i);
