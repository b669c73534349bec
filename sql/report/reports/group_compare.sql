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
--   $flows: the flows counted: X,M (exports and imports), X or M; intensity
--           and introversion need both
--   $fixed_year: with membership fixed, the year whose members count
--   $world: whether the dataset holds the whole world matrix
--   $min_world_share: the world-trade share a mirror's reporters must cover
--   $min_partner_share: the share of a total its partner rows must reach
--   $partial: omit or show the shares of incomplete figures
SELECT year, grp AS "group", members,
       tp_shown($partial, total_complete AND intra_known, 100 * s_r) AS intra_share_pct,
       tp_shown($partial, total_complete AND intra_known, intensity) AS intensity,
       tp_shown($partial, total_complete AND intra_known, rti) AS rti,
       CASE WHEN NOT china_member THEN tp_shown($partial, total_complete AND china_known, 100 * china / total) END AS china_share_pct,
       CASE WHEN NOT russia_member THEN tp_shown($partial, total_complete AND russia_known, 100 * russia / total) END AS russia_share_pct,
       total AS total_trade_usd,
       tp_shown($partial, total_complete, 100 * mirrored_total / total) AS mirror_share_pct,
       why_not,
       complete,
       CASE WHEN complete THEN '' ELSE reasons END AS incomplete_reason
FROM tp_group_year($dataset, $group || ',' || $compare, $basis, $cif_fob, $fixed_year, $flows, $world, $min_world_share,
                   $min_partner_share, $min_reporters, yfrom := $from, yto := $to)
WHERE year BETWEEN $from AND $to
ORDER BY year, list_position(string_split($group || ',' || $compare, ','), grp);
