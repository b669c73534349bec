// Package sqltest runs the SQL of package transform on DuckDB against the
// fixtures in transform/testdata: one folder per transform (usd, totals,
// membership, mirror, flows, view, metrics), one .txtar file per case,
// each stating its input rows, the query and the output expected, worked
// out by hand. It holds tests only. It lives apart from transform so that
// transform builds and tests without cgo; DuckDB comes in here.
//
// A case is a txtar archive:
//
//	What the case shows, in a sentence or two (the archive's comment).
//	-- trade.csv --
//	year,reporter,partner,flow,value
//	2019,KAZ,WLD,X,100
//	-- query.sql --
//	SELECT reporter, value_usd FROM tp_usd('d') ORDER BY ALL
//	-- want.csv --
//	reporter,value_usd
//	KAZ,100
//
// Each NAME.csv file but want.csv is inserted into the table NAME of
// testdata/tables.sql, in its named columns; the others take the
// table's defaults. The kept sums (trade_slices, trade_codes, trade_sums)
// are then filled from trade, and trade_bilateral from them, as the store
// keeps them. An empty field is the
// empty string and NULL is null. Numbers in want.csv match to 1e-9 relative; NULL matches null.
package sqltest
