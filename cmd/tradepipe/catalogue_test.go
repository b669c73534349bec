package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The catalogue of awkward and broken inputs lives in
// ingest/testdata/bad/cases.csv; this test runs 'tradepipe ingest' on each
// and checks the exit code, every line it prints, and what the database
// gained: the rows, ledger entries and failure records its lines announce,
// and nothing at all for a rejected file.

var updateCatalogue = flag.Bool("update-catalogue", false, "rewrite the stdout and stderr columns of ingest/testdata/bad/cases.csv from what ingest prints")

var catalogueDir = filepath.Join("..", "..", "ingest", "testdata", "bad")

// badCase is one row of cases.csv.
type badCase struct {
	Name, File, Args string
	Exit             int
	Rows             int64 // rows the database gains (trade + fx_rates)
	Failures         int64 // failed attempts recorded in load_failures
	Stdout, Stderr   string
	rec              []string
	cols             map[string]int
}

func readCatalogue(t *testing.T) ([]string, []*badCase) {
	t.Helper()
	f, err := os.Open(filepath.Join(catalogueDir, "cases.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	cols := map[string]int{}
	for i, h := range head {
		cols[h] = i
	}
	var out []*badCase
	for _, r := range recs[1:] {
		c := &badCase{Name: r[cols["case"]], File: r[cols["file"]], Args: r[cols["args"]],
			Stdout: r[cols["stdout"]], Stderr: r[cols["stderr"]], rec: r, cols: cols}
		var err1, err2, err3 error
		c.Exit, err1 = strconv.Atoi(r[cols["exit"]])
		c.Rows, err2 = strconv.ParseInt(r[cols["rows"]], 10, 64)
		c.Failures, err3 = strconv.ParseInt(r[cols["failures"]], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("cases.csv: case %s: %v", c.Name, err)
		}
		out = append(out, c)
	}
	return head, out
}

// generated makes the inputs too big (or too odd) to commit.
var generated = map[string]func(t *testing.T, dir string) string{
	// 200,000 BACI rows.
	"long_valid": func(t *testing.T, dir string) string {
		var b bytes.Buffer
		b.WriteString("t,i,j,k,v,q\n")
		for i := range 200_000 {
			fmt.Fprintf(&b, "2010,398,156,%06d,%d.5,\n", i, i%977)
		}
		return writeTemp(t, dir, "long_valid.csv", b.Bytes())
	},
	// A Comtrade+ row whose descriptive fields are 60 KiB each (just under
	// the 64 KiB field limit, 780 KiB in all), one with line breaks in it.
	"long_fields": func(t *testing.T, dir string) string {
		text := string(readFixture(t, filepath.Join(catalogueDir, "ok_bom_crlf_comtrade.csv")))
		lines := strings.Split(strings.TrimPrefix(text, "\ufeff"), "\r\n")
		long := strings.Repeat("abcdefghij", 6*1024)
		multi := strings.Repeat("line\n", 12*1024)
		row := strings.ReplaceAll(lines[1], `"Kyrgyzstan"`, `"`+long+`"`)
		row = strings.ReplaceAll(row, `"World"`, `"`+long+`"`)
		row = strings.ReplaceAll(row, `"TOTAL CPC"`, `"`+long+`"`)
		row = strings.ReplaceAll(row, `"All Commodities"`, `"`+multi+`"`)
		row = strings.ReplaceAll(row, `"Import"`, `"`+long+`"`)
		row = strings.ReplaceAll(row, `"2019","417"`, `"2009","417"`)
		return writeTemp(t, dir, "long_fields.csv", []byte(lines[0]+"\n"+row+"\n"))
	},
	// A 70,000-byte product code.
	"overlong_field": func(t *testing.T, dir string) string {
		return writeTemp(t, dir, "overlong_field.csv", []byte("t,i,j,k,v,q\n2019,398,156,"+strings.Repeat("1", 70_000)+",1,\n"))
	},
	// A 2 MiB line of short fields.
	"overlong_line": func(t *testing.T, dir string) string {
		return writeTemp(t, dir, "overlong_line.csv", []byte("t,i,j,k,v,q\n"+strings.Repeat("1,", 1<<20)+"\n"))
	},
	// 100,000 good rows, then a bad one: the first batches must not stay.
	"late_error": func(t *testing.T, dir string) string {
		var b bytes.Buffer
		b.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
		for i := range 100_000 {
			fmt.Fprintf(&b, "2008,,KAZ,CHN,X,%06d,%d,USD\n", i, i)
		}
		b.WriteString("2008,,KAZ,CHN,X,TOTAL,1O0,USD\n")
		return writeTemp(t, dir, "late_error.csv", b.Bytes())
	},
	"missing": func(t *testing.T, dir string) string { return filepath.Join(dir, "no_such_file.csv") },
	"directory": func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "a_folder.csv")
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	},
}

