package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// kkTrade is a small world whose figures are worked out by hand: KAZ and
// KGZ each report every partner, so every total is complete.
//
//	         exports: World  KGZ/KAZ  CHN  RUS  DEU   imports: World  KGZ/KAZ  CHN  RUS  DEU
//	KAZ               1000      100  300  200  400             500       50  150  100  200
//	KGZ                200       40   60   50   50             300       90   60  100   50
//
// For the group KAZ+KGZ: all trade 2000, intra 280 (14%), China 570
// (28.5%), Russia 450 (22.5%), the rest 700 (35%). Exports alone: 1200,
// intra 140 (11.67%), China 360 (30%), Russia 250 (20.83%), rest 450
// (37.5%). Imports alone: 800, intra 140 (17.5%), China 210 (26.25%),
// Russia 200 (25%), rest 250 (31.25%).
const kkTrade = `year,month,reporter,partner,flow,product,value,currency
2019,,KAZ,WLD,X,TOTAL,1000,USD
2019,,KAZ,KGZ,X,TOTAL,100,USD
2019,,KAZ,CHN,X,TOTAL,300,USD
2019,,KAZ,RUS,X,TOTAL,200,USD
2019,,KAZ,DEU,X,TOTAL,400,USD
2019,,KAZ,WLD,M,TOTAL,500,USD
2019,,KAZ,KGZ,M,TOTAL,50,USD
2019,,KAZ,CHN,M,TOTAL,150,USD
2019,,KAZ,RUS,M,TOTAL,100,USD
2019,,KAZ,DEU,M,TOTAL,200,USD
2019,,KGZ,WLD,X,TOTAL,200,USD
2019,,KGZ,KAZ,X,TOTAL,40,USD
2019,,KGZ,CHN,X,TOTAL,60,USD
2019,,KGZ,RUS,X,TOTAL,50,USD
2019,,KGZ,DEU,X,TOTAL,50,USD
2019,,KGZ,WLD,M,TOTAL,300,USD
2019,,KGZ,KAZ,M,TOTAL,90,USD
2019,,KGZ,CHN,M,TOTAL,60,USD
2019,,KGZ,RUS,M,TOTAL,100,USD
2019,,KGZ,DEU,M,TOTAL,50,USD
`

// reportJSON runs a report with --format json and returns its rows.
func reportJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	code, out, errs := tp(t, append(append([]string{"report"}, args...), "--format", "json")...)
	if code != 0 {
		t.Fatalf("report %v: exit %d\n%s", args, code, errs)
	}
	var v struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, out)
	}
	return v.Rows
}

