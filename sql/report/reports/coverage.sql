-- name: coverage
-- purpose: reporter x year x flow for the group's members: reported (its own
--          World row, or rows in a dataset with none), mirrored (only partners
--          report its trade) or missing, with the values each side gives.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group
--   $from: first year
--   $to: last year
--   $membership: as-of or fixed
WITH tot AS (
    SELECT * FROM tp_totals($dataset)
), has_world AS (
    SELECT count(*) FILTER (WHERE partner = 'WLD') > 0 AS yes FROM tot
), own AS (
    SELECT year, reporter AS member, flow,
           sum(value_usd) FILTER (WHERE partner = 'WLD' OR NOT has_world.yes) AS own_total_usd
    FROM tot, has_world
    GROUP BY ALL
    HAVING count(*) FILTER (WHERE partner = 'WLD' OR NOT has_world.yes) > 0
), mirror AS (
    SELECT year, partner AS member, CASE flow WHEN 'M' THEN 'X' ELSE 'M' END AS flow,
           count(DISTINCT reporter) AS partners_reporting,
           sum(value_usd) AS partner_reported_usd
    FROM tot WHERE partner <> 'WLD' AND reporter <> partner
    GROUP BY ALL
), grid AS (
    SELECT m.year, m.country AS member, f.flow
    FROM tp_members($dataset, $group, $membership) m, (VALUES ('X'), ('M')) f(flow)
)
SELECT grid.year, $group AS "group", grid.member, grid.flow,
       CASE WHEN own.member IS NOT NULL THEN 'reported'
            WHEN mirror.member IS NOT NULL THEN 'mirrored'
            ELSE 'missing' END AS status,
       own.own_total_usd,
       coalesce(mirror.partners_reporting, 0) AS partners_reporting,
       mirror.partner_reported_usd
FROM grid
LEFT JOIN own USING (year, member, flow)
LEFT JOIN mirror USING (year, member, flow)
WHERE grid.year BETWEEN $from AND $to
ORDER BY grid.year, grid.member, grid.flow DESC;
