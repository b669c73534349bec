-- name: partner-shares
-- purpose: the headline split for each member separately: the share of its
--          total trade (or of its exports or imports alone, with --flows) with
--          the other members, China, Russia and the rest, its export
--          concentration, and its top partners.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $top: how many top partners to list per member (default 5)
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
    WHERE year BETWEEN $from AND $to AND total > 0
), p AS (
    SELECT year, member, partner, sum(value) AS value
    FROM tp_view($dataset, $group, $basis, $cif_fob, $fixed_year, yfrom := $from, yto := $to)
    WHERE NOT is_total AND year BETWEEN $from AND $to
      AND list_contains(string_split($flows, ','), flow)
    GROUP BY ALL
), gm AS (
    SELECT year, bool_or(country = 'CHN') AS china_member, bool_or(country = 'RUS') AS russia_member
    FROM tp_members($dataset, $group, $fixed_year, yfrom := $from, yto := $to) GROUP BY year
), ranked AS (
    SELECT p.*, m.total,
           row_number() OVER (PARTITION BY p.year, p.member ORDER BY p.value DESC, p.partner) AS rank
    FROM p JOIN m USING (year, member)
), top AS (
    SELECT year, member,
           string_agg(partner || ' ' || printf('%.1f', 100 * value / total) || '%', '; ' ORDER BY rank) AS top_partners
    FROM ranked WHERE rank <= $top
    GROUP BY ALL
)
SELECT m.year,
       $group AS "group",
       m.member,
       c.name AS member_name,
       tp_shown($partial, m.total_complete AND m.intra_known, 100 * m.intra / m.total) AS intra_share_pct,
       -- China's (Russia's) share is left empty when it is itself a member
       -- that year: its trade is then intra-regional, not counted twice.
       CASE WHEN NOT gm.china_member THEN tp_shown($partial, m.total_complete AND m.china_known, 100 * m.china / m.total) END AS china_share_pct,
       CASE WHEN NOT gm.russia_member THEN tp_shown($partial, m.total_complete AND m.russia_known, 100 * m.russia / m.total) END AS russia_share_pct,
       -- rest: what is left of the total, noise of the sums as 0 (as in
       -- regional-shares).
       tp_shown($partial, m.complete,
                100 * CASE WHEN abs(m.rest) <= 1e-11 * m.total THEN 0 ELSE m.rest END / m.total) AS rest_share_pct,
       m.total AS total_trade_usd,
       tp_shown($partial, m.total_complete, 100 * m.mirrored_total / m.total) AS mirror_share_pct,
       -- Concentration and the top partners need every partner.
       tp_shown($partial, m.total_complete AND m.partners_complete, m.export_hhi) AS export_hhi,
       tp_shown($partial, m.total_complete AND m.partners_complete, top.top_partners) AS top_partners,
       m.complete AND m.partners_complete AS complete,
       CASE WHEN m.complete AND m.partners_complete THEN ''
            ELSE concat_ws('; ', m.reasons, CASE WHEN NOT m.partners_complete THEN m.breakdown_reasons END) END AS incomplete_reason
FROM (SELECT m.*, m.total - m.intra - CASE WHEN gm.china_member THEN 0 ELSE m.china END
                             - CASE WHEN gm.russia_member THEN 0 ELSE m.russia END AS rest
      FROM m JOIN gm USING (year)) m
JOIN gm USING (year)
LEFT JOIN top USING (year, member)
LEFT JOIN countries c ON c.code = m.member
ORDER BY m.year, m.member;
