-- name: 001_init
-- purpose: the tradepipe database: the ledger of loaded files, trade rows,
--          exchange rates, reference tables and the run history.
-- parameters: none

CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE SEQUENCE file_id_seq START 1;

-- The ledger: one row per file (or zip entry) loaded. sha256 is unique, so
-- the same bytes are never loaded twice, under any name.
CREATE TABLE files (
    file_id     BIGINT PRIMARY KEY,
    path        VARCHAR NOT NULL,
    entry       VARCHAR,             -- zip entry name
    sha256      VARCHAR NOT NULL UNIQUE,
    size        BIGINT NOT NULL,
    compression VARCHAR NOT NULL,    -- none, gzip, zip
    format      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,    -- trade, fx
    dataset     VARCHAR NOT NULL,
    rows        BIGINT NOT NULL,     -- rows the file brought
    replaced    BIGINT NOT NULL,     -- earlier rows its natural keys replaced
    loaded_at   TIMESTAMPTZ NOT NULL
);

-- Failed attempts, kept apart from the ledger.
CREATE TABLE load_failures (
    path      VARCHAR NOT NULL,
    sha256    VARCHAR,
    format    VARCHAR,
    dataset   VARCHAR,
    error     VARCHAR NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);

-- Trade rows in the canonical shape (ingest.TradeSchema), with the dataset
-- and the file each row came from. Natural key: dataset, reporter, partner,
-- flow, freq, year, month, classification, product, customs, mot, partner2.
CREATE TABLE trade (
    dataset        VARCHAR NOT NULL,
    file_id        BIGINT NOT NULL,
    line           BIGINT NOT NULL,
    freq           VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    reporter       VARCHAR NOT NULL,
    reporter_code  VARCHAR NOT NULL,
    partner        VARCHAR NOT NULL,
    partner_code   VARCHAR NOT NULL,
    partner2       VARCHAR NOT NULL,
    flow           VARCHAR NOT NULL,
    classification VARCHAR NOT NULL,
    product        VARCHAR NOT NULL,
    customs        VARCHAR NOT NULL,
    mot            VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    currency       VARCHAR NOT NULL,
    cif_value      DOUBLE,
    fob_value      DOUBLE,
    quantity       DOUBLE,
    quantity_unit  VARCHAR,
    net_weight_kg  DOUBLE,
    is_reported    BOOLEAN,
    is_aggregate   BOOLEAN
);

-- Exchange rates: local currency units per US dollar (ingest.FXSchema).
-- Natural key: dataset, country_code, currency, freq, period.
CREATE TABLE fx_rates (
    dataset      VARCHAR NOT NULL,
    file_id      BIGINT NOT NULL,
    line         BIGINT NOT NULL,
    country      VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    currency     VARCHAR NOT NULL,
    freq         VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    period       VARCHAR NOT NULL,
    per_usd      DOUBLE NOT NULL
);

-- Reference tables, refreshed from the repository's seeds.
CREATE TABLE countries (
    code     VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    currency VARCHAR NOT NULL
);
CREATE TABLE country_codes (
    scheme  VARCHAR NOT NULL,
    code    VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    PRIMARY KEY (scheme, code)
);

-- Group membership over time: a country is a member in year t when it is a
-- member on 31 December of t (valid_from <= Dec 31 and (valid_to is null or
-- valid_to >= Dec 31)).
CREATE TABLE group_membership (
    group_name VARCHAR NOT NULL,
    country    VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to   DATE,
    source     VARCHAR NOT NULL      -- seed or config
);

-- Run history of pipeline jobs.
CREATE TABLE runs (
    run_id       BIGINT PRIMARY KEY,
    job          VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    ended_at     TIMESTAMPTZ,
    outcome      VARCHAR NOT NULL,   -- running, ok, failed, skipped, cancelled
    files_loaded BIGINT NOT NULL DEFAULT 0,
    rows_loaded  BIGINT NOT NULL DEFAULT 0,
    error        VARCHAR
);
CREATE SEQUENCE run_id_seq START 1;
