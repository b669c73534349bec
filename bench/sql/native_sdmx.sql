-- name: native-sdmx
-- purpose: the baseline of the readers target for SDMX-CSV (the IMF's
--          IMF.STA:ER answer, 41 columns): DuckDB's own CSV reader, with
--          explicit column types, loading the columns tradepipe keeps
--          (country, period, rate) into a table of a file database.
-- parameters:
--   $path: the file
CREATE TABLE sdmx AS
SELECT COUNTRY, INDICATOR, TYPE_OF_TRANSFORMATION, FREQUENCY, TIME_PERIOD, OBS_VALUE
FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'DATAFLOW': 'VARCHAR',
    'COUNTRY': 'VARCHAR',
    'INDICATOR': 'VARCHAR',
    'TYPE_OF_TRANSFORMATION': 'VARCHAR',
    'FREQUENCY': 'VARCHAR',
    'TIME_PERIOD': 'VARCHAR',
    'OBS_VALUE': 'DOUBLE',
    'SCALE': 'VARCHAR',
    'PRECISION': 'VARCHAR',
    'DECIMALS_DISPLAYED': 'VARCHAR',
    'EXRATE': 'VARCHAR',
    'STATISTICAL_MEASURES': 'VARCHAR',
    'TRANSFORMATION': 'VARCHAR',
    'DERIVATION_TYPE': 'VARCHAR',
    'OVERLAP': 'VARCHAR',
    'IFS_FLAG': 'VARCHAR',
    'STATUS': 'VARCHAR',
    'DOI': 'VARCHAR',
    'FULL_DESCRIPTION': 'VARCHAR',
    'PUBLISHER': 'VARCHAR',
    'DEPARTMENT': 'VARCHAR',
    'CONTACT_POINT': 'VARCHAR',
    'TOPIC': 'VARCHAR',
    'TOPIC_DATASET': 'VARCHAR',
    'KEYWORDS': 'VARCHAR',
    'KEYWORDS_DATASET': 'VARCHAR',
    'LANGUAGE': 'VARCHAR',
    'PUBLICATION_DATE': 'VARCHAR',
    'UPDATE_DATE': 'VARCHAR',
    'METHODOLOGY': 'VARCHAR',
    'METHODOLOGY_NOTES': 'VARCHAR',
    'ACCESS_SHARING_LEVEL': 'VARCHAR',
    'ACCESS_SHARING_NOTES': 'VARCHAR',
    'SECURITY_CLASSIFICATION': 'VARCHAR',
    'SOURCE': 'VARCHAR',
    'SHORT_SOURCE_CITATION': 'VARCHAR',
    'FULL_SOURCE_CITATION': 'VARCHAR',
    'LICENSE': 'VARCHAR',
    'SUGGESTED_CITATION': 'VARCHAR',
    'KEY_INDICATOR': 'VARCHAR',
    'SERIES_NAME': 'VARCHAR'});
