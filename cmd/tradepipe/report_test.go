package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"), sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	code, out, _ := tp(t, "report", "--list")
	for _, name := range []string{"regional-shares", "partner-shares", "intensity", "group-compare", "coverage"} {
		if code != 0 || !strings.Contains(out, name+" ") {
			t.Errorf("report --list lacks %s:\n%s", name, out)
		}
	}
	// One dataset loaded: no --dataset needed.
	code, out, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "csv", "--from", "2019", "--to", "2019")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "year,group,members,intra_share_pct,china_share_pct,russia_share_pct,rest_share_pct,total_trade_usd,mirror_share_pct") || !strings.HasPrefix(lines[1], "2019,C5,5,") {
		t.Errorf("regional-shares csv: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = tp(t, "report", "group-compare", "--db", db, "--format", "json", "--compare", "ASEAN", "--compare", "SCO")
	var js struct {
		Columns []string         `json:"columns"`
		Rows    []map[string]any `json:"rows"`
		Notes   []string         `json:"notes"`
	}
	if err := json.Unmarshal([]byte(out), &js); code != 0 || err != nil || len(js.Rows) == 0 || len(js.Notes) == 0 {
		t.Errorf("group-compare json: exit %d %v\n%s", code, err, out)
	}
	groups := map[any]bool{}
	for _, r := range js.Rows {
		groups[r["group"]] = true
	}
	if !groups["C5"] || !groups["ASEAN"] || !groups["SCO"] {
		t.Errorf("group-compare groups = %v", groups)
	}
	code, out, _ = tp(t, "report", "partner-shares", "--db", db, "--format", "markdown", "--from", "2020")
	if code != 0 || !strings.HasPrefix(out, "| year | group | member |") || !strings.Contains(out, "|---:|") {
		t.Errorf("markdown: %d\n%s", code, out)
	}
	out2 := filepath.Join(t.TempDir(), "shares.csv")
	if code, _, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "csv", "--out", out2); code != 0 {
		t.Errorf("--out: %s", errs)
	}

	// Usage errors exit 2 and say what is known.
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"report", "no-such-report", "--db", db}, "no report \"no-such-report\""},
		{[]string{"report", "regional-shares", "--db", db, "--group", "x'); DROP TABLE trade; --"}, "unknown group"},
		{[]string{"report", "regional-shares", "--db", db, "--basis", "flow"}, "basis flow needs a flow table"},
		{[]string{"report", "regional-shares", "--db", db, "--dataset", "nope"}, "no trade dataset \"nope\" (loaded: sample)"},
	} {
		code, _, errs := tp(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, %s", c.args, code, errs)
		}
	}
	// Several datasets and none named: stop and list them.
	tp(t, "ingest", "--db", db, sample("baci_sample.csv"))
	code, _, errs = tp(t, "report", "regional-shares", "--db", db)
	if code != 2 || !strings.Contains(errs, "several datasets are loaded; name one with --dataset (loaded: baci, sample)") {
		t.Errorf("several datasets: exit %d, %s", code, errs)
	}
}
