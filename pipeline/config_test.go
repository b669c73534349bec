package pipeline

import (
	"github.com/tradepipe/tradepipe/ingest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// writeConfig puts text in dir/tradepipe.yaml, with an inbox folder beside
// it, and returns the file's path.
func writeConfig(t *testing.T, dir, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "inbox"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "tradepipe.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMinimalConfig(t *testing.T) {
	dir := t.TempDir()
	p := writeConfig(t, dir, "db: t.duckdb\ninbox: inbox\njobs:\n  - name: load\n    steps: [ingest]\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != filepath.Join(dir, "t.duckdb") || len(c.Inbox) != 1 || c.Inbox[0] != filepath.Join(dir, "inbox") ||
		c.Outputs != filepath.Join(dir, "outputs") {
		t.Errorf("paths: db %s inbox %v outputs %s", c.DB, c.Inbox, c.Outputs)
	}
	if c.Settle != 5*time.Second || c.LockWait != 30*time.Second || c.GracePeriod != 30*time.Second || c.RetryBackoff != 10*time.Second {
		t.Errorf("defaults: %+v", c)
	}
	j := c.Jobs[0]
	if j.Name != "load" || j.Cron() != nil || j.Retries != 2 || j.Timeout != 0 || len(j.Steps) != 1 || j.Steps[0].Kind != StepIngest {
		t.Errorf("job: %+v", j)
	}
}

func TestFullConfig(t *testing.T) {
	dir := t.TempDir()
	p := writeConfig(t, dir, `db: /data/trade.duckdb
inbox: [inbox, "drop/*.csv.gz"]
outputs: out
settle: 0s
lock_wait: 1m
grace_period: 2m
retry_backoff: 1s
datasets:
  - name: comtrade
    files: [comtrade_*.csv, "*.zip"]
    format: comtrade
    basis: average
    cif_fob: 1.1
groups:
  - name: C5+AFG
    members: [KAZ, kgz, {country: AFG, from: 2001, to: 2020-06-30}, {country: AFG, from: 2021}]
jobs:
  - name: nightly
    schedule: "CRON_TZ=Asia/Almaty 30 2 * * *"
    steps:
      - ingest
      - transform
      - report regional-shares partner-shares --dataset comtrade --group C5+AFG --compare none --from 2015
      - export trade flows regional-shares --dataset comtrade --out parquet/comtrade --partition-by year,reporter
    timeout: 45m
    retries: 0
  - name: hourly
    schedule: "@every 1h"
    timezone: UTC
    steps: [ingest]
`)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/data/trade.duckdb" || c.Inbox[1] != filepath.Join(dir, "drop/*.csv.gz") || c.Outputs != filepath.Join(dir, "out") {
		t.Errorf("paths: %s %v %s", c.DB, c.Inbox, c.Outputs)
	}
	if c.Settle != 0 || c.LockWait != time.Minute || c.GracePeriod != 2*time.Minute || c.RetryBackoff != time.Second {
		t.Errorf("durations: %v %v %v %v", c.Settle, c.LockWait, c.GracePeriod, c.RetryBackoff)
	}
	ds := c.Datasets[0]
	if ds.Name != "comtrade" || ds.Format != "comtrade" || ds.Basis != "average" || ds.CIFFOB != 1.1 || len(ds.Files) != 2 {
		t.Errorf("dataset: %+v", ds)
	}
	if got := c.datasetFor("/x/comtrade_kaz.csv"); got == nil || got.Name != "comtrade" {
		t.Errorf("datasetFor comtrade_kaz.csv = %v", got)
	}
	if got := c.datasetFor("/x/baci.csv"); got != nil {
		t.Errorf("datasetFor baci.csv = %v", got)
	}
	g := c.Groups[0]
	if g.Name != "C5+AFG" || len(g.Members) != 4 || g.Members[1].Country != "KGZ" ||
		g.Members[2].From != time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) || g.Members[2].To != time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC) ||
		!g.Members[3].To.IsZero() {
		t.Errorf("group: %+v", g)
	}
	j := c.Jobs[0]
	if j.Timeout != 45*time.Minute || j.Retries != 0 || len(j.Steps) != 4 {
		t.Errorf("job: %+v", j)
	}
	rep := j.Steps[2]
	if rep.Kind != StepReport || strings.Join(rep.Names, " ") != "regional-shares partner-shares" ||
		!reflect.DeepEqual(rep.Options, StepOptions{Dataset: "comtrade", Group: "C5+AFG", Compare: "none", From: 2015,
			Given: []string{"compare", "dataset", "from", "group"}}) {
		t.Errorf("report step: %+v", rep)
	}
	exp := j.Steps[3]
	if exp.Kind != StepExport || strings.Join(exp.Names, " ") != "trade flows regional-shares" || exp.Options.Out != "parquet/comtrade" ||
		exp.Options.PartitionBy != "year,reporter" {
		t.Errorf("export step: %+v", exp)
	}
	// 02:30 in Almaty (UTC+5) is 21:30 UTC the day before.
	next := j.Cron().Next(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	if want := time.Date(2024, 3, 1, 21, 30, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("next run %s, want %s", next.UTC(), want)
	}
	next = c.Jobs[1].Cron().Next(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	if want := time.Date(2024, 3, 1, 13, 0, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("@every 1h: next run %s, want %s", next.UTC(), want)
	}
}

// TestConfigErrors: each mistake is named with the file, line and key.
func TestConfigErrors(t *testing.T) {
	const job = "jobs:\n  - name: j\n    steps: [ingest]\n"
	for _, tc := range []struct {
		name, text, want string
	}{
		{"empty", "", `tradepipe.yaml: the config is empty: it needs at least jobs (docs/pipeline.md)`},
		{"comments only", "# nothing\n", `tradepipe.yaml: the config is empty: it needs at least jobs (docs/pipeline.md)`},
		{"not a mapping", "- a\n- b\n", `tradepipe.yaml:1: want a mapping of db, inbox, outputs, settle, lock_wait, grace_period, retry_backoff, datasets, groups, jobs, got a list`},
		{"yaml syntax", "db: [a\n" + job, `tradepipe.yaml:1: YAML: did not find expected ',' or ']'`},
		{"two documents", job + "---\ndb: x\n", `tradepipe.yaml:4: a second YAML document ('---'): a config is one document`},
		{"no jobs", "db: x.duckdb\n", `tradepipe.yaml:1: jobs: required: list at least one job with a name and its steps`},
		{"empty jobs", "jobs: []\n", `tradepipe.yaml:1: jobs: required: list at least one job with a name and its steps`},
		{"unknown key", "db: x\ninbx: y\n" + job, `tradepipe.yaml:2: inbx: unknown key (known: db, inbox, outputs, settle, lock_wait, grace_period, retry_backoff, datasets, groups, jobs)`},
		{"key twice", "db: x\ndb: y\n" + job, `tradepipe.yaml:2: db: set twice (first at line 1)`},
		{"db not a string", "db: [a, b]\n" + job, `tradepipe.yaml:1: db: want a string, got a list`},
		{"db null", "db:\n" + job, `tradepipe.yaml:1: db: want a string, got nothing`},
		{"inbox missing", "inbox: nowhere\n" + job, `tradepipe.yaml:1: inbox: "nowhere" does not exist (paths are relative to the config file's folder)`},
		{"inbox list missing", "inbox: [inbox, gone]\n" + job, `tradepipe.yaml:1: inbox[1]: "gone" does not exist (paths are relative to the config file's folder)`},
		{"flow style", "inbox: inbox\njobs:\n  - {name: j, steps: [ingest]}\n", ``},
		{"inbox bad glob", "inbox: \"in[box\"\n" + job, `tradepipe.yaml:1: inbox: bad glob pattern "in[box": syntax error in pattern`},
		{"settle", "settle: 5\n" + job, `tradepipe.yaml:1: settle: want a duration such as 30s, 10m or 2h, got "5"`},
		{"negative grace", "grace_period: -1s\n" + job, `tradepipe.yaml:1: grace_period: want a duration such as 30s, 10m or 2h, got "-1s"`},
		{"job not a mapping", "jobs:\n  - nightly\n", `tradepipe.yaml:2: jobs[0]: want a mapping of name, schedule, timezone, steps, timeout, retries, got "nightly"`},
		{"job no name", "jobs:\n  - steps: [ingest]\n", `tradepipe.yaml:2: jobs[0].name: required`},
		{"job bad name", "jobs:\n  - name: my job\n    steps: [ingest]\n", `tradepipe.yaml:2: jobs[0].name: "my job": use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{"job twice", job + "  - name: j\n    steps: [transform]\n", `tradepipe.yaml:4: jobs[1].name: job "j" is defined twice (first at line 2)`},
		{"job unknown key", "jobs:\n  - name: j\n    steps: [ingest]\n    retry: 3\n", `tradepipe.yaml:4: jobs[0].retry: unknown key (known: name, schedule, timezone, steps, timeout, retries)`},
		{"no steps", "jobs:\n  - name: j\n", `tradepipe.yaml:2: jobs[0].steps: required: list at least one step (ingest, transform, report, export, brief)`},
		{"empty steps", "jobs:\n  - name: j\n    steps: []\n", `tradepipe.yaml:3: jobs[0].steps: required: list at least one step (ingest, transform, report, export, brief)`},
		{"steps not a list", "jobs:\n  - name: j\n    steps: ingest\n", `tradepipe.yaml:3: jobs[0].steps: want a list, got "ingest"`},
		{"unknown step", "jobs:\n  - name: j\n    steps: [ingest, ingets]\n", `tradepipe.yaml:3: jobs[0].steps[1]: unknown step "ingets" (known: ingest, transform, report, export, brief)`},
		{"ingest args", "jobs:\n  - name: j\n    steps:\n      - ingest now\n", `tradepipe.yaml:4: jobs[0].steps[0]: ingest: takes no arguments, got "now"`},
		{"report no name", "jobs:\n  - name: j\n    steps: [report]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: name at least one report (known: bloc-shares, coverage, group-compare, intensity, mirror-gaps, partner-shares, regional-shares, top-partners)`},
		{"report unknown", "jobs:\n  - name: j\n    steps: [report regional-share]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: unknown report "regional-share" (known: bloc-shares, coverage, group-compare, intensity, mirror-gaps, partner-shares, regional-shares, top-partners)`},
		{"report bad flag", "jobs:\n  - name: j\n    steps: [report coverage --datset x]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: flag provided but not defined: -datset (options: --dataset, --group, --compare, --from, --to, --basis, --membership, --cif-fob, --partial, --flows, --top, --min-reporters, --coverage, --min-world-share, --min-partner-share)`},
		{"report bad year", "jobs:\n  - name: j\n    steps: [report coverage --from x]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: invalid value "x" for flag -from: parse error (options: --dataset, --group, --compare, --from, --to, --basis, --membership, --cif-fob, --partial, --flows, --top, --min-reporters, --coverage, --min-world-share, --min-partner-share)`},
		{"report name after flags", "jobs:\n  - name: j\n    steps: [report coverage --group C5 intensity]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: names go before the options, got "intensity" after them`},
		{"report basis", "jobs:\n  - name: j\n    steps: [report coverage --basis mirror]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: unknown basis "mirror" (known: reporter, flow, importer-first, exporter-first, average)`},
		{"export unknown", "jobs:\n  - name: j\n    steps: [export trades]\n", `tradepipe.yaml:3: jobs[0].steps[0]: export: no table or report "trades" (tables: trade, totals, flows, fx_rates, group_membership; reports: bloc-shares, coverage, group-compare, intensity, mirror-gaps, partner-shares, regional-shares, top-partners)`},
		{"export out of outputs", "jobs:\n  - name: j\n    steps: [export --out ../x]\n", `tradepipe.yaml:3: jobs[0].steps[0]: export: --out "../x": a folder inside outputs`},
		{"cron fields", "jobs:\n  - name: j\n    schedule: \"*/5 * *\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "*/5 * *": expected 5 fields (minute hour day-of-month month day-of-week), found 3`},
		{"cron seconds", "jobs:\n  - name: j\n    schedule: \"0 0 2 * * *\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "0 0 2 * * *": expected 5 fields (minute hour day-of-month month day-of-week), found 6`},
		{"cron range", "jobs:\n  - name: j\n    schedule: \"61 * * * *\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "61 * * * *": end of range (61) above maximum (59): 61`},
		{"cron descriptor", "jobs:\n  - name: j\n    schedule: \"@nightly\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "@nightly": unrecognized descriptor: @nightly`},
		{"cron every", "jobs:\n  - name: j\n    schedule: \"@every 500ms\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "@every 500ms": @every needs a duration of at least 1s, such as @every 10m`},
		{"cron zone", "jobs:\n  - name: j\n    schedule: \"CRON_TZ=Mars/Olympus 0 2 * * *\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "CRON_TZ=Mars/Olympus 0 2 * * *": unknown time zone "Mars/Olympus"`},
		{"cron zone only", "jobs:\n  - name: j\n    schedule: \"CRON_TZ=UTC\"\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].schedule: bad cron spec "CRON_TZ=UTC": a time zone but no schedule after it`},
		{"timezone", "jobs:\n  - name: j\n    schedule: \"@daily\"\n    timezone: Asia/Almatty\n    steps: [ingest]\n", `tradepipe.yaml:4: jobs[0].timezone: unknown time zone "Asia/Almatty" (want an IANA name such as Asia/Almaty, or UTC)`},
		{"two zones", "jobs:\n  - name: j\n    schedule: \"CRON_TZ=UTC @daily\"\n    timezone: UTC\n    steps: [ingest]\n", `tradepipe.yaml:4: jobs[0].timezone: the schedule names its time zone already (CRON_TZ=): give one or the other`},
		{"zone no schedule", "jobs:\n  - name: j\n    timezone: UTC\n    steps: [ingest]\n", `tradepipe.yaml:3: jobs[0].timezone: a time zone without a schedule`},
		{"retries", "jobs:\n  - name: j\n    steps: [ingest]\n    retries: many\n", `tradepipe.yaml:4: jobs[0].retries: want a whole number from 0 to 10, got "many"`},
		{"retries high", "jobs:\n  - name: j\n    steps: [ingest]\n    retries: 11\n", `tradepipe.yaml:4: jobs[0].retries: want a whole number from 0 to 10, got "11"`},
		{"timeout", "jobs:\n  - name: j\n    steps: [ingest]\n    timeout: 1 hour\n", `tradepipe.yaml:4: jobs[0].timeout: want a duration such as 30s, 10m or 2h, got "1 hour"`},
		{"dataset no name", "datasets:\n  - files: [a.csv]\n" + job, `tradepipe.yaml:2: datasets[0].name: required`},
		{"dataset no files", "datasets:\n  - name: a\n" + job, `tradepipe.yaml:2: datasets[0].files: required: the file name patterns of the dataset, such as comtrade_*.csv`},
		{"dataset format", "datasets:\n  - name: a\n    files: x.csv\n    format: csv\n" + job, `tradepipe.yaml:4: datasets[0].format: unknown format "csv" (known: ` + strings.Join(ingest.FormatNames(), ", ") + `)`},
		{"dataset folder pattern", "datasets:\n  - name: a\n    files: [in/x.csv]\n" + job, `tradepipe.yaml:3: datasets[0].files[0]: "in/x.csv": patterns match file names, without folders`},
		{"dataset cif", "datasets:\n  - name: a\n    files: x.csv\n    cif_fob: 0.9\n" + job, `tradepipe.yaml:4: datasets[0].cif_fob: want a number from 1 to 2, got "0.9"`},
		{"dataset twice", "datasets:\n  - {name: a, files: x.csv}\n  - {name: a, files: y.csv}\n" + job, `tradepipe.yaml:3: datasets[1].name: dataset "a" is defined twice (first at line 2)`},
		{"group comma", "groups:\n  - name: \"C5,AF\"\n    members: [KAZ]\n" + job, `tradepipe.yaml:2: groups[0].name: "C5,AF": a group name must not contain a comma (reports take lists of groups)`},
		{"group no members", "groups:\n  - name: G\n" + job, `tradepipe.yaml:2: groups[0].members: required: list the member countries`},
		{"group unknown country", "groups:\n  - name: G\n    members: [KAZ, XYZ]\n" + job, `tradepipe.yaml:3: groups[0].members[1]: unknown country "XYZ": use an ISO 3166 alpha-3 code such as KAZ`},
		{"group world", "groups:\n  - name: G\n    members: [WLD]\n" + job, `tradepipe.yaml:3: groups[0].members[0]: unknown country "WLD": use an ISO 3166 alpha-3 code such as KAZ`},
		{"group date", "groups:\n  - name: G\n    members:\n      - {country: KAZ, from: 15.1.2015}\n" + job, `tradepipe.yaml:4: groups[0].members[0].from: want a date such as 2015-01-01 or a year from 1900 to 2100, got "15.1.2015"`},
		{"group dates reversed", "groups:\n  - name: G\n    members:\n      - {country: KAZ, from: 2015, to: 2010}\n" + job, `tradepipe.yaml:4: groups[0].members[0]: to 2010-12-31 is before from 2015-01-01`},
		{"group member key", "groups:\n  - name: G\n    members:\n      - {code: KAZ}\n" + job, `tradepipe.yaml:4: groups[0].members[0].code: unknown key (known: country, from, to)` + "\n" +
			`tradepipe.yaml:4: groups[0].members[0].country: required`},
		{"group overlap", "groups:\n  - name: G\n    members:\n      - {country: KAZ, from: 2000}\n      - {country: KAZ, from: 2010, to: 2012}\n" + job, `tradepipe.yaml:5: groups[0].members: KAZ: this period overlaps the one at line 4`},
		{"group seeded name", "groups:\n  - name: c5\n    members: [KAZ]\n" + job, `tradepipe.yaml:2: groups[0].name: "c5" is a seeded group (ASEAN, C5, CSTO, CU2010, EAEU, SCO): give yours another name`},
		{"report unknown group", "jobs:\n  - name: j\n    steps: [report regional-shares --group C6]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: unknown group "C6" (known: ASEAN, C5, CSTO, CU2010, EAEU, SCO; or define one: --group C6=KAZ,KGZ)`},
		{"report flag for none", "jobs:\n  - name: j\n    steps: [report regional-shares intensity --top 3]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: --top applies to none of regional-shares, intensity (it is for partner-shares, top-partners)`},
		{"report two compare", "jobs:\n  - name: j\n    steps: [\"report regional-shares --compare EAEU,SCO\"]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: report regional-shares shows one comparison group beside the group, not 2 (EAEU, SCO): use group-compare for several`},
		{"report flows", "jobs:\n  - name: j\n    steps: [report regional-shares --flows Z]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: flows "Z" (want X, M or all)`},
		{"report bad group def", "jobs:\n  - name: j\n    steps: [report regional-shares --group K=]\n", `tradepipe.yaml:3: jobs[0].steps[0]: report: group "K=": list its members after '=', such as K=KAZ,KGZ`},
		{"report every flag", "jobs:\n  - name: j\n    steps: [\"report regional-shares partner-shares group-compare intensity --top 3 --flows X --min-reporters 50 --partial show --coverage world --min-world-share 80 --min-partner-share 90 --group c5+aze=KAZ,KGZ,TJK,TKM,UZB,AZE --compare ASEAN\"]\n", ``},
		{"several mistakes", "db: 1\nsettle: soon\njobs:\n  - name: j\n    steps: [ingest, report]\n", `tradepipe.yaml:2: settle: want a duration such as 30s, 10m or 2h, got "soon"` + "\n" +
			`tradepipe.yaml:5: jobs[0].steps[1]: report: name at least one report (known: bloc-shares, coverage, group-compare, intensity, mirror-gaps, partner-shares, regional-shares, top-partners)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			os.Mkdir(filepath.Join(dir, "inbox"), 0o755)
			t.Chdir(dir)
			_, err := Parse("tradepipe.yaml", []byte(tc.text))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

// TestDocumentedConfig: the complete example of docs/pipeline.md and the
// bundled sample config are valid.
func TestDocumentedConfig(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "pipeline.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- complete example -->\\s*```yaml\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/pipeline.md: no yaml block after <!-- complete example -->")
	}
	dir := t.TempDir()
	c, err := Parse(writeConfig(t, dir, string(m[1])), m[1])
	if err != nil {
		t.Fatalf("docs/pipeline.md's complete example: %v", err)
	}
	if len(c.Jobs) == 0 || len(c.Datasets) == 0 || len(c.Groups) == 0 {
		t.Errorf("the complete example should show jobs, datasets and groups: %+v", c)
	}
	if _, err := Load(filepath.Join("..", "testdata", "sample", "tradepipe.yaml")); err != nil {
		t.Errorf("the sample config: %v", err)
	}
}
