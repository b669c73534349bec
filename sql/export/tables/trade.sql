-- name: trade
-- purpose: the cleaned trade data: every row of the dataset as loaded, with
--          ISO 3166 alpha-3 codes for reporter, partner and second partner
--          (the codes the file used beside them), the exchange rate used
--          (local units per USD) and the value in USD, by the rules of
--          tp_usd in transform/sql/usd.sql. value_usd is NULL where no rate is
--          loaded for the currency and period; the manifest says how many.
-- parameters:
--   $dataset: the dataset exported
SELECT * FROM tp_usd($dataset)
