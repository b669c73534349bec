package store

import (
	"context"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/transform"
)

// TestDataVersion: the fingerprint changes with every change to the data
// a report reads (a load, a removal, a renamed dataset, new config
// groups) and stays the same when nothing changed (the same bytes again,
// the same groups again, a run recorded, the database reopened).
func TestDataVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	version := func() string {
		t.Helper()
		v, err := s.DataVersion(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	group := []transform.Member{{Group: "MINE", Country: "KAZ", From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}}
	last := version()
	steps := []struct {
		what    string
		do      func()
		changes bool
	}{
		{"a load", func() { loadSample(t, s, "a", "baci_sample.csv") }, true},
		{"the same bytes again", func() { loadSample(t, s, "a", "baci_sample.csv") }, false},
		{"an exchange-rate file", func() { loadSample(t, s, "", "fx_wdi_sample.csv") }, true},
		{"config groups", func() { _, err := s.ReplaceConfigGroups(ctx, group); must(t, 0, err) }, true},
		{"the same config groups", func() { _, err := s.ReplaceConfigGroups(ctx, group); must(t, 0, err) }, false},
		{"a run recorded", func() { _, err := s.StartRun(ctx, "job", time.Now()); must(t, 0, err) }, false},
		{"a renamed dataset", func() { _, err := s.RenameDataset(ctx, "a", "b"); must(t, 0, err) }, true},
		{"a removal", func() {
			st, err := s.Status(ctx)
			if err != nil || len(st.Files) == 0 {
				t.Fatal(st, err)
			}
			_, err = s.Forget(ctx, []int64{st.Files[0].FileID})
			must(t, 0, err)
		}, true},
	}
	for _, st := range steps {
		st.do()
		v := version()
		if (v != last) != st.changes {
			t.Errorf("after %s: version %s, before %s; want changed=%v", st.what, v, last, st.changes)
		}
		last = v
	}
	path := s.Path()
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v, err := s2.DataVersion(ctx, ""); err != nil || v != last {
		t.Errorf("reopened: version %s (%v), want %s", v, err, last)
	}
}

func must[T any](t *testing.T, _ T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDataVersionPerDataset: a dataset's version changes with its own
// files and with exchange rates, not with another dataset's files.
func TestDataVersionPerDataset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	v := func(ds string) string {
		t.Helper()
		x, err := s.DataVersion(ctx, ds)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	loadSample(t, s, "a", "baci_sample.csv")
	a, all := v("a"), v("")
	loadSample(t, s, "b", "comtrade_legacy_sample.csv")
	if v("a") != a {
		t.Error("a file in dataset b changed dataset a's version")
	}
	if v("") == all {
		t.Error("a new file did not change the version of all datasets")
	}
	loadSample(t, s, "", "fx_wdi_sample.csv")
	if v("a") == a {
		t.Error("exchange rates did not change dataset a's version")
	}
}
