-- name: fx_one_rate
-- purpose: one exchange rate per currency and period in a dataset. A
--          file may give a currency's rate several times, once per country
--          that uses it (WDI gives the euro once per euro country, the
--          IMF the US dollar for every dollarised country), and the copies
--          can differ (Montenegro's and Kosovo's euro, the French overseas
--          departments' franc). The row kept, for each currency and period
--          the new file gives: that of the currency's issuing country (the
--          country whose ISO 3166 numeric code is the currency's ISO 4217
--          numeric code: France for FRF, the United States for USD); for a
--          currency no one country issues (EUR, XOF, XCD), the currency
--          union's own row where the file has one (the IMF's U2, the euro
--          area: country ''), else the value most rows give, and of those
--          the row of the first country code; then the newest file's.
--          The other copies are deleted. The series are numbered first
--          and the choice made by aggregates over numbers, not windows
--          over the rates' text: an IMF file's 200,000 rates took 66-91
--          ms, against 149-202 ms with windows (docs/performance.md).
--          Only a currency and period given more than once is chosen for:
--          that file's replace step took 60-72 ms, against 83-90 ms
--          choosing for every rate.
--          Runs in the file's load transaction, after replace_fx.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
WITH issuer AS (
    SELECT DISTINCT c.currency, k.country
    FROM currencies c JOIN country_codes k ON k.scheme = 'numeric' AND k.code = ltrim(c.numeric, '0')
), s AS (
    -- the dataset's series, numbered so that their rates compare as
    -- numbers: cf is one currency and frequency; p puts the issuer's
    -- rows (1) before the union's (country '': 2) and the others (3); o
    -- follows the country, then the newest file, ties kept as ties
    SELECT series_id, file_id,
           dense_rank() OVER (ORDER BY currency, freq) AS cf,
           (NOT EXISTS (SELECT 1 FROM issuer i WHERE i.currency = f.currency AND i.country = f.country))::INTEGER * 2
               + (country <> '')::INTEGER AS p,
           dense_rank() OVER (ORDER BY country, file_id DESC) AS o
    FROM fx_series f WHERE dataset = $dataset
), t AS (
    -- the dataset's rates for a currency and period the new file gives:
    -- the file's own, and the other files' of its currencies and periods
    -- (where the dataset holds no other file's series, the periods are
    -- not gathered: 41-52 ms for the IMF file's rule, against 52-68 ms
    -- gathering them)
    SELECT v.rowid AS id, s.cf, v.year, v.month, v.per_usd, s.p, s.o, v.line
    FROM fx_values v JOIN s USING (series_id) WHERE s.file_id = $file_id
    UNION ALL
    SELECT v.rowid AS id, s.cf, v.year, v.month, v.per_usd, s.p, s.o, v.line
    FROM fx_values v JOIN s USING (series_id)
    WHERE s.file_id <> $file_id AND (s.cf, v.year, v.month) IN (
        SELECT s.cf, v.year, v.month FROM fx_values v JOIN s USING (series_id)
        WHERE s.file_id = $file_id AND EXISTS (SELECT 1 FROM s WHERE file_id <> $file_id))
), tc AS (
    -- of them, those of a currency and period given more than once: the
    -- others have no copy to choose between
    SELECT * FROM t SEMI JOIN (SELECT cf, year, month FROM t GROUP BY ALL HAVING count(*) > 1) USING (cf, year, month)
), same AS (
    SELECT cf, year, month, per_usd, count(*) AS n FROM tc GROUP BY ALL
), keep AS (
    -- the first by issuer, union, the most rows' value, country, file, line
    SELECT arg_min(id, (p, -n, o, line)) AS id
    FROM tc JOIN same USING (cf, year, month, per_usd)
    GROUP BY cf, year, month
)
DELETE FROM fx_values
WHERE rowid IN (SELECT id FROM tc ANTI JOIN keep USING (id));
