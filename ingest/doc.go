// Package ingest reads the trade and exchange-rate files analysts download
// and streams them as canonical Arrow record batches (TradeSchema or
// FXSchema), one bounded batch per Next, with errors that name the file,
// line and column.
//
// Inputs may be plain, gzip or zip (every .csv entry of a zip is a source
// of its own; see Sources). The format is detected from the header (Detect)
// from this table, in order:
//
//	comtrade         typeCode,freqCode,refPeriodId,...                      UN Comtrade+ (API and bulk)
//	comtrade-legacy  Classification,Year,Period,Period Desc.,Aggregate Level,...   UN Comtrade legacy
//	baci             t,i,j,k,v,q                                            CEPII BACI (v in thousand USD)
//	wits             Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,<years>
//	wits-series      Reporter Name,Partner Name,Trade Flow,Indicator,<years>
//	wits-product     Reporter Name,Partner Name,Year,Trade Flow,Product Group,...,Import (US$ Thousand),...
//	wits-partner     Reporter Name,Partner Name,Year,Trade Flow,...,Export (US$ Thousand),Export Partner Share (%)
//	trade-long       year,month,reporter,partner,flow,product,value,currency[,quantity,unit]
//	wdi-fx           (4 preamble lines) "Country Name","Country Code","Indicator Name","Indicator Code",<years>
//	imf-fx           Date,Rate,Currency,Frequency,Source,Country code,Country
//	fx-long          date_or_period,currency,per_usd[,country]
//	baci-countries   country_code,country_name,country_iso2,country_iso3   a BACI release's codes (reference)
//	baci-products    code,description                                       a BACI release's products (reference)
//	imf-dots         (.xlsx, told by its zip signature) sheets "Exports, FOB", "Imports, CIF": B4 reporter, B5 unit, row 7 years
//	sdmx-trade       DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,...   IMF IMTS
//	sdmx-fx          DATAFLOW,... or STRUCTURE,STRUCTURE_ID,ACTION,...      IMF ER, BIS WS_XRU, ECB EXR
//
// Every text is UTF-8 or, where it is not, Windows-1252 (WITS downloads,
// Excel's CSV on Windows), decided from its bytes as they stream: see
// decodeReader. FileReader.Encoding tells which it was read as.
//
// A first line with tabs and no comma makes the file tab-separated
// (Comtrade+ bulk files). The legacy Comtrade layout is also told by its
// column names, in any order (files cut to fewer columns). Rows a reader
// skips (aggregate reporters or partners, such as the EU-28) are counted,
// with the reason: FileReader.Skipped. A saved error page (Comtrade's
// "query too complex") is ErrErrorPage.
//
// The SDMX-CSV formats are told from the first row's dataflow (sdmxFlows
// in sdmx.go is their table); a dataflow tradepipe does not read is an
// error naming it.
//
// Every reader maps country codes and names to ISO 3166-1 alpha-3 through
// the Codes it is given (the repository's table is *country.Table, of
// package transform/country); an unknown code is an error, never a silent
// drop. Values are stored in units of their currency (thousands are
// multiplied out).
//
// Errors are *ParseError values that unwrap to the sentinels of errors.go:
//
//	comtrade_kgz.csv:57:261: primaryValue: invalid number "12,5x"
//
// A reader that fails stops: the rows of the batch under construction are
// dropped, and the caller (the store) rolls back what it took earlier.
package ingest
