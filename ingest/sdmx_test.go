package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/transform/country"
)

// readSDMX detects and reads a file, and gives its rows as text: for trade
// "line flow freq year month reporter>partner value est", for rates "line
// country currency freq period per_usd".
func readSDMX(t *testing.T, name string, data string) (string, []string, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, r, err := Detect(name, strings.NewReader(data))
	if err != nil {
		return "", nil, err
	}
	rr, err := f.NewReader(r, WithName(name), WithCodes(country.Default()), WithAllocator(mem), WithBatchRows(2))
	if err != nil {
		return f.Name, nil, err
	}
	defer rr.Release()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		col := func(n string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(n)[0]) }
		for i := 0; i < int(rec.NumRows()); i++ {
			if f.Kind == KindTrade {
				out = append(out, fmt.Sprintf("%d %s %s %s %s %s>%s %g %s", col("line").(*array.Int64).Value(i), col("flow").ValueStr(i),
					col("freq").ValueStr(i), col("year").ValueStr(i), col("month").ValueStr(i), col("reporter").ValueStr(i),
					col("partner").ValueStr(i), col("value").(*array.Float64).Value(i), col("is_estimate").ValueStr(i)))
			} else {
				out = append(out, fmt.Sprintf("%d %q %s %s %s %g", col("line").(*array.Int64).Value(i), col("country").ValueStr(i),
					col("currency").ValueStr(i), col("freq").ValueStr(i), col("period").ValueStr(i), col("per_usd").(*array.Float64).Value(i)))
			}
		}
	}
	return f.Name, out, rr.Err()
}

