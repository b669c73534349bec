package store

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func loadFile(t *testing.T, s *Store, path string, o LoadOptions) []LoadResult {
	t.Helper()
	srcs, err := ingest.Sources(path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	o.Codes = cs
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	o.Allocator = mem
	var out []LoadResult
	for _, src := range srcs {
		out = append(out, s.Load(context.Background(), src, o))
	}
	mem.AssertSize(t, 0)
	return out
}

func write(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// counts returns row counts of the tables a load touches.
func counts(t *testing.T, s *Store) string {
	t.Helper()
	var trade, fx, files int64
	var sum float64
	err := s.db.QueryRow(`SELECT (SELECT count(*) FROM trade), (SELECT coalesce(sum(value), 0) FROM trade),
		(SELECT count(*) FROM fx_rates), (SELECT count(*) FROM files)`).Scan(&trade, &sum, &fx, &files)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{"trade", itoa(trade), "sum", ftoa(sum), "fx", itoa(fx), "files", itoa(files)}, " ")
}

const longHeader = "year,month,reporter,partner,flow,product,value,currency\n"

func longRows(values ...string) string {
	partners := []string{"KAZ", "CHN", "RUS", "WLD", "UZB", "TKM"}
	var b strings.Builder
	b.WriteString(longHeader)
	for i, v := range values {
		b.WriteString("2019,,KGZ," + partners[i%len(partners)] + ",X,TOTAL," + v + ",USD\n")
	}
	return b.String()
}

func TestLoadOnceAndSkip(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	p := write(t, dir, "a.csv", []byte(longRows("1", "2", "3")))
	r := loadFile(t, s, p, LoadOptions{})
	if r[0].Status != Loaded || r[0].Rows != 3 || r[0].Dataset != "trade-long" || r[0].Format != "trade-long" {
		t.Fatalf("first load: %+v", r[0])
	}
	// The same bytes under another name are skipped.
	q := write(t, dir, "copy.csv", []byte(longRows("1", "2", "3")))
	r2 := loadFile(t, s, q, LoadOptions{})
	if r2[0].Status != Skipped || !r2[0].LoadedAt.Equal(r[0].LoadedAt) || !strings.HasSuffix(r2[0].Earlier, "a.csv") {
		t.Fatalf("second load: %+v", r2[0])
	}
	if got := counts(t, s); got != "trade 3 sum 6 fx 0 files 1" {
		t.Errorf("counts = %s", got)
	}
}

func TestSameDataInEveryWrapperLoadsOnce(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	text := longRows("10", "20", "30", "40")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(text))
	w.Close()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	f, _ := zw.Create("inner/data.csv")
	f.Write([]byte(text))
	zw.Close()
	bomCRLF := "\ufeff" + strings.ReplaceAll(text, "\n", "\r\n")
	for _, p := range []string{
		write(t, dir, "plain.csv", []byte(text)),
		write(t, dir, "data.csv.gz", gz.Bytes()),
		write(t, dir, "data.zip", zb.Bytes()),
		write(t, dir, "bom_crlf.csv", []byte(bomCRLF)),
	} {
		for _, r := range loadFile(t, s, p, LoadOptions{}) {
			if r.Status == Failed {
				t.Fatalf("%s: %v", p, r.Err)
			}
		}
	}
	if got := counts(t, s); got != "trade 4 sum 100 fx 0 files 3" {
		// plain and zip entry have identical bytes: one is skipped.
		t.Errorf("counts = %s", got)
	}
}

func TestRevisionReplaces(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	loadFile(t, s, write(t, dir, "v1.csv", []byte(longRows("1", "2", "3"))), LoadOptions{})
	r := loadFile(t, s, write(t, dir, "v2.csv", []byte(longRows("100", "200"))), LoadOptions{})
	if r[0].Status != Loaded || r[0].Replaced != 2 {
		t.Fatalf("revision: %+v", r[0])
	}
	// Two rows revised, the third (RUS) kept from v1.
	if got := counts(t, s); got != "trade 3 sum 303 fx 0 files 2" {
		t.Errorf("counts = %s", got)
	}
	// Another dataset is never touched by a revision.
	loadFile(t, s, write(t, dir, "v3.csv", []byte(longRows("7"))), LoadOptions{Dataset: "other"})
	if got := counts(t, s); got != "trade 4 sum 310 fx 0 files 3" {
		t.Errorf("counts = %s", got)
	}
}

