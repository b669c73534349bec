-- name: mirror
-- purpose: the member view under the reporter basis. For each member of
--          the groups in each year, its trade by flow (X, M) and partner and
--          its total (partner WLD): its own reports where it reported the
--          flow that year, else filled from its partners' reports (mirror),
--          each row saying where its member's total came from (source).
-- parameters: none (the macros take arguments: ds, the dataset; grps, the
--          groups; cif, the CIF/FOB factor; fixed_year, NULL or a year;
--          yfrom and yto, the years read, NULL for no bound; years and
--          reporters, lists that limit tp_own_totals, NULL for all)

-- Where each reporter's total for a year and flow comes from: its own
-- World row (reported; estimate where the publisher estimated it, such as
-- an IMF DOTS "e" figure), or, with no World row, the sum of its partner
-- rows (partner-sum). Made from the kept totals (trade_bilateral) of a
-- dataset (ds NULL: every dataset), limited to the years and reporters
-- listed (NULL for all), and kept by the store in trade_own in the same
-- transaction as trade_bilateral: each depends only on its reporter's
-- totals for its year.
CREATE OR REPLACE TEMP MACRO tp_own_totals(ds, years, reporters) AS TABLE
    SELECT dataset, year, reporter, flow,
           CASE WHEN bool_or(partner = 'WLD' AND estimated > 0) THEN 'estimate'
                WHEN bool_or(partner = 'WLD') THEN 'reported' ELSE 'partner-sum' END AS source,
           coalesce(sum(value_usd) FILTER (WHERE partner = 'WLD'),
                    sum(value_usd) FILTER (WHERE partner <> reporter)) AS total,
           min(months) AS months
    FROM trade_bilateral
    WHERE (ds IS NULL OR dataset = ds)
      AND (years IS NULL OR list_contains(years, year))
      AND (reporters IS NULL OR list_contains(reporters, reporter))
    GROUP BY ALL;

-- Each reporter's own totals as the store keeps them (trade_own), in the
-- years from yfrom to yto (NULL: unbounded).
CREATE OR REPLACE TEMP MACRO tp_own(ds, yfrom := NULL, yto := NULL) AS TABLE
    SELECT year, reporter, flow, source, total, months
    FROM trade_own WHERE dataset = ds AND tp_in_years(year, yfrom, yto);

-- A member that reported flow F in year t speaks for itself: its partner
-- rows, and its total from tp_own. One that did not is mirror-filled from
-- its partners' reports: exports to j = j's imports from it / cif,
-- imports from j = j's exports to it * cif, total = the sum of those
-- (source mirror). mirrored marks the values that came from partners;
-- months says how many months the member's own figures for the year hold;
-- reporters, on a mirrored total, how many partners' reports it is built
-- from.
CREATE OR REPLACE TEMP MACRO tp_reporter_view(ds, grps, cif, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    WITH tot AS (
        SELECT * FROM tp_totals(ds, yfrom := yfrom, yto := yto)
    ), own_src AS (
        SELECT * FROM tp_own(ds, yfrom := yfrom, yto := yto)
    ), mem AS (
        SELECT * FROM tp_members(ds, grps, fixed_year, yfrom := yfrom, yto := yto)
    ), own AS (
        SELECT mem.grp, t.year, t.reporter AS member, t.flow, t.partner, t.value_usd AS value, false AS mirrored, o.source,
               o.months, NULL::BIGINT AS reporters
        FROM tot t
        JOIN mem ON mem.year = t.year AND mem.country = t.reporter
        JOIN own_src o ON o.year = t.year AND o.reporter = t.reporter AND o.flow = t.flow
        WHERE t.partner <> 'WLD' AND t.partner <> t.reporter
    ), own_total AS (
        SELECT mem.grp, o.year, o.reporter AS member, o.flow, 'WLD' AS partner, o.total AS value, false AS mirrored, o.source,
               o.months, NULL::BIGINT AS reporters
        FROM own_src o
        JOIN mem ON mem.year = o.year AND mem.country = o.reporter
    ), mirror AS (
        SELECT mem.grp, t.year, t.partner AS member,
               CASE t.flow WHEN 'M' THEN 'X' ELSE 'M' END AS flow,
               t.reporter AS partner,
               CASE t.flow WHEN 'M' THEN t.value_usd / cif ELSE t.value_usd * cif END AS value,
               true AS mirrored, 'mirror' AS source, 12 AS months, NULL::BIGINT AS reporters
        FROM tot t
        JOIN mem ON mem.year = t.year AND mem.country = t.partner
        ANTI JOIN own_src o ON o.year = t.year AND o.reporter = t.partner
                           AND o.flow = CASE t.flow WHEN 'M' THEN 'X' ELSE 'M' END
        WHERE t.partner <> 'WLD' AND t.partner <> t.reporter AND t.reporter <> 'WLD'
    ), mirror_total AS (
        SELECT grp, year, member, flow, 'WLD' AS partner, sum(value) AS value, true AS mirrored, 'mirror' AS source,
               12 AS months, count(DISTINCT partner) AS reporters
        FROM mirror GROUP BY grp, year, member, flow
    )
    SELECT * FROM own UNION ALL SELECT * FROM own_total
    UNION ALL SELECT * FROM mirror UNION ALL SELECT * FROM mirror_total;
