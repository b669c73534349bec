-- name: year_files
-- purpose: how many of a dataset's trade rows each file holds in each year,
--          from the sums the store keeps (trade_file_sums), not from the
--          rows. A file's rows stand together in the trade table, so a
--          statement that writes one year reads the row groups of every
--          file with rows in that year: the export writes the trade table
--          a year a statement only where that reads little more than the
--          year's own rows (sql/export/years.go).
-- parameters:
--   $dataset: the dataset exported
SELECT year, file_id, sum(rows) AS rows
FROM trade_file_sums
WHERE dataset = $dataset
GROUP BY year, file_id
