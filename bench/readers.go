package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/bench/gen"
)

// readersTarget: each line-per-record layout tradepipe reads in parallel
// chunks (beyond BACI and Comtrade+, which ingest measures), SDMX-CSV (the
// IMF's exchange rates) among them, loaded by tradepipe ingest against
// DuckDB's read_csv of the same file into the same columns.
func (r *runner) readersTarget() error {
	n := r.comtradeRows
	for _, l := range []struct {
		format, layout, file string
		rows                 int
		write                func(f *os.File, o gen.Options) error
		// long: a second baseline, run after each read_csv, that stores
		// the rows tradepipe stores (WITS: one a year, where read_csv
		// alone stores the file's wide rows).
		long string
	}{
		{"trade-long", "long", "long_trade.csv", n, func(f *os.File, o gen.Options) error { return gen.WriteLong(f, o) }, ""},
		{"fx-long", "fxlong", "fx_long.csv", n / 5, func(f *os.File, o gen.Options) error { return gen.WriteFXLong(f, o) }, ""},
		{"comtrade", "comtradebulk", "COMTRADE-FINAL-CA2019H5[2024-01-03].tsv", n,
			func(f *os.File, o gen.Options) error { return gen.WriteComtradeBulk(f, o) }, ""},
		// rows: the ordered pairs of the bench's countries, an import and an export row each
		{"wits", "wits", "wits_partner_timeseries.csv", 2 * len(gen.BACICodes) * (len(gen.BACICodes) - 1),
			func(f *os.File, o gen.Options) error { return gen.WriteWITS(f, o) }, "witslong"},
		{"sdmx-fx", "sdmx", "imf_er_sdmx.csv", n / 5, func(f *os.File, o gen.Options) error { return gen.WriteSDMXER(f, o) }, ""},
	} {
		dir := filepath.Join(r.dir, fmt.Sprintf("%s-%d-v%s", l.format, l.rows, genVersion))
		path := filepath.Join(dir, l.file)
		if _, err := os.Stat(path); err != nil {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			start := time.Now()
			f, err := os.Create(path + ".tmp")
			if err != nil {
				return err
			}
			err = l.write(f, gen.Options{Rows: l.rows, Year: 2019, KeySeed: 2019, ValueSeed: 1})
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(path+".tmp", path)
			}
			if err != nil {
				return err
			}
			r.log("generated %s: %d rows in %s", path, l.rows, time.Since(start).Round(time.Millisecond))
		}
		tp, nat := filepath.Join(r.dbDir, "readers-tp.duckdb"), filepath.Join(r.dbDir, "readers-native.duckdb")
		var longs series
		a, b, err := r.pairsOf(fmt.Sprintf("%s %d rows: tradepipe, DuckDB read_csv", l.format, l.rows), r.pairs,
			func() (sample, error) {
				removeDB(tp)
				return runProc(r.ctx, r.tp, "ingest", "--db", tp, "--format", l.format, path)
			},
			func() (sample, error) {
				removeDB(nat)
				s, err := runProc(r.ctx, r.self, "native-csv", "-db", nat, "-layout", l.layout, "-file", path)
				if err != nil || l.long == "" {
					return s, err
				}
				removeDB(nat)
				x, err := runProc(r.ctx, r.self, "native-csv", "-db", nat, "-layout", l.long, "-file", path)
				if err == nil {
					longs = append(longs, x)
					r.log("%s %d rows: DuckDB read_csv and UNPIVOT, %ss (%s)", l.format, l.rows, secs(x.t()), strings.TrimSpace(x.out))
				}
				return s, err
			})
		removeDB(tp)
		removeDB(nat)
		if err != nil {
			return err
		}
		res := result{target: "readers", what: fmt.Sprintf("ingest %s, %s rows", l.format, count(l.rows)), a: a, b: b,
			aName: "tradepipe ingest", bName: "DuckDB read_csv"}
		res.ratio = b.median().Seconds() / a.median().Seconds()
		res.ratioText = fmt.Sprintf("%.2fx speed", res.ratio)
		res.goal, res.met = ">= 1.0x", res.ratio >= 1.0
		r.results = append(r.results, res)
		if len(longs) > 0 {
			res := result{target: "readers", what: "the same, against the rows tradepipe stores (one a year)", a: a, b: longs,
				aName: "tradepipe ingest", bName: "DuckDB read_csv and UNPIVOT"}
			res.ratio = longs.median().Seconds() / a.median().Seconds()
			res.ratioText = fmt.Sprintf("%.2fx speed", res.ratio)
			r.results = append(r.results, res)
		}
	}
	return nil
}
