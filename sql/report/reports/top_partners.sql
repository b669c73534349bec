-- name: top-partners
-- purpose: the group's largest partners outside it, year by year: each
--          country's share of the group's total trade (or of its exports or
--          imports alone, with --flows) and its rank, the top ones
--          (--top) per year. A ranking needs every member's partners: a
--          year where a member's partner rows fall short of its total, or a
--          total is incomplete, is not complete.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $top: how many partners to list per year
--   $flows: the flows counted: all (exports and imports, bound as X,M), X
--           (exports) or M (imports)
--   $fixed_year: with membership fixed, the year whose members count
--   $world: whether the dataset holds the whole world matrix
--   $min_world_share: the world-trade share a mirror's reporters must cover
--   $min_partner_share: the share of a total its partner rows must reach
--   $partial: omit or show the shares of incomplete figures
WITH m AS (
    SELECT * FROM tp_member_year($dataset, $group, $basis, $cif_fob, $fixed_year, $flows,
                                 $world, $min_world_share, $min_partner_share, yfrom := $from, yto := $to)
    WHERE year BETWEEN $from AND $to
), g AS (
    SELECT year, sum(total) AS total,
           bool_and(coalesce(total_complete AND partners_complete, false)) AS complete,
           string_agg(CASE WHEN NOT total_complete THEN reasons
                           WHEN NOT partners_complete THEN breakdown_reasons END, '; ' ORDER BY member) AS reasons
    FROM m GROUP BY year HAVING sum(total) > 0
), p AS (
    -- Countries only (former ones included): not World, areas nes or
    -- regions, and not the group's own members.
    SELECT v.year, v.partner, sum(v.value) AS value
    FROM tp_view($dataset, $group, $basis, $cif_fob, $fixed_year, yfrom := $from, yto := $to) v
    JOIN countries k ON k.code = v.partner AND k.kind IN ('country', 'former')
    WHERE NOT v.is_total AND NOT v.partner_is_member AND v.partner <> v.member
      AND v.year BETWEEN $from AND $to AND list_contains(string_split($flows, ','), v.flow)
    GROUP BY ALL
), ranked AS (
    SELECT p.*, row_number() OVER (PARTITION BY p.year ORDER BY p.value DESC, p.partner) AS rank
    FROM p
)
SELECT r.year,
       $group AS "group",
       r.rank,
       r.partner,
       k.name AS partner_name,
       tp_shown($partial, g.complete, 100 * r.value / g.total) AS share_pct,
       r.value AS trade_usd,
       g.total AS total_trade_usd,
       $basis AS basis,
       g.complete AS complete,
       CASE WHEN g.complete THEN '' ELSE coalesce(g.reasons, '') END AS incomplete_reason
FROM ranked r
JOIN g USING (year)
LEFT JOIN countries k ON k.code = r.partner
WHERE r.rank <= $top
ORDER BY r.year, r.rank;
