-- name: trade_key_space
-- purpose: the range of the parts of the natural key that the store does
--          not see as the new file's rows stream, for the look-up of a
--          revision's keys in a bitmap (sql/store/keyset.go): the number
--          of its shared parts (tp_replace_slices' n), and the first and
--          last country (tp_replace_countries) of the codes in the ranges
--          of code ids its reporters and partners took. NULL where a range
--          holds no code.
-- parameters:
--   $reporter_first: the reporters' first code id
--   $reporter_last: and their last
--   $partner_first: the partners' first code id
--   $partner_last: and their last
SELECT (SELECT max(n) FROM tp_replace_slices WHERE new),
       min(c) FILTER (WHERE code_id BETWEEN $reporter_first AND $reporter_last),
       max(c) FILTER (WHERE code_id BETWEEN $reporter_first AND $reporter_last),
       min(c) FILTER (WHERE code_id BETWEEN $partner_first AND $partner_last),
       max(c) FILTER (WHERE code_id BETWEEN $partner_first AND $partner_last)
FROM tp_replace_countries;
