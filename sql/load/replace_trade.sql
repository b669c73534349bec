-- name: replace_trade
-- purpose: a newly loaded trade file replaces the earlier rows of its
--          dataset that share a natural key with it (a revision replaces,
--          never adds). Runs inside the file's load transaction. The key is
--          compared as one struct (a semi join on a single column), which
--          is the cheapest form DuckDB runs: for a ten-million-row revision
--          it takes less time and memory than a join on the eleven columns
--          after a DISTINCT.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
DELETE FROM trade
WHERE dataset = $dataset
  AND file_id <> $file_id
  AND (reporter, partner, partner2, flow, freq, year, month, classification, product, customs, mot) IN (
      SELECT (reporter, partner, partner2, flow, freq, year, month, classification, product, customs, mot)
      FROM trade
      WHERE file_id = $file_id);
