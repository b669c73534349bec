-- name: copy
-- purpose: writes one export query as Parquet with DuckDB's COPY: into a
--          folder of Hive-style partitions (year=2019/reporter=KAZ/data_0.parquet)
--          when partition columns are given, else into one file. sql/export
--          puts a table's query (one of the other files here) in place of
--          the query marker, and, for a partitioned table, the clause
--          PARTITION_BY ("year", ...) in place of the partition marker: the
--          column names come from the table's allow-list and are quoted.
--          Everything else is bound.
-- parameters:
--   $path: the folder (partitioned) or the file written
--   $compression: zstd, snappy or uncompressed
COPY (
/*query*/
) TO $path (FORMAT parquet, COMPRESSION $compression /*partition_by*/)
