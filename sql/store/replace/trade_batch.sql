-- name: replace_trade_batch
-- purpose: the rows a group of trade files loaded in one go (the entries
--          of a zip archive, sql/store/batch.go) replace: what replace_trade
--          would delete were the files loaded one after the other. A row
--          goes when a file loaded after its own holds its natural key
--          (the key of replace/trade.sql: the shared part of its slice,
--          reporter and partner country_id, product, year, month), so of
--          the group's files that share a key the last one's rows stay,
--          and an earlier file's rows go as well. Each row is counted
--          against the first later file with its key: the one that would
--          have replaced it, one file at a time. Writes the temporary table
--          tp_replaced (the row, its file, the file that replaces it); the
--          store deletes those rows and counts them per file.
-- parameters:
--   $dataset: the group's dataset
--   $file_min: the group's first file id (its ids are consecutive: taken
--              together, in the group's transaction)
--   $file_max: and its last
--   $year_min: the first year the group's rows hold
--   $year_max: and the last
CREATE OR REPLACE TEMP TABLE tp_replaced AS
WITH shared AS (
    SELECT partner2, flow, freq, classification, customs, mot, trade_type, row_number() OVER () AS n
    FROM (SELECT DISTINCT partner2, flow, freq, classification, customs, mot, trade_type
          FROM trade_slices WHERE dataset = $dataset AND file_id BETWEEN $file_min AND $file_max)
), s AS (
    SELECT t.slice_id, t.file_id, shared.n
    FROM trade_slices t JOIN shared USING (partner2, flow, freq, classification, customs, mot, trade_type)
    WHERE t.dataset = $dataset
), keyed AS MATERIALIZED (
    SELECT r.rowid AS rid, s.file_id, s.n, rc.country_id AS reporter, pc.country_id AS partner, r.product, r.year, r.month
    FROM trade_rows r
    JOIN s USING (slice_id)
    JOIN trade_codes rc ON rc.code_id = r.reporter
    JOIN trade_codes pc ON pc.code_id = r.partner
    WHERE r.year BETWEEN $year_min AND $year_max
), incoming AS (
    SELECT DISTINCT file_id, n, reporter, partner, product, year, month
    FROM keyed WHERE file_id BETWEEN $file_min AND $file_max
)
SELECT o.rid, o.file_id, min(i.file_id) AS by_file
FROM keyed o
JOIN incoming i USING (n, reporter, partner, product, year, month)
WHERE i.file_id > o.file_id
GROUP BY o.rid, o.file_id;
