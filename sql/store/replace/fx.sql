-- name: replace_fx
-- purpose: a newly loaded exchange-rate file replaces the earlier rates of
--          its dataset for the same country code, currency, frequency and
--          period. Runs inside the file's load transaction.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
DELETE FROM fx_rates AS t
USING (
    SELECT DISTINCT country_code, currency, freq, period
    FROM fx_rates
    WHERE file_id = $file_id
) AS n
WHERE t.dataset = $dataset
  AND t.file_id <> $file_id
  AND t.country_code = n.country_code AND t.currency = n.currency
  AND t.freq = n.freq AND t.period = n.period;
