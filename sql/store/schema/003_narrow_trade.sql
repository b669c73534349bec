-- name: 003_narrow_trade
-- purpose: trade rows stored narrow. What varies row by row stays in
--          trade_rows; what a file repeats on every row (dataset, file,
--          frequency, flow, classification, customs, transport, second
--          partner, currency, quantity unit, Comtrade's flags) is stored once
--          per distinct combination in trade_slices; each reporter and
--          partner is a reference to one (ISO3, code as in the file) pair in
--          trade_codes, and each product code a reference into
--          trade_products. The view trade joins them back into the 25
--          columns of 001_init, in the same order, so every query, report
--          and export reads trade as before. A row then costs twelve
--          columns of numbers instead of twenty-five with fourteen of text,
--          and storing text was most of what loading cost
--          (docs/performance.md). The ids are dense and never reused, so
--          the natural-key replace can compare numbers. Rows already
--          loaded move across unchanged.
-- parameters: none

-- (ISO3 code, code as the file gave it) pairs, referenced by trade_rows.
-- country_id is the code_id of the country's first pair: equal country_id,
-- equal country.
CREATE TABLE trade_codes (
    code_id    INTEGER PRIMARY KEY,
    country    VARCHAR NOT NULL,   -- ISO3, or tradepipe's own code (WLD, XNS, ...)
    code       VARCHAR NOT NULL,   -- as in the file
    country_id INTEGER NOT NULL,
    UNIQUE (country, code)
);

-- Product codes (HS, SITC, TOTAL, ...) as the files give them.
CREATE TABLE trade_products (
    product_id INTEGER PRIMARY KEY,
    product    VARCHAR NOT NULL UNIQUE
);

-- What a file's rows share: one row per distinct combination in a file.
CREATE TABLE trade_slices (
    slice_id       INTEGER PRIMARY KEY,
    dataset        VARCHAR NOT NULL,
    file_id        BIGINT NOT NULL,
    freq           VARCHAR NOT NULL,
    partner2       VARCHAR NOT NULL,
    flow           VARCHAR NOT NULL,
    classification VARCHAR NOT NULL,
    customs        VARCHAR NOT NULL,
    mot            VARCHAR NOT NULL,
    currency       VARCHAR NOT NULL,
    quantity_unit  VARCHAR,
    is_reported    BOOLEAN,
    is_aggregate   BOOLEAN
);

-- One row per trade row of a file, in the file's order.
CREATE TABLE trade_rows (
    slice_id      INTEGER NOT NULL,  -- trade_slices
    line          BIGINT NOT NULL,   -- line in the file where the row starts
    year          INTEGER NOT NULL,
    month         INTEGER NOT NULL,
    reporter      INTEGER NOT NULL,  -- trade_codes
    partner       INTEGER NOT NULL,  -- trade_codes
    product       INTEGER NOT NULL,  -- trade_products
    value         DOUBLE NOT NULL,
    cif_value     DOUBLE,
    fob_value     DOUBLE,
    quantity      DOUBLE,
    net_weight_kg DOUBLE
);

INSERT INTO trade_codes
SELECT id, country, code, min(id) OVER (PARTITION BY country)
FROM (SELECT row_number() OVER (ORDER BY country, code) AS id, country, code
      FROM (SELECT reporter, reporter_code FROM trade UNION SELECT partner, partner_code FROM trade) AS c(country, code));

INSERT INTO trade_products
SELECT row_number() OVER (ORDER BY product), product FROM (SELECT DISTINCT product FROM trade);

INSERT INTO trade_slices
SELECT row_number() OVER (ORDER BY file_id, freq, partner2, flow, classification, customs, mot, currency,
                                   quantity_unit, is_reported, is_aggregate), *
FROM (SELECT DISTINCT dataset, file_id, freq, partner2, flow, classification, customs, mot, currency,
             quantity_unit, is_reported, is_aggregate
      FROM trade);

INSERT INTO trade_rows
SELECT s.slice_id, t.line, t.year, t.month, rc.code_id, pc.code_id, p.product_id, t.value,
       t.cif_value, t.fob_value, t.quantity, t.net_weight_kg
FROM trade t
JOIN trade_slices s
  ON s.dataset = t.dataset AND s.file_id = t.file_id AND s.freq = t.freq AND s.partner2 = t.partner2
 AND s.flow = t.flow AND s.classification = t.classification AND s.customs = t.customs AND s.mot = t.mot
 AND s.currency = t.currency
 AND s.quantity_unit IS NOT DISTINCT FROM t.quantity_unit
 AND s.is_reported IS NOT DISTINCT FROM t.is_reported
 AND s.is_aggregate IS NOT DISTINCT FROM t.is_aggregate
JOIN trade_codes rc ON rc.country = t.reporter AND rc.code = t.reporter_code
JOIN trade_codes pc ON pc.country = t.partner AND pc.code = t.partner_code
JOIN trade_products p ON p.product = t.product
ORDER BY t.file_id, t.line;

DROP TABLE trade;

-- The trade rows in the shape of 001_init's trade table.
CREATE VIEW trade AS
SELECT s.dataset, s.file_id, r.line, s.freq, r.year, r.month,
       rc.country AS reporter, rc.code AS reporter_code,
       pc.country AS partner, pc.code AS partner_code,
       s.partner2, s.flow, s.classification, p.product, s.customs, s.mot,
       r.value, s.currency, r.cif_value, r.fob_value, r.quantity, s.quantity_unit,
       r.net_weight_kg, s.is_reported, s.is_aggregate
FROM trade_rows r
JOIN trade_slices s USING (slice_id)
JOIN trade_codes rc ON rc.code_id = r.reporter
JOIN trade_codes pc ON pc.code_id = r.partner
JOIN trade_products p ON p.product_id = r.product;

-- Loads before this version left the view of their Arrow scan behind (it
-- points at memory of a process long gone).
DROP VIEW IF EXISTS tp_incoming;
