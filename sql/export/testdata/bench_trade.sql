-- name: bench-trade
-- purpose: a BACI-shaped trade dataset for the export benchmark: $rows
--          annual rows in USD over five years, about 200 exporters and
--          importers and 5,000 products, with its ledger entry.
-- parameters:
--   $rows: how many rows
INSERT INTO files VALUES (1, 'bench.csv', NULL, 'bench', 0, 'none', 'baci', 'trade', 'bench', $rows, 0, now());
INSERT INTO trade (dataset, file_id, line, freq, year, month, reporter, reporter_code, partner, partner_code, partner2,
                   flow, classification, product, customs, mot, value, currency, quantity, quantity_unit)
WITH c AS (
    SELECT code, (row_number() OVER (ORDER BY code) - 1)::BIGINT AS k FROM countries WHERE kind = 'country'
), n AS (
    SELECT count(*)::BIGINT AS n FROM c
), r AS (
    SELECT i, 2015 + i % 5 AS year, (i // 5) % n AS e, (i // 5 // n) % n AS m,
           (i // 5 // n // n) % 5000 AS p
    FROM range($rows::BIGINT) t(i), n
)
SELECT 'bench', 1, r.i + 2, 'A', r.year, 0, ce.code, ce.code, cm.code, cm.code, '', 'X', 'H5',
       lpad(r.p::VARCHAR, 6, '0'), '', '', (hash(r.i) % 10000000) / 10.0, 'USD',
       CASE WHEN r.i % 50 = 0 THEN NULL ELSE (hash(r.i + 1) % 100000) / 100.0 END, 't'
FROM r JOIN c ce ON ce.k = r.e JOIN c cm ON cm.k = r.m;
