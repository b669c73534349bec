package main

import (
	"archive/zip"
	dsql "database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tradepipe/tradepipe/bench/gen"
)

// historyDB is the database of the whole BACI history.
type historyDB struct {
	path, zip string
	years     []int
	rows      int
}

// historyYear is what the history's file of year y holds: keys and values
// of the year's own, its products from the one nomenclature every year
// shares, that of the 10M-row file (KeySeed 2019), as a release's years
// share HS 2017's.
func historyYear(y, rows int) gen.Options {
	return gen.Options{Rows: rows, Year: y, KeySeed: uint64(y), ValueSeed: uint64(y) + 1, EmptyQ: 20, ProductSeed: 2019}
}

// historyVersion changes whenever historyYear's options do (as genVersion
// does with the generators' output), so that an older history is not
// reused: 2 since every year draws its products from one nomenclature.
const historyVersion = "2"

// prepareOneYear writes, beside the history's zip, a zip of its first
// year's file alone (the same bytes): the like-for-like baseline, which
// pays for inflating its entry as the history does.
func prepareOneYear(h *historyDB, historyRows int, log func(string, ...any)) (string, error) {
	y := h.years[0]
	p := filepath.Join(filepath.Dir(h.zip), "BACI_HS17_Y"+strconv.Itoa(y)+"_V202401.zip")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	start := time.Now()
	tmp := p + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("BACI_HS17_Y" + strconv.Itoa(y) + "_V202401.csv")
	if err == nil {
		err = gen.WriteBACI(w, historyYear(y, historyRows))
	}
	if err = errors.Join(err, zw.Close(), f.Close()); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, p); err != nil {
		return "", err
	}
	log("generated %s: the history's first year alone, in %s", p, time.Since(start).Round(time.Second))
	return p, nil
}

// prepareHistory writes a BACI release zip as CEPII ships one: a file per
// year (BACI_HS17_Y2013_V202401.csv ...), of historyRows rows each (the
// bench's largest size, 10M by default), with keys and values of their
// own; once, then reused.
func prepareHistory(dir string, years, historyRows int, log func(string, ...any)) (*historyDB, error) {
	d := filepath.Join(dir, fmt.Sprintf("baci-history-%dx%d-v%s.%s", years, historyRows, genVersion, historyVersion))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, err
	}
	h := &historyDB{zip: filepath.Join(d, "BACI_HS17_V202401.zip"), rows: years * historyRows}
	for y := 0; y < years; y++ {
		h.years = append(h.years, 2022-years+1+y)
	}
	if _, err := os.Stat(h.zip); err == nil {
		return h, nil
	}
	start := time.Now()
	tmp := h.zip + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(f)
	for _, y := range h.years {
		w, err := zw.Create("BACI_HS17_Y" + strconv.Itoa(y) + "_V202401.csv")
		if err == nil {
			err = gen.WriteBACI(w, historyYear(y, historyRows))
		}
		if err != nil {
			f.Close()
			os.Remove(tmp)
			return nil, err
		}
	}
	if err := errors.Join(zw.Close(), f.Close()); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, h.zip); err != nil {
		return nil, err
	}
	st, _ := os.Stat(h.zip)
	log("generated %s: %d files of %d rows, %s in %s", h.zip, years, historyRows, mb(st.Size()), time.Since(start).Round(time.Second))
	return h, nil
}

