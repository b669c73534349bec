-- name: replace_fx
-- purpose: a newly loaded exchange-rate file replaces the earlier rates of
--          its dataset for the same country code, currency, frequency and
--          period. Runs inside the file's load transaction.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
DELETE FROM fx_values AS t
USING fx_series AS ts, (
    SELECT DISTINCT s.country_code, s.currency, s.freq, v.year, v.month, v.period
    FROM fx_values v JOIN fx_series s USING (series_id)
    WHERE s.file_id = $file_id
) AS n
WHERE t.series_id = ts.series_id
  AND ts.dataset = $dataset
  AND ts.file_id <> $file_id
  AND ts.country_code = n.country_code AND ts.currency = n.currency AND ts.freq = n.freq
  -- the same period: its text where kept, else its year and month give it
  AND t.year = n.year AND t.month = n.month AND t.period IS NOT DISTINCT FROM n.period;
