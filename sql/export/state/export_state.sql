-- name: export_state
-- purpose: what every partition of trade, totals and flows depends on
--          besides its own rows: the exchange-rate files loaded (they make
--          the USD values) and the database's rules (schema version,
--          reference seeds, transform SQL, the bilateral rule, all in meta).
--          When this changes, the export writes every partition again.
-- parameters: none
SELECT concat_ws('|',
    coalesce((SELECT string_agg(file_id || ':' || sha256, ',' ORDER BY file_id) FROM files WHERE kind = 'fx'), ''),
    coalesce((SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM meta), ''))
