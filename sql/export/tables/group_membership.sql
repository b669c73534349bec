-- name: group_membership
-- purpose: the regional groups and their members with the dates of
--          membership (valid_to NULL: still a member).
-- parameters: none
SELECT * FROM group_membership
