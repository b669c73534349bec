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
--          the row of the first country code; then the newest file's. The other copies are deleted. Runs in the
--          file's load transaction, after replace_fx.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
WITH touched AS (
    SELECT DISTINCT s.currency, s.freq, v.year, v.month
    FROM fx_values v JOIN fx_series s USING (series_id) WHERE s.file_id = $file_id
), issuer AS (
    SELECT DISTINCT c.currency, k.country
    FROM currencies c JOIN country_codes k ON k.scheme = 'numeric' AND k.code = ltrim(c.numeric, '0')
), f AS (
    SELECT v.rowid AS id, s.country, s.currency, s.freq, v.year, v.month, v.per_usd, s.file_id, v.line
    FROM fx_values v JOIN fx_series s USING (series_id)
    WHERE s.dataset = $dataset
), r AS (
    SELECT f.*,
           EXISTS (SELECT 1 FROM issuer i WHERE i.currency = f.currency AND i.country = f.country) AS by_issuer,
           count(*) OVER (PARTITION BY f.currency, f.freq, f.year, f.month, f.per_usd) AS same
    FROM f
    JOIN touched USING (currency, freq, year, month)
)
DELETE FROM fx_values
WHERE rowid IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY currency, freq, year, month
                                      ORDER BY by_issuer DESC, country = '' DESC, same DESC, country, file_id DESC, line) AS k
        FROM r
    ) WHERE k > 1
);
