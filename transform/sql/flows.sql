-- name: flows
-- purpose: ordered-pair flows (year, exporter, importer, value FOB in USD)
--          under a basis, and the member view built from them: each
--          member's exports to and imports from each partner, and its
--          totals (their sums for a flow table, its reports' otherwise).
-- parameters: none (the macros take arguments: ds, the dataset; basis;
--          cif, the CIF/FOB factor; grps, the groups; membership; yfrom and
--          yto, the years read, NULL for no bound)

-- basis 'flow' reads a flow table (BACI: reporter = exporter, flow X);
-- 'importer-first', 'exporter-first' and 'average' build one from
-- reporter-based data with x the exporter's report and m the importer's.
CREATE OR REPLACE TEMP MACRO tp_flows(ds, basis, cif, yfrom := NULL, yto := NULL) AS TABLE
    WITH tot AS (
        SELECT * FROM tp_totals(ds, yfrom := yfrom, yto := yto)
        WHERE partner <> 'WLD' AND reporter <> partner AND basis IN ('flow', 'importer-first', 'exporter-first', 'average')
    ), x AS (
        SELECT year, reporter AS e, partner AS i, value_usd AS x FROM tot WHERE flow = 'X'
    ), m AS (
        SELECT year, partner AS e, reporter AS i, value_usd / cif AS m FROM tot WHERE flow = 'M'
    )
    SELECT year, e AS exporter, i AS importer, x AS value, 'reconciled' AS provenance
    FROM x WHERE basis = 'flow'
    UNION ALL
    SELECT year, e AS exporter, i AS importer,
           CASE basis
               WHEN 'importer-first' THEN coalesce(m, x)
               WHEN 'exporter-first' THEN coalesce(x, m)
               ELSE CASE WHEN x IS NOT NULL AND m IS NOT NULL THEN (x + m) / 2 ELSE coalesce(x, m) END
           END AS value,
           CASE
               WHEN x IS NOT NULL AND m IS NOT NULL AND basis = 'average' THEN 'average'
               WHEN m IS NOT NULL AND (basis = 'importer-first' OR x IS NULL) THEN 'importer'
               ELSE 'exporter'
           END AS provenance
    FROM x FULL OUTER JOIN m USING (year, e, i)
    WHERE basis IN ('importer-first', 'exporter-first', 'average');

-- The member view from the pairs: a member's exports to j are the pair
-- (member, j), its imports from j the pair (j, member). Its totals
-- (partner WLD) are, for a flow table (basis flow, tp_table_view), the
-- sums over the pairs; for reporter data (tp_pairs_view), those of the
-- reporter basis: its own World row, or its partners' reports where it
-- reported nothing (mirrored), never the sum of the pairs loaded, which
-- leaves out every partner not in the file. tp_flow_view is both, each
-- for its bases: a report that knows its basis reads the one it needs
-- (transform.ViewFor), so that a flow table's report does not plan the
-- reporter view it never reads.
CREATE OR REPLACE TEMP MACRO tp_pair_rows(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    WITH mem AS (
        SELECT * FROM tp_members(ds, grps, fixed_year, yfrom := yfrom, yto := yto) WHERE basis <> 'reporter'
    ), flows AS (
        SELECT * FROM tp_flows(ds, basis, cif, yfrom := yfrom, yto := yto)
    )
    SELECT mem.grp, f.year, f.exporter AS member, 'X' AS flow, f.importer AS partner, f.value, false AS mirrored
    FROM flows f JOIN mem ON mem.year = f.year AND mem.country = f.exporter
    UNION ALL
    SELECT mem.grp, f.year, f.importer AS member, 'M' AS flow, f.exporter AS partner, f.value, false AS mirrored
    FROM flows f JOIN mem ON mem.year = f.year AND mem.country = f.importer;

CREATE OR REPLACE TEMP MACRO tp_table_view(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    WITH flow_partner AS (
        SELECT * FROM tp_pair_rows(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis = 'flow'
    )
    SELECT p.*, 'partner-sum' AS source, 12 AS months, NULL::BIGINT AS reporters
    FROM flow_partner p
    UNION ALL
    SELECT grp, year, member, flow, 'WLD', sum(value), false, 'partner-sum', 12, NULL
    FROM flow_partner GROUP BY grp, year, member, flow;

CREATE OR REPLACE TEMP MACRO tp_pairs_view(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    WITH flow_partner AS (
        SELECT * FROM tp_pair_rows(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto)
        WHERE basis NOT IN ('reporter', 'flow')
    ), totals AS (
        SELECT grp, year, member, flow, 'WLD' AS partner, value, mirrored, source, months, reporters
        FROM tp_reporter_view(ds, grps, cif, fixed_year, yfrom := yfrom, yto := yto)
        WHERE basis NOT IN ('reporter', 'flow') AND partner = 'WLD'
    )
    SELECT p.*, coalesce(t.source, 'partner-sum') AS source, coalesce(t.months, 12) AS months, NULL::BIGINT AS reporters
    FROM flow_partner p LEFT JOIN totals t USING (grp, year, member, flow)
    UNION ALL
    SELECT * FROM totals;

CREATE OR REPLACE TEMP MACRO tp_flow_view(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    SELECT * FROM tp_table_view(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis = 'flow'
    UNION ALL
    SELECT * FROM tp_pairs_view(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis <> 'flow';
