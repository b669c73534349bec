-- name: trade_country_ranks
-- purpose: each code's country as a small number, for the look-up of a
--          revision's keys in a bitmap (sql/store/keyset.go): the rank of
--          its country_id among them (equal country_id, equal country, so
--          that Comtrade's 842 and 840 are one), from 0. Written to the
--          temporary table tp_replace_countries.
-- parameters: none
CREATE OR REPLACE TEMP TABLE tp_replace_countries AS
SELECT code_id, dense_rank() OVER (ORDER BY country_id) - 1 AS c FROM trade_codes;
