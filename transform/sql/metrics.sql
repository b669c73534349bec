-- name: metrics
-- purpose: the figures of docs/metrics.md from the member view: per member
--          and year its total, intra-group, China and Russia trade, the
--          mirrored part and its export concentration; each country's total
--          and the world's exports; per group and year the intra-regional
--          share, intensity and introversion (HII, HEI, RTI).
-- parameters: none (the macros take arguments: ds, grps, basis, cif,
--          membership, flows, min_reporters)

-- Per member and year: total trade (of the flows listed: 'X,M', 'X' or
-- 'M'), trade with the other members, with China and with Russia, the
-- mirrored part of the total, and export concentration (Herfindahl over
-- export partners).
CREATE OR REPLACE TEMP MACRO tp_member_year(ds, grps, basis, cif, membership, flows) AS TABLE
    WITH v AS (
        SELECT * FROM tp_view(ds, grps, basis, cif, membership)
        WHERE list_contains(string_split(flows, ','), flow)
    ), xt AS (
        SELECT grp, year, member, value AS x_total FROM v WHERE is_total AND flow = 'X'
    ), hh AS (
        SELECT v.grp, v.year, v.member, sum((v.value / xt.x_total) ^ 2) AS export_hhi
        FROM v JOIN xt USING (grp, year, member)
        WHERE NOT v.is_total AND v.flow = 'X' AND xt.x_total > 0
        GROUP BY ALL
    )
    SELECT v.grp, v.year, v.member,
           sum(v.value) FILTER (WHERE v.is_total) AS total,
           coalesce(sum(v.value) FILTER (WHERE v.is_total AND v.mirrored), 0) AS mirrored_total,
           bool_or(v.mirrored) AS any_mirrored,
           coalesce(sum(v.value) FILTER (WHERE NOT v.is_total AND v.partner_is_member), 0) AS intra,
           coalesce(sum(v.value) FILTER (WHERE NOT v.is_total AND v.partner = 'CHN'), 0) AS china,
           coalesce(sum(v.value) FILTER (WHERE NOT v.is_total AND v.partner = 'RUS'), 0) AS russia,
           any_value(hh.export_hhi) AS export_hhi
    FROM v LEFT JOIN hh USING (grp, year, member)
    GROUP BY v.grp, v.year, v.member;

-- Each country's total trade (exports + imports) by year, and the world's
-- exports W, from the same data and basis: own World rows in the reporter
-- view, sums over the flows table otherwise. reporters counts the countries
-- whose totals are known: intensity and introversion need (nearly) all.
CREATE OR REPLACE TEMP MACRO tp_world(ds, basis, cif) AS TABLE
    WITH tot AS (
        SELECT * FROM tp_totals(ds) WHERE basis = 'reporter' AND partner = 'WLD'
    ), flows AS (
        SELECT * FROM tp_flows(ds, basis, cif) WHERE basis <> 'reporter'
    ), country AS (
        SELECT year, reporter AS country, sum(value_usd) AS total,
               sum(value_usd) FILTER (WHERE flow = 'X') AS exports
        FROM tot GROUP BY ALL
        UNION ALL
        SELECT year, country, sum(total), sum(exports) FROM (
            SELECT year, exporter AS country, value AS total, value AS exports FROM flows
            UNION ALL
            SELECT year, importer, value, 0 FROM flows
        ) GROUP BY ALL
    )
    SELECT year, country, total, exports,
           sum(exports) OVER (PARTITION BY year) AS world_exports,
           count(*) OVER (PARTITION BY year) AS reporters
    FROM country;

-- Per group (of a comma-separated list) and year: the figures of
-- docs/metrics.md. Intensity and introversion are NULL where the data does
-- not cover the world (fewer than min_reporters countries with known
-- totals); why_not says so.
CREATE OR REPLACE TEMP MACRO tp_group_year(ds, grps, basis, cif, membership, min_reporters) AS TABLE
    WITH m AS (
        SELECT * FROM tp_member_year(ds, grps, basis, cif, membership, 'X,M')
    ), mem AS (
        SELECT grp, year, count(*) AS members, bool_or(country = 'CHN') AS china_member,
               bool_or(country = 'RUS') AS russia_member
        FROM tp_members(ds, grps, membership) GROUP BY grp, year
    ), w AS (
        SELECT year, any_value(world_exports) AS world, any_value(reporters) AS reporters,
               any_value(total) FILTER (WHERE country = 'CHN') AS china_total,
               any_value(total) FILTER (WHERE country = 'RUS') AS russia_total
        FROM tp_world(ds, basis, cif) GROUP BY year
    ), g AS (
        SELECT grp, year, count(*) FILTER (WHERE total > 0) AS members_with_data,
               count(*) FILTER (WHERE any_mirrored) AS members_mirrored,
               sum(total) AS total, sum(mirrored_total) AS mirrored_total,
               sum(intra) AS intra, sum(china) AS china, sum(russia) AS russia
        FROM m GROUP BY grp, year
    ), f AS (
        SELECT g.*, mem.members, mem.china_member, mem.russia_member,
               w.world, coalesce(w.reporters, 0) AS reporters, w.china_total, w.russia_total,
               coalesce(w.reporters, 0) >= min_reporters AS world_covered
        FROM g JOIN mem USING (grp, year) LEFT JOIN w USING (year)
        WHERE g.total > 0
    ), s AS (
        SELECT f.*,
               intra / total AS s_r,
               -- NULLIF: a degenerate world (no trade outside R, or none of
               -- it with R) leaves a ratio undefined rather than infinite.
               CASE WHEN world_covered THEN intra / total / (total / (2 * world)) END AS intensity,
               CASE WHEN world_covered
                    THEN (intra / total) / nullif((total - intra) / nullif(2 * world - total, 0), 0) END AS hii,
               CASE WHEN world_covered
                    THEN (1 - intra / total) / nullif(1 - (total - intra) / nullif(2 * world - total, 0), 0) END AS hei
        FROM f
    )
    SELECT s.*,
           (hii - hei) / (hii + hei) AS rti,
           CASE WHEN world_covered AND NOT china_member AND china_total > 0
                THEN (china / total) / (china_total / (2 * world)) END AS china_intensity,
           CASE WHEN world_covered AND NOT russia_member AND russia_total > 0
                THEN (russia / total) / (russia_total / (2 * world)) END AS russia_intensity,
           CASE WHEN NOT world_covered
                THEN printf('world trade not covered: %d countries with known totals in %d (at least %d needed); intensity and introversion not computed', reporters, year, min_reporters)
           END AS why_not
    FROM s;
