-- name: metrics
-- purpose: the figures of docs/metrics.md from the member view, each with
--          how complete it is: per member and year its total, intra-group,
--          China and Russia trade, the mirrored part and its export
--          concentration; each country's total and the world's exports; per
--          group and year the intra-regional share, intensity and
--          introversion (HII, HEI, RTI).
-- parameters: none (the macros take arguments: ds, grps, basis, cif,
--          fixed_year, flows, world_matrix, min_world, min_partners, min_reporters;
--          yfrom and yto, the years read, NULL for no bound; years, a list that
--          limits tp_country_totals, NULL for all)

-- Per member and year: total trade (of the flows listed: 'X,M', 'X' or
-- 'M'), trade with the other members, with China and with Russia, the
-- mirrored part of the total, and export concentration (Herfindahl over
-- export partners). total_complete says every flow's total is complete;
-- intra_known, china_known and russia_known that the partner rows behind
-- those figures are there (the breakdown is complete, or the partners have
-- rows); reasons lists what is not, "; "-separated; breakdown_reasons
-- says where the partner rows fall short of the total (what concentration
-- and the top partners need). A member with no data has a row, its total
-- NULL.
CREATE OR REPLACE TEMP MACRO tp_member_year(ds, grps, basis, cif, fixed_year, flows, world_matrix, min_world, min_partners,
                                            yfrom := NULL, yto := NULL) AS TABLE
    WITH cov AS (
        SELECT * FROM tp_coverage(ds, grps, basis, cif, fixed_year, world_matrix, min_world, min_partners,
                                  yfrom := yfrom, yto := yto)
        WHERE list_contains(string_split(flows, ','), flow)
    ), mem AS (
        SELECT * FROM tp_members(ds, grps, fixed_year, yfrom := yfrom, yto := yto)
    ), others AS (
        SELECT m.grp, m.year, m.country AS member, list(o.country ORDER BY o.country) AS others
        FROM mem m JOIN mem o ON o.grp = m.grp AND o.year = m.year AND o.country <> m.country
        GROUP BY ALL
    ), known AS (
        SELECT c.*,
               list_sort(list_filter(list_distinct(coalesce(o.others, []) || ['CHN', 'RUS']),
                                     p -> p <> c.member AND NOT list_contains(c.partners, p))) AS no_row,
               c.partners_complete OR list_has_all(c.partners, coalesce(o.others, [])) AS intra_known,
               c.partners_complete OR c.member = 'CHN' OR list_contains(c.partners, 'CHN') AS china_known,
               c.partners_complete OR c.member = 'RUS' OR list_contains(c.partners, 'RUS') AS russia_known
        FROM cov c LEFT JOIN others o USING (grp, year, member)
    ), y AS (
        SELECT grp, year, member,
               sum(total) AS total,
               coalesce(sum(total) FILTER (WHERE mirrored), 0) AS mirrored_total,
               bool_or(mirrored) AS any_mirrored,
               sum(intra) AS intra, sum(china) AS china, sum(russia) AS russia,
               any_value(hhi) FILTER (WHERE flow = 'X') AS export_hhi,
               bool_and(total_complete) AS total_complete,
               bool_and(intra_known) AS intra_known, bool_and(china_known) AS china_known,
               bool_and(russia_known) AS russia_known, bool_and(partners_complete) AS partners_complete,
               string_agg(reason, '; ' ORDER BY flow DESC) AS total_reasons,
               -- A partner reason only where the total is complete: an
               -- incomplete total already says why its shares are unknown.
               string_agg(CASE WHEN total_complete AND NOT partners_complete AND len(no_row) > 0 THEN
                              member || CASE flow WHEN 'X' THEN ' exports ' ELSE ' imports ' END || year
                              || ': its partner rows add up to ' || printf('%.0f', coalesce(partners_pct, 0))
                              || '% of its total, with no row for ' || array_to_string(no_row, ', ') END,
                          '; ' ORDER BY flow DESC) AS partner_reasons,
               -- what a figure that needs every partner (concentration,
               -- the top partners) lacks
               string_agg(CASE WHEN total_complete AND NOT partners_complete THEN
                              member || CASE flow WHEN 'X' THEN ' exports ' ELSE ' imports ' END || year
                              || ': its partner rows add up to ' || printf('%.0f', coalesce(partners_pct, 0))
                              || '% of its total' END,
                          '; ' ORDER BY flow DESC) AS breakdown_reasons
        FROM known GROUP BY grp, year, member
    )
    SELECT grp, year, member, total, mirrored_total, any_mirrored, intra, china, russia, export_hhi,
           total_complete, intra_known, china_known, russia_known, partners_complete,
           total_complete AND intra_known AND china_known AND russia_known AS complete,
           nullif(concat_ws('; ', total_reasons, partner_reasons), '') AS reasons,
           breakdown_reasons
    FROM y;

