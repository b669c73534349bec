// Package storetest gives tests a store with data in it: a fresh database
// in the test's temporary folder, and the bundled sample (testdata/sample)
// loaded into it the way 'make demo' loads it.
package storetest

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/transform/country"
)

// Open opens a new, empty database in t's temporary folder, closed when
// the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// SampleFiles are the bundled sample's files and the dataset each goes
// to ("" for the format's name), as the sample config assigns them.
var SampleFiles = []struct{ File, Dataset string }{
	{"c5_comtrade_2017_2020.csv", "sample"}, {"tkm_dots_2017_2020.csv", "sample"}, {"asean_long_1996_2020.csv", "sample"},
	{"fx_wdi_sample.csv", ""}, {"fx_kgs_monthly_2019.csv", ""},
	{"kgz_national_kgs_2019.csv", "kgz-nso"}, {"baci_sample.csv", ""}, {"comtrade_legacy_sample.csv", ""},
}

// SampleDir is the folder of the bundled sample.
func SampleDir() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "..", "testdata", "sample")
}

// Sample opens a new database with the bundled sample loaded.
func Sample(t testing.TB) *store.Store {
	t.Helper()
	s := Open(t)
	for _, f := range SampleFiles {
		Load(t, s, f.Dataset, filepath.Join(SampleDir(), f.File))
	}
	return s
}

// Load loads the files at paths into dataset ("" for the format's name),
// failing the test on any error.
func Load(t testing.TB, s *store.Store, dataset string, paths ...string) {
	t.Helper()
	codes, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		srcs, err := ingest.Sources(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range srcs {
			if r := s.Load(context.Background(), src, store.LoadOptions{Dataset: dataset, Codes: codes}); r.Err != nil {
				t.Fatal(r.Err)
			}
		}
	}
}
