-- name: data_version
-- purpose: a fingerprint of everything reports and exports are made from:
--          the ledger (each file with its dataset and bytes), the group
--          memberships, and the database's rules (schema version, reference
--          seeds, transform SQL, the bilateral rule: all of meta). Rows only
--          come and go with files (a load, a revision, a removal, a renamed
--          or dropped dataset all change the ledger), so equal fingerprints
--          mean equal data. The run history is not part of it.
--          For one dataset, only its own files and the exchange-rate files
--          count (a file in another dataset changes none of its figures).
-- parameters:
--   $dataset: the dataset, or '' for all of them
SELECT md5(concat_ws('|',
    coalesce((SELECT string_agg(file_id || ':' || dataset || ':' || sha256, ',' ORDER BY file_id) FROM files
              WHERE $dataset = '' OR dataset = $dataset OR kind = 'fx'), ''),
    coalesce((SELECT string_agg(concat_ws(':', group_name, country, valid_from, coalesce(valid_to::VARCHAR, '-'), source), ','
                                ORDER BY group_name, country, valid_from, source) FROM group_membership), ''),
    coalesce((SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM meta), '')))
