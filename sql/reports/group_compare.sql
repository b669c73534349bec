-- name: group-compare
-- purpose: groups side by side, year by year, from the same data and
--          formulas: intra-regional share, intensity and introversion (RTI,
--          the fair figure across groups of different size).
-- parameters:
--   $dataset: the dataset to read
--   $groups: the groups, comma separated (the first is --group)
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $min_reporters: countries with known totals needed for world figures
WITH gs AS (
    SELECT unnest(string_split($groups, ',')) AS grp
)
SELECT y.year, gs.grp AS "group", y.members,
       100 * y.s_r AS intra_share_pct,
       y.intensity, y.rti,
       CASE WHEN y.china_member THEN NULL ELSE 100 * y.china / y.total END AS china_share_pct,
       CASE WHEN y.russia_member THEN NULL ELSE 100 * y.russia / y.total END AS russia_share_pct,
       y.total AS total_trade_usd,
       100 * y.mirrored_total / y.total AS mirror_share_pct,
       y.why_not
FROM gs, LATERAL (
    SELECT * FROM tp_group_year($dataset, gs.grp, $basis, $cif_fob, $membership, $min_reporters)
) y
WHERE y.year BETWEEN $from AND $to
ORDER BY y.year, gs.grp;
