-- name: intensity
-- purpose: intra-regional trade intensity, introversion (HII, HEI, RTI) and
--          the group's and each member's bilateral intensity with China and
--          Russia. These need world totals: where the data does not cover the
--          world, the figure is left empty and why_not says why.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $min_reporters: countries with known totals needed for world figures
SELECT * FROM (
WITH g AS (
    SELECT * FROM tp_group_year($dataset, $group, $basis, $cif_fob, $membership, $min_reporters)
    WHERE year BETWEEN $from AND $to
), m AS (
    SELECT * FROM tp_member_year($dataset, $group, $basis, $cif_fob, $membership, 'X,M')
    WHERE year BETWEEN $from AND $to AND total > 0
)
SELECT year, $group AS "group", $group AS scope,
       100 * s_r AS intra_share_pct, intensity, hii, hei, rti,
       CASE WHEN china_member THEN NULL ELSE 100 * china / total END AS china_share_pct, china_intensity,
       CASE WHEN russia_member THEN NULL ELSE 100 * russia / total END AS russia_share_pct, russia_intensity,
       world AS world_exports_usd, reporters, why_not
FROM g
UNION ALL
SELECT m.year, $group, m.member,
       100 * m.intra / m.total, NULL, NULL, NULL, NULL,
       100 * m.china / m.total,
       CASE WHEN g.why_not IS NULL AND g.china_total > 0 AND m.member <> 'CHN'
            THEN (m.china / m.total) / (g.china_total / (2 * g.world)) END,
       100 * m.russia / m.total,
       CASE WHEN g.why_not IS NULL AND g.russia_total > 0 AND m.member <> 'RUS'
            THEN (m.russia / m.total) / (g.russia_total / (2 * g.world)) END,
       g.world, g.reporters, g.why_not
FROM m JOIN g USING (year)
)
ORDER BY year, scope <> "group", scope;
