-- name: 011_comtrade_vintage_services
-- purpose: what Comtrade's downloads say beyond values, kept: the
--          ledger's vintage (010's column: for a Comtrade+ bulk file the
--          publication date in its name, COMTRADE-FINAL-...[2024-01-03].gz)
--          and the rows a file held but did not load, with why
--          (skipped, skipped_reason: aggregate reporters such as the
--          EU-28); and on every trade row, through its slice, the trade
--          type (goods or services: Comtrade+ typeCode S, and the rows of
--          an EBOPS classification loaded before, are services), the
--          product level the file gives (aggrLevel, legacy Aggregate
--          Level; NULL where it gives none) and whether the code is a leaf
--          (isLeaf). The views trade and trade_file_sums gain them as their
--          last columns.
-- parameters: none

ALTER TABLE files ADD COLUMN skipped BIGINT DEFAULT 0;
ALTER TABLE files ADD COLUMN skipped_reason VARCHAR;
UPDATE files SET skipped = 0;

ALTER TABLE trade_slices ADD COLUMN trade_type VARCHAR DEFAULT 'goods';
ALTER TABLE trade_slices ADD COLUMN aggr_level INTEGER;
ALTER TABLE trade_slices ADD COLUMN is_leaf BOOLEAN;
UPDATE trade_slices SET trade_type = CASE WHEN classification LIKE 'EB%' THEN 'services' ELSE 'goods' END;

CREATE OR REPLACE VIEW trade AS
SELECT s.dataset, s.file_id, r.line, s.freq, r.year, r.month,
       rc.country AS reporter, rc.code AS reporter_code,
       pc.country AS partner, pc.code AS partner_code,
       s.partner2, s.flow, s.classification, p.product, s.customs, s.mot,
       r.value, s.currency, r.cif_value, r.fob_value, r.quantity, s.quantity_unit,
       r.net_weight_kg, s.is_reported, s.is_aggregate, s.is_estimate,
       s.aggr_level, s.is_leaf, s.trade_type
FROM trade_rows r
JOIN trade_slices s USING (slice_id)
JOIN trade_codes rc ON rc.code_id = r.reporter
JOIN trade_codes pc ON pc.code_id = r.partner
JOIN trade_products p ON p.product_id = r.product;

CREATE OR REPLACE VIEW trade_file_sums AS
SELECT s.dataset, s.file_id, s.freq, u.year, u.month, rc.country AS reporter, pc.country AS partner, s.partner2,
       s.flow, s.classification, s.customs, s.mot, s.currency, u.level, u.value, u.rows, s.is_estimate, s.trade_type
FROM trade_sums u
JOIN trade_slices s USING (slice_id)
JOIN trade_codes rc ON rc.code_id = u.reporter
JOIN trade_codes pc ON pc.code_id = u.partner;

-- Currencies over time (package transform/country: ISO 4217's lists and
-- the dated changes between them), synced from the seed like the
-- countries: each country's currencies with the months they were in force
-- (valid_from inclusive, valid_to exclusive, YYYY-MM; NULL open), and the
-- dated replacements with their ratios (ratio old units = 1 new unit).
CREATE TABLE currencies (
    country    VARCHAR NOT NULL,
    currency   VARCHAR NOT NULL,
    numeric    VARCHAR NOT NULL,
    valid_from VARCHAR,
    valid_to   VARCHAR
);

CREATE TABLE currency_changes (
    country      VARCHAR NOT NULL,
    old_currency VARCHAR NOT NULL,
    new_currency VARCHAR NOT NULL,
    ratio        DOUBLE NOT NULL,
    changed_on   DATE NOT NULL,
    kind         VARCHAR NOT NULL,  -- redenomination or changeover
    source       VARCHAR NOT NULL
);