func near(a any, want float64) bool {
	x, ok := a.(float64)
	return ok && math.Abs(x-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// TestGroupsFlowsAndFlags: a group defined on the command line, in any
// case; --flows on regional-shares and group-compare, checked against
// the hand figures of kkTrade; flags a report does not take are usage
// errors.
func TestGroupsFlowsAndFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	file := filepath.Join(dir, "kk.csv")
	os.WriteFile(file, []byte(kkTrade), 0o644)
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "kk", file); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	want := map[string][4]float64{"all": {14, 28.5, 22.5, 35}, "X": {100 * 140.0 / 1200, 30, 100 * 250.0 / 1200, 37.5},
		"M": {17.5, 26.25, 25, 31.25}}
	for flows, w := range want {
		rows := reportJSON(t, "regional-shares", "--db", db, "--group", "KK=KAZ,kgz", "--compare", "none", "--flows", flows)
		if len(rows) != 1 {
			t.Fatalf("--flows %s: %d rows", flows, len(rows))
		}
		r := rows[0]
		for i, col := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct", "rest_share_pct"} {
			if !near(r[col], w[i]) {
				t.Errorf("--flows %s: %s = %v, want %v", flows, col, r[col], w[i])
			}
		}
		if r["group"] != "KK" || r["members"] != 2.0 || r["complete"] != true {
			t.Errorf("--flows %s: %v", flows, r)
		}
	}
	// group-compare: the group and a comparison group defined alike.
	rows := reportJSON(t, "group-compare", "--db", db, "--group", "KK=KAZ,KGZ", "--compare", "K1=KAZ", "--flows", "M")
	if len(rows) != 2 || rows[0]["group"] != "KK" || !near(rows[0]["intra_share_pct"], 17.5) || rows[1]["group"] != "K1" ||
		!near(rows[1]["intra_share_pct"], 0) || !strings.Contains(rows[0]["why_not"].(string), "") {
		t.Errorf("group-compare --flows M: %v", rows)
	}
	// Seeded groups in any case: c5 is C5 (here KAZ and KGZ of it).
	rows = reportJSON(t, "regional-shares", "--db", db, "--group", "c5", "--compare", "none", "--partial", "show")
	if len(rows) != 1 || rows[0]["group"] != "C5" || !near(rows[0]["intra_share_pct"], 14) {
		t.Errorf("--group c5: %v", rows)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--top", "3"}, "report regional-shares does not take --top (partner-shares, top-partners take it)"},
		{[]string{"--compare", "EAEU,SCO"}, "shows one comparison group beside the group, not 2 (EAEU, SCO)"},
		{[]string{"--compare", "EAEU", "--compare", "SCO"}, "not 2 (EAEU, SCO)"},
		{[]string{"--group", "C5=KAZ"}, `group "C5" is defined already`},
		{[]string{"--group", "KK=KAZ,XXX"}, `unknown country "XXX"`},
		{[]string{"--group", "KK="}, "list its members"},
		{[]string{"--columns", "year,nope"}, `no such column "nope"`},
	} {
		code, _, errs := tp(t, append([]string{"report", "regional-shares", "--db", db}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, %s", c.args, code, errs)
		}
	}
	for _, c := range []struct {
		report string
		args   []string
		msg    string
	}{
		{"intensity", []string{"--compare", "SCO"}, "report intensity does not take --compare (group-compare, regional-shares take it)"},
		{"coverage", []string{"--partial", "show"}, "report coverage does not take --partial"},
		{"mirror-gaps", []string{"--basis", "average"}, "report mirror-gaps does not take --basis"},
		{"intensity", []string{"--flows", "X"}, "report intensity does not take --flows"},
	} {
		code, _, errs := tp(t, append([]string{"report", c.report, "--db", db}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.msg) {
			t.Errorf("%s %v: exit %d, %s", c.report, c.args, code, errs)
		}
	}
}

// TestReadableOutput: --columns picks and orders the columns; CSV writes
// plain decimals, JSON numbers as numbers (DuckDB's DECIMAL too); the
// table aligns a column's numbers in one form.
func TestReadableOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"), sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	code, out, errs := tp(t, "report", "regional-shares", "--db", db, "--partial", "show", "--format", "csv", "--columns", "total_trade_usd,year,rest_share_pct")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 5 || strings.Join(recs[0], ",") != "total_trade_usd,year,rest_share_pct" {
		t.Fatalf("--columns: exit %d %v %s\n%s", code, err, errs, out)
	}
	for _, r := range recs[1:] {
		for _, v := range []string{r[0], r[2]} {
			if strings.ContainsAny(v, "eE") {
				t.Errorf("CSV number in exponent form: %q", v)
			}
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				t.Errorf("CSV number %q: %v", v, err)
			}
		}
	}
	// rest = 100 - intra - china - russia, computed here from the same
	// row's shares.
	rows := reportJSON(t, "regional-shares", "--db", db, "--partial", "show")
	for _, r := range rows {
		rest := 100 - r["intra_share_pct"].(float64) - r["china_share_pct"].(float64) - r["russia_share_pct"].(float64)
		if got := r["rest_share_pct"].(float64); math.Abs(got-rest) > 1e-9 || got == math.Round(got*1e9)/1e9 {
			t.Errorf("rest_share_pct %v, want %v in full precision", got, rest)
		}
	}
	// The aligned table: one form per column, numbers right-aligned.
	code, out, _ = tp(t, "report", "regional-shares", "--db", db, "--partial", "show", "--columns", "year,group,total_trade_usd,intra_share_pct")
	lines := strings.Split(out, "\n")
	if code != 0 || !strings.HasPrefix(lines[0], "year  group  total_trade_usd  intra_share_pct") {
		t.Fatalf("table:\n%s", out)
	}
	if lines[1] != "2017  C5     117,420,827,268             7.32" {
		t.Errorf("table row %q", lines[1])
	}
	for _, l := range lines[1:5] {
		if len(l) != len(lines[1]) {
			t.Errorf("rows not aligned:\n%s", out)
		}
	}
	// query's writer: a DECIMAL is a JSON number, a large double a plain
	// CSV decimal.
	code, out, errs = tp(t, "query", "--db", db, "--format", "json", "select 1.50 as d, 97774085199.65::double as x, 100 * 280 / 2000 as s")
	if code != 0 || !strings.Contains(out, `"d":1.5`) || !strings.Contains(out, `"x":97774085199.65`) || !strings.Contains(out, `"s":14,`) && !strings.Contains(out, `"s":14}`) {
		t.Errorf("query json: exit %d %s\n%s", code, errs, out)
	}
	code, out, _ = tp(t, "query", "--db", db, "--format", "csv", "select 97774085199.65::double as x, 1e-7::double as y")
	if code != 0 || out != "x,y\n97774085199.65,0.0000001\n" {
		t.Errorf("query csv: %q", out)
	}
}

