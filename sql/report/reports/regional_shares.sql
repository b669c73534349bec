-- name: regional-shares
-- purpose: the headline. Per year, the share of the group's total goods
--          trade (exports + imports) that is with its own members, with China,
--          with Russia and with the rest, the share of the total that came
--          from mirrored totals, and a comparison group's intra share beside.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group (C5 by default)
--   $compare: a comparison group whose intra share is shown beside ('' for none)
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $min_reporters: countries with known totals needed for world figures
WITH gy AS (
    SELECT * FROM tp_group_year($dataset, $group || ',' || $compare, $basis, $cif_fob, $membership, $min_reporters)
), g AS (
    SELECT * FROM gy WHERE grp = $group
), c AS (
    SELECT * FROM gy WHERE grp = $compare
)
SELECT g.year,
       $group AS "group",
       g.members,
       100 * g.intra / g.total AS intra_share_pct,
       CASE WHEN g.china_member THEN NULL ELSE 100 * g.china / g.total END AS china_share_pct,
       CASE WHEN g.russia_member THEN NULL ELSE 100 * g.russia / g.total END AS russia_share_pct,
       -- rest = what is left of the total; rounding noise below 1e-9
       -- points is zero (a negative rest would mean partner rows above the
       -- World total, and is shown as it is).
       round(100 * (g.total - g.intra - CASE WHEN g.china_member THEN 0 ELSE g.china END
                    - CASE WHEN g.russia_member THEN 0 ELSE g.russia END) / g.total, 9) AS rest_share_pct,
       g.total AS total_trade_usd,
       100 * g.mirrored_total / g.total AS mirror_share_pct,
       g.intra AS intra_trade_usd,
       g.china AS china_trade_usd,
       g.russia AS russia_trade_usd,
       g.members_with_data,
       g.members_mirrored,
       nullif($compare, '') AS compare_group,
       100 * c.intra / c.total AS compare_intra_share_pct,
       $basis AS basis,
       $membership AS membership,
       $cif_fob AS cif_fob
FROM g LEFT JOIN c USING (year)
WHERE g.year BETWEEN $from AND $to
ORDER BY g.year;