func TestBadFileLeavesDatabaseAsItWas(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	loadFile(t, s, write(t, dir, "good.csv", []byte(longRows("1", "2"))), LoadOptions{})
	before := counts(t, s)
	// Many good rows, then a bad one: earlier batches must not survive.
	var b strings.Builder
	b.WriteString(longHeader)
	for i := 0; i < 5000; i++ {
		b.WriteString("2018,,KAZ,CHN,M,TOTAL,5,USD\n")
	}
	b.WriteString("2018,,KAZ,CHN,M,TOTAL,5x,USD\n")
	p := write(t, dir, "bad.csv", []byte(b.String()))
	r := loadFile(t, s, p, LoadOptions{BatchRows: 100})
	var pe *ingest.ParseError
	if r[0].Status != Failed || !errors.As(r[0].Err, &pe) || pe.Line != 5002 || pe.Column != 23 {
		t.Fatalf("bad file: %+v", r[0])
	}
	if !strings.HasSuffix(r[0].Err.Error(), `bad.csv:5002:23: value: invalid number "5x"`) {
		t.Errorf("message = %v", r[0].Err)
	}
	if got := counts(t, s); got != before {
		t.Errorf("counts after a failed load = %s, want %s", got, before)
	}
	var nfail int
	s.db.QueryRow(`SELECT count(*) FROM load_failures`).Scan(&nfail)
	if nfail != 1 {
		t.Errorf("load_failures has %d rows, want 1", nfail)
	}
}

func TestFXLoadAndStatus(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	p := write(t, dir, "fx.csv", []byte("date_or_period,currency,per_usd\n2019,KGS,69.79\n2019-03,KGS,69.8\n"))
	r := loadFile(t, s, p, LoadOptions{})
	if r[0].Status != Loaded || r[0].Rows != 2 {
		t.Fatalf("%+v", r[0])
	}
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 1 || st.Files[0].Dataset != "fx-long" || st.Datasets["fx-long"] != 2 || st.Tables["fx_rates"] != 2 {
		t.Errorf("status = %+v", st)
	}
	if st.Tables["countries"] < 240 || st.Tables["group_membership"] == 0 {
		t.Errorf("reference tables not seeded: %v", st.Tables)
	}
}

func TestReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	if _, err := Open(context.Background(), path, ReadOnly()); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("read-only open of a missing file: %v", err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := Open(context.Background(), path, ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	for _, q := range []string{
		`DELETE FROM countries`,
		`CREATE TABLE x AS SELECT 1`,
		`COPY countries TO '` + filepath.Join(t.TempDir(), "out.csv") + `'`,
		`SELECT * FROM read_csv('/etc/hostname')`,
		`SET enable_external_access = true`,
		`COPY (SELECT 1) TO '` + path + `' (FORMAT csv, USE_TMP_FILE false)`,
		`COPY (SELECT 1) TO '` + path + `.wal' (FORMAT csv, USE_TMP_FILE false)`,
		`SELECT * FROM read_blob('` + path + `')`,
		`SET disabled_filesystems = ''`,
	} {
		if _, err := ro.db.Exec(q); err == nil {
			t.Errorf("read-only store ran %q", q)
		}
	}
	// Every connection of the pool reads the attached database.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := ro.db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var n int
		if err := c.QueryRowContext(context.Background(), `SELECT count(*) FROM countries`).Scan(&n); err != nil || n < 240 {
			t.Errorf("connection %d: %d countries, %v", i, n, err)
		}
		conns[i] = c
	}
}

// TestThreads: Threads sets DuckDB's threads, on a read-only open (before
// its configuration is locked, so that it cannot be changed after) and a
// writable one; without it DuckDB keeps its own.
func TestThreads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	threads := func(s *Store) int {
		t.Helper()
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s, err := Open(ctx, path, Threads(1))
	if err != nil {
		t.Fatal(err)
	}
	if n := threads(s); n != 1 {
		t.Errorf("writable open with Threads(1): %d threads", n)
	}
	s.Close()
	ro, err := Open(ctx, path, ReadOnly(), Threads(1))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if n := threads(ro); n != 1 {
		t.Errorf("read-only open with Threads(1): %d threads", n)
	}
	if _, err := ro.db.ExecContext(ctx, `SET threads = 2`); err == nil {
		t.Error("a read-only store's threads could be changed after the open")
	}
	def, err := Open(ctx, path, ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer def.Close()
	plain, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	var want int
	if err := plain.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if n := threads(def); n != want {
		t.Errorf("read-only open without Threads: %d threads, want DuckDB's default %d", n, want)
	}
}

// Issue 17, case 2: options in a path are never read as options.
func TestPathWithOptions(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(context.Background(), path+"?access_mode=read_only"); !errors.Is(err, ErrPathOption) {
		t.Errorf("writable open with options: %v", err)
	}
	if _, err := Open(context.Background(), path+"?access_mode=read_write", ReadOnly()); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("read-only open with options: %v", err)
	}
}
