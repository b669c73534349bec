-- name: trade_keys
-- purpose: the natural key of each row of one side of a revision, as one
--          number below the key space's size: the new file's rows
--          ($new true) or the earlier rows of the slices it shares
--          ($new false), in the new file's years (sql/store/keyset.go).
--          The key is that of replace/trade.sql: the number of the shared
--          part, reporter and partner as countries (tp_replace_countries),
--          the product, the year and the month; each part less its first
--          value in the new file (replace/trade_key_space.sql) and times
--          the sizes of the parts after it. A row with a part outside the
--          new file's range gets NULL: no row of the new file has its key
--          (and a month outside 0-12, whose period would be another's,
--          gets NULL too: the store gives up the bitmap for a new row so).
-- parameters:
--   $new: which side
--   $year_min: the new file's first year
--   $year_max: and its last
--   $reporter_min: the first reporter's number (tp_replace_countries)
--   $reporter_max: and the last
--   $partner_min: the first partner's number
--   $partner_max: and the last
--   $product_min: the first product id
--   $product_max: and the last
--   $period_min: the first period ((year - $year_min) * 13 + month)
--   $period_max: and the last
WITH k AS (
    SELECT r.rowid AS rid, s.n, rc.c AS rc, pc.c AS pc, r.product, r.month, (r.year - $year_min) * 13 + r.month AS period
    FROM trade_rows r
    JOIN tp_replace_slices s ON s.slice_id = r.slice_id AND s.new = $new
    JOIN tp_replace_countries rc ON rc.code_id = r.reporter
    JOIN tp_replace_countries pc ON pc.code_id = r.partner
    WHERE r.year BETWEEN $year_min AND $year_max
)
SELECT rid,
       CASE WHEN rc BETWEEN $reporter_min AND $reporter_max AND pc BETWEEN $partner_min AND $partner_max
                 AND product BETWEEN $product_min AND $product_max AND period BETWEEN $period_min AND $period_max
                 AND month BETWEEN 0 AND 12
            THEN (((((n - 1) * ($reporter_max - $reporter_min + 1) + rc - $reporter_min)
                    * ($partner_max - $partner_min + 1) + pc - $partner_min)
                   * ($product_max - $product_min + 1) + product - $product_min)
                  * ($period_max - $period_min + 1) + period - $period_min) END AS k
FROM k;
