-- name: view
-- purpose: the member view every report reads: for each member of the
--          groups in each year, its trade by flow (X, M) and partner and its
--          total (partner WLD), under the basis asked for, each partner
--          marked when it is itself a member of that group that year, each
--          row with where its member's total came from (source) and how
--          many months it holds, and a mirrored total with how many
--          partners' reports it is built from (reporters).
-- parameters: none (the macro takes arguments: ds, grps, basis, cif,
--          fixed_year; yfrom and yto, the years read, NULL for no bound)

-- The member view's rows under every basis: 'reporter' reads the members'
-- own reports, mirror-filled (tp_reporter_view); every other basis reads
-- the pairs (tp_flow_view). DuckDB plans every branch of a UNION before it
-- drops those a constant rules out, so a report, which knows its basis,
-- replaces this macro on its connection with its basis's branch alone
-- (transform.ViewFor; the branches are ViewBranches there).
CREATE OR REPLACE TEMP MACRO tp_view_rows(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    SELECT * FROM tp_reporter_view(ds, grps, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis = 'reporter'
    UNION ALL
    SELECT * FROM tp_flow_view(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto) WHERE basis <> 'reporter';

CREATE OR REPLACE TEMP MACRO tp_view(ds, grps, basis, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    WITH allrows AS (
        SELECT * FROM tp_view_rows(ds, grps, basis, cif, fixed_year, yfrom := yfrom, yto := yto)
    ), mem AS (
        SELECT * FROM tp_members(ds, grps, fixed_year, yfrom := yfrom, yto := yto)
    )
    SELECT a.grp, a.year, a.member, a.flow, a.partner, a.value, a.mirrored, a.source, a.months, a.reporters,
           a.partner = 'WLD' AS is_total,
           pm.country IS NOT NULL AS partner_is_member
    FROM allrows a
    LEFT JOIN mem pm ON pm.grp = a.grp AND pm.year = a.year AND pm.country = a.partner AND a.partner <> a.member;
