-- name: usd
-- purpose: every trade value in US dollars. One exchange rate per
--          currency and period (local units per US dollar), each trade row
--          with the rate used and its value in USD, and the values no rate
--          converts, by currency and period.
-- parameters: none (the macros take arguments: ds, the dataset)

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
