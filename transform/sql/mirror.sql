-- name: mirror
-- purpose: the member view under the reporter basis. For each member of
--          the groups in each year, its trade by flow (X, M) and partner and
--          its total (partner WLD): its own reports where it reported the
--          flow that year, else filled from its partners' reports (mirror).
-- parameters: none (the macro takes arguments: ds, the dataset; grps, the
--          groups; cif, the CIF/FOB factor; membership, as-of or fixed)

-- A member reported flow F in year t when it has the World row for F, t
-- (or any row, in a dataset with no World rows): it then speaks for
-- itself, and its total is that World row (or the sum of its partner
-- rows). One that did not is mirror-filled: exports to j = j's imports
-- from it / cif, imports from j = j's exports to it * cif, total = the sum
-- of those. mirrored marks the values that came from partners' reports.
CREATE OR REPLACE TEMP MACRO tp_reporter_view(ds, grps, cif, membership) AS TABLE
    WITH tot AS (
        SELECT * FROM tp_totals(ds)
    ), has_world AS (
        SELECT count(*) FILTER (WHERE partner = 'WLD') > 0 AS yes FROM tot
    ), reported AS (
        SELECT DISTINCT year, reporter, flow FROM tot, has_world WHERE partner = 'WLD' OR NOT has_world.yes
    ), mem AS (
        SELECT * FROM tp_members(ds, grps, membership)
    ), own AS (
        SELECT mem.grp, t.year, t.reporter AS member, t.flow, t.partner, t.value_usd AS value, false AS mirrored
        FROM tot t
        JOIN mem ON mem.year = t.year AND mem.country = t.reporter
        JOIN reported r ON r.year = t.year AND r.reporter = t.reporter AND r.flow = t.flow
        WHERE t.partner <> 'WLD' AND t.partner <> t.reporter
    ), own_total AS (
        SELECT mem.grp, t.year, t.reporter AS member, t.flow, 'WLD' AS partner, t.value_usd AS value, false AS mirrored
        FROM tot t, has_world
        JOIN mem ON mem.year = t.year AND mem.country = t.reporter
        WHERE has_world.yes AND t.partner = 'WLD'
        UNION ALL
        SELECT grp, year, member, flow, 'WLD', sum(value), false FROM own, has_world
        WHERE NOT has_world.yes GROUP BY grp, year, member, flow
    ), mirror AS (
        SELECT mem.grp, t.year, t.partner AS member,
               CASE t.flow WHEN 'M' THEN 'X' ELSE 'M' END AS flow,
               t.reporter AS partner,
               CASE t.flow WHEN 'M' THEN t.value_usd / cif ELSE t.value_usd * cif END AS value,
               true AS mirrored
        FROM tot t
        JOIN mem ON mem.year = t.year AND mem.country = t.partner
        ANTI JOIN reported r ON r.year = t.year AND r.reporter = t.partner
                            AND r.flow = CASE t.flow WHEN 'M' THEN 'X' ELSE 'M' END
        WHERE t.partner <> 'WLD' AND t.partner <> t.reporter AND t.reporter <> 'WLD'
    ), mirror_total AS (
        SELECT grp, year, member, flow, 'WLD' AS partner, sum(value) AS value, true AS mirrored
        FROM mirror GROUP BY grp, year, member, flow
    )
    SELECT * FROM own UNION ALL SELECT * FROM own_total
    UNION ALL SELECT * FROM mirror UNION ALL SELECT * FROM mirror_total;
