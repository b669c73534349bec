-- name: totals
-- purpose: one total per reporter, partner, flow and year, in USD: the
--          rows that are totals (not breakdowns), at one product level,
--          annual where the reporter gives annual rows.
-- parameters: none (the macro takes arguments: ds, the dataset)

-- Flows X and M only (re-exports and re-imports kept apart); Comtrade
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
