-- name: 007_trade_totals
-- purpose: the sums the reports are built from, kept per file: one row per
--          file, reporter, partner, flow, period, classification, product
--          level and currency, of the goods rows that are totals of their
--          kind (transform's tp_row_totals says which). A load writes its
--          file's sums, a revision rewrites the sums of the files it
--          revised, in the same transaction; the store fills the table for
--          databases made before it, and again whenever the rule changes.
-- parameters: none

CREATE TABLE trade_totals (
    dataset        VARCHAR NOT NULL,
    file_id        BIGINT NOT NULL,
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    freq           VARCHAR NOT NULL,
    reporter       VARCHAR NOT NULL,
    partner        VARCHAR NOT NULL,
    flow           VARCHAR NOT NULL,
    classification VARCHAR NOT NULL,
    level          INTEGER NOT NULL,
    currency       VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    rows           BIGINT NOT NULL
);
