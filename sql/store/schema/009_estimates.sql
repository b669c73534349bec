-- name: 009_estimates
-- purpose: every trade row remembers whether the publisher estimated it
--          (IMF DOTS's "e" figures: ingest.TradeSchema's is_estimate), so
--          that coverage can call a total built from estimates `estimate`,
--          apart from `reported` and `mirror`. The flag is part of what a
--          file's rows share (trade_slices), like Comtrade's is_reported:
--          a file of estimates and figures has a slice of each. The view
--          trade gains it as its last column, trade_file_sums too (the sums
--          are per slice, so they keep it), and trade_bilateral counts the
--          estimated rows in each total (estimated). Rows loaded before
--          have no flag (NULL: the format did not say); the store makes
--          trade_bilateral again, as its rule changed.
-- parameters: none

ALTER TABLE trade_slices ADD COLUMN is_estimate BOOLEAN;

CREATE OR REPLACE VIEW trade AS
SELECT s.dataset, s.file_id, r.line, s.freq, r.year, r.month,
       rc.country AS reporter, rc.code AS reporter_code,
       pc.country AS partner, pc.code AS partner_code,
       s.partner2, s.flow, s.classification, p.product, s.customs, s.mot,
       r.value, s.currency, r.cif_value, r.fob_value, r.quantity, s.quantity_unit,
       r.net_weight_kg, s.is_reported, s.is_aggregate, s.is_estimate
FROM trade_rows r
JOIN trade_slices s USING (slice_id)
JOIN trade_codes rc ON rc.code_id = r.reporter
JOIN trade_codes pc ON pc.code_id = r.partner
JOIN trade_products p ON p.product_id = r.product;

CREATE OR REPLACE VIEW trade_file_sums AS
SELECT s.dataset, s.file_id, s.freq, u.year, u.month, rc.country AS reporter, pc.country AS partner, s.partner2,
       s.flow, s.classification, s.customs, s.mot, s.currency, u.level, u.value, u.rows, s.is_estimate
FROM trade_sums u
JOIN trade_slices s USING (slice_id)
JOIN trade_codes rc ON rc.code_id = u.reporter
JOIN trade_codes pc ON pc.code_id = u.partner;

ALTER TABLE trade_bilateral ADD COLUMN estimated BIGINT DEFAULT 0;