// queryInt runs a count through the query command.
func queryInt(t *testing.T, db, sql string) int {
	t.Helper()
	code, out, errs := tp(t, "query", "--db", db, "--format", "csv", sql)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	n, err := strconv.Atoi(lines[len(lines)-1])
	if code != 0 || err != nil {
		t.Fatalf("%s: exit %d %v %s", sql, code, err, errs)
	}
	return n
}

// TestCatalogAndUndo: datasets, groups and countries say what is there;
// a file loaded into the wrong dataset is found by the skip line,
// forgotten and loaded again; a dataset renamed and dropped.
func TestCatalogAndUndo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	c5, asean := sample("c5_comtrade_2017_2020.csv"), sample("asean_long_1996_2020.csv")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "ct2", c5, asean, sample("fx_wdi_sample.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	code, out, _ := tp(t, "datasets", "--db", db, "--format", "json")
	var ds []struct {
		Dataset         string   `json:"dataset"`
		Formats         []string `json:"formats"`
		Files, Rows     int
		Reporters       int
		Years           []int
		Classifications []string
	}
	if err := json.Unmarshal([]byte(out), &ds); code != 0 || err != nil || len(ds) != 1 {
		t.Fatalf("datasets json: exit %d %v\n%s", code, err, out)
	}
	d := ds[0]
	wantRows := queryInt(t, db, "select (select count(*) from trade where dataset = 'ct2') + (select count(*) from fx_rates where dataset = 'ct2')")
	wantReporters := queryInt(t, db, "select (select count(distinct reporter) from trade where dataset = 'ct2') + (select count(distinct country_code) from fx_rates where dataset = 'ct2')")
	if d.Dataset != "ct2" || strings.Join(d.Formats, ",") != "comtrade,trade-long,wdi-fx" || d.Files != 3 || d.Rows != wantRows ||
		d.Reporters != wantReporters || len(d.Years) == 0 || d.Years[len(d.Years)-1] != 2020 || strings.Join(d.Classifications, ",") != ",H5" {
		t.Errorf("datasets: %+v (want %d rows, %d reporters)", d, wantRows, wantReporters)
	}
	code, out, _ = tp(t, "datasets", "--db", db)
	if code != 0 || !strings.Contains(out, "ct2") || !strings.Contains(out, "2017-2020") || !strings.Contains(out, "(none), H5") {
		t.Errorf("datasets table:\n%s", out)
	}

	// groups: the seeded members with their dates, any case.
	code, out, _ = tp(t, "groups", "--db", db, "eaeu", "--format", "json")
	var ms []struct{ Group, Country, From, To, Source string }
	if err := json.Unmarshal([]byte(out), &ms); code != 0 || err != nil || len(ms) == 0 {
		t.Fatalf("groups eaeu: exit %d %v\n%s", code, err, out)
	}
	found := false
	for _, m := range ms {
		found = found || m.Group == "EAEU" && m.Country == "KGZ" && m.From == "2015-08-06" && m.Source == "seed"
	}
	if !found {
		t.Errorf("groups eaeu: no KGZ from 2015-08-06 (transform/seed/groups.csv): %v", ms)
	}
	if code, _, errs := tp(t, "groups", "--db", db, "nope"); code != 2 || !strings.Contains(errs, "no group \"nope\" (groups: ASEAN, C5,") {
		t.Errorf("groups nope: exit %d %s", code, errs)
	}
	// countries: every scheme's codes and names, found by part of any.
	code, out, _ = tp(t, "countries", "--db", db, "Kyrgyz Rep.", "--format", "csv")
	for _, w := range []string{"KGZ,Kyrgyzstan,country,KGS,alpha2,KG\n", "KGZ,Kyrgyzstan,country,KGS,comtrade,417\n", ",name,kyrgyz rep\n"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("countries 'Kyrgyz Rep.' lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = tp(t, "countries", "--db", filepath.Join(dir, "none.duckdb"), "Atlantis")
	if code != 0 || !strings.Contains(out, `no country's code or name contains "Atlantis"`) {
		t.Errorf("countries Atlantis (no database): exit %d\n%s", code, out)
	}

	// The same bytes into another dataset: skipped, and the line says
	// where they are and how to move them.
	code, out, _ = tp(t, "ingest", "--db", db, "--dataset", "sample", c5)
	if code != 0 || !strings.Contains(out, "already loaded at ") || !strings.Contains(out, "in dataset ct2)") ||
		!strings.Contains(out, "to load it into sample instead: tradepipe forget --file-id 1") {
		t.Errorf("skip line: %s", out)
	}
	before := queryInt(t, db, "select count(*) from trade where dataset = 'ct2'")
	code, out, errs := tp(t, "forget", "--db", db, c5)
	if code != 0 || !strings.HasPrefix(out, "forgot  ") || !strings.Contains(out, "(file 1, dataset ct2): 502 trade rows, 0 exchange rates") {
		t.Errorf("forget: exit %d %s%s", code, out, errs)
	}
	if after := queryInt(t, db, "select count(*) from trade where dataset = 'ct2'"); after != before-502 {
		t.Errorf("trade rows of ct2: %d, want %d", after, before-502)
	}
	if n := queryInt(t, db, "select count(*) from files where file_id = 1") + queryInt(t, db, "select count(*) from trade_slices where file_id = 1") +
		queryInt(t, db, "select count(*) from trade where file_id = 1"); n != 0 {
		t.Errorf("%d rows of file 1 left", n)
	}
	if code, out, _ = tp(t, "ingest", "--db", db, "--dataset", "sample", c5); code != 0 || !strings.HasPrefix(out, "loaded  ") {
		t.Errorf("load again after forget: %s", out)
	}
	if code, _, errs := tp(t, "forget", "--db", db, "--file-id", "99"); code != 2 || !strings.Contains(errs, "file id 99") {
		t.Errorf("forget --file-id 99: exit %d %s", code, errs)
	}
	if code, _, errs := tp(t, "forget", "--db", db, sample("baci_sample.csv")); code != 2 || !strings.Contains(errs, "not in the ledger") {
		t.Errorf("forget of a file never loaded: exit %d %s", code, errs)
	}

	// Rename and drop, each saying what changed.
	fx := queryInt(t, db, "select count(*) from fx_rates where dataset = 'ct2'")
	code, out, _ = tp(t, "datasets", "--db", db, "--rename", "ct2", "asean")
	if want := "renamed dataset ct2 to asean: 2 file(s), 1365 trade rows, " + strconv.Itoa(fx) + " exchange rates\n"; code != 0 || out != want {
		t.Errorf("rename: exit %d %q, want %q", code, out, want)
	}
	if n := queryInt(t, db, "select count(*) from trade where dataset = 'asean'"); n != 1365 {
		t.Errorf("%d rows in asean after the rename", n)
	}
	if code, _, errs := tp(t, "datasets", "--db", db, "--rename", "asean", "sample"); code != 2 || !strings.Contains(errs, "would mix the two") {
		t.Errorf("rename onto a dataset: exit %d %s", code, errs)
	}
	code, out, _ = tp(t, "datasets", "--db", db, "--drop", "asean")
	if code != 0 || out != "dropped dataset asean: 2 file(s), 1365 trade rows, "+strconv.Itoa(fx)+" exchange rates\n" {
		t.Errorf("drop: exit %d %q", code, out)
	}
	if n := queryInt(t, db, "select count(*) from files where dataset = 'asean'") + queryInt(t, db, "select count(*) from fx_rates where dataset = 'asean'"); n != 0 {
		t.Errorf("%d rows left of asean", n)
	}
	if code, _, _ := tp(t, "datasets", "--db", db, "--drop", "asean"); code != 2 {
		t.Errorf("drop of a dataset not there: exit %d", code)
	}
}

// TestCheckAndDryRun: check validates what run would (a group named like
// a seeded one included) without creating the database; run --dry-run
// says what each step would do and runs nothing; run's log lines carry
// their time, and a report step takes the report command's flags.
func TestCheckAndDryRun(t *testing.T) {
	t.Parallel()
	dir, cfg, inbox := pipelineDir(t, `db: t.duckdb
settle: 0s
groups:
  - name: c5
    members: [KAZ]
jobs:
  - name: j
    steps: [ingest, transform]
`)
	db := filepath.Join(dir, "t.duckdb")
	code, out, errs := tp(t, "check", "--config", cfg)
	if code != 2 || !strings.Contains(errs, `groups[0].name: "c5" is a seeded group`) {
		t.Errorf("check of a seeded group's name: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := tp(t, "run", "--config", cfg); code != 2 || !strings.Contains(errs, "is a seeded group") {
		t.Errorf("run of a seeded group's name: exit %d %s", code, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("the database was created for a config with a mistake")
	}
	writeFile(t, cfg, `db: t.duckdb
settle: 0s
datasets:
  - {name: kk, files: ["kk*.csv"]}
groups:
  - name: KK
    members: [KAZ, KGZ]
jobs:
  - name: j
    steps:
      - ingest
      - transform
      - report regional-shares partner-shares --dataset kk --group KK --compare none --flows X --top 2 --partial show
      - export regional-shares --dataset kk
`)
	writeFile(t, filepath.Join(inbox, "kk.csv"), kkTrade)
	code, out, errs = tp(t, "check", "--config", cfg)
	if code != 0 || !strings.Contains(out, ": ok: 1 job(s), 4 step(s), 1 dataset(s), 1 group(s)") {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = tp(t, "run", "--config", cfg, "--dry-run")
	for _, w := range []string{"job j (dry run: nothing runs", "ingest: 1 file(s) in the inbox", "kk.csv: would load (dataset kk, format detected)",
		"transform: writes the config's groups: KK (2 member period(s))", "report regional-shares: writes ", "report partner-shares: writes ",
		"(dataset kk; group KK; compare none; flows X; partial show)", "export: regional-shares (those folders; the others kept) into "} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("dry run lacks %q: exit %d\n%s%s", w, code, out, errs)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("the dry run created the database")
	}
	code, out, errs = tp(t, "run", "--config", cfg)
	if code != 0 || !strings.Contains(errs, "time=") {
		t.Fatalf("run: exit %d\n%s%s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "outputs", "reports", "regional-shares.csv"))
	recs, _ := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("regional-shares.csv: %v\n%s", err, b)
	}
	// Exports alone (kkTrade): intra 140 of 1200.
	if got, _ := strconv.ParseFloat(recs[1][3], 64); math.Abs(got-100*140.0/1200) > 1e-9 {
		t.Errorf("intra_share_pct with --flows X: %s", recs[1][3])
	}
	b, _ = os.ReadFile(filepath.Join(dir, "outputs", "reports", "partner-shares.csv"))
	if !strings.Contains(string(b), "KGZ 20.0%; KAZ 16.7%") && !strings.Contains(string(b), "CHN") {
		t.Errorf("partner-shares.csv:\n%s", b)
	}
	code, out, _ = tp(t, "run", "--config", cfg, "--dry-run")
	if code != 0 || !strings.Contains(out, "kk.csv: loaded already (by path and size)") {
		t.Errorf("dry run after the run:\n%s", out)
	}
}
