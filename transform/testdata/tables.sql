-- The tables transform's SQL reads, column for column as the store holds
-- them (sqltest's TestTablesAsInTheStore compares the names and types
-- with a real store), with defaults so that a fixture lists only the
-- columns its case is about. Strings default to '' where the store keeps
-- '' for "none" (customs, transport, second partner).
CREATE TABLE trade (
    dataset        VARCHAR NOT NULL DEFAULT 'd',
    file_id        BIGINT NOT NULL DEFAULT 1,
    line           BIGINT NOT NULL DEFAULT 0,
    freq           VARCHAR NOT NULL DEFAULT 'A',
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL DEFAULT 0,
    reporter       VARCHAR NOT NULL,
    reporter_code  VARCHAR NOT NULL DEFAULT '',
    partner        VARCHAR NOT NULL,
    partner_code   VARCHAR NOT NULL DEFAULT '',
    partner2       VARCHAR NOT NULL DEFAULT '',
    flow           VARCHAR NOT NULL,
    classification VARCHAR NOT NULL DEFAULT 'H5',
    product        VARCHAR NOT NULL DEFAULT 'TOTAL',
    customs        VARCHAR NOT NULL DEFAULT '',
    mot            VARCHAR NOT NULL DEFAULT '',
    value          DOUBLE NOT NULL,
    currency       VARCHAR NOT NULL DEFAULT 'USD',
    cif_value      DOUBLE,
    fob_value      DOUBLE,
    quantity       DOUBLE,
    quantity_unit  VARCHAR,
    net_weight_kg  DOUBLE,
    is_reported    BOOLEAN,
    is_aggregate   BOOLEAN,
    is_estimate    BOOLEAN,
    aggr_level     INTEGER,
    is_leaf        BOOLEAN,
    trade_type     VARCHAR NOT NULL DEFAULT 'goods'
);

CREATE TABLE fx_rates (
    dataset      VARCHAR NOT NULL DEFAULT 'fx',
    file_id      BIGINT NOT NULL DEFAULT 2,
    line         BIGINT NOT NULL DEFAULT 0,
    country      VARCHAR NOT NULL DEFAULT '',
    country_code VARCHAR NOT NULL DEFAULT '',
    currency     VARCHAR NOT NULL,
    freq         VARCHAR NOT NULL DEFAULT 'A',
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL DEFAULT 0,
    period       VARCHAR NOT NULL DEFAULT '',
    per_usd      DOUBLE NOT NULL
);

CREATE TABLE currency_changes (
    country      VARCHAR NOT NULL DEFAULT '',
    old_currency VARCHAR NOT NULL,
    new_currency VARCHAR NOT NULL,
    ratio        DOUBLE NOT NULL,
    changed_on   DATE NOT NULL,
    kind         VARCHAR NOT NULL DEFAULT 'redenomination',
    source       VARCHAR NOT NULL DEFAULT 'fixture'
);

CREATE TABLE group_membership (
    group_name VARCHAR NOT NULL,
    country    VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to   DATE,
    source     VARCHAR NOT NULL DEFAULT 'seed'
);

CREATE TABLE country_codes (
    scheme  VARCHAR NOT NULL,
    code    VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    PRIMARY KEY (scheme, code)
);

CREATE TABLE world_trade (
    year        INTEGER PRIMARY KEY,
    exports_usd DOUBLE NOT NULL,
    imports_usd DOUBLE NOT NULL,
    source      VARCHAR NOT NULL DEFAULT 'fixture'
);

-- The sums the store keeps of every file's rows, as it keeps them: what
-- a file's rows share (trade_slices), the codes of the file with the
-- country of each (trade_codes: country_id is the code_id of the
-- country's first code), and the sums by slice, period, reporter code,
-- partner code and product level (trade_sums). The harness fills them
-- from trade, with each row's level its aggr_level where it has one, else
-- transform.ProductLevel of its product, as the store does at each load.
CREATE TABLE trade_slices (
    slice_id       INTEGER NOT NULL,
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
    is_aggregate   BOOLEAN,
    is_estimate    BOOLEAN,
    trade_type     VARCHAR,
    aggr_level     INTEGER,
    is_leaf        BOOLEAN
);

CREATE TABLE trade_codes (
    code_id    INTEGER NOT NULL,
    country    VARCHAR NOT NULL,
    code       VARCHAR NOT NULL,
    country_id INTEGER NOT NULL
);

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

-- The totals the reports read; the harness fills it with tp_bilateral
-- for every dataset, as the store does at each load.
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
    set_aside      VARCHAR NOT NULL,
    estimated      BIGINT NOT NULL DEFAULT 0
);

-- Each reporter's own totals and each country's totals, made from
-- trade_bilateral; the harness fills them with tp_own_totals and
-- tp_country_totals, as the store does at each load.
CREATE TABLE trade_own (
    dataset  VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    flow     VARCHAR NOT NULL,
    source   VARCHAR NOT NULL,
    total    DOUBLE,
    months   INTEGER
);

CREATE TABLE trade_world (
    dataset VARCHAR NOT NULL,
    year    INTEGER NOT NULL,
    kind    VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    total   DOUBLE,
    exports DOUBLE
);

-- The years each dataset's totals cover, kept with them: what the groups'
-- members are listed for.
CREATE TABLE trade_years (
    dataset VARCHAR NOT NULL,
    year    INTEGER NOT NULL
);
