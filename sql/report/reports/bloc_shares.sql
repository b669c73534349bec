-- name: bloc-shares
-- purpose: each member's trade with another group, year by year: the share
--          of its total trade (or of its exports or imports alone, with
--          --flows) that is with the partner group's members as that group
--          stands at the end of the report's last year (the member itself
--          left out), and whether the member belonged to the partner group
--          that year: Kazakhstan's trade with the customs union's other
--          members before and after it joined, beside the members that
--          stayed out.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group whose members are listed
--   $partners: the partner group (default EAEU)
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $membership: as-of or fixed
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $flows: the flows counted: all (exports and imports, bound as X,M), X
--           (exports) or M (imports)
--   $fixed_year: with membership fixed, the year whose members count
--   $world: whether the dataset holds the whole world matrix
--   $min_world_share: the world-trade share a mirror's reporters must cover
--   $min_partner_share: the share of a total its partner rows must reach
--   $partial: omit or show the shares of incomplete figures
WITH bloc AS (
    -- The partner group as it stands on 31 December of the last year: the
    -- same partners in every year, so that before and after compare.
    SELECT list(country ORDER BY country) AS countries
    FROM group_membership
    WHERE group_name = $partners AND valid_from <= make_date($to, 12, 31)
      AND (valid_to IS NULL OR valid_to >= make_date($to, 12, 31))
), m AS (
    SELECT * FROM tp_member_year($dataset, $group, $basis, $cif_fob, $fixed_year, $flows,
                                 $world, $min_world_share, $min_partner_share, yfrom := $from, yto := $to)
    WHERE year BETWEEN $from AND $to AND total > 0
), cov AS (
    -- The share is known where the member's partner rows are complete, or
    -- every partner of the bloc has a row.
    SELECT c.year, c.member,
           bool_and(c.partners_complete OR list_has_all(c.partners, list_filter(b.countries, x -> x <> c.member))) AS known,
           string_agg(CASE WHEN NOT (c.partners_complete OR list_has_all(c.partners, list_filter(b.countries, x -> x <> c.member))) THEN
                          c.member || CASE c.flow WHEN 'X' THEN ' exports ' ELSE ' imports ' END || c.year
                          || ': its partner rows add up to ' || printf('%.0f', coalesce(c.partners_pct, 0))
                          || '% of its total, with no row for '
                          || array_to_string(list_filter(b.countries, x -> x <> c.member AND NOT list_contains(c.partners, x)), ', ') END,
                      '; ' ORDER BY c.flow DESC) AS reasons
    FROM tp_coverage($dataset, $group, $basis, $cif_fob, $fixed_year, $world, $min_world_share, $min_partner_share,
                     yfrom := $from, yto := $to) c, bloc b
    WHERE c.grp = $group AND c.year BETWEEN $from AND $to AND list_contains(string_split($flows, ','), c.flow)
    GROUP BY ALL
), p AS (
    SELECT v.year, v.member, sum(v.value) AS value
    FROM tp_view($dataset, $group, $basis, $cif_fob, $fixed_year, yfrom := $from, yto := $to) v, bloc b
    WHERE NOT v.is_total AND v.year BETWEEN $from AND $to AND v.partner <> v.member
      AND list_contains(b.countries, v.partner) AND list_contains(string_split($flows, ','), v.flow)
    GROUP BY ALL
), inside AS (
    SELECT DISTINCT year, country AS member FROM tp_members($dataset, $partners, NULL, yfrom := $from, yto := $to)
)
SELECT m.year,
       $group AS "group",
       m.member,
       c.name AS member_name,
       $partners AS partners,
       array_to_string(list_filter(b.countries, x -> x <> m.member), ',') AS partner_members,
       i.member IS NOT NULL AS in_partners,
       tp_shown($partial, m.total_complete AND cov.known, 100 * coalesce(p.value, 0) / m.total) AS bloc_share_pct,
       tp_shown($partial, m.total_complete AND cov.known, coalesce(p.value, 0)) AS bloc_trade_usd,
       m.total AS total_trade_usd,
       tp_shown($partial, m.total_complete, 100 * m.mirrored_total / m.total) AS mirror_share_pct,
       $basis AS basis,
       $cif_fob AS cif_fob,
       m.total_complete AND cov.known AS complete,
       CASE WHEN m.total_complete AND cov.known THEN ''
            ELSE concat_ws('; ', CASE WHEN NOT m.total_complete THEN m.reasons END, cov.reasons) END AS incomplete_reason
FROM m
CROSS JOIN bloc b
JOIN cov USING (year, member)
LEFT JOIN p USING (year, member)
LEFT JOIN inside i USING (year, member)
LEFT JOIN countries c ON c.code = m.member
ORDER BY m.year, m.member;
