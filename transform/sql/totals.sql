-- name: totals
-- purpose: one total per reporter, partner, flow and year, in USD, counted
--          once: goods only, one classification per reporter, year and
--          flow, one product level, annual where the reporter gives annual
--          rows, with how many months a year built from months holds: made by
--          tp_bilateral from the sums the store keeps of every file's rows
--          (trade_sums), and kept by the store in trade_bilateral.
-- parameters: none (the macros take arguments: ds, the dataset; years and
--          reporters, lists that limit tp_bilateral, NULL for all; yfrom
--          and yto, the first and last year tp_totals reads, NULL for no
--          bound)

-- Services are the rows the reader marked so (trade_type services:
-- Comtrade+'s typeCode S) and the rows of an EBOPS classification (EB02,
-- EB10, EB10S: Comtrade+'s services downloads), whatever their product
-- code: kept, and counted apart by status, but never goods.
CREATE OR REPLACE TEMP MACRO tp_is_services(trade_type, classification) AS
    trade_type = 'services' OR classification LIKE 'EB%';

-- The slices of a dataset's rows that are totals of their kind (trade_slices:
-- what a file's rows share), each with g, the group its sums are added in:
-- one per file, freq, flow, classification and currency (a publisher's
-- estimates, and customs '' and C00, fall in one group with the rest), and
-- how many slices the group holds. Flows X and M only (re-exports and
-- re-imports kept apart); Comtrade's breakdowns dropped (customs C00,
-- transport 0, second partner 0 are the totals); services never counted as
-- goods.
CREATE OR REPLACE TEMP MACRO tp_goods_slices(ds) AS TABLE
    SELECT *, count(*) OVER (PARTITION BY g) AS slices FROM (
        SELECT slice_id, file_id, freq, flow, classification, currency, is_estimate,
               dense_rank() OVER (ORDER BY file_id, freq, flow, classification, currency) AS g
        FROM trade_slices
        WHERE dataset = ds AND flow IN ('X', 'M') AND customs IN ('', 'C00') AND mot IN ('', '0') AND partner2 IN ('', '0')
          AND NOT tp_is_services(trade_type, classification)
    );

