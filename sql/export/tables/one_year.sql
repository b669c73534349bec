-- name: one_year
-- purpose: the rows of one year of a table's export statement, which
--          sql/export puts in place of the query marker, without the year
--          column: what COPY ... PARTITION_BY ("year") writes into that
--          year's folder, written by a statement of its own where that is
--          faster (sql/export/years.go says when). Written again only
--          for some partitions, sql/export appends "AND" and the
--          condition that picks them: the WHERE clause stays last.
-- parameters:
--   $year: the year
SELECT * EXCLUDE ("year") FROM (
/*query*/
) AS q
WHERE "year" = $year
