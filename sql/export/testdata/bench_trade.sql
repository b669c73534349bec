-- name: bench-trade
-- purpose: a BACI-shaped trade dataset for the export benchmark: $rows
--          annual rows in USD over five years, about 200 exporters and
--          importers and 5,000 products, with its ledger entry, written
--          straight into the narrow trade storage (schema 003): one slice,
--          the countries' own codes, products 000000 to 004999.
-- parameters:
--   $rows: how many rows
INSERT INTO files (file_id, path, entry, sha256, size, compression, format, kind, dataset, rows, replaced, loaded_at) VALUES (1, 'bench.csv', NULL, 'bench', 0, 'none', 'baci', 'trade', 'bench', $rows, 0, now());
INSERT INTO trade_slices (slice_id, dataset, file_id, freq, partner2, flow, classification, customs, mot, currency, quantity_unit, is_reported, is_aggregate)
VALUES (1, 'bench', 1, 'A', '', 'X', 'H5', '', '', 'USD', 't', NULL, NULL);
INSERT INTO trade_codes
SELECT row_number() OVER (ORDER BY code), code, code, row_number() OVER (ORDER BY code) FROM countries WHERE kind = 'country';
INSERT INTO trade_products SELECT p + 1, lpad(p::VARCHAR, 6, '0'), 6 FROM range(5000) AS t(p);
INSERT INTO trade_rows
WITH n AS (
    SELECT count(*)::BIGINT AS n FROM trade_codes
), r AS (
    SELECT i, 2015 + i % 5 AS year, (i // 5) % n AS e, (i // 5 // n) % n AS m,
           (i // 5 // n // n) % 5000 AS p
    FROM range($rows::BIGINT) t(i), n
)
SELECT 1, r.i + 2, r.year, 0, r.e + 1, r.m + 1, r.p + 1, (hash(r.i) % 10000000) / 10.0, NULL, NULL,
       CASE WHEN r.i % 50 = 0 THEN NULL ELSE (hash(r.i + 1) % 100000) / 100.0 END, NULL
FROM r;