-- The totals: one per reporter, partner, flow and year, in USD. For each
-- reporter, year and flow one classification is used, ranked: first the
-- one with a World TOTAL row, then HS before SITC before anything else,
-- then the newest revision (H6 2022 ... H0 1988/92, HS17 = 2017; SITC S4
-- 2006 ... S1 1961), then by name; the others are set aside, never added
-- (set_aside names them: "S4", "H4, S3"; '' for none). Of it, the annual
-- rows, or the months summed where the reporter has no annual row for the
-- year and flow (months says how many it has: a year is whole with 12).
-- For each partner the product TOTAL where there is one, else the
-- products of the coarsest level present, never two levels added (level
-- is the one used). A value converts at the rate of its currency and
-- period (tp_period_rates) after its group's sum is made; unconverted
-- counts the rows summed that have no rate; estimated those the publisher
-- estimated (is_estimate: IMF DOTS's "e" figures). Each total depends only
-- on the reporter's rows for its year, so the store makes again those of
-- the years and reporters (lists, NULL for all) a load touched.
--
-- The sums (trade_sums, one per file's slice, period, reporter code,
-- partner code and product level) are read on integer keys: countries by
-- country_id, the rest by g. Most reporters' totals are their sums as they
-- are: one group and one period for the year and flow, one product level,
-- a slice alone in its group and each country under one code in it (a WITS
-- file of bilateral totals, a BACI year; not IMF DOTS, whose estimates are
-- a slice of their own). Those sums go straight through
-- ("direct"); only the others are summed by group, by level and to the
-- coarsest level, each of which, over a WITS file's 2.5 million totals,
-- was an aggregation of a second or more.
CREATE OR REPLACE TEMP MACRO tp_bilateral(ds, years, reporters) AS TABLE
    WITH sl AS (
        SELECT * FROM tp_goods_slices(ds)
    ), gk AS (
        SELECT DISTINCT g, file_id, freq, flow, classification, currency, slices FROM sl
    ), cc AS (
        SELECT code_id, country_id, (reporters IS NULL OR list_contains(reporters, country)) AS wanted
        FROM trade_codes
    ), raw AS (
        SELECT sl.g, u.year, u.month, r.country_id AS rc, p.country_id AS pc, u.level, u.value, u.rows,
               CASE WHEN sl.is_estimate THEN u.rows ELSE 0 END AS estimated,
               u.reporter AS reporter_code, u.partner AS partner_code
        FROM trade_sums u
        JOIN sl USING (slice_id)
        JOIN cc r ON r.code_id = u.reporter
        JOIN cc p ON p.code_id = u.partner
        WHERE r.wanted AND (years IS NULL OR list_contains(years, u.year))
    ), gs AS (
        -- What each reporter's year holds: its groups, periods and levels.
        SELECT rc, year, g, month, level,
               bool_or(coalesce(pc = (SELECT min(country_id) FROM trade_codes WHERE country = 'WLD'), false)
                       AND level = 0) AS world_total,
               count(DISTINCT reporter_code) = 1 AS one_code
        FROM raw GROUP BY ALL
    ), partners AS (
        -- Whether each partner comes under one code in a group.
        SELECT g, pc, count(DISTINCT partner_code) = 1 AS one_code FROM raw GROUP BY ALL
    ), c AS (
        SELECT rc, year, flow, classification,
               bool_or(world_total) AS world_total,
               bool_or(freq = 'A') AS annual,
               count(DISTINCT month) FILTER (WHERE freq = 'M') AS months
        FROM gs JOIN gk USING (g)
        GROUP BY ALL
    ), ranked AS (
        SELECT rc, year, flow, classification, annual, months,
               row_number() OVER (PARTITION BY rc, year, flow ORDER BY world_total DESC,
                   CASE WHEN classification LIKE 'H%' THEN 0 WHEN classification LIKE 'S%' THEN 1 ELSE 2 END,
                   CASE WHEN regexp_full_match(classification, 'H[0-6]')
                            THEN [1992, 1996, 2002, 2007, 2012, 2017, 2022][right(classification, 1)::INTEGER + 1]
                        WHEN regexp_full_match(classification, 'HS[0-9][0-9]')
                            THEN CASE WHEN right(classification, 2)::INTEGER > 50 THEN 1900 ELSE 2000 END + right(classification, 2)::INTEGER
                        WHEN regexp_full_match(classification, 'S[1-4]')
                            THEN [1961, 1975, 1988, 2006][right(classification, 1)::INTEGER]
                        ELSE 0 END DESC,
                   classification) AS rank
        FROM c
    ), aside AS (
        SELECT rc, year, flow,
               coalesce(string_agg(CASE WHEN classification = '' THEN '(none)' ELSE classification END, ', ' ORDER BY rank)
                            FILTER (WHERE rank > 1), '') AS set_aside
        FROM ranked GROUP BY ALL
    ), used AS (
        -- The groups each reporter's year and flow takes its totals from.
        SELECT DISTINCT gs.rc, gs.year, gs.g, k.flow, k.classification,
               CASE WHEN k.annual THEN 12 ELSE k.months END AS months
        FROM gs JOIN gk USING (g)
        JOIN ranked k ON k.rc = gs.rc AND k.year = gs.year AND k.flow = gk.flow AND k.classification = gk.classification
        WHERE k.rank = 1 AND (k.annual AND gk.freq = 'A' OR NOT k.annual AND gk.freq = 'M')
    ), shape AS (
        -- Whether a reporter's year and flow has one sum for each partner: one
        -- group, one period and one level, a slice alone in its group,
        -- the reporter under one code.
        SELECT u.rc, u.year, u.flow,
               count(DISTINCT (gs.g, gs.month)) = 1 AND count(DISTINCT gs.level) = 1
               AND bool_and(gk.slices = 1 AND gs.one_code) AS single
        FROM used u JOIN gs USING (rc, year, g) JOIN gk USING (g)
        GROUP BY ALL
    ), rates AS (
        SELECT DISTINCT gs.g, gs.year, gs.month,
               CASE WHEN gk.currency = 'USD' THEN 1.0 ELSE r.per_usd END AS rate
        FROM gs JOIN gk USING (g)
        LEFT JOIN tp_period_rates() r
            ON r.currency = gk.currency AND r.freq = gk.freq AND r.year = gs.year AND r.month = gs.month
    ), f AS (
        SELECT raw.*, u.flow, rates.rate, sh.single AND p.one_code AS direct
        FROM raw JOIN used u USING (rc, year, g) JOIN shape sh USING (rc, year, flow) JOIN rates USING (g, year, month)
        JOIN partners p USING (g, pc)
    ), grouped AS (
        SELECT g, year, month, rc, pc, flow, level, rate,
               sum(value) AS value, sum(rows) AS rows, sum(estimated) AS estimated
        FROM f WHERE NOT direct GROUP BY g, year, month, rc, pc, flow, level, rate
    ), levels AS (
        SELECT year, rc, pc, flow, level,
               sum(value / rate) AS value_usd,
               coalesce(sum(rows) FILTER (WHERE value / rate IS NULL), 0) AS unconverted,
               sum(estimated) AS estimated
        FROM grouped GROUP BY ALL
    ), pairs AS (
        -- The coarsest level's sums of each pair: by arg_min in one more
        -- aggregation, where a window over the pairs took longer. A pair
        -- has one sum per level, so the smallest is never a tie.
        SELECT year, rc, pc, flow, k.value_usd, k.unconverted, k.level, k.estimated FROM (
            SELECT year, rc, pc, flow,
                   arg_min({'value_usd': value_usd, 'unconverted': unconverted, 'level': level, 'estimated': estimated}, level) AS k
            FROM levels GROUP BY ALL)
        UNION ALL
        SELECT year, rc, pc, flow, value / rate, CASE WHEN value / rate IS NULL THEN rows ELSE 0 END, level, estimated
        FROM f WHERE direct
    ), names AS (
        SELECT DISTINCT country_id, country FROM trade_codes
    ), one AS (
        SELECT DISTINCT rc, year, flow, classification, months FROM used
    )
    SELECT p.year, rn.country AS reporter, pn.country AS partner, p.flow, p.value_usd, p.unconverted,
           o.classification, p.level, o.months, a.set_aside, p.estimated
    FROM pairs p
    JOIN names rn ON rn.country_id = p.rc
    JOIN names pn ON pn.country_id = p.pc
    JOIN one o USING (rc, year, flow)
    JOIN aside a USING (rc, year, flow);

-- Whether year is in the years from yfrom to yto (NULL: no bound): how
-- every macro a report reads limits itself to the report's years from its
-- first step, so that a one-year report reads one year of a long history.
CREATE OR REPLACE TEMP MACRO tp_in_years(year, yfrom, yto) AS
    (yfrom IS NULL OR year >= yfrom) AND (yto IS NULL OR year <= yto);

-- The totals of a dataset, as the store keeps them (trade_bilateral: what
-- tp_bilateral makes, written in the same transaction as every load,
-- revision, removal and exchange-rate change), in the years from yfrom to
-- yto (NULL: unbounded).
CREATE OR REPLACE TEMP MACRO tp_totals(ds, yfrom := NULL, yto := NULL) AS TABLE
    SELECT year, reporter, partner, flow, value_usd, unconverted, classification, level, months, set_aside, estimated
    FROM trade_bilateral WHERE dataset = ds AND tp_in_years(year, yfrom, yto);
