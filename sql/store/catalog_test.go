package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

func loadSample(t *testing.T, s *Store, dataset string, names ...string) {
	t.Helper()
	codes, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		srcs, err := ingest.Sources(filepath.Join("..", "..", "testdata", "sample", n))
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range srcs {
			if r := s.Load(context.Background(), src, LoadOptions{Dataset: dataset, Codes: codes}); r.Err != nil {
				t.Fatal(r.Err)
			}
		}
	}
}

func tableCounts(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range []string{"files", "trade_rows", "trade_slices", "fx_rates"} {
		var n int64
		if err := s.db.QueryRow(`SELECT count(*) FROM ` + tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

// TestForgetAndDropAreAtomic: a failure between the deletes of a forget or
// a drop leaves every table as it was; without one, only the file's (or
// dataset's) rows go.
func TestForgetAndDropAreAtomic(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	loadSample(t, s, "a", "c5_comtrade_2017_2020.csv", "fx_wdi_sample.csv")
	loadSample(t, s, "b", "asean_long_1996_2020.csv")
	before := tableCounts(t, s)
	forgetHook = func() error { return errors.New("disk on fire") }
	if _, err := s.Forget(ctx, []int64{1, 2}); err == nil {
		t.Fatal("forget went on past the failure")
	}
	if _, err := s.DropDataset(ctx, "a"); err == nil {
		t.Fatal("drop went on past the failure")
	}
	forgetHook = nil
	if got := tableCounts(t, s); !equal(got, before) {
		t.Errorf("after failed forget and drop: %v, want %v", got, before)
	}
	gone, err := s.Forget(ctx, []int64{2})
	if err != nil || len(gone) != 1 || gone[0].FXRates == 0 || gone[0].TradeRows != 0 {
		t.Fatalf("forget the fx file: %+v %v", gone, err)
	}
	got := tableCounts(t, s)
	if got["files"] != before["files"]-1 || got["fx_rates"] != 0 || got["trade_rows"] != before["trade_rows"] {
		t.Errorf("after forgetting the fx file: %v (before %v)", got, before)
	}
	ch, err := s.DropDataset(ctx, "a")
	if err != nil || ch.Files != 1 || ch.TradeRows != 502 {
		t.Fatalf("drop a: %+v %v", ch, err)
	}
	var left int64
	s.db.QueryRow(`SELECT count(*) FROM trade WHERE dataset = 'b'`).Scan(&left)
	if left != 1365 {
		t.Errorf("dataset b has %d rows after dropping a, want 1365", left)
	}
}

func equal(a, b map[string]int64) bool {
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

// TestLoadStages: a load says what it does after reading, in order; a
// revision replaces earlier rows, a first load has none to replace.
func TestLoadStages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	codes, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	load := func(name, value string) []string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("year,month,reporter,partner,flow,product,value,currency\n2019,,KAZ,CHN,X,TOTAL,"+value+",USD\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs, err := ingest.Sources(p)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if r := s.Load(ctx, srcs[0], LoadOptions{Codes: codes, Stage: func(w string) { got = append(got, w) }}); r.Err != nil {
			t.Fatal(r.Err)
		}
		return got
	}
	if got := strings.Join(load("a.csv", "1"), "|"); got != "writing codes and products|making the totals|recording the file|committing" {
		t.Errorf("first load: %s", got)
	}
	if got := strings.Join(load("b.csv", "2"), "|"); got != "writing codes and products|replacing earlier rows|making the totals|recording the file|committing" {
		t.Errorf("revision: %s", got)
	}
}
