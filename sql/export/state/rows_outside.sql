-- name: rows_outside
-- purpose: how many rows of a table's export statement, which sql/export
--          puts in place of the query marker, are of none of the years an
--          export wrote a statement a year: rows the store's sums do not
--          account for, which the export would otherwise leave out.
-- parameters:
--   $years: the years written
SELECT count(*) FROM (
/*query*/
) AS q
WHERE NOT list_contains($years::BIGINT[], "year")
