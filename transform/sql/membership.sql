-- name: membership
-- purpose: the members of groups in each year of a dataset, from the
--          group_membership table (seeded groups and the config's).
-- parameters: none (the macro takes arguments: ds, the dataset; grps, a
--          comma-separated list of groups; membership, as-of or fixed)

-- as-of: a member on 31 December of the year; fixed: today's members for
-- every year.
CREATE OR REPLACE TEMP MACRO tp_members(ds, grps, membership) AS TABLE
    SELECT y.year, g.group_name AS grp, g.country
    FROM (SELECT DISTINCT year FROM trade WHERE dataset = ds) y
    JOIN group_membership g ON list_contains(string_split(grps, ','), g.group_name)
    WHERE CASE WHEN membership = 'fixed'
               THEN g.valid_from <= current_date AND (g.valid_to IS NULL OR g.valid_to >= current_date)
               ELSE g.valid_from <= make_date(y.year, 12, 31)
                    AND (g.valid_to IS NULL OR g.valid_to >= make_date(y.year, 12, 31)) END;
