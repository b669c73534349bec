-- name: flows
-- purpose: the flows table of the dataset: one value per year and ordered
--          pair (exporter, importer), FOB in USD, with its provenance
--          (reconciled for BACI; importer, exporter or average where built
--          from reporter data), by the rules of tp_flows in
--          transform/sql/flows.sql.
-- parameters:
--   $dataset: the dataset exported
--   $basis: flow (BACI), importer-first, exporter-first or average
--           (default importer-first; flow for a flow table such as BACI)
--   $cif_fob: the CIF/FOB factor that turns importers' CIF values into FOB
--             (the reports' default when not given)
SELECT year, exporter, importer, value AS value_usd, provenance
FROM tp_flows($dataset, $basis, $cif_fob)
