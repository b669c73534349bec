-- name: trade_shared_slices
-- purpose: the slices a revision compares, for the look-up of keys in a
--          bitmap (sql/store/keyset.go): every slice of the dataset whose
--          shared part (the key's part a slice holds: second partner,
--          flow, freq, classification, customs, transport, trade type)
--          the new file also has, with n, the number of that shared part
--          among the new file's (1, 2, ...), and whether it is the new
--          file's own. The same slices as replace/trade.sql's s. Written
--          to the temporary table tp_replace_slices, which the store drops
--          once the revision's earlier rows are deleted (as it does
--          tp_replace_countries, replace/trade_country_ranks.sql).
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
CREATE OR REPLACE TEMP TABLE tp_replace_slices AS
WITH shared AS (
    SELECT partner2, flow, freq, classification, customs, mot, trade_type, row_number() OVER () AS n
    FROM (SELECT DISTINCT partner2, flow, freq, classification, customs, mot, trade_type
          FROM trade_slices WHERE file_id = $file_id)
)
SELECT t.slice_id, shared.n, t.file_id = $file_id AS new
FROM trade_slices t JOIN shared USING (partner2, flow, freq, classification, customs, mot, trade_type)
WHERE t.dataset = $dataset;
