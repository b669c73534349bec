-- name: portable-intra-share
-- purpose: the headline intra-regional share of the C5 by year, from the
--          exported flows and group_membership tables, in SQL that DuckDB,
--          Trino and Spark all accept (no table macros, no FILTER, no list
--          functions, no make_date). Membership as of 31 December of each
--          year. It reproduces regional-shares' intra_share_pct for the
--          flows table's basis (TestPortableQuery checks that in DuckDB).
-- parameters: none (edit the group name)
WITH years AS (
    SELECT DISTINCT year FROM flows
), members AS (
    SELECT y.year, g.country
    FROM years y
    JOIN group_membership g ON g.group_name = 'C5'
    WHERE EXTRACT(YEAR FROM g.valid_from) <= y.year
      AND (g.valid_to IS NULL
           OR EXTRACT(YEAR FROM g.valid_to) > y.year
           OR (EXTRACT(YEAR FROM g.valid_to) = y.year
               AND EXTRACT(MONTH FROM g.valid_to) = 12 AND EXTRACT(DAY FROM g.valid_to) = 31))
)
SELECT f.year,
       100 * SUM(CASE WHEN e.country IS NOT NULL AND i.country IS NOT NULL THEN 2 * f.value_usd ELSE 0 END)
           / SUM(CASE WHEN e.country IS NOT NULL THEN f.value_usd ELSE 0 END
                 + CASE WHEN i.country IS NOT NULL THEN f.value_usd ELSE 0 END) AS intra_share_pct
FROM flows f
LEFT JOIN members e ON e.year = f.year AND e.country = f.exporter
LEFT JOIN members i ON i.year = f.year AND i.country = f.importer
WHERE e.country IS NOT NULL OR i.country IS NOT NULL
GROUP BY f.year
ORDER BY f.year
