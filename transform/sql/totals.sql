-- name: totals
-- purpose: one total per reporter, partner, flow and year, in USD, counted
--          once: goods only, one classification per reporter, year and
--          flow, one product level, annual where the reporter gives annual
--          rows, with how many months a year built from months holds: made by
--          tp_bilateral from the sums the store keeps of every file's rows
--          (trade_file_sums), and kept by the store in trade_bilateral.
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

-- The goods totals of every file's rows, from the sums the store keeps
-- of them (the view trade_file_sums: per file, slice, period, reporter,
-- partner and product level, written in the same transaction as each
-- load, revision and removal): the rows that are totals of their kind,
-- per file, reporter, partner, flow, period, classification, product level
-- and currency. Flows X and M only (re-exports and re-imports kept apart);
-- Comtrade's breakdowns dropped (customs C00, transport 0, second partner
-- 0 are the totals); services never counted as goods. level is the
-- product level: the file's own (Comtrade's aggrLevel) where it gives
-- one, else transform.ProductLevel (0 for TOTAL, else the length of the
-- code). rows counts the rows summed, estimated those of them the
-- publisher estimated (is_estimate: IMF DOTS's "e" figures).
CREATE OR REPLACE TEMP MACRO tp_row_totals() AS TABLE
    SELECT dataset, file_id, year, month, freq, reporter, partner, flow, classification, level, currency,
           sum(value) AS value, sum(rows) AS rows,
           coalesce(sum(rows) FILTER (WHERE is_estimate), 0) AS estimated
    FROM trade_file_sums
    WHERE flow IN ('X', 'M') AND customs IN ('', 'C00') AND mot IN ('', '0') AND partner2 IN ('', '0')
      AND NOT tp_is_services(trade_type, classification)
    GROUP BY ALL;

-- The kept sums of a dataset, in USD at the rate of their period; years
-- and reporters (lists, NULL for all) limit them to the totals a load
-- changed.
CREATE OR REPLACE TEMP MACRO tp_goods(ds, years, reporters) AS TABLE
    SELECT t.*,
           t.value / (CASE WHEN t.currency = 'USD' THEN 1.0 ELSE r.per_usd END) AS value_usd
    FROM tp_row_totals() t
    LEFT JOIN tp_period_rates() r
        ON r.currency = t.currency AND r.freq = t.freq AND r.year = t.year AND r.month = t.month
    WHERE t.dataset = ds
      AND (years IS NULL OR list_contains(years, t.year))
      AND (reporters IS NULL OR list_contains(reporters, t.reporter));

-- The classifications a reporter's rows for a year and flow come in,
-- ranked: first the one with a World TOTAL row, then HS before SITC before
-- anything else, then the newest revision (H6 2022 ... H0 1988/92, HS17 =
-- 2017; SITC S4 2006 ... S1 1961), then by name. Rank 1 is used; the
-- others are set aside, never added. annual says the classification's
-- rows include annual ones; months counts the months its monthly rows
-- hold.
CREATE OR REPLACE TEMP MACRO tp_classifications(ds, years, reporters) AS TABLE
    WITH c AS (
        SELECT reporter, year, flow, classification,
               bool_or(partner = 'WLD' AND level = 0) AS world_total,
               bool_or(freq = 'A') AS annual,
               count(DISTINCT month) FILTER (WHERE freq = 'M') AS months
        FROM tp_row_totals()
        WHERE dataset = ds
          AND (years IS NULL OR list_contains(years, year))
          AND (reporters IS NULL OR list_contains(reporters, reporter))
        GROUP BY ALL
    ), ranked AS (
        SELECT *,
               CASE WHEN classification LIKE 'H%' THEN 0
                    WHEN classification LIKE 'S%' THEN 1 ELSE 2 END AS family,
               CASE WHEN regexp_full_match(classification, 'H[0-6]')
                        THEN [1992, 1996, 2002, 2007, 2012, 2017, 2022][right(classification, 1)::INTEGER + 1]
                    WHEN regexp_full_match(classification, 'HS[0-9][0-9]')
                        THEN CASE WHEN right(classification, 2)::INTEGER > 50 THEN 1900 ELSE 2000 END + right(classification, 2)::INTEGER
                    WHEN regexp_full_match(classification, 'S[1-4]')
                        THEN [1961, 1975, 1988, 2006][right(classification, 1)::INTEGER]
                    ELSE 0 END AS revision
        FROM c
    )
    SELECT reporter, year, flow, classification, world_total, annual, months,
           row_number() OVER (PARTITION BY reporter, year, flow
                              ORDER BY world_total DESC, family, revision DESC, classification) AS rank
    FROM ranked;

-- The totals: the rows of the classification used; annual rows, or the
-- months summed where a reporter has no annual row for the year and flow
-- (months says how many it has: a year is whole with 12); for each
-- partner the product TOTAL where there is one, else the products of the
-- coarsest level present, never two levels added. level is the one used;
-- unconverted counts the rows summed that have no exchange rate;
-- set_aside names the reporter's other classifications that year and flow
-- ("S4", "H4, S3"; '' for none); estimated counts the rows summed that
-- the publisher estimated. Each total depends only on the reporter's
-- rows for its year, so the store makes again those of the years and
-- reporters a load touched.
CREATE OR REPLACE TEMP MACRO tp_bilateral(ds, years, reporters) AS TABLE
    WITH c AS (
        SELECT * FROM tp_classifications(ds, years, reporters)
    ), aside AS (
        SELECT reporter, year, flow,
               coalesce(string_agg(CASE WHEN classification = '' THEN '(none)' ELSE classification END, ', ' ORDER BY rank)
                            FILTER (WHERE rank > 1), '') AS set_aside
        FROM c GROUP BY ALL
    ), f AS (
        -- The annual rows of the classification used, or its monthly rows
        -- where it has no annual one. The goods are read once: read
        -- again (for the annual reporters, then for the rest), DuckDB
        -- keeps them whole in between, which took a third of a WITS
        -- file's totals.
        SELECT g.*, CASE WHEN c.annual THEN 12 ELSE c.months END AS months
        FROM tp_goods(ds, years, reporters) g
        JOIN c USING (reporter, year, flow, classification)
        WHERE c.rank = 1 AND (c.annual AND g.freq = 'A' OR NOT c.annual AND g.freq = 'M')
    ), levels AS (
        SELECT f.year, f.reporter, f.partner, f.flow, f.level,
               sum(f.value_usd) AS value_usd,
               coalesce(sum(f.rows) FILTER (WHERE f.value_usd IS NULL), 0) AS unconverted,
               any_value(f.classification) AS classification,
               min(f.months) AS months,
               sum(f.estimated) AS estimated
        FROM f GROUP BY f.year, f.reporter, f.partner, f.flow, f.level
    )
    -- One sum per level, then the coarsest level's of each pair (a NULL
    -- level is never kept): the sums of the smallest level, by arg_min in
    -- one more aggregation, where a window over the pairs took longer
    -- (WITS's 2.5 million totals: 3.75 s of the window against 2.95-3.29 s
    -- of this aggregation in DuckDB's profile). A pair has one sum per
    -- level, so the smallest is never a tie.
    SELECT l.year, l.reporter, l.partner, l.flow, l.k.value_usd, l.k.unconverted, l.k.classification, l.k.level, l.k.months,
           a.set_aside, l.k.estimated
    FROM (SELECT year, reporter, partner, flow,
                 arg_min({'value_usd': value_usd, 'unconverted': unconverted, 'classification': classification,
                          'level': level, 'months': months, 'estimated': estimated}, level) AS k
          FROM levels WHERE level IS NOT NULL
          GROUP BY year, reporter, partner, flow) l
    JOIN aside a USING (reporter, year, flow);

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
