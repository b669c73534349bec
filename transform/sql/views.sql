-- name: views
-- purpose: the building blocks every report shares, as temporary table
--          macros created on the report's connection: USD conversion, the
--          total rows, group membership by year, and the member view (each
--          member's trade by partner and flow under a basis, with mirror
--          fill). The formulas are those of docs/metrics.md.
-- parameters: none (the macros take arguments)

-- One exchange rate per currency and period: local units per US dollar.
-- Where several datasets give one, the first dataset by name wins.
CREATE OR REPLACE TEMP MACRO tp_rates() AS TABLE
    SELECT currency, freq, year, month,
           arg_min(per_usd, dataset) AS per_usd,
           min(dataset) AS fx_dataset
    FROM fx_rates
    WHERE freq IN ('A', 'M') AND currency <> ''
    GROUP BY currency, freq, year, month;

-- Every trade row of a dataset with its value in USD and the rate used:
-- monthly rows take the monthly rate where there is one, else the annual
-- average; annual rows the annual average. No rate: value_usd is NULL
-- (counted and named by the reports, never dropped or guessed). The joins
-- are on equal columns only (a USD row's match, if any, is ignored by the
-- CASE), so that DuckDB hashes them rather than loop over the rows.
CREATE OR REPLACE TEMP MACRO tp_usd(ds) AS TABLE
    SELECT t.*,
           CASE WHEN t.currency = 'USD' THEN 1.0 ELSE coalesce(m.per_usd, a.per_usd) END AS rate_used,
           t.value / (CASE WHEN t.currency = 'USD' THEN 1.0 ELSE coalesce(m.per_usd, a.per_usd) END) AS value_usd
    FROM trade t
    LEFT JOIN (SELECT * FROM tp_rates() WHERE freq = 'M') m
        ON m.freq = t.freq AND m.currency = t.currency AND m.year = t.year AND m.month = t.month
    LEFT JOIN (SELECT * FROM tp_rates() WHERE freq = 'A') a
        ON a.currency = t.currency AND a.year = t.year
    WHERE t.dataset = ds;

-- Values that could not be converted, by currency and period. USD values
-- never need a rate: saying so lets DuckDB skip their rows by slice.
CREATE OR REPLACE TEMP MACRO tp_unconverted(ds) AS TABLE
    SELECT currency, CASE WHEN freq = 'M' THEN printf('%d-%02d', year, month) ELSE year::VARCHAR END AS period,
           count(*) AS rows, sum(value) AS value_local
    FROM tp_usd(ds)
    WHERE currency <> 'USD' AND value_usd IS NULL
    GROUP BY ALL ORDER BY ALL;

-- The total rows of a dataset, in USD, by year, reporter, partner and flow:
-- flows X and M only (re-exports and re-imports kept apart); Comtrade
-- breakdowns dropped (customs C00, transport 0, second partner 0 are the
-- totals); product TOTAL where the reporter gives one for that partner,
-- year and flow, else the sum of its products (never both); annual rows,
-- or the months summed where a reporter has no annual row for the year.
CREATE OR REPLACE TEMP MACRO tp_totals(ds) AS TABLE
    WITH f AS (
        SELECT * FROM tp_usd(ds)
        WHERE flow IN ('X', 'M') AND customs IN ('', 'C00') AND mot IN ('', '0') AND partner2 IN ('', '0')
    ), annual AS (
        SELECT DISTINCT reporter, year, flow FROM f WHERE freq = 'A'
    ), f2 AS (
        SELECT * FROM f WHERE freq = 'A'
        UNION ALL
        SELECT f.* FROM f ANTI JOIN annual USING (reporter, year, flow) WHERE f.freq = 'M'
    ), has_total AS (
        SELECT DISTINCT reporter, partner, year, flow FROM f2 WHERE product = 'TOTAL'
    )
    SELECT f2.year, f2.reporter, f2.partner, f2.flow,
           sum(f2.value_usd) AS value_usd,
           count(*) FILTER (WHERE f2.value_usd IS NULL) AS unconverted
    FROM f2
    LEFT JOIN has_total h USING (reporter, partner, year, flow)
    WHERE f2.product = 'TOTAL' OR h.reporter IS NULL
    GROUP BY ALL;

