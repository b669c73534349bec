-- name: trade_delete_kept
-- purpose: the delete of a revision whose keys were looked up in a bitmap
--          (sql/store/keyset.go): every earlier row of the slices the new
--          file shares (tp_replace_slices), in its years, but those whose
--          key the new file lacks (tp_replace_kept). The rows
--          replace/trade.sql deletes.
-- parameters:
--   $year_min: the new file's first year
--   $year_max: and its last
DELETE FROM trade_rows
WHERE slice_id IN (SELECT slice_id FROM tp_replace_slices WHERE NOT new)
  AND year BETWEEN $year_min AND $year_max
  AND rowid NOT IN (SELECT rid FROM tp_replace_kept);
