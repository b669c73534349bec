-- name: partition_rows
-- purpose: the rows of each Parquet file an export just wrote, from the
--          files' footers (no data is read).
-- parameters:
--   $files: the files' paths
SELECT file_name, num_rows FROM parquet_file_metadata($files)
