-- name: native-trade
-- purpose: what DuckDB itself takes to write the table tradepipe writes:
--          its own CSV reader loading a BACI file into tradepipe's trade
--          table (the 25 columns of sql/schema/001_init.sql), the country
--          codes mapped through a list indexed by code (three times faster
--          here than a join with country_codes, which also loses the insert
--          its row order), the constant columns as literals. It checks
--          nothing and gives every row line 0: a little less than tradepipe
--          does.
-- parameters:
--   $path: the BACI file
--   $class: the classification (HS17 for BACI_HS17_...)
INSERT INTO trade
SELECT 'baci', 1, 0, 'A', b.t, 0, l.iso[b.i::INTEGER + 1], b.i, l.iso[b.j::INTEGER + 1], b.j, '', 'X', $class, b.k, '', '',
       b.v * 1000, 'USD', NULL, NULL, b.q, CASE WHEN b.q IS NULL THEN NULL ELSE 't' END, NULL, NULL, NULL
FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
         columns = {'t': 'INTEGER', 'i': 'VARCHAR', 'j': 'VARCHAR', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'}) AS b,
     (SELECT list(c.country ORDER BY n.code) AS iso
      FROM range(1000) AS n(code)
      LEFT JOIN country_codes AS c ON c.scheme = 'numeric' AND c.code = n.code::VARCHAR) AS l;
