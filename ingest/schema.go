package ingest

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Kind tells what a format holds.
type Kind string

const (
	KindTrade Kind = "trade" // bilateral trade values: TradeSchema
	KindFX    Kind = "fx"    // exchange rates: FXSchema
)

// TradeSchema is the canonical shape every trade reader produces.
//
// Values are in units of currency (never thousands): BACI's and WITS's
// thousands are multiplied out. Country columns hold ISO 3166-1 alpha-3 codes
// (or tradepipe's codes for World WLD, areas nes XNS and the like); the
// *_code columns keep the code or name exactly as the file gave it. Key
// columns that a format lacks are "" rather than null, so that natural keys
// compare with =.
var TradeSchema = arrow.NewSchema([]arrow.Field{
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "freq", Type: arrow.BinaryTypes.String},          // A annual, M monthly
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},        // 1900-2100
	{Name: "month", Type: arrow.PrimitiveTypes.Int32},       // 0 for annual data
	{Name: "reporter", Type: arrow.BinaryTypes.String},      // ISO3; exporter for flow tables (BACI)
	{Name: "reporter_code", Type: arrow.BinaryTypes.String}, // as in the file
	{Name: "partner", Type: arrow.BinaryTypes.String},       // ISO3; importer for flow tables
	{Name: "partner_code", Type: arrow.BinaryTypes.String},
	{Name: "partner2", Type: arrow.BinaryTypes.String}, // second partner (Comtrade+), "" if none
	{Name: "flow", Type: arrow.BinaryTypes.String},     // X, M, RX, RM (or the file's own code for others)
	{Name: "classification", Type: arrow.BinaryTypes.String},
	{Name: "product", Type: arrow.BinaryTypes.String}, // TOTAL or a commodity code
	{Name: "customs", Type: arrow.BinaryTypes.String}, // Comtrade customs procedure, "" if none
	{Name: "mot", Type: arrow.BinaryTypes.String},     // mode of transport, "" if none
	{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	{Name: "currency", Type: arrow.BinaryTypes.String}, // ISO 4217 of value
	{Name: "cif_value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "fob_value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "quantity", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "quantity_unit", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "net_weight_kg", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "is_reported", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "is_aggregate", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	// the publisher's own estimate (IMF DOTS's "e" figures); null where the
	// format does not say
	{Name: "is_estimate", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

// FXSchema is the canonical shape of exchange-rate readers: local currency
// units per US dollar for a period.
var FXSchema = arrow.NewSchema([]arrow.Field{
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "country", Type: arrow.BinaryTypes.String},      // ISO3, "" when the rate is not a country's (currency union, or no country given)
	{Name: "country_code", Type: arrow.BinaryTypes.String}, // as in the file
	{Name: "currency", Type: arrow.BinaryTypes.String},     // ISO 4217
	{Name: "freq", Type: arrow.BinaryTypes.String},         // A, Q, M or D
	{Name: "year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "month", Type: arrow.PrimitiveTypes.Int32}, // 0 for annual data
	{Name: "period", Type: arrow.BinaryTypes.String},  // 2019, 2019-03 or 2019-03-31 as given
	{Name: "per_usd", Type: arrow.PrimitiveTypes.Float64},
}, nil)

// optFloat is a float that may be absent.
type optFloat struct {
	v  float64
	ok bool
}

// optBool is a bool that may be absent.
type optBool struct {
	v, ok bool
}

type tradeRow struct {
	line                           int64
	freq                           string
	year, month                    int32
	reporter, reporterCode         string
	partner, partnerCode, partner2 string
	flow, classification, product  string
	customs, mot                   string
	value                          float64
	currency                       string
	cif, fob, qty, netWeight       optFloat
	qtyUnit                        string // "" = null
	isReported, isAggregate        optBool
	isEstimate                     optBool
}

func appendTrade(b *array.RecordBuilder, r *tradeRow) {
	f := b.Fields()
	f[0].(*array.Int64Builder).Append(r.line)
	f[1].(*array.StringBuilder).Append(r.freq)
	f[2].(*array.Int32Builder).Append(r.year)
	f[3].(*array.Int32Builder).Append(r.month)
	f[4].(*array.StringBuilder).Append(r.reporter)
	f[5].(*array.StringBuilder).Append(r.reporterCode)
	f[6].(*array.StringBuilder).Append(r.partner)
	f[7].(*array.StringBuilder).Append(r.partnerCode)
	f[8].(*array.StringBuilder).Append(r.partner2)
	f[9].(*array.StringBuilder).Append(r.flow)
	f[10].(*array.StringBuilder).Append(r.classification)
	f[11].(*array.StringBuilder).Append(r.product)
	f[12].(*array.StringBuilder).Append(r.customs)
	f[13].(*array.StringBuilder).Append(r.mot)
	f[14].(*array.Float64Builder).Append(r.value)
	f[15].(*array.StringBuilder).Append(r.currency)
	appendOptFloat(f[16].(*array.Float64Builder), r.cif)
	appendOptFloat(f[17].(*array.Float64Builder), r.fob)
	appendOptFloat(f[18].(*array.Float64Builder), r.qty)
	if r.qtyUnit == "" {
		f[19].AppendNull()
	} else {
		f[19].(*array.StringBuilder).Append(r.qtyUnit)
	}
	appendOptFloat(f[20].(*array.Float64Builder), r.netWeight)
	appendOptBool(f[21].(*array.BooleanBuilder), r.isReported)
	appendOptBool(f[22].(*array.BooleanBuilder), r.isAggregate)
	appendOptBool(f[23].(*array.BooleanBuilder), r.isEstimate)
}

type fxRow struct {
	line                           int64
	country, countryCode, currency string
	freq                           string
	year, month                    int32
	period                         string
	perUSD                         float64
}

func appendFX(b *array.RecordBuilder, r *fxRow) {
	f := b.Fields()
	f[0].(*array.Int64Builder).Append(r.line)
	f[1].(*array.StringBuilder).Append(r.country)
	f[2].(*array.StringBuilder).Append(r.countryCode)
	f[3].(*array.StringBuilder).Append(r.currency)
	f[4].(*array.StringBuilder).Append(r.freq)
	f[5].(*array.Int32Builder).Append(r.year)
	f[6].(*array.Int32Builder).Append(r.month)
	f[7].(*array.StringBuilder).Append(r.period)
	f[8].(*array.Float64Builder).Append(r.perUSD)
}

func appendOptFloat(b *array.Float64Builder, v optFloat) {
	if v.ok {
		b.Append(v.v)
	} else {
		b.AppendNull()
	}
}

func appendOptBool(b *array.BooleanBuilder, v optBool) {
	if v.ok {
		b.Append(v.v)
	} else {
		b.AppendNull()
	}
}
