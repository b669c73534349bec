-- name: coverage
-- purpose: how complete each figure is. For every member of the groups, year
--          and flow: where its total comes from (reported, partner-sum,
--          mirror, estimate, missing), whether that total is complete,
--          whether its partner rows are (so that a partner with no row is a
--          true zero), why not, and what to load to complete it.
-- parameters: none (the macros take arguments: ds, grps, basis, cif,
--          fixed_year; world_matrix, whether the dataset holds the whole world
--          matrix; min_world, the share of world trade (per cent) a mirror's
--          reporters must cover; min_partners, the share of a total (per cent)
--          its partner rows must add up to; yfrom and yto, the years read,
--          NULL for no bound)

-- The rule for every share a report shows: with partial 'omit' (the
-- default) a share whose total is incomplete, or whose partners are not
-- known, is empty (NULL); with 'show' it is computed all the same, and the
-- report's complete column says it is not.
CREATE OR REPLACE TEMP MACRO tp_shown(partial, ok, v) AS CASE WHEN partial = 'show' OR ok THEN v END;

-- The share of world merchandise trade (exports + imports, from the
-- reference table world_trade) that a dataset's reporters account for,
-- each year, by their own totals.
CREATE OR REPLACE TEMP MACRO tp_reporter_share(ds, yfrom := NULL, yto := NULL) AS TABLE
    WITH own AS (
        SELECT year, reporter, sum(total) AS trade FROM tp_own(ds, yfrom := yfrom, yto := yto)
        WHERE reporter <> 'WLD' GROUP BY ALL
    )
    SELECT o.year, count(*) AS reporters, sum(o.trade) AS trade,
           100 * sum(o.trade) / any_value(w.exports_usd + w.imports_usd) AS world_share_pct
    FROM own o LEFT JOIN world_trade w USING (year)
    GROUP BY o.year;

