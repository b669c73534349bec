-- name: fx_series_currency
-- purpose: a rate labelled with a currency that did not exist yet is in
--          the currency it replaced. A file that gives a country's series
--          under the country's currency today, when the series ends before
--          that currency was introduced by a redenomination, holds the old
--          unit's figures: the IMF's Turkmen series of 1994-2001, labelled
--          TMT (the new manat of 2009), is 5200 old manat (TMM) per dollar
--          in 2001. Such rows take the old currency's code. A series that
--          reaches the new currency is left as labelled: publishers restate
--          its earlier years in the new unit. The label is the series'
--          (fx_series): every rate of a series that ends before the change
--          is older than it. Only the series of a redenominated
--          country's new currency are read for their last year (3-7 ms
--          for a 200,000-rate file, against 6-8 ms reading every series),
--          and they are chosen before the join with the rates, which the
--          load plans as written (asWritten): joined first, every rate
--          of the dataset was read, where now a file with no such series
--          reads none (the replace step of the fx-long bench file: 3-4
--          ms, against 8-10 ms).
--          Runs in the file's load transaction, before fx_one_rate.
-- parameters:
--   $file_id: the new file's id
--   $dataset: its dataset (unused: the rule reads the file's own rows)
UPDATE fx_series f SET currency = c.old_currency
FROM currency_changes c,
     (SELECT s.country, s.currency, max(v.year) AS last_year
      FROM fx_values v
      JOIN (SELECT series_id, country, currency FROM fx_series
            WHERE file_id = $file_id
              AND (country, currency) IN (SELECT country, new_currency FROM currency_changes WHERE kind = 'redenomination')) s
      USING (series_id)
      GROUP BY ALL) s
WHERE f.file_id = $file_id AND $dataset IS NOT NULL
  AND c.country = f.country AND c.new_currency = f.currency AND c.kind = 'redenomination'
  AND s.country = f.country AND s.currency = f.currency
  AND s.last_year < year(c.changed_on);
