-- name: usd
-- purpose: every trade value in US dollars. One exchange rate per
--          currency and period (local units per US dollar), the rate for
--          every period a value can have, each trade row with the rate used
--          and its value in USD, and the values no rate converts, by
--          currency and period.
-- parameters: none (the macros take arguments: ds, the dataset)

-- One exchange rate per currency and period: local units per US dollar.
-- Where several datasets give one, the first dataset by name wins. A
-- currency that a redenomination replaced (currency_changes: ratio old
-- units = 1 new unit) converts at its own rate: where no dataset gives
-- the old currency's rate for a year before the change, it is the new
-- currency's (a publisher's restated series) times the ratio, so a 1999
-- value in Tajik roubles converts at the somoni rate times 1000. One step
-- only, from the latest change that replaced it (the rouble from the
-- Russian rouble of 1998 before the tenge of 1993). Changeovers (to the
-- euro) are never used: the old money's own rates apply.
CREATE OR REPLACE TEMP MACRO tp_rates() AS TABLE
    WITH direct AS (
        SELECT currency, freq, year, month, per_usd, dataset
        FROM fx_rates
        WHERE freq IN ('A', 'M') AND currency <> ''
    ), links AS (
        SELECT old_currency, new_currency, ratio, changed_on
        FROM currency_changes WHERE kind = 'redenomination'
    ), derived AS (
        SELECT currency, freq, year, month, per_usd, dataset FROM (
            SELECT l.old_currency AS currency, d.freq, d.year, d.month, d.per_usd * l.ratio AS per_usd, d.dataset,
                   row_number() OVER (PARTITION BY l.old_currency, d.freq, d.year, d.month
                                      ORDER BY l.changed_on DESC, d.dataset) AS k
            FROM direct d JOIN links l ON l.new_currency = d.currency AND d.year < year(l.changed_on)
        ) WHERE k = 1
    )
    SELECT currency, freq, year, month,
           arg_min(per_usd, dataset) AS per_usd,
           min(dataset) AS fx_dataset
    FROM direct
    GROUP BY currency, freq, year, month
    UNION ALL
    SELECT currency, freq, year, month, per_usd, dataset
    FROM derived ANTI JOIN direct USING (currency, freq, year, month);

-- The rate for every period a value can have: an annual value (freq A)
-- the year's average; a monthly value (freq M) its month's rate where one
-- is loaded, else the year's average. One row per currency, freq, year and
-- month, so that a value finds its rate by one join on equal columns.
CREATE OR REPLACE TEMP MACRO tp_period_rates() AS TABLE
    WITH r AS (
        SELECT * FROM tp_rates()
    ), monthly AS (
        SELECT currency, year, month, per_usd FROM r WHERE freq = 'M'
    ), annual AS (
        SELECT currency, year, per_usd FROM r WHERE freq = 'A'
    )
    SELECT currency, 'A' AS freq, year, 0 AS month, per_usd FROM annual
    UNION ALL
    SELECT currency, 'M', year, month, per_usd FROM monthly
    UNION ALL
    SELECT a.currency, 'M', a.year, m.month, a.per_usd
    FROM annual a CROSS JOIN (SELECT range::INTEGER AS month FROM range(1, 13)) m
    ANTI JOIN monthly mo ON mo.currency = a.currency AND mo.year = a.year AND mo.month = m.month;

-- Every trade row of a dataset with its value in USD and the rate used.
-- No rate: value_usd is NULL (counted and named by the reports, never
-- dropped or guessed). A USD value needs no rate.
CREATE OR REPLACE TEMP MACRO tp_usd(ds) AS TABLE
    SELECT t.*,
           CASE WHEN t.currency = 'USD' THEN 1.0 ELSE r.per_usd END AS rate_used,
           t.value / (CASE WHEN t.currency = 'USD' THEN 1.0 ELSE r.per_usd END) AS value_usd
    FROM trade t
    LEFT JOIN tp_period_rates() r
        ON r.currency = t.currency AND r.freq = t.freq AND r.year = t.year AND r.month = t.month
    WHERE t.dataset = ds;

-- Values that could not be converted, by currency and period. USD values
-- never need a rate: saying so lets DuckDB skip their rows by slice.
CREATE OR REPLACE TEMP MACRO tp_unconverted(ds) AS TABLE
    SELECT currency, CASE WHEN freq = 'M' THEN printf('%d-%02d', year, month) ELSE year::VARCHAR END AS period,
           count(*) AS rows, sum(value) AS value_local
    FROM tp_usd(ds)
    WHERE currency <> 'USD' AND value_usd IS NULL
    GROUP BY ALL ORDER BY ALL;