-- Per member, year and flow: the figures every report is built from
-- (total, its mirrored part, trade with the other members, China and
-- Russia, export concentration as the sum of squared partner shares) and
-- how complete they are. A reported (or estimated) total is complete when
-- the year is whole (12 months where built from months); a partner-sum
-- only in a world matrix; a mirror when the dataset is a world matrix or
-- its reporters cover min_world per cent of world trade that year. The
-- partner rows are complete when they add up to min_partners per cent of
-- the total, or the total is their own sum (partner-sum, mirror), or the
-- dataset is a world matrix. reason is empty when both are complete;
-- partners lists the partners that have a row.
CREATE OR REPLACE TEMP MACRO tp_coverage(ds, grps, basis, cif, fixed_year, world_matrix, min_world, min_partners,
                                         yfrom := NULL, yto := NULL) AS TABLE
    WITH v AS (
        SELECT * FROM tp_view(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto)
    ), grid AS (
        SELECT m.grp, m.year, m.country AS member, f.flow
        FROM tp_members(ds, grps, fixed_year, yfrom := yfrom, yto := yto) m, (VALUES ('X'), ('M')) f(flow)
    ), tot AS (
        SELECT grp, year, member, flow, value AS total, source, mirrored, months, reporters FROM v WHERE is_total
    ), parts AS (
        SELECT grp, year, member, flow, sum(value) AS partners_value, list(DISTINCT partner) AS partners,
               coalesce(sum(value) FILTER (WHERE partner_is_member), 0) AS intra,
               coalesce(sum(value) FILTER (WHERE partner = 'CHN'), 0) AS china,
               coalesce(sum(value) FILTER (WHERE partner = 'RUS'), 0) AS russia
        FROM v WHERE NOT is_total GROUP BY ALL
    ), shares AS (
        SELECT v.grp, v.year, v.member, v.flow, sum((v.value / t.total) ^ 2) AS hhi
        FROM v JOIN tot t USING (grp, year, member, flow)
        WHERE NOT v.is_total AND t.total > 0
        GROUP BY ALL
    ), c AS (
        SELECT g.grp, g.year, g.member, g.flow,
               coalesce(t.source, 'missing') AS source, t.total, coalesce(t.mirrored, false) AS mirrored,
               t.months, t.reporters,
               p.partners_value, coalesce(p.partners, []) AS partners,
               coalesce(p.intra, 0) AS intra, coalesce(p.china, 0) AS china, coalesce(p.russia, 0) AS russia, sh.hhi,
               s.reporters AS dataset_reporters, s.world_share_pct,
               g.member || CASE g.flow WHEN 'X' THEN ' exports ' ELSE ' imports ' END || g.year AS what
        FROM grid g
        LEFT JOIN tot t USING (grp, year, member, flow)
        LEFT JOIN parts p USING (grp, year, member, flow)
        LEFT JOIN shares sh USING (grp, year, member, flow)
        -- (a flow table has no mirrors, whose completeness this is for)
        LEFT JOIN (SELECT * FROM tp_reporter_share(ds, yfrom := yfrom, yto := yto) WHERE basis <> 'flow') s
            ON s.year = g.year
    ), k AS (
        SELECT *,
               total IS NOT NULL AND coalesce(months, 12) >= 12 AND CASE source
                   WHEN 'reported' THEN true
                   WHEN 'estimate' THEN true
                   WHEN 'partner-sum' THEN world_matrix
                   WHEN 'mirror' THEN world_matrix OR coalesce(world_share_pct >= min_world, false)
                   ELSE false END AS total_complete,
               CASE WHEN total > 0 THEN 100 * coalesce(partners_value, 0) / total END AS partners_pct
        FROM c
    )
    SELECT grp, year, member, flow, source, total, mirrored, intra, china, russia, hhi, total_complete, months,
           CASE WHEN source = 'mirror' THEN reporters END AS reporters,
           CASE WHEN source = 'mirror' THEN world_share_pct END AS world_share_pct,
           partners_pct, partners,
           world_matrix OR source IN ('partner-sum', 'mirror') OR coalesce(partners_pct >= min_partners, false) AS partners_complete,
           CASE
               WHEN source = 'missing' THEN what || ': no data (neither it nor a partner reports it)'
               WHEN total IS NULL THEN what || ': values without an exchange rate'
               WHEN coalesce(months, 12) < 12 THEN what || ': ' || months || ' of 12 months'
               WHEN source = 'partner-sum' AND NOT world_matrix
                   THEN what || ': no World row; the sum of ' || len(partners) || ' partner rows, and the dataset is not a world matrix'
               WHEN source = 'mirror' AND NOT total_complete THEN what || ': mirror from ' || reporters || CASE reporters WHEN 1 THEN ' reporter' ELSE ' reporters' END
                   || CASE WHEN world_share_pct IS NULL THEN ', and world trade in ' || year || ' is not in the reference table'
                           ELSE ', and the dataset''s ' || dataset_reporters || ' reporters cover ' || printf('%.0f', world_share_pct)
                                || '% of world trade (' || printf('%g', min_world::DOUBLE) || '% needed)' END
           END AS reason,
           CASE
               WHEN source = 'missing' OR source = 'mirror' AND NOT total_complete
                   THEN 'Comtrade+ partner=' || coalesce(cc.code, member) || ', all reporters, ' || year
                        || '; or an IMF direction-of-trade file for ' || member
               WHEN total IS NULL THEN 'an exchange-rate file for ' || year
               WHEN coalesce(months, 12) < 12 THEN 'the other ' || (12 - months) || ' months of ' || year || ', or an annual file'
               WHEN source = 'partner-sum' AND NOT world_matrix
                   THEN 'Comtrade+ reporter=' || coalesce(cc.code, member) || ', partner=0 (World), ' || year
               WHEN NOT (world_matrix OR source IN ('partner-sum', 'mirror') OR coalesce(partners_pct >= min_partners, false))
                   THEN 'Comtrade+ reporter=' || coalesce(cc.code, member) || ', all partners, ' || year
           END AS to_complete
    FROM k
    LEFT JOIN (SELECT country, min(code::INTEGER)::VARCHAR AS code FROM country_codes
               WHERE scheme = 'comtrade' GROUP BY country) cc ON cc.country = k.member;
