-- name: native-comtradebulk
-- purpose: the baseline of the readers target for a Comtrade+ bulk file
--          (47 tab-separated columns, no quotes): DuckDB's own CSV reader,
--          with explicit column types, into a table of a file database.
-- parameters:
--   $path: the bulk file
CREATE TABLE comtradebulk AS
SELECT * FROM read_csv($path, header = true, auto_detect = false, delim = '\t', quote = '',
    columns = {
        'typeCode': 'VARCHAR', 'freqCode': 'VARCHAR', 'refPeriodId': 'INTEGER', 'refYear': 'INTEGER',
        'refMonth': 'INTEGER', 'period': 'VARCHAR', 'reporterCode': 'INTEGER', 'reporterISO': 'VARCHAR',
        'reporterDesc': 'VARCHAR', 'flowCode': 'VARCHAR', 'flowDesc': 'VARCHAR', 'partnerCode': 'INTEGER',
        'partnerISO': 'VARCHAR', 'partnerDesc': 'VARCHAR', 'partner2Code': 'INTEGER', 'partner2ISO': 'VARCHAR',
        'partner2Desc': 'VARCHAR', 'classificationCode': 'VARCHAR', 'classificationSearchCode': 'VARCHAR',
        'isOriginalClassification': 'BOOLEAN', 'cmdCode': 'VARCHAR', 'cmdDesc': 'VARCHAR', 'aggrLevel': 'INTEGER',
        'isLeaf': 'BOOLEAN', 'customsCode': 'VARCHAR', 'customsDesc': 'VARCHAR', 'mosCode': 'VARCHAR',
        'motCode': 'INTEGER', 'motDesc': 'VARCHAR', 'qtyUnitCode': 'INTEGER', 'qtyUnitAbbr': 'VARCHAR',
        'qty': 'DOUBLE', 'isQtyEstimated': 'BOOLEAN', 'altQtyUnitCode': 'INTEGER', 'altQtyUnitAbbr': 'VARCHAR',
        'altQty': 'DOUBLE', 'isAltQtyEstimated': 'BOOLEAN', 'netWgt': 'DOUBLE', 'isNetWgtEstimated': 'BOOLEAN',
        'grossWgt': 'DOUBLE', 'isGrossWgtEstimated': 'BOOLEAN', 'cifvalue': 'DOUBLE', 'fobvalue': 'DOUBLE',
        'primaryValue': 'DOUBLE', 'legacyEstimationFlag': 'INTEGER', 'isReported': 'BOOLEAN',
        'isAggregate': 'BOOLEAN'});
