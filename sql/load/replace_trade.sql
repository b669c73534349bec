-- name: replace_trade
-- purpose: a newly loaded trade file replaces the earlier rows of its
--          dataset that share a natural key with it (a revision replaces,
--          never adds). Runs inside the file's load transaction.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
DELETE FROM trade AS t
USING (
    SELECT DISTINCT reporter, partner, partner2, flow, freq, year, month,
           classification, product, customs, mot
    FROM trade
    WHERE file_id = $file_id
) AS n
WHERE t.dataset = $dataset
  AND t.file_id <> $file_id
  AND t.reporter = n.reporter AND t.partner = n.partner AND t.partner2 = n.partner2
  AND t.flow = n.flow AND t.freq = n.freq AND t.year = n.year AND t.month = n.month
  AND t.classification = n.classification AND t.product = n.product
  AND t.customs = n.customs AND t.mot = n.mot;
