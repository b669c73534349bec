-- name: copy-parquet
-- purpose: the baseline of target 4: DuckDB's own COPY of the stored trade
--          table to Parquet (zstd), partitioned by year as tradepipe export
--          partitions it by default, with nothing else (no USD conversion,
--          no manifest, no fsync, no swap).
-- parameters:
--   $out: the folder written
COPY trade TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year));
