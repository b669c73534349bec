-- name: membership
-- purpose: the members of groups in each year of a dataset, from the
--          group_membership table (seeded groups and the config's).
-- parameters: none (the macro takes arguments: ds, the dataset; grps, a
--          comma-separated list of groups; fixed_year, NULL or a year;
--          yfrom and yto, the years listed, NULL for no bound)

-- With fixed_year NULL (membership as-of), a country is a member in year t
-- when it is a member on 31 December of t. With a year (membership fixed),
-- the members on 31 December of that year count in every year: the report
-- says which year, never the calendar's today. Only the years from yfrom
-- to yto are listed.
CREATE OR REPLACE TEMP MACRO tp_members(ds, grps, fixed_year, yfrom := NULL, yto := NULL) AS TABLE
    SELECT y.year, g.group_name AS grp, g.country
    FROM (SELECT year FROM trade_years WHERE dataset = ds AND tp_in_years(year, yfrom, yto)) y
    JOIN group_membership g ON list_contains(string_split(grps, ','), g.group_name)
    WHERE g.valid_from <= make_date(coalesce(fixed_year, y.year), 12, 31)
      AND (g.valid_to IS NULL OR g.valid_to >= make_date(coalesce(fixed_year, y.year), 12, 31));