func writeTemp(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFixture(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tableCounts returns the row counts 'tradepipe status --format json' shows.
func tableCounts(t *testing.T, db string) map[string]int64 {
	t.Helper()
	code, out, errs := tp(t, "status", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errs)
	}
	var st struct {
		Tables map[string]int64 `json:"tables"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	return st.Tables
}

// normalise turns what ingest printed into the form cases.csv holds: the
// input's path (made absolute by the flag parser) becomes {file}, the time
// and path of an earlier load become [...], and the format list under "no
// recognisable header" is dropped (reader tests check it).
func normalise(out, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	var keep []string
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" || strings.HasPrefix(l, "  ") {
			continue
		}
		l = strings.ReplaceAll(l, abs, "{file}")
		if i := strings.Index(l, "already loaded at "); i >= 0 {
			l = l[:i+len("already loaded at ")] + "[...]"
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	head, cases := readCatalogue(t)
	if len(cases) < 30 {
		t.Errorf("catalogue has %d cases, want at least 30", len(cases))
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "catalogue.duckdb")
	// Something to lose: a file loaded before the catalogue runs.
	if code, _, errs := tp(t, "ingest", "--db", db, "--dataset", "before", sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("baseline load: %s", errs)
	}
	seen := map[string]bool{}
	// Each case's counts after are the next case's before: one status a
	// case, not two.
	before := tableCounts(t, db)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if seen[c.Name] {
				t.Fatalf("case %s appears twice", c.Name)
			}
			seen[c.Name] = true
			path := filepath.Join(catalogueDir, c.File)
			if gen, ok := strings.CutPrefix(c.File, "gen:"); ok {
				g := generated[gen]
				if g == nil {
					t.Fatalf("no generator %q", gen)
				}
				path = g(t, t.TempDir())
			} else if _, err := os.Stat(path); err != nil {
				t.Fatalf("fixture: %v", err)
			}
			args := []string{"ingest", "--db", db, "--dataset", c.Name}
			for _, a := range strings.Fields(c.Args) {
				args = append(args, strings.ReplaceAll(a, "{file}", path))
			}
			code, stdout, stderr := tp(t, args...)
			gotOut, gotErr := normalise(stdout, path), normalise(stderr, path)
			if *updateCatalogue {
				c.rec[c.cols["stdout"]], c.rec[c.cols["stderr"]] = gotOut, gotErr
				c.rec[c.cols["exit"]] = strconv.Itoa(code)
			}
			if code != c.Exit {
				t.Errorf("exit %d, want %d", code, c.Exit)
			}
			if gotOut != c.Stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", gotOut, c.Stdout)
			}
			if gotErr != c.Stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", gotErr, c.Stderr)
			}
			// The database gains exactly what the printed lines announce:
			// a ledger entry per "loaded", the rows of the loaded files
			// and the failure records the table expects; nothing else.
			after := tableCounts(t, db)
			defer func() { before = after }()
			want := map[string]int64{}
			for k, v := range before {
				want[k] = v
			}
			want["files"] += int64(strings.Count("\n"+c.Stdout, "\nloaded  "))
			want["load_failures"] += c.Failures
			if got := (after["trade"] + after["fx_rates"]) - (before["trade"] + before["fx_rates"]); got != c.Rows {
				t.Errorf("database gained %d rows, want %d", got, c.Rows)
			}
			if after["trade_rows"] != after["trade"] {
				t.Errorf("trade_rows has %d rows, the view trade %d", after["trade_rows"], after["trade"])
			}
			if after["fx_values"] != after["fx_rates"] {
				t.Errorf("fx_values has %d rows, the view fx_rates %d", after["fx_values"], after["fx_rates"])
			}
			for k, v := range after {
				switch k {
				case "trade", "fx_rates", "trade_rows", "fx_values":
					continue
				case "fx_series":
					// A loaded file of rates brings its series.
					if c.Rows > 0 {
						continue
					}
				case "trade_slices", "trade_codes", "trade_products", "trade_sums", "trade_file_sums", "trade_bilateral", "trade_years",
					"trade_own", "trade_world":
					// A loaded file may bring new slices, codes and sums;
					// a rejected one brings nothing.
					if c.Rows > 0 {
						continue
					}
				}
				if v != want[k] {
					t.Errorf("table %s: %d rows after, %d before, want %d", k, v, before[k], want[k])
				}
			}
			if c.Rows == 0 && (after["trade"] != before["trade"] || after["fx_rates"] != before["fx_rates"]) {
				t.Errorf("a rejected file changed the data: %v -> %v", before, after)
			}
			if c.Name == "safe_zip_slip" {
				// Entry names are labels: nothing is written under them.
				for _, p := range []string{
					filepath.Join(filepath.Dir(path), "..", "..", "..", "evil_a.csv"),
					filepath.Join("..", "..", "..", "evil_a.csv"), "/tmp/evil_b.csv",
				} {
					if _, err := os.Stat(p); err == nil {
						t.Errorf("zip entry became a file: %s", p)
					}
				}
			}
		})
	}
	if *updateCatalogue {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(head)
		for _, c := range cases {
			w.Write(c.rec)
		}
		w.Flush()
		if err := os.WriteFile(filepath.Join(catalogueDir, "cases.csv"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
