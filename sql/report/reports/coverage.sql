-- name: coverage
-- purpose: reporter x year x flow for the group's members: where the total
--          comes from (source: reported, partner-sum, mirror, estimate or
--          missing), whether it is complete and why not, how many reporters
--          a mirror is built from and their share of world trade, and what to
--          load to complete it; with the values each side gives (status:
--          reported, mirrored or missing, as before).
-- parameters:
--   $dataset: the dataset to read
--   $group: the group
--   $from: first year
--   $to: last year
--   $basis: reporter, flow, importer-first, exporter-first or average
--   $cif_fob: the CIF/FOB factor used for mirror values
--   $fixed_year: with membership fixed, the year whose members count
--   $world: whether the dataset holds the whole world matrix
--   $min_world_share: the world-trade share a mirror's reporters must cover
--   $min_partner_share: the share of a total its partner rows must reach
WITH tot AS (
    SELECT * FROM tp_totals($dataset, yfrom := $from, yto := $to)
), own AS (
    SELECT year, reporter AS member, flow, total AS own_total_usd FROM tp_own($dataset, yfrom := $from, yto := $to)
), mirror AS (
    SELECT year, partner AS member, CASE flow WHEN 'M' THEN 'X' ELSE 'M' END AS flow,
           count(DISTINCT reporter) AS partners_reporting,
           sum(value_usd) AS partner_reported_usd
    FROM tot WHERE partner <> 'WLD' AND reporter <> partner
    GROUP BY ALL
), cov AS (
    SELECT * FROM tp_coverage($dataset, $group, $basis, $cif_fob, $fixed_year, $world, $min_world_share, $min_partner_share,
                              yfrom := $from, yto := $to)
)
SELECT cov.year, $group AS "group", cov.member, cov.flow,
       CASE WHEN own.member IS NOT NULL THEN 'reported'
            WHEN mirror.member IS NOT NULL THEN 'mirrored'
            ELSE 'missing' END AS status,
       own.own_total_usd,
       coalesce(mirror.partners_reporting, 0) AS partners_reporting,
       mirror.partner_reported_usd,
       cov.source,
       cov.total_complete AND cov.partners_complete AS complete,
       cov.reporters,
       cov.world_share_pct,
       cov.to_complete,
       concat_ws('; ', cov.reason,
                 CASE WHEN cov.total_complete AND NOT cov.partners_complete
                      THEN cov.member || CASE cov.flow WHEN 'X' THEN ' exports ' ELSE ' imports ' END || cov.year
                           || ': its partner rows add up to ' || printf('%.0f', coalesce(cov.partners_pct, 0)) || '% of its total' END)
           AS incomplete_reason
FROM cov
LEFT JOIN own USING (year, member, flow)
LEFT JOIN mirror USING (year, member, flow)
WHERE cov.grp = $group AND cov.year BETWEEN $from AND $to
ORDER BY cov.year, cov.member, cov.flow DESC;
