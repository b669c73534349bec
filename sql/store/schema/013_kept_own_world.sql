-- name: 013_kept_own_world
-- purpose: two small tables every report derives from the totals, kept
--          beside trade_bilateral in the same transaction as every load,
--          revision, removal and exchange-rate change, so that a report
--          joins small tables instead of aggregating the totals again:
--          trade_own, each reporter's own total per year and flow and where
--          it comes from (transform's tp_own_totals), and trade_world, each
--          country's total trade and exports per year, from its own World
--          rows (kind reports) and from the pairs of a flow table (kind
--          pairs; transform's tp_country_totals). The store fills them for
--          databases made before (their rule is part of the totals' rule).
-- parameters: none

CREATE TABLE trade_own (
    dataset  VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    flow     VARCHAR NOT NULL,
    source   VARCHAR NOT NULL,   -- reported, estimate or partner-sum
    total    DOUBLE,
    months   INTEGER
);

CREATE TABLE trade_world (
    dataset VARCHAR NOT NULL,
    year    INTEGER NOT NULL,
    kind    VARCHAR NOT NULL,    -- reports (own World rows) or pairs (a flow table's pairs)
    country VARCHAR NOT NULL,
    total   DOUBLE,
    exports DOUBLE
);
