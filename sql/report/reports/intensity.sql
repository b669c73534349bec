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
--   $fixed_year: with membership fixed, the year whose members count
--   $world: whether the dataset holds the whole world matrix
--   $min_world_share: the world-trade share a mirror's reporters must cover
--   $min_partner_share: the share of a total its partner rows must reach
--   $partial: omit or show the shares of incomplete figures
SELECT * FROM (
WITH r AS MATERIALIZED (
    -- the group's rows and its members', planned once
    SELECT * FROM tp_group_member_year($dataset, $group, $basis, $cif_fob, $fixed_year, 'X,M', $world, $min_world_share,
                                       $min_partner_share, $min_reporters, true, yfrom := $from, yto := $to)
    WHERE year BETWEEN $from AND $to
), g AS (
    SELECT * FROM r WHERE member IS NULL
), m AS (
    SELECT * FROM r WHERE member IS NOT NULL AND total > 0
)
SELECT year, $group AS "group", $group AS scope,
       tp_shown($partial, total_complete AND intra_known, 100 * s_r) AS intra_share_pct,
       tp_shown($partial, total_complete AND intra_known, intensity) AS intensity,
       tp_shown($partial, total_complete AND intra_known, hii) AS hii,
       tp_shown($partial, total_complete AND intra_known, hei) AS hei,
       tp_shown($partial, total_complete AND intra_known, rti) AS rti,
       CASE WHEN NOT china_member THEN tp_shown($partial, total_complete AND china_known, 100 * china / total) END AS china_share_pct,
       tp_shown($partial, total_complete AND china_known, china_intensity) AS china_intensity,
       CASE WHEN NOT russia_member THEN tp_shown($partial, total_complete AND russia_known, 100 * russia / total) END AS russia_share_pct,
       tp_shown($partial, total_complete AND russia_known, russia_intensity) AS russia_intensity,
       world AS world_exports_usd, reporters, why_not,
       complete, CASE WHEN complete THEN '' ELSE reasons END AS incomplete_reason
FROM g
UNION ALL
SELECT m.year, $group, m.member,
       tp_shown($partial, m.total_complete AND m.intra_known, 100 * m.intra / m.total), NULL, NULL, NULL, NULL,
       tp_shown($partial, m.total_complete AND m.china_known, 100 * m.china / m.total),
       tp_shown($partial, m.total_complete AND m.china_known,
                CASE WHEN m.why_not IS NULL AND m.china_total > 0 AND m.member <> 'CHN'
                     THEN (m.china / m.total) / (m.china_total / (2 * m.world)) END),
       tp_shown($partial, m.total_complete AND m.russia_known, 100 * m.russia / m.total),
       tp_shown($partial, m.total_complete AND m.russia_known,
                CASE WHEN m.why_not IS NULL AND m.russia_total > 0 AND m.member <> 'RUS'
                     THEN (m.russia / m.total) / (m.russia_total / (2 * m.world)) END),
       m.world, m.reporters, m.why_not,
       m.complete, CASE WHEN m.complete THEN '' ELSE m.reasons END
FROM m
)
ORDER BY year, scope <> "group", scope;
