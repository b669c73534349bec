-- name: regional-shares
-- purpose: the headline. Per year, the share of the group's total goods
--          trade (exports + imports) that is with its own members, with China,
--          with Russia and with the rest, the share of the total that came
--          from mirrored totals, and a comparison group's intra share beside.
-- parameters:
--   The defaults written here are those of every report that takes the
--   parameter: the command line, the config's report steps and the
--   pipeline read them from this header (report.Defaults).
--   $dataset: the dataset to read (none: the only one loaded)
--   $group: the group (default C5)
--   $compare: the comparison groups, comma separated; regional-shares
--             shows the first one's intra share beside, and none shows
--             none ('' once bound) (default ASEAN)
--   $from: first year (default 1900)
--   $to: last year (default 2100)
--   $basis: reporter, flow, importer-first, exporter-first or average
--           (default reporter; flow for a flow table such as BACI)
--   $membership: as-of (the members on 31 December of each year) or fixed
--                (default as-of)
--   $cif_fob: the CIF/FOB factor used for mirror values (default 1.06)
--   $min_reporters: countries with known totals needed for world figures
--                   (default 100)
--   $flows: the flows counted: all (exports and imports, bound as X,M), X
--           (exports alone) or M (imports alone) (default all)
--   $fixed_year: with membership fixed, the year whose members count in
--                every year (the last year of the report); NULL for as-of
--   $world: whether the dataset holds the whole world matrix (a flow table
--           such as BACI, or declared so with --coverage world)
--   $min_world_share: the share of world trade, per cent, that a mirror's
--                     reporters must cover for it to be complete (default 90)
--   $min_partner_share: the share of a total, per cent, its partner rows
--                       must add up to before a partner with no row counts
--                       as zero (default 95)
--   $partial: omit (a share whose figures are incomplete is left empty) or
--             show (it is filled; complete says it is not) (default omit)
WITH gy AS (
    SELECT * FROM tp_group_year($dataset, $group || ',' || split_part($compare, ',', 1), $basis, $cif_fob, $fixed_year,
                                $flows, $world, $min_world_share, $min_partner_share, $min_reporters,
                                yfrom := $from, yto := $to)
), g AS (
    -- rest: what is left of the total once the members, China and Russia
    -- (where they are not members) are taken out.
    SELECT *, total - intra - CASE WHEN china_member THEN 0 ELSE china END
                            - CASE WHEN russia_member THEN 0 ELSE russia END AS rest
    FROM gy WHERE grp = $group
), c AS (
    SELECT * FROM gy WHERE grp = split_part($compare, ',', 1)
)
SELECT g.year,
       $group AS "group",
       g.members,
       tp_shown($partial, g.total_complete AND g.intra_known, 100 * g.intra / g.total) AS intra_share_pct,
       CASE WHEN NOT g.china_member THEN tp_shown($partial, g.total_complete AND g.china_known, 100 * g.china / g.total) END AS china_share_pct,
       CASE WHEN NOT g.russia_member THEN tp_shown($partial, g.total_complete AND g.russia_known, 100 * g.russia / g.total) END AS russia_share_pct,
       -- rest = what is left of the total, in full precision. Summing
       -- doubles leaves noise of about 1e-16 of a sum per row summed: a
       -- residual within 1e-11 of the total (a share of 1e-9 points) is
       -- that noise where the partner rows add up to the total, and
       -- shown as 0. A negative rest would mean partner rows
       -- above the World total, and is shown as it is.
       tp_shown($partial, g.complete, 100 * CASE WHEN abs(g.rest) <= 1e-11 * g.total THEN 0 ELSE g.rest END / g.total) AS rest_share_pct,
       g.total AS total_trade_usd,
       tp_shown($partial, g.total_complete, 100 * g.mirrored_total / g.total) AS mirror_share_pct,
       g.intra AS intra_trade_usd,
       g.china AS china_trade_usd,
       g.russia AS russia_trade_usd,
       g.members_with_data,
       g.members_mirrored,
       nullif(split_part($compare, ',', 1), '') AS compare_group,
       tp_shown($partial, c.total_complete AND c.intra_known, 100 * c.intra / c.total) AS compare_intra_share_pct,
       $basis AS basis,
       $membership AS membership,
       $cif_fob AS cif_fob,
       g.complete AND coalesce(c.total_complete AND c.intra_known, true) AS complete,
       CASE WHEN g.complete AND coalesce(c.total_complete AND c.intra_known, true) THEN ''
            ELSE concat_ws('; ', g.reasons, CASE WHEN NOT (c.total_complete AND c.intra_known) THEN c.reasons END) END AS incomplete_reason
FROM g LEFT JOIN c USING (year)
WHERE g.year BETWEEN $from AND $to
ORDER BY g.year;
