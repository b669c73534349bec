-- name: trade_sums
-- purpose: the sums of trade rows (trade_sums) made from the rows: those
--          of the dataset's files other than $file_id in the years $from to
--          $to, after a revision replaced some of their rows (the store
--          deletes their old sums first); those of the files $files in the
--          years $from to $to, after a group of zip entries replaced some of
--          their rows (sql/store/batch.go); or, with every parameter NULL,
--          those of every file. A load makes its own file's sums as its
--          rows stream in; this is the same sum, by the same level (the
--          file's own, aggr_level, where it gives one, else the product
--          code's).
-- parameters:
--   $dataset: the dataset, or NULL for all
--   $file_id: the file whose sums are left alone, or NULL
--   $files: the only files whose sums are made (a list of ids), or NULL
--   $from: first year, or NULL
--   $to: last year, or NULL
INSERT INTO trade_sums
SELECT r.slice_id, r.year, r.month, r.reporter, r.partner, coalesce(s.aggr_level, p.level), sum(r.value), count(*)
FROM trade_rows r
JOIN trade_products p ON p.product_id = r.product
JOIN trade_slices s USING (slice_id)
WHERE ($dataset IS NULL OR s.dataset = $dataset)
  AND ($file_id IS NULL OR s.file_id <> $file_id)
  AND ($files::BIGINT[] IS NULL OR list_contains($files::BIGINT[], s.file_id))
  AND ($from IS NULL OR r.year BETWEEN $from AND $to)
GROUP BY ALL;
