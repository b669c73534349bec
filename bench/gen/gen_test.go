package gen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

func TestCodes(t *testing.T) {
	if err := CheckCodes(BACICodes); err != nil {
		t.Fatal(err)
	}
	for _, c := range bigTraders {
		if !slices.Contains(BACICodes, c) {
			t.Errorf("big trader %d is not among the BACI codes", c)
		}
	}
	if n := len(BACICodes); n < 190 || n > 240 {
		t.Errorf("%d country codes, want about 200", n)
	}
}

func gen(t *testing.T, write func(w *bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBACIShape(t *testing.T) {
	o := Options{Rows: 300_000, Year: 2019, KeySeed: 1, ValueSeed: 1, EmptyQ: 20}
	a := gen(t, func(w *bytes.Buffer) error { return WriteBACI(w, o) })
	if b := gen(t, func(w *bytes.Buffer) error { return WriteBACI(w, o) }); sha256.Sum256(a) != sha256.Sum256(b) {
		t.Fatal("two runs with the same options differ")
	}
	o.ValueSeed = 2
	rev := gen(t, func(w *bytes.Buffer) error { return WriteBACI(w, o) })

	lines := strings.Split(strings.TrimSuffix(string(a), "\n"), "\n")
	revLines := strings.Split(strings.TrimSuffix(string(rev), "\n"), "\n")
	if lines[0] != "t,i,j,k,v,q" {
		t.Fatalf("header %q", lines[0])
	}
	if len(lines)-1 != o.Rows || len(revLines) != len(lines) {
		t.Fatalf("%d and %d rows, want %d", len(lines)-1, len(revLines)-1, o.Rows)
	}
	type key struct {
		i, j int64
		k    string
	}
	var prev key
	exporters, importers, products := map[int64]bool{}, map[int64]bool{}, map[string]bool{}
	emptyQ, changed := 0, 0
	for n, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 6 || f[0] != "2019" || len(f[3]) != 6 {
			t.Fatalf("row %d: %q", n+2, l)
		}
		i, _ := strconv.ParseInt(f[1], 10, 64)
		j, _ := strconv.ParseInt(f[2], 10, 64)
		k := key{i, j, f[3]}
		if n > 0 && !(prev.i < k.i || prev.i == k.i && (prev.j < k.j || prev.j == k.j && prev.k < k.k)) {
			t.Fatalf("row %d: %v not after %v", n+2, k, prev)
		}
		prev = k
		exporters[i], importers[j], products[f[3]] = true, true, true
		if f[5] == "" {
			emptyQ++
		}
		r := strings.Split(revLines[n+1], ",")
		if strings.Join(r[:4], ",") != strings.Join(f[:4], ",") {
			t.Fatalf("row %d: revision has key %q, first %q", n+2, revLines[n+1], l)
		}
		if r[4] != f[4] {
			changed++
		}
	}
	if len(exporters) < 150 || len(importers) < 200 || len(products) < 4900 {
		t.Errorf("%d exporters, %d importers, %d products", len(exporters), len(importers), len(products))
	}
	if p := float64(emptyQ) / float64(o.Rows); p < 0.015 || p > 0.025 {
		t.Errorf("%.3f of quantities empty, want about 0.02", p)
	}
	if changed < o.Rows*9/10 {
		t.Errorf("revision changed only %d values", changed)
	}
	if n := readRows(t, "BACI_HS17_Y2019_V202401.csv", a); n != int64(o.Rows) {
		t.Errorf("reader gave %d rows, want %d", n, o.Rows)
	}
}

func TestComtradeShape(t *testing.T) {
	o := Options{Rows: 20_000, Year: 2019, KeySeed: 3, ValueSeed: 3, EmptyQ: 20}
	a := gen(t, func(w *bytes.Buffer) error { return WriteComtrade(w, o) })
	if n := bytes.Count(a, []byte("\r\n")); n != o.Rows+1 {
		t.Fatalf("%d lines, want %d", n, o.Rows+1)
	}
	if n := readRows(t, "comtrade.csv", a); n != int64(o.Rows) {
		t.Errorf("reader gave %d rows, want %d", n, o.Rows)
	}
}

// readRows reads a generated file with tradepipe's reader and the real
// country table, failing on any error.
func readRows(t *testing.T, name string, b []byte) int64 {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, r, err := ingest.Detect(name, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rr, err := f.NewReader(r, ingest.WithName(name), ingest.WithCodes(country.Default()), ingest.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var n int64
	for rr.Next() {
		n += rr.RecordBatch().NumRows()
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// The generators' output is fixed: bench keeps generated data across runs
// while its genVersion is unchanged, so a change here must bump it.
func TestOutputIsStable(t *testing.T) {
	o := Options{Rows: 2000, Year: 2019, KeySeed: 2019, ValueSeed: 1, EmptyQ: 20}
	for _, tc := range []struct {
		name  string
		write func(w *bytes.Buffer) error
		want  string
	}{
		{"baci", func(w *bytes.Buffer) error { return WriteBACI(w, o) }, "b7a7b90987817cca"},
		{"comtrade", func(w *bytes.Buffer) error { return WriteComtrade(w, o) }, "13b1fb3a18343d90"},
	} {
		if got := fmt.Sprintf("%x", sha256.Sum256(gen(t, tc.write)))[:16]; got != tc.want {
			t.Errorf("%s: sha256 %s, want %s: if the change is meant, bump genVersion in bench/main.go and update this test", tc.name, got, tc.want)
		}
	}
}

// TestProductSeed: files of two key seeds trade the products of their
// own seeds, unless they are given one product seed, when they trade
// products of that seed alone; 0 is the key seed's.
func TestProductSeed(t *testing.T) {
	products := func(o Options) map[string]bool {
		out := map[string]bool{}
		lines := strings.Split(strings.TrimSpace(string(gen(t, func(w *bytes.Buffer) error { return WriteBACI(w, o) }))), "\n")
		for _, l := range lines[1:] {
			out[strings.Split(l, ",")[3]] = true
		}
		return out
	}
	within := func(got map[string]bool, seed uint64) bool {
		all := hsCodes(seed)
		for p := range got {
			if !slices.Contains(all, p) {
				return false
			}
		}
		return true
	}
	o := Options{Rows: 50_000, Year: 2019, ValueSeed: 1}
	for _, key := range []uint64{2013, 2014} {
		o.KeySeed, o.ProductSeed = key, 0
		own := products(o)
		if !within(own, key) || within(own, 2019) {
			t.Errorf("key seed %d: %d products, not all of its own seed's", key, len(own))
		}
		o.ProductSeed = 2019
		if shared := products(o); !within(shared, 2019) {
			t.Errorf("key seed %d, product seed 2019: %d products, not all of 2019's", key, len(shared))
		}
		o.ProductSeed = key
		if same := products(o); !maps.Equal(same, own) {
			t.Errorf("key seed %d: product seed %d trades %d products, 0 %d", key, key, len(same), len(own))
		}
	}
}
