-- name: replace_trade
-- purpose: a newly loaded trade file replaces the earlier rows of its
--          dataset that share a natural key with it (a revision replaces,
--          never adds). Runs inside the file's load transaction, after the
--          file's slices, codes and products are written.
--          The natural key (reporter, partner, second partner, flow,
--          frequency, year, month, classification, product, customs,
--          transport, trade type: services never replace goods) is
--          compared as numbers: the shared part as the number
--          of its combination among the new file's slices, countries as
--          country_id (so rows that name one country with different codes,
--          Comtrade's 842 and 840, still match), products as product_id; the
--          four 32-bit ids go in pairs into two 64-bit numbers, year and
--          month into a third.
--          Only slices of the dataset whose shared part the new file also
--          has can hold such rows. The statement deletes their rows except
--          those whose key the new file lacks: in a revision those are few
--          or none, and the delete needs no join on row ids (for ten
--          million rows, this takes half the time of deleting the rows
--          found by a semi join).
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset
WITH shared AS (
    SELECT partner2, flow, freq, classification, customs, mot, trade_type, row_number() OVER () AS n
    FROM (SELECT DISTINCT partner2, flow, freq, classification, customs, mot, trade_type
          FROM trade_slices WHERE file_id = $file_id)
), s AS (
    SELECT t.slice_id, shared.n, t.file_id = $file_id AS new
    FROM trade_slices t JOIN shared USING (partner2, flow, freq, classification, customs, mot, trade_type)
    WHERE t.dataset = $dataset
)
DELETE FROM trade_rows
WHERE slice_id IN (SELECT slice_id FROM s WHERE NOT new)
  AND rowid NOT IN (
      SELECT o.rowid
      FROM trade_rows o
      JOIN s ON s.slice_id = o.slice_id AND NOT s.new
      JOIN trade_codes rc ON rc.code_id = o.reporter
      JOIN trade_codes pc ON pc.code_id = o.partner
      ANTI JOIN (
          SELECT (s.n::BIGINT << 32) | rc.country_id AS k1, (pc.country_id::BIGINT << 32) | r.product AS k2,
                 r.year * 100 + r.month AS ym
          FROM trade_rows r
          JOIN s ON s.slice_id = r.slice_id AND s.new
          JOIN trade_codes rc ON rc.code_id = r.reporter
          JOIN trade_codes pc ON pc.code_id = r.partner
      ) AS n
        ON n.k1 = (s.n::BIGINT << 32) | rc.country_id AND n.k2 = (pc.country_id::BIGINT << 32) | o.product
       AND n.ym = o.year * 100 + o.month);