// TestSDMXFixtures reads each fixture of testdata/sdmx; the rows expected
// are worked from the fixture's lines by hand.
func TestSDMXFixtures(t *testing.T) {
	inv := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return 1 / v }
	cases := []struct {
		file, format string
		want         []string
	}{
		{"imf_imts_kaz_2019.csv", "sdmx-trade", []string{
			"2 X A 2019 0 KAZ>WLD 5.7676727675e+10 false",
			"3 X A 2019 0 KAZ>CHN 7.823406348e+09 false", // SCALE 6
			// line 4: G110 Advanced Economies, an aggregate
			"5 M A 2019 0 KAZ>WLD 3.8419023129e+10 false",
			"6 M A 2019 0 KAZ>RUS 1.4065055226e+10 false",
			"7 MG_FOB_USD A 2019 0 KAZ>RUS 1.3269e+10 true", // imports FOB: kept apart from M
			// line 8: empty, STATUS NA
			"9 X A 2019 0 TKM>WLD 1.0818e+10 true",
			"10 X Q 2019 1 KAZ>CHN 1.702e+09 false",
			"11 X M 2019 1 KAZ>CHN 5.56e+08 false",
		}},
		{"imf_er_2019.csv", "sdmx-fx", []string{
			`2 "KAZ" KZT A 2019 382.747310606061`,
			`3 "KAZ" KZT D 2019-12-31 381.18`, // end of period: the year's last day
			`4 "KGZ" KGS M 2019-03 69.7861`,
			`5 "KGZ" KGS D 2019-03-31 69.6`, // end of Q1
			// line 6: empty, STATUS T; line 7: G163, the euro area, an aggregate
		}},
		{"bis_ws_xru_2019.csv", "sdmx-fx", []string{
			`2 "KAZ" KZT A 2019 382.7473`,
			`3 "KAZ" KZT D 2019-12-31 381.18`,
			`4 "CHN" CNY M 2019-01 6.7863`,
			`5 "RUS" RUB D 2019-03-15 65.2`,
			`6 "" EUR A 2019 0.8933`, // XM: the euro area, no country
			// line 7: empty, OBS_STATUS M
		}},
		{"bis_ws_xru_2.0_semicolon_labels.csv", "sdmx-fx", []string{
			`2 "KAZ" KZT A 2019 382.7473`,
			`3 "KGZ" KGS D 2019-03-31 69.6`,
		}},
		{"ecb_exr_usd_2019.csv", "sdmx-fx", []string{
			// euros per US dollar: one over the US dollars per euro of the file
			fmt.Sprintf(`2 "" EUR A 2019 %g`, inv("1.1195")),
			fmt.Sprintf(`3 "" EUR M 2019-03 %g`, inv("1.1302")),
			fmt.Sprintf(`4 "" EUR D 2019-03-31 %g`, inv("1.1235")),
			fmt.Sprintf(`5 "" EUR D 2019-12-31 %g`, inv("1.1234")),
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "sdmx", c.file))
			if err != nil {
				t.Fatal(err)
			}
			format, got, err := readSDMX(t, c.file, string(data))
			if err != nil {
				t.Fatal(err)
			}
			if format != c.format {
				t.Fatalf("detected %s, want %s", format, c.format)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestSDMXErrors(t *testing.T) {
	imts := "DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,STATUS\n"
	er := "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE\n"
	cases := []struct {
		name, data string
		want       error
		msg        string
	}{
		{"unknown dataflow", "DATAFLOW,FREQ,TIME_PERIOD,OBS_VALUE\nESTAT:NA_MAIN(1.6.0),A,2019,1\n", ErrUnknownDataflow,
			"f.csv:2:1: DATAFLOW: unknown SDMX dataflow ESTAT:NA_MAIN(1.6.0); tradepipe reads IMF.STA:IMTS, IMF.STA:ER, BIS:WS_XRU, ECB:EXR"},
		{"unknown dataflow, 2.0", "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,TIME_PERIOD,OBS_VALUE\ndataflow,BIS:BIS_DER(1.0),I,A,2019,1\n", ErrUnknownDataflow,
			"f.csv:2:10: STRUCTURE_ID: unknown SDMX dataflow BIS:BIS_DER(1.0)"},
		{"unknown dataflow later", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,1,0,\nIMF.STA:DOT(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,1,0,\n", ErrUnknownDataflow,
			"f.csv:3:1: DATAFLOW: unknown SDMX dataflow IMF.STA:DOT(1.0.0)"},
		{"bad dataflow", imts + "IMTS,KAZ,XG_FOB_USD,G001,A,2019,1,0,\n", ErrBadCode, `f.csv:2:1: DATAFLOW: invalid code: dataflow "IMTS" (want AGENCY:ID(VERSION))`},
		{"indicator", imts + "IMF.STA:IMTS(1.0.0),KAZ,TXG_FOB_USD,G001,A,2019,1,0,\n", ErrBadCode,
			`f.csv:2:25: INDICATOR: invalid code: indicator "TXG_FOB_USD" (want XG_FOB_USD, MG_CIF_USD or MG_FOB_USD)`},
		{"country", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,ZZZ,A,2019,1,0,\n", ErrUnknownCountry, `f.csv:2:36: COUNTERPART_COUNTRY: unknown country code "ZZZ" (alpha3)`},
		{"period", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,M,2019-M13,1,0,\n", ErrBadPeriod, `f.csv:2:43: TIME_PERIOD: invalid period "2019-M13"`},
		{"frequency", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,M,2019,1,0,\n", ErrBadPeriod, `f.csv:2:41: FREQUENCY: invalid period: frequency "M", but the period "2019" is A`},
		{"empty value", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,,0,\n", ErrBadNumber, "f.csv:2:48: OBS_VALUE: invalid number: empty, and no status attribute says why"},
		{"bad value", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,1.2.3,0,\n", ErrBadNumber, `f.csv:2:48: OBS_VALUE: invalid number "1.2.3"`},
		{"scale", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,1,M,\n", ErrBadCode, `f.csv:2:50: SCALE: invalid code: scale "M"`},
		{"too large", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,2,15,\n", ErrTooLarge,
			`f.csv:2:48: OBS_VALUE: value beyond any trade figure: "2" units is above 1e+15 USD`},
		{"fields", imts + "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,G001,A,2019,1,0\n", ErrFieldCount, "f.csv:2:51: wrong number of fields: got 8, want 9"},
		{"per euro", er + "IMF.STA:ER(4.0.1),ARG,XDC_EUR,EOP_RT,M,1999-M01,1.1378308\n", ErrBadCode,
			`f.csv:2:23: INDICATOR: invalid code: indicator "XDC_EUR"; tradepipe keeps rates per US dollar (XDC_USD)`},
		{"transformation", er + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PCH_RT,A,2019,1\n", ErrBadCode, `f.csv:2:31: TYPE_OF_TRANSFORMATION: invalid code: "PCH_RT"`},
		{"zero rate", er + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,0\n", ErrBadRate, `f.csv:2:44: OBS_VALUE: exchange rate must be positive "0"`},
		{"trade as fx", "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE\nIMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,1\nIMF.STA:IMTS(1.0.0),KAZ,XDC_USD,PA_RT,A,2019,1\n",
			ErrBadCode, "f.csv:3:1: DATAFLOW: invalid code: dataflow IMF.STA:IMTS holds trade, not fx (read it as sdmx-trade)"},
		{"ecb cross rate", "DATAFLOW,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE\nECB:EXR(1.0),A,CNY,EUR,SP00,A,2019,7.7355\n", ErrBadCode,
			"f.csv:2:16: CURRENCY: invalid code: the ECB series gives CNY per EUR; tradepipe keeps rates per US dollar"},
		{"bis collection", "DATAFLOW,FREQ,REF_AREA,CURRENCY,COLLECTION,TIME_PERIOD,OBS_VALUE\nBIS:WS_XRU(1.0),A,KZ,KZT,B,2019,1\n", ErrBadCode,
			`f.csv:2:26: COLLECTION: invalid code: "B" (want A, average of the period, or E, end of period)`},
		{"delete", "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,CURRENCY,COLLECTION,TIME_PERIOD,OBS_VALUE\ndataflow,BIS:WS_XRU(1.0),D,A,KZ,KZT,A,2019,1\n", ErrBadCode,
			"f.csv:2:26: ACTION: invalid code: ACTION D (delete) rows cannot be loaded"},
		{"missing column", "DATAFLOW,FREQ,REF_AREA,COLLECTION,TIME_PERIOD,OBS_VALUE\nBIS:WS_XRU(1.0),A,KZ,A,2019,1\n", ErrMissingColumn, `f.csv:1: missing required column "CURRENCY"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readSDMX(t, "f.csv", c.data)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), c.msg) {
				t.Fatalf("message\n %s\nwant it to start\n %s", err, c.msg)
			}
		})
	}
}

func FuzzSDMX(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "sdmx", "*.csv"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	trade, _ := FormatByName("sdmx-trade")
	fx, _ := FormatByName("sdmx-fx")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range []Format{trade, fx} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rr, err := fm.NewReader(strings.NewReader(string(data)), WithName("fuzz.csv"), WithCodes(testCodes{}), WithAllocator(mem), WithBatchRows(3))
			if err != nil {
				checkParseError(t, err)
				mem.AssertSize(t, 0)
				continue
			}
			for rr.Next() {
			}
			if err := rr.Err(); err != nil {
				checkParseError(t, err)
			}
			rr.Release()
			mem.AssertSize(t, 0)
		}
		if _, _, err := Detect("fuzz.csv", strings.NewReader(string(data))); err != nil {
			checkParseError(t, err)
		}
	})
}

// imfSDMX is the folder of real SDMX-CSV files (../shared/realdata/imf_sdmx).
func imfSDMX(t *testing.T) string {
	dir := filepath.Join("..", "..", "shared", "realdata", "imf_sdmx")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real data not present (%s): skipping; these tests run where ../shared/realdata exists", dir)
	}
	return dir
}

// TestSDMXRealFiles reads the real SDMX-CSV files: the IMF's ER excerpt
// loads, each rate equal to its OBS_VALUE read here with encoding/csv; the
// others are refused with a message naming what they are.
func TestSDMXRealFiles(t *testing.T) {
	dir := imfSDMX(t)
	t.Run("imf_er_xdc_usd", func(t *testing.T) {
		p := filepath.Join(dir, "imf_er_xdc_usd_monthly_EXCERPT.csv")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		format, got, err := readSDMX(t, p, string(data))
		if err != nil || format != "sdmx-fx" {
			t.Fatalf("%s: %v", format, err)
		}
		recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(recs)-1 {
			t.Fatalf("%d rates, the file has %d rows", len(got), len(recs)-1)
		}
		for i, r := range recs[1:] {
			want, _ := strconv.ParseFloat(r[6], 64)
			var line int
			var cty, cur, freq, period string
			var v float64
			fmt.Sscanf(got[i], "%d %q %s %s %s %g", &line, &cty, &cur, &freq, &period, &v)
			wantPeriod := r[5][:4] + "-" + r[5][6:]
			if cty != r[1] || cur != "ARS" || freq != "M" || period != wantPeriod || math.Abs(v-want) > 1e-12*want {
				t.Errorf("row %d: %s, file has %s %s %s %s", i+2, got[i], r[1], r[4], r[5], r[6])
			}
		}
	})
	for _, c := range []struct {
		file string
		line int
		want string
	}{
		// (its first row is an empty value with STATUS T, no value)
		{"imf_er_xdc_eur_monthly_EXCERPT.csv", 3, `INDICATOR: invalid code: indicator "XDC_EUR"; tradepipe keeps rates per US dollar (XDC_USD)`},
		{"bis_sdmx_csv_1.0_pysdmx.csv", 2, "unknown SDMX dataflow BIS:BIS_DER(1.0)"},
		{"sdmx_csv_2.0_pysdmx.csv", 2, "unknown SDMX dataflow BIS:BIS_DER(1.0)"},
		{"sdmx_csv_1.0_labels_both_pysdmx.csv", 2, "unknown SDMX dataflow MD:MD_TEST(1.0)"},
		{"sdmx_csv_2.0_semicolon_labels_spec_example.csv", 2, "unknown SDMX dataflow ESTAT:NA_MAIN(1.6.0)"},
	} {
		file, want := c.file, c.want
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = readSDMX(t, file, string(data))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != c.line || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want one at line %d saying %s", err, c.line, want)
			}
		})
	}
}
