package ingest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The IMF's ER download: 41 columns, a rate's in the first seventeen.
const (
	imfERHead = "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,PRECISION,DECIMALS_DISPLAYED,EXRATE,STATISTICAL_MEASURES,TRANSFORMATION,DERIVATION_TYPE,OVERLAP,IFS_FLAG,STATUS,DOI,FULL_DESCRIPTION,PUBLISHER,DEPARTMENT,CONTACT_POINT,TOPIC,TOPIC_DATASET,KEYWORDS,KEYWORDS_DATASET,LANGUAGE,PUBLICATION_DATE,UPDATE_DATE,METHODOLOGY,METHODOLOGY_NOTES,ACCESS_SHARING_LEVEL,ACCESS_SHARING_NOTES,SECURITY_CLASSIFICATION,SOURCE,SHORT_SOURCE_CITATION,FULL_SOURCE_CITATION,LICENSE,SUGGESTED_CITATION,KEY_INDICATOR,SERIES_NAME\n"
	imfERTail = `,,,,,,R,OL,true,%s,,"This dataset contains historical exchange rate data between the US Dollar, Special Drawing Rights (SDR), Euro, and various national currencies.",IMF,STA,help@data.imf.org,,"F31_ER,IFS",,,EN,2026-09-19T05:24:40.641560800Z,2026-09-19T05:24:40.722357100Z,,,PUBLIC_OPEN,,PUB,,,,,,,`
	// the seven columns a rate needs, and nothing after them
	erShort = "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE\n"
)

// imfER is a row of the IMF's download: the first seven fields, the
// scale, and the status.
func imfER(first, scale, status string) string {
	return first + "," + scale + fmt.Sprintf(imfERTail, status) + "\n"
}

