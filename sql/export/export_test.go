package export_test

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// sampleDB is the bundled sample loaded as make demo loads it (datasets
// sample, kgz-nso, baci, comtrade-legacy and two exchange-rate files),
// built once for the package's tests.
var sampleDB string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "export-test")
	if err != nil {
		panic(err)
	}
	sampleDB = filepath.Join(dir, "sample.duckdb")
	if err := loadSample(sampleDB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func loadSample(path string) error {
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	cs, err := country.Load()
	if err != nil {
		return err
	}
	for _, f := range storetest.SampleFiles {
		srcs, err := ingest.Sources(filepath.Join(storetest.SampleDir(), f.File))
		if err != nil {
			return err
		}
		if r := s.Load(ctx, srcs[0], store.LoadOptions{Dataset: f.Dataset, Codes: cs}); r.Err != nil {
			return r.Err
		}
	}
	return nil
}

// openRO opens the sample as the export command does: read-only, with
// external access for COPY.
func openRO(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), sampleDB, store.ReadOnly(), store.AllowExternalAccess(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// conn is a connection with the transforms' macros, for the expected figures.
func conn(t *testing.T, s *store.Store) *dsql.Conn {
	t.Helper()
	c, err := s.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// figures are a table's row count and the sum of one column.
type figures struct {
	rows int64
	sum  float64
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func queryFigures(t *testing.T, c *dsql.Conn, q string, args ...any) figures {
	t.Helper()
	var f figures
	var sum dsql.NullFloat64
	if err := c.QueryRowContext(context.Background(), q, args...).Scan(&f.rows, &sum); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	f.sum = sum.Float64
	return f
}

// TestExportSample exports each dataset of the sample and reads every
// file back with DuckDB's read_parquet and with arrow-go's Parquet
// reader, comparing row counts and sums (overall and per partition) with
// the database.
func TestExportSample(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dataset, partitionBy, compression, basis string
		wantBasis                                string
		names                                    []string
	}{
		{"sample", "year,reporter", "", "", "importer-first", []string{"trade", "flows", "fx_rates", "group_membership", "regional-shares", "coverage"}},
		{"kgz-nso", "", "snappy", "average", "average", nil},
		{"baci", "none", "none", "", "flow", []string{"flows", "trade", "intensity"}},
	}
	for _, c := range cases {
		t.Run(c.dataset, func(t *testing.T) {
			s := openRO(t)
			db := conn(t, s)
			out := filepath.Join(t.TempDir(), "parquet")
			var events []string
			m, err := export.Run(context.Background(), s, export.Options{
				Out: out, Dataset: c.dataset, PartitionBy: c.partitionBy, Compression: c.compression, Basis: c.basis,
				Names: c.names, Version: "v-test", Report: report.Params{Compare: "ASEAN"},
				Progress: func(e export.Event) {
					events = append(events, fmt.Sprintf("%s %d/%d %v", e.Name, e.Index, e.Count, e.Done))
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			names := c.names
			if names == nil {
				names = export.DefaultNames
			}
			if len(m.Tables) != len(names) || len(events) != 2*len(names) {
				t.Fatalf("%d tables, events %v; want %v", len(m.Tables), events, names)
			}
			if m.Dataset != c.dataset || m.Basis != c.wantBasis || m.TradepipeVersion != "v-test" || m.CreatedAt.IsZero() {
				t.Errorf("manifest: dataset %q basis %q version %q time %v", m.Dataset, m.Basis, m.TradepipeVersion, m.CreatedAt)
			}
			checkManifestFile(t, out, m)
			checkSources(t, db, m)
			for i, tab := range m.Tables {
				if tab.Name != names[i] {
					t.Errorf("table %d is %s, want %s", i, tab.Name, names[i])
				}
				want := expected(t, db, s, m, tab, c.basis)
				// DuckDB, the folder as one table.
				glob := filepath.Join(out, filepath.FromSlash(tab.Path), "**", "*.parquet")
				got := queryFigures(t, db, fmt.Sprintf(`SELECT count(*), sum(%s) FROM read_parquet($glob, hive_partitioning = true)`, sumColumn(tab)),
					dsql.Named("glob", glob))
				if got.rows != want.rows || got.rows != tab.Rows || !near(got.sum, want.sum) {
					t.Errorf("%s read by DuckDB: %+v; database %+v, manifest %d rows", tab.Name, got, want, tab.Rows)
				}
				// arrow-go, file by file.
				got, perPart := readArrow(t, out, tab)
				if got.rows != want.rows || !near(got.sum, want.sum) {
					t.Errorf("%s read by arrow-go: %+v; database %+v", tab.Name, got, want)
				}
				if len(tab.Partitioning) > 0 {
					wantPart := partitionCounts(t, db, tab, m)
					if len(perPart) != len(wantPart) {
						t.Errorf("%s: %d partitions, database has %d", tab.Name, len(perPart), len(wantPart))
					}
					for k, n := range wantPart {
						if perPart[k] != n {
							t.Errorf("%s partition %s: %d rows read, database %d", tab.Name, k, perPart[k], n)
						}
					}
				}
				checkCompression(t, db, out, tab, c.compression)
			}
		})
	}
}

// sumColumn is the column whose sum is compared.
func sumColumn(tab export.Table) string {
	switch tab.Name {
	case "trade", "totals", "flows":
		return "value_usd"
	case "fx_rates":
		return "per_usd"
	case "group_membership":
		return "year(valid_from)"
	case "regional-shares":
		return "total_trade_usd"
	case "coverage":
		return "partners_reporting"
	case "intensity":
		return "world_exports_usd"
	}
	return "NULL"
}

// expected computes a table's figures from the database.
// reportBasis is the basis the export gave the reports ("" by the data).
func expected(t *testing.T, db *dsql.Conn, s *store.Store, m *export.Manifest, tab export.Table, reportBasis string) figures {
	t.Helper()
	ds := dsql.Named("ds", m.Dataset)
	switch tab.Name {
	case "trade":
		return queryFigures(t, db, `SELECT count(*), sum(value_usd) FROM tp_usd($ds)`, ds)
	case "totals":
		// made afresh from the sums, not read from the table exported
		return queryFigures(t, db, `SELECT count(*), sum(value_usd) FROM tp_bilateral($ds, NULL, NULL)`, ds)
	case "flows":
		return queryFigures(t, db, `SELECT count(*), sum(value) FROM tp_flows($ds, $basis, $cif)`, ds,
			dsql.Named("basis", m.Basis), dsql.Named("cif", m.CIFFOB))
	case "fx_rates":
		return queryFigures(t, db, `SELECT count(*), sum(per_usd) FROM fx_rates`)
	case "group_membership":
		return queryFigures(t, db, `SELECT count(*), sum(year(valid_from)) FROM group_membership`)
	}
	rt, err := report.Run(context.Background(), s, tab.Name, report.Params{Dataset: m.Dataset, Compare: "ASEAN", Basis: reportBasis})
	if err != nil {
		t.Fatal(err)
	}
	f := figures{rows: int64(len(rt.Rows))}
	col := slices.Index(rt.Columns, sumColumn(tab))
	if col < 0 {
		t.Fatalf("report %s has no column %s: %v", tab.Name, sumColumn(tab), rt.Columns)
	}
	for _, r := range rt.Rows {
		switch v := r[col].(type) {
		case float64:
			f.sum += v
		case int64:
			f.sum += float64(v)
		case nil:
		default:
			t.Fatalf("report %s column %s: %T", tab.Name, sumColumn(tab), v)
		}
	}
	return f
}

// partitionCounts are the database's rows per partition, keyed as the
// folder names are ("year=2019/reporter=KAZ").
func partitionCounts(t *testing.T, db *dsql.Conn, tab export.Table, m *export.Manifest) map[string]int64 {
	t.Helper()
	var q string
	switch tab.Name {
	case "trade":
		q = `SELECT * FROM tp_usd($ds)`
	case "totals":
		q = `SELECT * FROM tp_bilateral($ds, NULL, NULL)`
	case "flows":
		q = `SELECT * FROM tp_flows($ds, $basis, $cif)`
	case "fx_rates":
		q = `SELECT * FROM fx_rates`
	default:
		t.Fatalf("%s is partitioned", tab.Name)
	}
	var key []string
	for _, p := range tab.Partitioning {
		key = append(key, fmt.Sprintf(`'%s=' || %s`, p, p))
	}
	rows, err := db.QueryContext(context.Background(),
		fmt.Sprintf(`SELECT concat_ws('/', %s) AS k, count(*) FROM (%s) GROUP BY k`, strings.Join(key, ", "), q),
		dsql.Named("ds", m.Dataset), dsql.Named("basis", m.Basis), dsql.Named("cif", m.CIFFOB))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

// readArrow reads every file of a table with arrow-go and returns the rows,
// the sum of the compared column (partition columns come from the folder
// names, as a Hive reader takes them) and the rows per partition folder.
func readArrow(t *testing.T, out string, tab export.Table) (figures, map[string]int64) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var f figures
	perPart := map[string]int64{}
	for _, rel := range tab.Files {
		pf, err := file.OpenParquetFile(filepath.Join(out, filepath.FromSlash(rel)), false)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, mem)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := r.ReadTable(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		noNanoseconds(t, rel, tbl.Schema())
		f.rows += tbl.NumRows()
		dir := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(filepath.Dir(rel)), strings.TrimSuffix(tab.Path, "/")), "/")
		dir = strings.TrimPrefix(dir, "/")
		perPart[dir] += tbl.NumRows()
		f.sum += arrowSum(t, tbl, tab, dir)
		tbl.Release()
		pf.Close()
	}
	if len(tab.Partitioning) == 0 {
		perPart = nil
	}
	return f, perPart
}

func arrowSum(t *testing.T, tbl arrow.Table, tab export.Table, dir string) float64 {
	t.Helper()
	name := sumColumn(tab)
	if name == "year(valid_from)" {
		name = "valid_from"
	}
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("%s/%s: no column %s in %v", tab.Name, dir, name, tbl.Schema())
	}
	var sum float64
	for _, ch := range tbl.Column(idx[0]).Data().Chunks() {
		for i := 0; i < ch.Len(); i++ {
			if ch.IsNull(i) {
				continue
			}
			switch a := ch.(type) {
			case *array.Float64:
				sum += a.Value(i)
			case *array.Int64:
				sum += float64(a.Value(i))
			case *array.Date32:
				sum += float64(a.Value(i).ToTime().Year())
			default:
				t.Fatalf("%s.%s is %T", tab.Name, name, ch)
			}
		}
	}
	return sum
}

// noNanoseconds checks the types every engine reads: no nanosecond
// timestamps, no unsigned or 128-bit integers.
func noNanoseconds(t *testing.T, file string, sc *arrow.Schema) {
	t.Helper()
	for _, f := range sc.Fields() {
		switch ty := f.Type.(type) {
		case *arrow.TimestampType:
			if ty.Unit == arrow.Nanosecond {
				t.Errorf("%s: %s is a nanosecond timestamp", file, f.Name)
			}
		case *arrow.Uint64Type, *arrow.Decimal128Type, *arrow.Decimal256Type:
			t.Errorf("%s: %s is %s", file, f.Name, ty)
		}
	}
}

func checkCompression(t *testing.T, db *dsql.Conn, out string, tab export.Table, want string) {
	t.Helper()
	want = map[string]string{"": "ZSTD", "zstd": "ZSTD", "snappy": "SNAPPY", "none": "UNCOMPRESSED"}[want]
	var got string
	err := db.QueryRowContext(context.Background(), `SELECT string_agg(DISTINCT compression, ',') FROM parquet_metadata($f)`,
		dsql.Named("f", filepath.Join(out, filepath.FromSlash(tab.Files[0])))).Scan(&got)
	if err != nil || got != want {
		t.Errorf("%s compression %q (%v), want %s", tab.Name, got, err, want)
	}
}

// checkManifestFile reads manifest.json back and checks the folder holds
// exactly the files it lists.
func checkManifestFile(t *testing.T, out string, m *export.Manifest) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, export.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var got export.Manifest
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(m)
	again, _ := json.Marshal(got)
	if string(want) != string(again) {
		t.Errorf("manifest.json differs from the manifest returned:\n%s\n%s", again, want)
	}
	listed := []string{export.ManifestName}
	for _, tab := range m.Tables {
		if len(tab.Files) == 0 || len(tab.Columns) == 0 {
			t.Errorf("%s: files %v, columns %v", tab.Name, tab.Files, tab.Columns)
		}
		listed = append(listed, tab.Files...)
	}
	slices.Sort(listed)
	if onDisk := files(t, out); !slices.Equal(onDisk, listed) {
		t.Errorf("files on disk:\n%v\nmanifest lists:\n%v", onDisk, listed)
	}
}

// checkSources checks the manifest's sources against the ledger: the
// dataset's files and the exchange-rate files, with their sha256.
func checkSources(t *testing.T, db *dsql.Conn, m *export.Manifest) {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM files WHERE dataset = ? OR kind = 'fx'`, m.Dataset).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if int64(len(m.Sources)) != n || n == 0 {
		t.Fatalf("%d sources, ledger has %d", len(m.Sources), n)
	}
	for _, src := range m.Sources {
		b, err := os.ReadFile(filepath.Join(src.Path))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != src.SHA256 {
			t.Errorf("source %s: sha256 %s, file has %x", src.Path, src.SHA256, sum)
		}
	}
}

// files lists the regular files under dir, relative and slash-separated.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// snapshot maps every file and folder under dir to a hash of its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings lists what sits beside the export folder (temporary folders
// left behind would show here).
func siblings(t *testing.T, out string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestReexport exports with fewer partitions each time: each export
// replaces the files of the one before completely.
func TestReexport(t *testing.T) {
	t.Parallel()
	s := openRO(t)
	out := filepath.Join(t.TempDir(), "parquet")
	var years, yearReporters int
	err := conn(t, s).QueryRowContext(context.Background(),
		`SELECT count(DISTINCT year), count(DISTINCT (year, reporter)) FROM trade WHERE dataset = 'sample'`).Scan(&years, &yearReporters)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		partitionBy string
		names       []string
		wantDirs    int // partition folders of trade
	}{
		{"year,reporter", nil, years + yearReporters},
		{"year", []string{"trade", "fx_rates"}, years},
		{"none", []string{"trade"}, 0},
		{"year", []string{"trade", "mirror-gaps"}, years},
	} {
		m, err := export.Run(context.Background(), s, export.Options{Out: out, Dataset: "sample", PartitionBy: c.partitionBy, Names: c.names})
		if err != nil {
			t.Fatal(err)
		}
		checkManifestFile(t, out, m)
		dirs := 0
		filepath.WalkDir(filepath.Join(out, "trade"), func(p string, d fs.DirEntry, err error) error {
			if d.IsDir() && p != filepath.Join(out, "trade") {
				dirs++
			}
			return nil
		})
		if dirs != c.wantDirs {
			t.Errorf("partition by %s: %d partition folders, want %d", c.partitionBy, dirs, c.wantDirs)
		}
		if got := siblings(t, out); !slices.Equal(got, []string{"parquet"}) {
			t.Errorf("beside the export: %v", got)
		}
	}
}

// TestFailureLeavesPreviousExport makes exports fail after a table was
// written, or as one starts, and checks the previous export is untouched
// byte for byte and nothing is left beside it.
func TestFailureLeavesPreviousExport(t *testing.T) {
	t.Parallel()
	s := openRO(t)
	out := filepath.Join(t.TempDir(), "parquet")
	if _, err := export.Run(context.Background(), s, export.Options{Out: out, Dataset: "sample"}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	cases := []struct {
		name   string
		opts   export.Options
		cancel func(e export.Event) bool // cancel the context at this event
		want   error
	}{
		{"report fails after trade", export.Options{Names: []string{"trade", "flows", "regional-shares"}, Report: report.Params{Group: "NOPE"}}, nil, report.ErrUsage},
		{"cancelled after trade", export.Options{}, func(e export.Event) bool { return e.Name == "trade" && e.Done }, context.Canceled},
		{"cancelled as fx_rates starts", export.Options{}, func(e export.Event) bool { return e.Name == "fx_rates" && !e.Done }, context.Canceled},
		{"cancelled after the last table", export.Options{}, func(e export.Event) bool { return e.Name == "group_membership" && e.Done }, context.Canceled},
		{"unknown name", export.Options{Names: []string{"trade", "nope"}}, nil, export.ErrUsage},
		{"bad partitioning", export.Options{PartitionBy: "year,month"}, nil, export.ErrUsage},
		{"bad compression", export.Options{Compression: "lz4"}, nil, export.ErrUsage},
		{"reporter basis for flows", export.Options{Basis: "reporter"}, nil, export.ErrUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			o := c.opts
			o.Out, o.Dataset = out, "sample"
			if c.cancel != nil {
				o.Progress = func(e export.Event) {
					if c.cancel(e) {
						cancel()
					}
				}
			}
			_, err := export.Run(ctx, s, o)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if after := snapshot(t, out); !mapsEqual(before, after) {
				t.Errorf("the previous export changed:\nbefore %v\nafter  %v", before, after)
			}
			if got := siblings(t, out); !slices.Equal(got, []string{"parquet"}) {
				t.Errorf("beside the export: %v", got)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestOutChecks: an export never replaces a folder that is not an export,
// nor one holding the database.
func TestOutChecks(t *testing.T) {
	t.Parallel()
	s := openRO(t)
	dir := t.TempDir()
	notExport := filepath.Join(dir, "papers")
	os.MkdirAll(notExport, 0o755)
	os.WriteFile(filepath.Join(notExport, "draft.tex"), []byte("x"), 0o644)
	aFile := filepath.Join(dir, "file")
	os.WriteFile(aFile, []byte("x"), 0o644)
	for _, out := range []string{notExport, aFile, filepath.Dir(sampleDB), ""} {
		_, err := export.Run(context.Background(), s, export.Options{Out: out, Dataset: "sample", Names: []string{"fx_rates"}})
		if !errors.Is(err, export.ErrUsage) {
			t.Errorf("out %q: error %v, want a usage error", out, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(notExport, "draft.tex")); err != nil || string(b) != "x" {
		t.Errorf("the folder was touched: %q %v", b, err)
	}
	// An empty folder is fine, and so is one that does not exist yet.
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	for _, out := range []string{empty, filepath.Join(dir, "new", "deeper")} {
		if _, err := export.Run(context.Background(), s, export.Options{Out: out, Names: []string{"group_membership"}}); err != nil {
			t.Errorf("out %s: %v", out, err)
		}
		if _, err := os.Stat(filepath.Join(out, "group_membership", "data_0.parquet")); err != nil {
			t.Error(err)
		}
	}
}

// TestStaleTemporaryFolders: folders a crashed export left beside the
// destination are removed once a day old, younger ones kept (they may be
// an export still running).
func TestStaleTemporaryFolders(t *testing.T) {
	t.Parallel()
	s := openRO(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "parquet")
	old, young := filepath.Join(dir, ".parquet.tmp-1"), filepath.Join(dir, ".parquet.old-2")
	for _, d := range []string{old, young} {
		os.MkdirAll(filepath.Join(d, "trade"), 0o755)
	}
	long := time.Now().Add(-25 * time.Hour)
	os.Chtimes(old, long, long)
	if _, err := export.Run(context.Background(), s, export.Options{Out: out, Names: []string{"fx_rates"}}); err != nil {
		t.Fatal(err)
	}
	if got := siblings(t, out); !slices.Equal(got, []string{".parquet.old-2", "parquet"}) {
		t.Errorf("beside the export: %v", got)
	}
}

// TestDatasetRules: with several datasets loaded, trade needs one named;
// tables that read no dataset do not.
func TestDatasetRules(t *testing.T) {
	t.Parallel()
	s := openRO(t)
	out := filepath.Join(t.TempDir(), "parquet")
	_, err := export.Run(context.Background(), s, export.Options{Out: out})
	if !errors.Is(err, export.ErrUsage) || !strings.Contains(err.Error(), "several datasets") {
		t.Errorf("no dataset: %v", err)
	}
	_, err = export.Run(context.Background(), s, export.Options{Out: out, Dataset: "baci", Basis: "average"})
	if !errors.Is(err, export.ErrUsage) || !strings.Contains(err.Error(), "basis must be flow") {
		t.Errorf("baci average: %v", err)
	}
	m, err := export.Run(context.Background(), s, export.Options{Out: out, Names: []string{"fx_rates", "group_membership", "fx_rates"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Dataset != "" || len(m.Tables) != 2 {
		t.Errorf("dataset %q, tables %d", m.Dataset, len(m.Tables))
	}
	for _, src := range m.Sources {
		if src.Kind != "fx" {
			t.Errorf("source %s of kind %s in an export of rates and groups", src.Path, src.Kind)
		}
	}
	if fx := m.Tables[0]; fx.Partitioning[0] != "year" || !fx.Columns[slices.IndexFunc(fx.Columns, func(c export.Column) bool { return c.Name == "year" })].Partition {
		t.Errorf("fx_rates: partitioning %v, columns %+v", fx.Partitioning, fx.Columns)
	}
}

// TestUnconvertedNotes: trade values with no rate loaded are NULL in
// value_usd and counted in the manifest's notes.
func TestUnconvertedNotes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := filepath.Join(dir, "kgz.csv")
	os.WriteFile(csv, []byte(`year,month,reporter,partner,flow,product,value,currency
2019,,KGZ,KAZ,X,TOTAL,41200000000,KGS
2019,3,KGZ,CHN,M,TOTAL,6150000000,KGS
2019,4,KGZ,CHN,M,TOTAL,6150000000,KGS
2019,,KGZ,RUS,X,TOTAL,1000,USD
`), 0o644)
	db := filepath.Join(dir, "t.duckdb")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := ingest.Sources(csv)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Load(context.Background(), srcs[0], store.LoadOptions{Codes: cs}); r.Err != nil {
		t.Fatal(r.Err)
	}
	out := filepath.Join(dir, "p")
	m, err := export.Run(context.Background(), s, export.Options{Out: out, Names: []string{"trade"}})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 value(s) in KGS for 2019 have no exchange rate loaded: value_usd is NULL",
		"1 value(s) in KGS for 2019-03 have no exchange rate loaded: value_usd is NULL",
		"1 value(s) in KGS for 2019-04 have no exchange rate loaded: value_usd is NULL",
	}
	if !slices.Equal(m.Tables[0].Notes, want) {
		t.Errorf("notes:\n%s", strings.Join(m.Tables[0].Notes, "\n"))
	}
	s = openRO(t)
	var nulls, usd float64
	err = conn(t, s).QueryRowContext(context.Background(),
		`SELECT count(*) FILTER (WHERE value_usd IS NULL), sum(value_usd) FROM read_parquet($g, hive_partitioning = true)`,
		dsql.Named("g", filepath.Join(out, "trade", "**", "*.parquet"))).Scan(&nulls, &usd)
	if err != nil || nulls != 3 || usd != 1000 {
		t.Errorf("read back: %v NULL values, %v USD (%v)", nulls, usd, err)
	}
}

// TestReportsOnExport runs the reports over the exported folder instead of
// the database: a fresh in-memory database whose trade, fx_rates and
// group_membership are views over the Parquet files and whose ledger is
// the manifest's sources gives the same tables as the database did. This
// is the path docs/export.md describes for data that outgrows one machine.
func TestReportsOnExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openRO(t)
	out := filepath.Join(t.TempDir(), "parquet")
	m, err := export.Run(ctx, s, export.Options{Out: out, Dataset: "sample", PartitionBy: "year,reporter"})
	if err != nil {
		t.Fatal(err)
	}
	mem, err := store.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	glob := func(table string) string { return filepath.Join(out, table, "**", "*.parquet") }
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DROP VIEW trade`, nil},
		{`CREATE VIEW trade AS SELECT * EXCLUDE (rate_used, value_usd) FROM read_parquet($g, hive_partitioning = true)`, []any{dsql.Named("g", glob("trade"))}},
		{`DROP VIEW fx_rates`, nil},
		{`CREATE VIEW fx_rates AS SELECT * FROM read_parquet($g, hive_partitioning = true)`, []any{dsql.Named("g", glob("fx_rates"))}},
		{`DROP TABLE trade_bilateral`, nil},
		{`CREATE VIEW trade_bilateral AS SELECT * FROM read_parquet($g, hive_partitioning = true)`, []any{dsql.Named("g", glob("totals"))}},
		{`DROP TABLE trade_years`, nil},
		{`CREATE VIEW trade_years AS SELECT DISTINCT dataset, year FROM trade_bilateral`, nil},
		{`DROP TABLE trade_own`, nil},
		{`CREATE VIEW trade_own AS SELECT * FROM tp_own_totals(NULL, NULL, NULL)`, nil},
		{`DROP TABLE trade_world`, nil},
		{`CREATE VIEW trade_world AS SELECT * FROM tp_country_totals(NULL, NULL)`, nil},
		{`DELETE FROM group_membership`, nil},
		{`INSERT INTO group_membership SELECT * FROM read_parquet($g)`, []any{dsql.Named("g", glob("group_membership"))}},
	} {
		// Views cannot take parameters: the path goes in as a literal.
		text := q.sql
		for _, a := range q.args {
			text = strings.ReplaceAll(text, "$g", "'"+strings.ReplaceAll(a.(dsql.NamedArg).Value.(string), "'", "''")+"'")
		}
		if _, err := mem.DB().ExecContext(ctx, text); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
	for _, f := range m.Sources {
		if _, err := mem.DB().ExecContext(ctx, `INSERT INTO files (file_id, path, entry, sha256, size, compression, format, kind, dataset, rows, replaced, loaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.FileID, f.Path, f.Entry, f.SHA256, f.Size, f.Compression, f.Format, f.Kind, f.Dataset, f.Rows, f.Replaced, f.LoadedAt); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"regional-shares", "partner-shares", "coverage", "mirror-gaps", "group-compare"} {
		p := report.Params{Dataset: "sample", Compare: "ASEAN"}
		want, err := report.Run(ctx, s, name, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := report.Run(ctx, mem, name, p)
		if err != nil {
			t.Fatalf("%s over the export: %v", name, err)
		}
		if len(got.Rows) != len(want.Rows) || len(want.Rows) == 0 || !slices.Equal(got.Columns, want.Columns) {
			t.Fatalf("%s: %d rows %v over the export, %d rows %v from the database", name, len(got.Rows), got.Columns, len(want.Rows), want.Columns)
		}
		for i := range want.Rows {
			for j := range want.Rows[i] {
				if !sameValue(got.Rows[i][j], want.Rows[i][j]) {
					t.Errorf("%s row %d %s: %v over the export, %v from the database", name, i, want.Columns[j], got.Rows[i][j], want.Rows[i][j])
				}
			}
		}
	}
}

func sameValue(a, b any) bool {
	fa, oka := a.(float64)
	fb, okb := b.(float64)
	if oka && okb {
		return near(fa, fb)
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestPortableQuery runs testdata/portable_intra_share.sql (the example of
// docs/export.md, in SQL that Trino and Spark accept too) over the exported
// flows and group_membership in DuckDB and checks it gives regional-shares'
// intra share for the flows table's basis.
func TestPortableQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	text, err := os.ReadFile(filepath.Join("testdata", "portable_intra_share.sql"))
	if err != nil {
		t.Fatal(err)
	}
	s := openRO(t)
	// BACI only: the pairs of a flow table are the world matrix. For
	// reporter data the members' totals are their World rows, which the
	// flows table does not hold (the pair sums leave out every partner
	// not in the files).
	for _, ds := range []string{"baci"} {
		out := filepath.Join(t.TempDir(), "parquet")
		m, err := export.Run(ctx, s, export.Options{Out: out, Dataset: ds, Names: []string{"flows", "group_membership"}})
		if err != nil {
			t.Fatal(err)
		}
		want, err := report.Run(ctx, s, "regional-shares", report.Params{Dataset: ds, Basis: m.Basis})
		if err != nil {
			t.Fatal(err)
		}
		c := conn(t, s)
		for _, v := range []string{"flows", "group_membership"} {
			p := strings.ReplaceAll(filepath.Join(out, v, "**", "*.parquet"), "'", "''")
			if _, err := c.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM read_parquet('%s', hive_partitioning = true)`, v, p)); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := c.QueryContext(ctx, string(text))
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]float64{}
		for rows.Next() {
			var y int64
			var share float64
			if err := rows.Scan(&y, &share); err != nil {
				t.Fatal(err)
			}
			got[y] = share
		}
		rows.Close()
		yc, sc := slices.Index(want.Columns, "year"), slices.Index(want.Columns, "intra_share_pct")
		if len(want.Rows) == 0 || len(got) != len(want.Rows) {
			t.Fatalf("%s: %d years from the portable query, %d from regional-shares", ds, len(got), len(want.Rows))
		}
		for _, r := range want.Rows {
			y, err := strconv.ParseInt(fmt.Sprint(r[yc]), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			if w, _ := r[sc].(float64); !near(got[y], w) {
				t.Errorf("%s %d: portable query %v, regional-shares %v", ds, y, got[y], w)
			}
		}
	}
}
