-- name: parquet-rows
-- purpose: the yardstick of the history target's size on disk: the trade
--          rows of a tradepipe database in BACI's own six columns (year,
--          exporter, importer, product, value, quantity, the codes as the
--          file gave them), as one zstd Parquet file.
-- parameters:
--   $out: the file written
COPY (SELECT year AS t, reporter_code AS i, partner_code AS j, product AS k, value AS v, quantity AS q FROM trade)
TO $out (FORMAT parquet, COMPRESSION zstd);
