-- name: 007_trade_totals
-- purpose: what the reports are built from, kept in step with the rows in
--          the same transaction as every load, revision and removal:
--          trade_sums, the sums of every file's rows by slice, period,
--          reporter, partner and product level (the level of each product
--          code now kept in trade_products), seen through the view
--          trade_file_sums; and trade_bilateral, one total per dataset,
--          year, reporter, partner and flow, in USD (transform's
--          tp_bilateral says how), made again for the years and reporters a
--          change touches, with trade_years, the years each dataset covers. The store fills them for databases made before,
--          and makes trade_bilateral again whenever its rule changes.
-- parameters: none

ALTER TABLE trade_products ADD COLUMN level INTEGER;

CREATE TABLE trade_sums (
    slice_id INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    month    INTEGER NOT NULL,
    reporter INTEGER NOT NULL,
    partner  INTEGER NOT NULL,
    level    INTEGER NOT NULL,
    value    DOUBLE NOT NULL,
    rows     BIGINT NOT NULL
);

-- The sums with what their slice and codes say, in the columns of trade.
CREATE VIEW trade_file_sums AS
SELECT s.dataset, s.file_id, s.freq, u.year, u.month, rc.country AS reporter, pc.country AS partner, s.partner2,
       s.flow, s.classification, s.customs, s.mot, s.currency, u.level, u.value, u.rows
FROM trade_sums u
JOIN trade_slices s USING (slice_id)
JOIN trade_codes rc ON rc.code_id = u.reporter
JOIN trade_codes pc ON pc.code_id = u.partner;

CREATE TABLE trade_bilateral (
    dataset        VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    reporter       VARCHAR NOT NULL,
    partner        VARCHAR NOT NULL,
    flow           VARCHAR NOT NULL,
    value_usd      DOUBLE,
    unconverted    BIGINT NOT NULL,
    classification VARCHAR NOT NULL,
    level          INTEGER NOT NULL,
    months         INTEGER NOT NULL,
    set_aside      VARCHAR NOT NULL
);

-- The years each dataset's totals cover, kept with them: what the groups'
-- members are listed for.
CREATE TABLE trade_years (
    dataset VARCHAR NOT NULL,
    year    INTEGER NOT NULL
);
