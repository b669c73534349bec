-- name: group-compare
-- purpose: groups side by side, year by year, from the same data and
--          formulas: intra-regional share, intensity and introversion (RTI,
--          the fair figure across groups of different size).
-- parameters:
--   $dataset: the dataset to read
--   $group: the first group
--   $compare: the groups beside it, comma separated
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $min_reporters: countries with known totals needed for world figures
SELECT year, grp AS "group", members,
       100 * s_r AS intra_share_pct,
       intensity, rti,
       CASE WHEN china_member THEN NULL ELSE 100 * china / total END AS china_share_pct,
       CASE WHEN russia_member THEN NULL ELSE 100 * russia / total END AS russia_share_pct,
       total AS total_trade_usd,
       100 * mirrored_total / total AS mirror_share_pct,
       why_not
FROM tp_group_year($dataset, $group || ',' || $compare, $basis, $cif_fob, $membership, $min_reporters)
WHERE year BETWEEN $from AND $to
ORDER BY year, list_position(string_split($group || ',' || $compare, ','), grp);