-- Members of the groups (a comma-separated list) in each year of a dataset: as-of (a member on 31
-- December of the year) or fixed (today's members for every year).
CREATE OR REPLACE TEMP MACRO tp_members(ds, grps, membership) AS TABLE
    SELECT y.year, g.group_name AS grp, g.country
    FROM (SELECT DISTINCT year FROM trade WHERE dataset = ds) y
    JOIN group_membership g ON list_contains(string_split(grps, ','), g.group_name)
    WHERE CASE WHEN membership = 'fixed'
               THEN g.valid_from <= current_date AND (g.valid_to IS NULL OR g.valid_to >= current_date)
               ELSE g.valid_from <= make_date(y.year, 12, 31)
                    AND (g.valid_to IS NULL OR g.valid_to >= make_date(y.year, 12, 31)) END;

-- Ordered-pair flows (year, exporter, importer, value FOB in USD):
-- basis 'flow' reads a flow table (BACI: reporter = exporter, flow X);
-- 'importer-first', 'exporter-first' and 'average' build one from
-- reporter-based data with x the exporter's report and m the importer's.
CREATE OR REPLACE TEMP MACRO tp_flows(ds, basis, cif) AS TABLE
    WITH tot AS (
        SELECT * FROM tp_totals(ds) WHERE partner <> 'WLD' AND reporter <> partner
    ), x AS (
        SELECT year, reporter AS e, partner AS i, value_usd AS x FROM tot WHERE flow = 'X'
    ), m AS (
        SELECT year, partner AS e, reporter AS i, value_usd / cif AS m FROM tot WHERE flow = 'M'
    )
    SELECT year, e AS exporter, i AS importer, x AS value, 'reconciled' AS provenance
    FROM x WHERE basis = 'flow'
    UNION ALL
    SELECT year, e AS exporter, i AS importer,
           CASE basis
               WHEN 'importer-first' THEN coalesce(m, x)
               WHEN 'exporter-first' THEN coalesce(x, m)
               ELSE CASE WHEN x IS NOT NULL AND m IS NOT NULL THEN (x + m) / 2 ELSE coalesce(x, m) END
           END AS value,
           CASE
               WHEN x IS NOT NULL AND m IS NOT NULL AND basis = 'average' THEN 'average'
               WHEN m IS NOT NULL AND (basis = 'importer-first' OR x IS NULL) THEN 'importer'
               ELSE 'exporter'
           END AS provenance
    FROM x FULL OUTER JOIN m USING (year, e, i)
    WHERE basis IN ('importer-first', 'exporter-first', 'average');

-- The member view: for each member of the group in each year, its trade by
-- flow (X, M) and partner, and its total (partner 'WLD'), with mirrored
-- marking values that came from partners' reports.
--   basis 'reporter': a member that reported flow F in year t (it has the
--     World row for F, t; or any row, in a dataset with no World rows) speaks
--     for itself; its total is the World row (or the sum of its partner
--     rows). One that did not is mirror-filled: exports to j = j's imports
--     from it / cif, imports from j = j's exports to it * cif, total = the
--     sum of those.
--   other bases: partner values from tp_flows, totals their sums.
CREATE OR REPLACE TEMP MACRO tp_view(ds, grps, basis, cif, membership) AS TABLE
    WITH tot AS (
        SELECT * FROM tp_totals(ds) WHERE basis = 'reporter'
    ), has_world AS (
        SELECT count(*) FILTER (WHERE partner = 'WLD') > 0 AS yes FROM tot
    ), reported AS (
        SELECT DISTINCT year, reporter, flow FROM tot, has_world WHERE partner = 'WLD' OR NOT has_world.yes
    ), mem AS (
        SELECT * FROM tp_members(ds, grps, membership)
    ), own AS (
        SELECT mem.grp, t.year, t.reporter AS member, t.flow, t.partner, t.value_usd AS value, false AS mirrored
        FROM tot t
        JOIN mem ON mem.year = t.year AND mem.country = t.reporter
        JOIN reported r ON r.year = t.year AND r.reporter = t.reporter AND r.flow = t.flow
        WHERE t.partner <> 'WLD' AND t.partner <> t.reporter
    ), own_total AS (
        SELECT mem.grp, t.year, t.reporter AS member, t.flow, 'WLD' AS partner, t.value_usd AS value, false AS mirrored
        FROM tot t, has_world
        JOIN mem ON mem.year = t.year AND mem.country = t.reporter
        WHERE has_world.yes AND t.partner = 'WLD'
        UNION ALL
        SELECT grp, year, member, flow, 'WLD', sum(value), false FROM own, has_world
        WHERE NOT has_world.yes GROUP BY grp, year, member, flow
    ), mirror AS (
        SELECT mem.grp, t.year, t.partner AS member,
               CASE t.flow WHEN 'M' THEN 'X' ELSE 'M' END AS flow,
               t.reporter AS partner,
               CASE t.flow WHEN 'M' THEN t.value_usd / cif ELSE t.value_usd * cif END AS value,
               true AS mirrored
        FROM tot t
        JOIN mem ON mem.year = t.year AND mem.country = t.partner
        ANTI JOIN reported r ON r.year = t.year AND r.reporter = t.partner
                            AND r.flow = CASE t.flow WHEN 'M' THEN 'X' ELSE 'M' END
        WHERE t.partner <> 'WLD' AND t.partner <> t.reporter AND t.reporter <> 'WLD'
    ), mirror_total AS (
        SELECT grp, year, member, flow, 'WLD' AS partner, sum(value) AS value, true AS mirrored
        FROM mirror GROUP BY grp, year, member, flow
    ), flows AS (
        SELECT * FROM tp_flows(ds, basis, cif) WHERE basis <> 'reporter'
    ), flow_partner AS (
        SELECT mem.grp, f.year, f.exporter AS member, 'X' AS flow, f.importer AS partner, f.value, false AS mirrored
        FROM flows f JOIN mem ON mem.year = f.year AND mem.country = f.exporter
        UNION ALL
        SELECT mem.grp, f.year, f.importer AS member, 'M' AS flow, f.exporter AS partner, f.value, false AS mirrored
        FROM flows f JOIN mem ON mem.year = f.year AND mem.country = f.importer
    ), flow_total AS (
        SELECT grp, year, member, flow, 'WLD' AS partner, sum(value) AS value, false AS mirrored
        FROM flow_partner GROUP BY grp, year, member, flow
    ), allrows AS (
        SELECT * FROM own UNION ALL SELECT * FROM own_total
        UNION ALL SELECT * FROM mirror UNION ALL SELECT * FROM mirror_total
        UNION ALL SELECT * FROM flow_partner UNION ALL SELECT * FROM flow_total
    )
    SELECT a.grp, a.year, a.member, a.flow, a.partner, a.value, a.mirrored,
           a.partner = 'WLD' AS is_total,
           pm.country IS NOT NULL AS partner_is_member
    FROM allrows a
    LEFT JOIN mem pm ON pm.grp = a.grp AND pm.year = a.year AND pm.country = a.partner AND a.partner <> a.member;

-- Per member and year: total trade (of the flows listed: 'X,M', 'X' or
-- 'M'), trade with the other members, with China and with Russia, the mirrored part of the total, and export
-- concentration (Herfindahl over export partners).
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

-- Per group (of a comma-separated list) and year: the figures of docs/metrics.md. Intensity and
-- introversion are NULL where the data does not cover the world (fewer
-- than min_reporters countries with known totals); why_not says so.
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
