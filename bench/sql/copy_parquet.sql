-- name: copy-parquet
-- purpose: the baseline of the export target: DuckDB's own COPY of the
--          same query tradepipe's export writes for the trade table (every
--          column of tp_usd, value_usd and the rate included, with the
--          macros the database keeps), zstd, partitioned by year as the
--          export partitions it by default, with nothing else (no manifest,
--          no fsync, no swap).
-- parameters:
--   $out: the folder written
COPY (SELECT * FROM tp_usd('baci')) TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year));
