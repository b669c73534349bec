-- name: 005_world_trade
-- purpose: world merchandise trade by year, the reference a mirror's
--          coverage is measured against; synced from transform's seed
--          (seed/world_trade.csv) like the other reference tables.
-- parameters: none

CREATE TABLE world_trade (
    year        INTEGER PRIMARY KEY,
    exports_usd DOUBLE NOT NULL,   -- FOB
    imports_usd DOUBLE NOT NULL,   -- CIF
    source      VARCHAR NOT NULL
);