func TestSDMXFastSameAsGeneral(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "sdmx", "imf_er_2019.csv"))
	if err != nil {
		t.Fatal(err)
	}
	kaz := imfER("IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,382.747310606061", "0", "")
	for _, tc := range []struct {
		name  string
		in    string
		plain bool
	}{
		{"the fixture", string(fixture), true},
		{"the download's 41 columns", imfERHead + kaz +
			imfER("IMF.STA:ER(4.0.1),KGZ,XDC_USD,EOP_RT,M,2020-M02,69.6", "0", "") +
			imfER("IMF.STA:ER(4.0.1),KGZ,XDC_USD,PA_RT,M,2019-03,69.7861", "", "") +
			imfER("IMF.STA:ER(4.0.1),UZB,XDC_USD,EOP_RT,Q,2019-Q4,9507.56", "0", "") +
			imfER("IMF.STA:ER(4.0.1),UZB,XDC_USD,PA_RT,Q,2019-Q2,8500", "0", "") +
			imfER("IMF.STA:ER(4.0.1),CHN,XDC_USD,EOP_RT,A,2019,6.9762", "0", ""), true},
		{"empty values a status explains, groups", imfERHead + kaz +
			imfER("IMF.STA:ER(4.0.1),TKM,XDC_USD,PA_RT,A,2019,", "0", "T") +
			imfER("IMF.STA:ER(4.0.1),G110,XDC_USD,PA_RT,A,2019,1.1", "0", "") +
			imfER("IMF.STA:ER(4.0.1),EAS,XDC_USD,PA_RT,A,2019,1.1", "0", ""), true},
		{"an escaped quote in a later field", imfERHead + strings.Replace(kaz, "Dollar,", `Dollar ""USD"",`, 1), true},
		{"crlf, blank lines, no final newline", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,382.75\r\n\r\n \nIMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2020,412.9", true},
		{"spaces around fields", erShort + "IMF.STA:ER(4.0.1) , KAZ ,XDC_USD, PA_RT ,A, 2019 , 382.75 \n", true},
		{"another version", erShort + "IMF.STA:ER(5.0.0),KAZ,XDC_USD,PA_RT,A,2019,1\nIMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2018,2\n", true},
		{"no frequency column", "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,TIME_PERIOD,OBS_VALUE\nIMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,2019-M07,390\n", true},
		{"columns reordered", "DATAFLOW,OBS_VALUE,TIME_PERIOD,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,STATUS\nIMF.STA:ER(4.0.1),390,2019-M07,KAZ,XDC_USD,PA_RT,\nIMF.STA:ER(4.0.1),,2019,KGZ,XDC_USD,PA_RT,NA\n", true},
		{"lower-case frequency", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,a,2019,1\n", false},
		{"a day", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,D,2019-03-15,1\n", false},
		{"a scale", imfERHead + imfER("IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,0.38275", "3", ""), false},
		{"a quoted field it reads", erShort + "IMF.STA:ER(4.0.1),\"KAZ\",XDC_USD,PA_RT,A,2019,1\n", false},
		{"a quoted newline in a later field", imfERHead + kaz + strings.Replace(kaz, "Dollar,", "Dollar,\n", 1) + kaz, false},
		{"a decimal exponent", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,3.8e2\n", false},
		{"bad period", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,M,2019-M13,1\n", false},
		{"period without its dash", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,M,2019M03,1\n", false},
		{"fifth quarter", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,Q,2019-Q5,1\n", false},
		{"frequency not the period's", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,M,2019,1\n", false},
		{"an empty value unexplained", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,\n", false},
		{"zero rate", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,0\n", false},
		{"per euro", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_EUR,PA_RT,A,2019,1\n", false},
		{"transformation", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PCH_RT,A,2019,1\n", false},
		{"unknown country", erShort + "IMF.STA:ER(4.0.1),ZZZ,XDC_USD,PA_RT,A,2019,1\n", false},
		{"the world, without a currency", erShort + "IMF.STA:ER(4.0.1),G001,XDC_USD,PA_RT,A,2019,1\n", false},
		{"trade in a rates file", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,1\nIMF.STA:IMTS(1.0.0),KAZ,XDC_USD,PA_RT,A,2019,1\n", false},
		{"no dataflow", erShort + ",KAZ,XDC_USD,PA_RT,A,2019,1\n", false},
		{"another agency", erShort + "BIS:ER(1.0),KAZ,XDC_USD,PA_RT,A,2019,1\n", false},
		{"too few fields", imfERHead + kaz + strings.Replace(kaz, ",,,,,,", ",,,,,", 1), false},
		{"too many fields", imfERHead + kaz + strings.Replace(kaz, ",,,,,,", ",,,,,,,", 1), false},
		{"too few of those it reads", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,1\nIMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A\n", false},
		{"one too many at the end", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,1,\n", false},
		{"a stray quote", imfERHead + strings.Replace(kaz, "help@", `he"lp@`, 1), false},
		{"a stray quote, the fields' count still right", imfERHead + strings.Replace(strings.Replace(kaz, "IMF,STA,", `I"MF,STA",`, 1), `,,"F31`, `,,,"F31`, 1), false},
		{"a stray quote in the last field", "DATAFLOW,OBS_VALUE,TIME_PERIOD,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,STATUS\nIMF.STA:ER(4.0.1),390,2019-M07,KAZ,XDC_USD,PA_RT,x\"y\n", false},
		{"text after a closing quote", imfERHead + strings.Replace(kaz, `currencies.",`, `currencies." ,`, 1), false},
		{"a NUL byte", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,1\x00\n", false},
		{"a NUL byte in a later field", imfERHead + strings.Replace(kaz, "help@", "help\x00@", 1), false},
		{"a stray quote in a field it reads", imfERHead + strings.Replace(kaz, "(4.0.1)", "(4.0.1)\"", 1), false},
		{"a stray quote in the last field it reads", erShort + "IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,1\"\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) { sameFastAsGeneral(t, "sdmx-fx", tc.in, tc.plain, 1, 2, 64<<10) })
	}
}

// Headers the fast path does not read stay on the general path: another
// dataflow's columns, version 2.x, labels, semicolons.
func TestSDMXFastOnlyIMFER(t *testing.T) {
	for _, in := range []string{
		"DATAFLOW,FREQ,REF_AREA,CURRENCY,COLLECTION,TIME_PERIOD,OBS_VALUE\nBIS:WS_XRU(1.0),A,KZ,KZT,A,2019,382.75\n",
		"STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE\ndataflow,IMF.STA:ER(4.0.1),I,KAZ,XDC_USD,PA_RT,A,2019,1\n",
		"DATAFLOW,COUNTRY: Country,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE\nIMF.STA:ER(4.0.1),KAZ: Kazakhstan,XDC_USD,PA_RT,A,2019,1\n",
		strings.ReplaceAll(erShort, ",", ";") + "IMF.STA:ER(4.0.1);KAZ;XDC_USD;PA_RT;A;2019;382,75\n",
	} {
		f, _ := FormatByName("sdmx-fx")
		rr, err := f.NewReader(strings.NewReader(in), WithName("er.csv"), WithCodes(testCodes{}))
		if err != nil {
			t.Fatal(err)
		}
		if _, fast := rr.(*sdmxERReader); fast {
			t.Errorf("%q: read by the fast path", in[:40])
		}
		rr.Release()
	}
}

// Many rows of the download's shape, at random batch sizes, now and then
// one made bad.
func TestSDMXFastRandomFiles(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 12))
	countries := []string{"KAZ", "KGZ", "UZB", "CHN", "RUS", "USA", "G110", "TKM"}
	breaks := []textBreak{{",K", ",k"}, {"-M", "-Q"}, {",,", ",,,"}, {"\"F31", "\"F31\n"}, {"PA_RT", "PB_RT"}, {",19", ",18"}, {",R,", ",\"R\","}}
	for range 30 {
		var b strings.Builder
		b.WriteString(imfERHead)
		for range 1 + r.IntN(300) {
			c, tt := countries[r.IntN(len(countries))], []string{"PA_RT", "EOP_RT"}[r.IntN(2)]
			value, status := fmt.Sprintf("%d.%d", 1+r.IntN(1e4), r.IntN(1000)), ""
			if c == "TKM" {
				value, status = "", "NA" // unknown to the codes: always explained
			}
			if r.IntN(2) == 0 {
				fmt.Fprint(&b, imfER(fmt.Sprintf("IMF.STA:ER(4.0.1),%s,XDC_USD,%s,A,%d,%s", c, tt, 1990+r.IntN(30), value), "0", status))
			} else {
				fmt.Fprint(&b, imfER(fmt.Sprintf("IMF.STA:ER(4.0.1),%s,XDC_USD,%s,M,%d-M%02d,%s", c, tt, 1990+r.IntN(30), 1+r.IntN(12), value), "0", status))
			}
		}
		in, bad := breakText(r, b.String(), len(imfERHead), breaks)
		sameFastAsGeneral(t, "sdmx-fx", in, !bad, 1+r.IntN(9), 1+r.IntN(300))
	}
}

// FuzzSDMXFast: whatever the bytes after the header, the fast path gives
// the general path's rows and error.
func FuzzSDMXFast(f *testing.F) {
	f.Add([]byte(imfER("IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,A,2019,382.75", "0", "")))
	f.Add([]byte(imfER("IMF.STA:ER(4.0.1),KGZ,XDC_USD,EOP_RT,Q,2019-Q1,69.6", "", "") + imfER("IMF.STA:ER(4.0.1),G110,XDC_USD,PA_RT,M,2019-03,1", "0", "")))
	f.Add([]byte(imfER("IMF.STA:ER(4.0.1),TKM,XDC_USD,PA_RT,A,2019,", "0", "T") + "\r\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameFastAsGeneral(t, "sdmx-fx", imfERHead+string(data), false, 1, 3, 64<<10)
	})
}