// historyTarget: the whole history in one release zip, loaded file by
// file: time per row against a single 10M-row file's, peak RSS, the
// database's size per million rows against the same rows as zstd Parquet;
// then the reports over it against the same reports over 10M rows.
func (r *runner) historyTarget(years int) error {
	historyRows := r.largest.rows
	h, err := prepareHistory(r.dir, years, historyRows, r.log)
	if err != nil {
		return err
	}
	h.path = filepath.Join(r.dbDir, "history.duckdb")
	var a series
	for run := 0; run < r.historyRuns; run++ {
		removeDB(h.path)
		s, err := runProc(r.ctx, r.tp, "ingest", "--db", h.path, "--dataset", "baci", h.zip)
		if err != nil {
			return err
		}
		a = append(a, s)
		r.log("history %d rows, run %d: %.1fs, peak RSS %s", h.rows, run+1, s.t().Seconds(), mb(s.rss))
	}
	r.history = h
	ten, ok := r.ingest[historyRows]
	if !ok {
		// ingest did not run at this size: measure the single file here
		ds, err := prepare(r.dir, "baci", historyRows, os.Stderr)
		if err != nil {
			return err
		}
		one := filepath.Join(r.dbDir, "one.duckdb")
		for p := 0; p < r.pairs; p++ {
			removeDB(one)
			s, err := runProc(r.ctx, r.tp, "ingest", "--db", one, "--dataset", "baci", ds.first)
			if err != nil {
				return err
			}
			ten = append(ten, s)
		}
		removeDB(one)
	}
	perRow := func(s series, rows int) float64 { return s.median().Seconds() / float64(rows) * 1e6 }
	res := result{target: "history", what: fmt.Sprintf("ingest a %d-year BACI release zip, %s rows, time per million rows", years, count(h.rows)),
		a: a, b: ten, aName: "the history", bName: "one " + count(historyRows) + "-row file"}
	res.ratio = perRow(a, h.rows) / perRow(ten, historyRows)
	res.ratioText = fmt.Sprintf("%.2fx (%.2f s, %.2f s per M rows)", res.ratio, perRow(a, h.rows), perRow(ten, historyRows))
	res.goal, res.met = "<= 1.1x", res.ratio <= 1.1
	r.results = append(r.results, res)

	// Like for like: the same first year's file, alone in a zip.
	oneZip, err := prepareOneYear(h, historyRows, r.log)
	if err != nil {
		return err
	}
	var year series
	one := filepath.Join(r.dbDir, "one-year-zip.duckdb")
	for p := 0; p < r.pairs; p++ {
		removeDB(one)
		s, err := runProc(r.ctx, r.tp, "ingest", "--db", one, "--dataset", "baci", oneZip)
		if err != nil {
			return err
		}
		year = append(year, s)
	}
	removeDB(one)
	like := result{target: "history", what: "the same, against one year's file alone in a zip (like for like)",
		a: a, b: year, aName: "the history", bName: "one " + count(historyRows) + "-row file in a zip", goal: "context"}
	like.ratio = perRow(a, h.rows) / perRow(year, historyRows)
	like.ratioText = fmt.Sprintf("%.2fx (%.2f s, %.2f s per M rows)", like.ratio, perRow(a, h.rows), perRow(year, historyRows))
	r.results = append(r.results, like)

	growth := float64(a.maxRSS()) / float64(ten.maxRSS())
	mem := result{target: "history", what: "peak RSS of that ingest", a: a, b: ten, aName: "the history", bName: "one " + count(historyRows) + "-row file",
		ratio: growth, ratioText: fmt.Sprintf("%.2fx (%s, %s)", growth, mb(a.maxRSS()), mb(ten.maxRSS())),
		goal: "<= 1 GB and <= 1.1x", met: a.maxRSS() <= 1<<30 && growth <= 1.1}
	r.results = append(r.results, mem)

	pq := filepath.Join(r.dbDir, "history.parquet")
	defer os.Remove(pq)
	if _, err := runProc(r.ctx, r.self, "parquet-rows", "-db", h.path, "-out", pq); err != nil {
		return err
	}
	db, _ := os.Stat(h.path)
	p, _ := os.Stat(pq)
	per := func(n int64) float64 { return float64(n) / (1 << 20) / (float64(h.rows) / 1e6) }
	r.lines = append(r.lines, fmt.Sprintf("\nThe %s-row history's database is %s: %.1f MB per million rows; the same rows' six BACI columns "+
		"(year, exporter, importer, product, value, quantity) as zstd Parquet take %s, %.1f MB per million rows (%.2fx).",
		count(h.rows), mb(db.Size()), per(db.Size()), mb(p.Size()), per(p.Size()), float64(db.Size())/float64(p.Size())))

	// The reports over the history against the same over one year's file.
	for _, q := range []struct {
		what string
		args []string
	}{{"every year", nil}, {"one year", oneYear}} {
		if err := r.reportsOver(h.path, "the history", count(h.rows)+" rows", q.what, q.args); err != nil {
			return err
		}
	}
	return r.compactedHistory(h)
}

// oneYear limits a report to the year every database of the bench holds.
var oneYear = []string{"--from", "2019", "--to", "2019"}

// reportsOver runs every report with args over the database db (named
// over, of rows rows) against the same over one year's file.
func (r *runner) reportsOver(db, over, rows, what string, args []string) error {
	for _, name := range reports {
		args := append([]string{"report", name, "--format", "csv"}, args...)
		a, b, err := r.pairsOf(fmt.Sprintf("%s (%s) over %s and over %s rows", name, what, rows, count(r.largest.rows)), r.pairs,
			r.proc(r.tp, append(args, "--db", db)...), r.proc(r.tp, append(args, "--db", r.tpDB)...))
		if err != nil {
			return err
		}
		res := result{target: "history", what: fmt.Sprintf("%s (%s), %s", name, what, rows), a: a, b: b,
			aName: "over " + over, bName: fmt.Sprintf("over %s rows", count(r.largest.rows))}
		res.ratio = a.median().Seconds() / b.median().Seconds()
		res.ratioText = fmt.Sprintf("%.2fx time", res.ratio)
		res.goal, res.met = "<= 1.0x, RSS < 300 MB", res.ratio <= 1.0 && a.maxRSS() < rssBound
		r.results = append(r.results, res)
	}
	return nil
}

// compactedHistory compacts a copy of the history (tradepipe compact, as
// a user would after the yearly reload: its catalog is spread over the
// file by the ten loads' checkpoints) and runs the one-year reports over
// it against the same over one year's file.
func (r *runner) compactedHistory(h *historyDB) error {
	cp := h.path + ".compacted.duckdb"
	defer removeDB(cp)
	if err := copyFileTo(h.path, cp); err != nil {
		return err
	}
	s, err := runProc(r.ctx, r.tp, "compact", "--db", cp)
	if err != nil {
		return err
	}
	before, _ := os.Stat(h.path)
	after, _ := os.Stat(cp)
	r.lines = append(r.lines, fmt.Sprintf("\nThe history compacted (tradepipe compact, a copy): %s s, %s to %s, peak RSS %s.",
		secs(s.t()), mb(before.Size()), mb(after.Size()), mb(s.rss)))
	return r.reportsOver(cp, "the compacted history", count(h.rows)+" rows compacted", "one year", oneYear)
}

// childParquetRows writes the six BACI columns of a tradepipe database's
// trade rows as one zstd Parquet file: the yardstick of its size on disk.
func childParquetRows(args []string, _ io.Writer) error {
	fs := flag.NewFlagSet("parquet-rows", flag.ContinueOnError)
	db := fs.String("db", "", "tradepipe database")
	out := fs.String("out", "", "Parquet file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := openNative(*db, true, 2)
	if err != nil {
		return err
	}
	defer d.Close()
	text, err := sqlText("parquet_rows")
	if err != nil {
		return err
	}
	_, err = d.Exec(text, dsql.Named("out", *out))
	return err
}
