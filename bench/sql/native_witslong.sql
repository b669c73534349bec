-- name: native-witslong
-- purpose: the like-for-like baseline of the readers target for the WITS
--          partner time series: DuckDB's own CSV reader, with explicit
--          column types, and UNPIVOT to one row per year with a value, as
--          tradepipe stores them (its long rows: reporter, partner, flow,
--          product group, year, value), into a table of a file database.
--          An empty year gives no row, as in tradepipe.
-- parameters:
--   $path: the file
CREATE TABLE witslong AS
SELECT "Reporter Name" AS reporter, "Partner Name" AS partner, "Trade Flow" AS flow, "Product Group" AS product,
       "Indicator" AS indicator, year::INTEGER AS year, value
FROM (
    UNPIVOT (
        SELECT * FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
            columns = {'Reporter Name': 'VARCHAR', 'Partner Name': 'VARCHAR', 'Trade Flow': 'VARCHAR',
                       'Product Group': 'VARCHAR', 'Indicator': 'VARCHAR',
                       '1995': 'DOUBLE', '1996': 'DOUBLE', '1997': 'DOUBLE', '1998': 'DOUBLE', '1999': 'DOUBLE', '2000': 'DOUBLE', '2001': 'DOUBLE',
                       '2002': 'DOUBLE', '2003': 'DOUBLE', '2004': 'DOUBLE', '2005': 'DOUBLE', '2006': 'DOUBLE', '2007': 'DOUBLE', '2008': 'DOUBLE',
                       '2009': 'DOUBLE', '2010': 'DOUBLE', '2011': 'DOUBLE', '2012': 'DOUBLE', '2013': 'DOUBLE', '2014': 'DOUBLE', '2015': 'DOUBLE',
                       '2016': 'DOUBLE', '2017': 'DOUBLE', '2018': 'DOUBLE', '2019': 'DOUBLE', '2020': 'DOUBLE', '2021': 'DOUBLE'})
    ) ON COLUMNS('^[0-9]{4}$') INTO NAME year VALUE value
);
