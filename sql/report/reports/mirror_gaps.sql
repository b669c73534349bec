-- name: mirror-gaps
-- purpose: for each member and partner where both sides reported, exports as
--          the exporter reports them against the importer's report divided by
--          the CIF/FOB factor, and the mirror gap (m/cif - x) / max(m/cif, x).
-- parameters:
--   $dataset: the dataset to read
--   $group: the group
--   $from: first year
--   $to: last year
--   $fixed_year: with membership fixed, the year whose members count
--   $cif_fob: the CIF/FOB factor
WITH tot AS (
    SELECT * FROM tp_totals($dataset, yfrom := $from, yto := $to) WHERE partner <> 'WLD' AND reporter <> partner
), x AS (
    SELECT year, reporter AS exporter, partner AS importer, value_usd AS x FROM tot WHERE flow = 'X'
), m AS (
    SELECT year, partner AS exporter, reporter AS importer, value_usd / $cif_fob AS m FROM tot WHERE flow = 'M'
), mem AS (
    SELECT * FROM tp_members($dataset, $group, $fixed_year, yfrom := $from, yto := $to)
)
SELECT x.year, $group AS "group", x.exporter, x.importer,
       x.x AS exporter_reports_usd,
       m.m AS importer_reports_fob_usd,
       100 * (m.m - x.x) / greatest(m.m, x.x) AS mirror_gap_pct
FROM x JOIN m USING (year, exporter, importer)
WHERE x.year BETWEEN $from AND $to
  AND (x.exporter IN (SELECT country FROM mem WHERE mem.year = x.year)
       OR x.importer IN (SELECT country FROM mem WHERE mem.year = x.year))
  AND greatest(m.m, x.x) > 0
ORDER BY x.year, x.exporter, x.importer;
