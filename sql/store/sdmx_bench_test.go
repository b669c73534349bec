package store

import (
	"context"
	dsql "database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// The SDMX-CSV reader against DuckDB's read_csv on the same file (make
// bench-sdmx, part of make bench): an IMF ER answer in the portal's real
// layout, 41 columns with its metadata repeated on every row, as the real
// excerpt in ../shared/realdata/imf_sdmx shows. Figures illustrative.

const sdmxBenchRows = 50_000

// sdmxBenchFile writes the file into the benchmark's temporary folder
// (before b.Loop, which starts the timer).
func sdmxBenchFile(b *testing.B) string {
	p := filepath.Join(b.TempDir(), "imf_er.csv")
	var s strings.Builder
	s.WriteString("DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,PRECISION,DECIMALS_DISPLAYED,EXRATE,STATISTICAL_MEASURES,TRANSFORMATION,DERIVATION_TYPE,OVERLAP,IFS_FLAG,STATUS,DOI,FULL_DESCRIPTION,PUBLISHER,DEPARTMENT,CONTACT_POINT,TOPIC,TOPIC_DATASET,KEYWORDS,KEYWORDS_DATASET,LANGUAGE,PUBLICATION_DATE,UPDATE_DATE,METHODOLOGY,METHODOLOGY_NOTES,ACCESS_SHARING_LEVEL,ACCESS_SHARING_NOTES,SECURITY_CLASSIFICATION,SOURCE,SHORT_SOURCE_CITATION,FULL_SOURCE_CITATION,LICENSE,SUGGESTED_CITATION,KEY_INDICATOR,SERIES_NAME\n")
	countries := []string{"KAZ", "KGZ", "TJK", "UZB", "CHN", "RUS", "USA", "IDN", "THA", "VNM"}
	for i := 0; i < sdmxBenchRows; i++ {
		y, m := 1960+(i/12)%60, 1+i%12
		fmt.Fprintf(&s, `IMF.STA:ER(4.0.1),%s,XDC_USD,PA_RT,M,%d-M%02d,%d.%04d,0,,,,,,R,OL,true,,,"This dataset contains historical exchange rate data between the US Dollar, Special Drawing Rights (SDR), Euro, and various national currencies. It includes both period average and end-of-period exchange rates.",IMF,STA,help@data.imf.org,,"F31_ER,IFS",,,EN,2026-09-19T05:24:40.641560800Z,2026-09-19T05:24:40.722357100Z,,,PUBLIC_OPEN,,PUB,,,,,,,`+"\n",
			countries[(i/720)%len(countries)], y, m, 1+i%500, i%10000)
	}
	if err := os.WriteFile(p, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkSDMXReader(b *testing.B) {
	p := sdmxBenchFile(b)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	codes := country.Default()
	for b.Loop() {
		srcs, err := ingest.Sources(p)
		if err != nil {
			b.Fatal(err)
		}
		fr, err := ingest.OpenReader(srcs[0], "", ingest.WithCodes(codes))
		if err != nil {
			b.Fatal(err)
		}
		var sum float64
		rows := 0
		for fr.Next() {
			rec := fr.RecordBatch()
			for _, v := range rec.Column(8).(*array.Float64).Float64Values() {
				sum += v
			}
			rows += int(rec.NumRows())
		}
		if err := fr.Err(); err != nil || rows != sdmxBenchRows {
			b.Fatalf("%d rows, %v", rows, err)
		}
		fr.Release()
		fr.Close()
	}
}

func BenchmarkSDMXDuckDBReadCSV(b *testing.B) {
	p := sdmxBenchFile(b)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	db, err := dsql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for b.Loop() {
		var rows int
		var sum float64
		if err := db.QueryRowContext(context.Background(), `SELECT count(*), sum(OBS_VALUE) FROM read_csv(?, header = true)`, p).Scan(&rows, &sum); err != nil || rows != sdmxBenchRows {
			b.Fatalf("%d rows, %v", rows, err)
		}
	}
}
