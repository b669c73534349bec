-- name: partition_state
-- purpose: what each year and reporter of a dataset's trade is made of: the
--          files its rows came from (id and sha256) with how many of each
--          file's rows stand there. A file's rows are never changed, only
--          replaced by a later file or forgotten with it, so this list
--          changes whenever the year's and reporter's rows do. It is read
--          from the sums the store keeps (trade_file_sums), not from the
--          rows. The export writes a partition of trade, totals or flows
--          again only when the state of a year and reporter in it changed.
-- parameters:
--   $dataset: the dataset exported
SELECT s.year, s.reporter, string_agg(s.file_id || ':' || f.sha256 || ':' || s.rows, ',' ORDER BY s.file_id) AS state
FROM (SELECT year, reporter, file_id, sum(rows) AS rows
      FROM trade_file_sums
      WHERE dataset = $dataset
      GROUP BY year, reporter, file_id) AS s
JOIN files f USING (file_id)
GROUP BY s.year, s.reporter
