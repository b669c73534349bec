-- name: 015_narrow_totals
-- purpose: the kept totals stored narrow, as trade rows (003) and exchange
--          rates (014) are: what a reporter's year and flow share (its
--          dataset, reporter, flow, the classification and months its
--          totals are made from, those set aside) once in
--          trade_bilateral_sets, and each partner's total in
--          trade_bilateral_pairs as numbers, its partner a country_id of
--          trade_codes. The view trade_bilateral joins them back into the
--          twelve columns of the table it replaces, in the same order, so
--          every macro, report and export reads the totals as before. A
--          WITS file's 2.5 million totals took about 1.0 s to write with
--          six text columns, against 0.2 s as numbers
--          (docs/performance.md). The old table cannot be split without
--          the choice behind it (annual, single): it is dropped, and the
--          totals are made again from the sums, as for any change of their
--          rule (sql/store/totals.go, syncTotals), at the first open for
--          writing.
-- parameters: none

-- One row per dataset, year, reporter and flow with totals: what
-- transform's tp_bilateral_sets chose.
CREATE TABLE trade_bilateral_sets (
    set_id         INTEGER NOT NULL,
    dataset        VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    reporter_id    INTEGER NOT NULL,   -- trade_codes.country_id
    reporter       VARCHAR NOT NULL,
    flow           VARCHAR NOT NULL,
    classification VARCHAR NOT NULL,
    annual         BOOLEAN NOT NULL,
    months         INTEGER NOT NULL,
    set_aside      VARCHAR NOT NULL,
    single         BOOLEAN NOT NULL
);

-- One row per total: transform's tp_bilateral_pairs.
CREATE TABLE trade_bilateral_pairs (
    set_id      INTEGER NOT NULL,      -- trade_bilateral_sets
    year        INTEGER NOT NULL,      -- the set's
    partner_id  INTEGER NOT NULL,      -- trade_codes.country_id
    value_usd   DOUBLE,
    unconverted BIGINT NOT NULL,
    level       INTEGER NOT NULL,
    estimated   BIGINT NOT NULL
);

DROP TABLE trade_bilateral;

CREATE VIEW trade_bilateral AS
SELECT s.dataset, p.year, s.reporter, c.country AS partner, s.flow, p.value_usd, p.unconverted, s.classification,
       p.level, s.months, s.set_aside, p.estimated
FROM trade_bilateral_pairs p
JOIN trade_bilateral_sets s USING (set_id)
JOIN (SELECT DISTINCT country_id, country FROM trade_codes) c ON c.country_id = p.partner_id;
