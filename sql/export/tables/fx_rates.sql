-- name: fx_rates
-- purpose: every exchange rate loaded, of every exchange-rate dataset:
--          local currency units per US dollar, by currency and period.
-- parameters: none
SELECT * FROM fx_rates
