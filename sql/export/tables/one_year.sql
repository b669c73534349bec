-- name: one_year
-- purpose: the rows of one year of a table's export statement, which
--          sql/export puts in place of the query marker, without the year
--          column: what COPY ... PARTITION_BY ("year") writes into that
--          year's folder, written by a statement of its own where that is
--          faster (sql/export/years.go says when).
-- parameters:
--   $year: the year
SELECT * EXCLUDE ("year") FROM (
/*query*/
) AS q
WHERE "year" = $year