-- Each country's total trade (exports + imports) by year and its
-- exports, from the kept totals of a dataset (ds NULL: every dataset) in
-- the years listed (NULL: all), two ways: kind 'reports', the countries'
-- own World rows (what every basis but flow reads), and kind 'pairs', the
-- sums over the pairs of a flow table (tp_flows under basis flow: each
-- exporter's rows, as exporter and as importer). A year's figures depend
-- on every reporter's totals that year: the store keeps them in
-- trade_world, made again for every year a change touches, in the same
-- transaction as trade_bilateral.
CREATE OR REPLACE TEMP MACRO tp_country_totals(ds, years) AS TABLE
    WITH tot AS (
        SELECT * FROM trade_bilateral
        WHERE (ds IS NULL OR dataset = ds) AND (years IS NULL OR list_contains(years, year))
    ), pairs AS (
        SELECT * FROM tot WHERE flow = 'X' AND partner <> 'WLD' AND reporter <> partner
    )
    SELECT dataset, year, 'reports' AS kind, reporter AS country, sum(value_usd) AS total,
           sum(value_usd) FILTER (WHERE flow = 'X') AS exports
    FROM tot WHERE partner = 'WLD' GROUP BY ALL
    UNION ALL
    SELECT dataset, year, 'pairs', country, sum(total), sum(exports) FROM (
        SELECT dataset, year, reporter AS country, value_usd AS total, value_usd AS exports FROM pairs
        UNION ALL
        SELECT dataset, year, partner, value_usd, 0 FROM pairs
    ) GROUP BY ALL;

-- Each country's total trade and exports by year, and the world's
-- exports W, from the same data: own World rows for reporter data (under
-- every basis but flow), sums over the flows table for a flow table (as
-- the store keeps them: trade_world), in the years from yfrom to yto.
-- reporters counts the countries whose totals are known: intensity and
-- introversion need (nearly) all.
CREATE OR REPLACE TEMP MACRO tp_world(ds, basis, yfrom := NULL, yto := NULL) AS TABLE
    SELECT year, country, total, exports,
           sum(exports) OVER (PARTITION BY year) AS world_exports,
           count(*) OVER (PARTITION BY year) AS reporters
    FROM trade_world
    WHERE dataset = ds AND kind = CASE WHEN basis = 'flow' THEN 'pairs' ELSE 'reports' END
      AND tp_in_years(year, yfrom, yto);

-- Per group (of a comma-separated list) and year: the figures of
-- docs/metrics.md, with the completeness of the members' figures behind
-- them (complete only if every member's are; reasons lists every member's
-- reasons). flows is the trade counted, as in tp_member_year: 'X,M'
-- (exports and imports), 'X' or 'M' (the export-only or import-only
-- shares). Intensity and introversion are NULL where the data does not
-- cover the world (fewer than min_reporters countries with known totals),
-- and for one flow alone (their formulas are of exports plus imports);
-- why_not says so.
--
-- The rows have member NULL. With members true, each member's own rows
-- from tp_member_year (member set) follow its group's, with the world's
-- figures of the year beside them (world, reporters, china_total,
-- russia_total, why_not, china_member, russia_member): a report that
-- shows both, as intensity does, plans the member figures once.
CREATE OR REPLACE TEMP MACRO tp_group_member_year(ds, grps, basis, cif, fixed_year, flows, world_matrix, min_world, min_partners,
                                                  min_reporters, members, yfrom := NULL, yto := NULL) AS TABLE
    WITH m AS MATERIALIZED (
        SELECT * FROM tp_member_year(ds, grps, basis, cif, fixed_year, flows, world_matrix, min_world, min_partners,
                                     yfrom := yfrom, yto := yto)
    ), mem AS (
        SELECT grp, year, count(*) AS members, bool_or(country = 'CHN') AS china_member,
               bool_or(country = 'RUS') AS russia_member
        FROM tp_members(ds, grps, fixed_year, yfrom := yfrom, yto := yto) GROUP BY grp, year
    ), w AS (
        SELECT year, any_value(world_exports) AS world, any_value(reporters) AS reporters,
               any_value(total) FILTER (WHERE country = 'CHN') AS china_total,
               any_value(total) FILTER (WHERE country = 'RUS') AS russia_total
        FROM tp_world(ds, basis, yfrom := yfrom, yto := yto) GROUP BY year
    ), g AS (
        SELECT grp, year, count(*) FILTER (WHERE total > 0) AS members_with_data,
               count(*) FILTER (WHERE any_mirrored) AS members_mirrored,
               sum(total) AS total, sum(mirrored_total) AS mirrored_total,
               sum(intra) AS intra, sum(china) AS china, sum(russia) AS russia,
               bool_and(total_complete) AS total_complete, bool_and(intra_known) AS intra_known,
               bool_and(china_known) AS china_known, bool_and(russia_known) AS russia_known,
               string_agg(reasons, '; ' ORDER BY member) AS reasons
        FROM m GROUP BY grp, year
    ), f AS (
        SELECT g.*, mem.members, mem.china_member, mem.russia_member,
               w.world, coalesce(w.reporters, 0) AS reporters, w.china_total, w.russia_total,
               coalesce(w.reporters, 0) >= min_reporters AS world_covered,
               list_sort(string_split(flows, ',')) = ['M', 'X'] AS both_flows
        FROM g JOIN mem USING (grp, year) LEFT JOIN w USING (year)
        WHERE g.total > 0
    ), s AS (
        SELECT f.*,
               intra / total AS s_r,
               -- NULLIF: a degenerate world (no trade outside R, or none of
               -- it with R) leaves a ratio undefined rather than infinite.
               CASE WHEN world_covered AND both_flows THEN intra / total / (total / (2 * world)) END AS intensity,
               CASE WHEN world_covered AND both_flows
                    THEN (intra / total) / nullif((total - intra) / nullif(2 * world - total, 0), 0) END AS hii,
               CASE WHEN world_covered AND both_flows
                    THEN (1 - intra / total) / nullif(1 - (total - intra) / nullif(2 * world - total, 0), 0) END AS hei
        FROM f
    ), gy AS (
        SELECT s.*,
               total_complete AND (china_member OR china_known) AND (russia_member OR russia_known) AND intra_known AS complete,
               (hii - hei) / (hii + hei) AS rti,
               CASE WHEN world_covered AND both_flows AND NOT china_member AND china_total > 0
                    THEN (china / total) / (china_total / (2 * world)) END AS china_intensity,
               CASE WHEN world_covered AND both_flows AND NOT russia_member AND russia_total > 0
                    THEN (russia / total) / (russia_total / (2 * world)) END AS russia_intensity,
               CASE WHEN NOT world_covered
                    THEN printf('world trade not covered: %d countries with known totals in %d (at least %d needed); intensity and introversion not computed', reporters, year, min_reporters)
                    WHEN NOT both_flows
                    THEN printf('%s alone: intensity and introversion are of exports plus imports; not computed', CASE flows WHEN 'X' THEN 'exports' ELSE 'imports' END)
               END AS why_not
        FROM s
    )
    SELECT NULL::VARCHAR AS member, * FROM gy
    UNION ALL BY NAME
    SELECT m.*, gy.world, gy.reporters, gy.china_total, gy.russia_total, gy.why_not, gy.china_member, gy.russia_member
    FROM m JOIN gy USING (grp, year)
    WHERE members;

-- The group rows of tp_group_member_year: per group and year, the
-- figures, as regional-shares and group-compare read them.
CREATE OR REPLACE TEMP MACRO tp_group_year(ds, grps, basis, cif, fixed_year, flows, world_matrix, min_world, min_partners, min_reporters,
                                           yfrom := NULL, yto := NULL) AS TABLE
    SELECT * EXCLUDE (member, any_mirrored, export_hhi, partners_complete, breakdown_reasons)
    FROM tp_group_member_year(ds, grps, basis, cif, fixed_year, flows, world_matrix, min_world, min_partners, min_reporters, false,
                              yfrom := yfrom, yto := yto)
    WHERE member IS NULL;
