package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

// TestOutputsStand: a run that finds nothing new leaves the last run's
// reports and export as they are (not written again); a new file, an
// output removed or changed, a changed step, or Force make them again,
// and a failed step makes the next run make them again.
func TestOutputsStand(t *testing.T) {
	c, inbox := setup(t, `jobs:
  - name: nightly
    steps:
      - ingest
      - report regional-shares --group C5 --partial show
      - export trade --out pq
`)
	write(t, filepath.Join(inbox, "a.csv"), tradeHeader+"2019,,KAZ,WLD,X,TOTAL,1000,USD\n2019,,KAZ,KGZ,X,TOTAL,100,USD\n")
	log, _ := testLogger()
	r := NewRunner(c, log)
	csv := filepath.Join(c.Outputs, "reports", "regional-shares.csv")
	manifest := filepath.Join(c.Outputs, "pq", "manifest.json")
	stamp := func() (time.Time, time.Time) {
		t.Helper()
		a, err := os.Stat(csv)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.Stat(manifest)
		if err != nil {
			t.Fatal(err)
		}
		return a.ModTime(), b.ModTime()
	}
	run := func(what string, wantMade bool) {
		t.Helper()
		r1, m1 := stamp()
		time.Sleep(10 * time.Millisecond) // a new write has a later modification time
		res := r.Run(context.Background(), &c.Jobs[0])
		if res.Outcome != store.RunOK {
			t.Fatalf("%s: %+v", what, res)
		}
		r2, m2 := stamp()
		if made := !r1.Equal(r2) || !m1.Equal(m2); made != wantMade {
			t.Errorf("%s: outputs made again = %v, want %v", what, made, wantMade)
		}
	}
	if res := r.Run(context.Background(), &c.Jobs[0]); res.Outcome != store.RunOK {
		t.Fatalf("%+v", res)
	}
	run("nothing new", false)
	write(t, filepath.Join(inbox, "b.csv"), tradeHeader+"2019,,KGZ,WLD,X,TOTAL,200,USD\n")
	run("a new file", true)
	run("nothing new again", false)
	os.Remove(filepath.Join(c.Outputs, "reports", "index.html"))
	run("the index removed", true)
	os.WriteFile(csv, []byte("edited\n"), 0o644)
	run("a report edited", true)
	if b, _ := os.ReadFile(csv); strings.HasPrefix(string(b), "edited") {
		t.Error("the edited report was not made again")
	}
	r.Force = true
	run("forced", true)
	r.Force = false
	c.Jobs[0].Steps[1].Options.Partial = "omit"
	c.Jobs[0].Steps[1].Text += " (changed)"
	run("a changed step", true)
	run("unchanged once more", false)
	// A failing step (here before it wrote anything) drops the state: the
	// next run makes everything again.
	c.Jobs[0].Steps[1].Options.Group = "NO-SUCH-GROUP"
	if res := r.Run(context.Background(), &c.Jobs[0]); res.Outcome != store.RunFailed {
		t.Fatalf("unknown group: %+v", res)
	}
	c.Jobs[0].Steps[1].Options.Group = "C5"
	run("after a failure", true)
}

// TestHashesRemembered: a new Runner (a one-off 'tradepipe run') takes
// the inbox's hashes from the database: a file whose size and
// modification time did not change is not read again (shown here by
// changing its bytes behind the pipeline's back, keeping both), and one
// whose modification time changed is.
func TestHashesRemembered(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - name: load\n    steps: [ingest]\n")
	p := filepath.Join(inbox, "a.csv")
	write(t, p, tradeHeader+"2019,,KAZ,WLD,X,TOTAL,1000,USD\n")
	log, _ := testLogger()
	runOnce := func() Result {
		t.Helper()
		res := NewRunner(c, log).Run(context.Background(), &c.Jobs[0])
		if res.Outcome != store.RunOK {
			t.Fatalf("%+v", res)
		}
		return res
	}
	if res := runOnce(); res.Files != 1 {
		t.Fatalf("first run loaded %d files", res.Files)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, p, tradeHeader+"2019,,KAZ,WLD,X,TOTAL,2000,USD\n") // same size
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if res := runOnce(); res.Files != 0 {
		t.Errorf("unchanged size and time: %d files loaded, want 0 (the file was hashed again)", res.Files)
	}
	later := fi.ModTime().Add(-10 * time.Second) // earlier, not later: a file modified in the future waits to settle
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if res := runOnce(); res.Files != 1 {
		t.Errorf("modification time changed: %d files loaded, want 1", res.Files)
	}
}

// TestInboxSymlink: a link in an inbox folder to a download elsewhere is
// loaded as the file it points to.
func TestInboxSymlink(t *testing.T) {
	c, inbox := setup(t, "jobs:\n  - name: load\n    steps: [ingest]\n")
	elsewhere := filepath.Join(t.TempDir(), "download.csv")
	write(t, elsewhere, tradeHeader+"2019,,KAZ,WLD,X,TOTAL,1000,USD\n")
	if err := os.Symlink(elsewhere, filepath.Join(inbox, "linked.csv")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	log, _ := testLogger()
	res := NewRunner(c, log).Run(context.Background(), &c.Jobs[0])
	if res.Outcome != store.RunOK || res.Files != 1 {
		t.Errorf("%+v", res)
	}
}

// TestExportsStandAlone: a new file in one dataset makes that dataset's
// export again and leaves the other dataset's export, and the reports made
// from the other dataset, as they were.
func TestExportsStandAlone(t *testing.T) {
	c, inbox := setup(t, `datasets:
  - name: a
    files: ["a_*.csv"]
  - name: b
    files: ["b_*.csv"]
jobs:
  - name: nightly
    steps:
      - ingest
      - report regional-shares --dataset a --group C5 --partial show
      - export trade --dataset a --out pa
      - export trade --dataset b --out pb
`)
	write(t, filepath.Join(inbox, "a_1.csv"), tradeHeader+"2019,,KAZ,WLD,X,TOTAL,1000,USD\n")
	write(t, filepath.Join(inbox, "b_1.csv"), tradeHeader+"2019,,KGZ,WLD,X,TOTAL,200,USD\n")
	log, _ := testLogger()
	r := NewRunner(c, log)
	mod := func(p string) time.Time {
		t.Helper()
		fi, err := os.Stat(filepath.Join(c.Outputs, p))
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	run := func() {
		t.Helper()
		if res := r.Run(context.Background(), &c.Jobs[0]); res.Outcome != store.RunOK {
			t.Fatalf("%+v", res)
		}
	}
	run()
	a, b, rep := mod("pa/manifest.json"), mod("pb/manifest.json"), mod("reports/regional-shares.csv")
	time.Sleep(10 * time.Millisecond)
	write(t, filepath.Join(inbox, "b_2.csv"), tradeHeader+"2020,,KGZ,WLD,X,TOTAL,300,USD\n")
	run()
	if !mod("pa/manifest.json").Equal(a) {
		t.Error("a file in dataset b made dataset a's export again")
	}
	if mod("pb/manifest.json").Equal(b) {
		t.Error("a file in dataset b left its export as it was")
	}
	if !mod("reports/regional-shares.csv").Equal(rep) {
		t.Error("a file in dataset b made the reports of dataset a again")
	}
}
