package pipeline

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/export"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/transform"
	"github.com/tradepipe/tradepipe/transform/country"
)

// Defaults of the config keys (docs/pipeline.md lists them all).
const (
	DefaultDB           = "tradepipe.duckdb"
	DefaultInbox        = "inbox"
	DefaultOutputs      = "outputs"
	DefaultSettle       = 5 * time.Second
	DefaultLockWait     = 30 * time.Second
	DefaultGracePeriod  = 30 * time.Second
	DefaultRetryBackoff = 10 * time.Second
	DefaultRetries      = 2
	MaxRetries          = 10
)

// ConfigNames are the files 'tradepipe run' and 'schedule' look for in the
// working directory when --config is not given.
var ConfigNames = []string{"tradepipe.yaml", "tradepipe.yml"}

// Config is a parsed and checked config file. Paths are resolved against
// the config file's folder.
type Config struct {
	File         string        // the file read
	Dir          string        // its folder
	DB           string        // the DuckDB file
	Inbox        []string      // folders, files or glob patterns
	Outputs      string        // reports go to Outputs/reports, exports to Outputs
	Settle       time.Duration // a file modified more recently than this waits for the next run
	LockWait     time.Duration // how long a job waits for another process's lock on DB
	GracePeriod  time.Duration // how long shutdown lets a running job finish
	RetryBackoff time.Duration // wait before the first retry; doubles for each further one
	Datasets     []Dataset
	Groups       []Group
	Jobs         []Job
}

// Dataset says which inbox files belong to a dataset and how to read and
// report it.
type Dataset struct {
	Name   string
	Files  []string // glob patterns matched against file names (filepath.Match)
	Format string   // "" = detected from the header
	Basis  string   // report basis ("" = by the data); the mirror policy
	CIFFOB float64  // CIF/FOB factor for mirror values (0 = the reports' default, report.Defaults)
	// Coverage "world" declares that the dataset holds the whole world
	// matrix (every country's trade with every other), as BACI does.
	Coverage string
	Line     int
}

// Group is a user-defined country group.
type Group struct {
	Name    string
	Members []Member
	Line    int
}

// Member is one membership period of a country in a group.
type Member struct {
	Country string    // ISO 3166 alpha-3
	From    time.Time // first day of membership
	To      time.Time // last day; zero while still a member
	Line    int
}

// Job is a named list of steps with an optional schedule.
type Job struct {
	Name     string
	Schedule string // as written, "" = run only by 'tradepipe run'
	Timezone string
	Steps    []Step
	Timeout  time.Duration // per attempt; 0 = no limit
	Retries  int           // further attempts after a transient failure
	Line     int

	sched cron.Schedule
}

// Cron is the job's parsed schedule (nil when it has none).
func (j *Job) Cron() cron.Schedule { return j.sched }

// Step kinds.
const (
	StepIngest    = "ingest"
	StepTransform = "transform"
	StepReport    = "report"
	StepExport    = "export"
	StepBrief     = "brief"
)

var stepKinds = []string{StepIngest, StepTransform, StepReport, StepExport, StepBrief}

// Step is one step of a job, parsed from a string such as
// "report regional-shares --dataset comtrade".
type Step struct {
	Text    string // as written
	Kind    string
	Names   []string    // report: the reports; export: the tables and reports (none: export's defaults)
	Options StepOptions // report and export
	Line    int
}

// StepOptions are the options of a report or export step; unset ones take
// the dataset's config or the report's or export's default.
type StepOptions struct {
	Dataset, Group, Compare, Basis, Membership string
	From, To                                   int
	CIFFOB                                     float64
	// report only, as the command line's report takes them
	Partial, Flows, Coverage       string
	Top, MinReporters              int
	MinWorldShare, MinPartnerShare float64
	// Define are the groups the step defines for itself (--group
	// NAME=A,B,C); Given names the report parameters its flags set.
	Define                        []report.Group
	Given                         []string
	Out, PartitionBy, Compression string // export only
	// Claims is a brief step's claims file (relative to the config's
	// folder; "" for the bundled claims).
	Claims string
}

// seededNames are the seeded groups' names (transform/seed/groups.csv).
func seededNames() []string {
	ms, err := transform.SeededGroups()
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range ms {
		if !slices.Contains(out, m.Group) {
			out = append(out, m.Group)
		}
	}
	slices.Sort(out)
	return out
}

// seededGroup is the seeded group that name means, without regard to
// case, or "": a config's group may not take its name (the database
// holds the seeded one, and reports match names in any case).
func seededGroup(name string) string {
	for _, g := range seededNames() {
		if strings.EqualFold(g, name) {
			return g
		}
	}
	return ""
}

// FindConfig returns path, or when it is empty the first of ConfigNames
// in the working directory.
func FindConfig(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	for _, n := range ConfigNames {
		if _, err := os.Stat(n); err == nil {
			return n, nil
		}
	}
	if _, err := os.Stat("tradepipe.toml"); err == nil {
		return "", errors.New("found tradepipe.toml, but tradepipe reads YAML configs: write it as tradepipe.yaml (docs/pipeline.md)")
	}
	return "", fmt.Errorf("no config: name one with --config, or put %s in the working directory (docs/pipeline.md)", ConfigNames[0])
}

// Load reads and checks the config file at path.
// A FIFO, device or socket is refused before it is opened: opening a FIFO
// blocks until something writes to it, reading a device may never end.
func Load(path string) (*Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("config %s: not a regular file (a FIFO, device, socket or folder): name the config file itself", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse checks the config text read from file; relative paths in it are
// relative to file's folder. The error lists every mistake found, each as
// a *ConfigError.
func Parse(file string, text []byte) (*Config, error) {
	dir := filepath.Dir(file)
	c := &Config{File: file, Dir: dir, DB: DefaultDB, Outputs: DefaultOutputs, Settle: DefaultSettle,
		LockWait: DefaultLockWait, GracePeriod: DefaultGracePeriod, RetryBackoff: DefaultRetryBackoff}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: file, Msg: "the config is empty: it needs at least jobs (docs/pipeline.md)"}
		}
		return nil, syntaxError(file, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, &ConfigError{File: file, Line: more.Line, Msg: "a second YAML document ('---'): a config is one document"}
	}
	d := &decoder{file: file}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if isNull(doc) {
		return nil, &ConfigError{File: file, Msg: "the config is empty: it needs at least jobs (docs/pipeline.md)"}
	}
	top := []string{"db", "inbox", "outputs", "settle", "lock_wait", "grace_period", "retry_backoff", "datasets", "groups", "jobs"}
	inbox := []string{DefaultInbox}
	var inboxNode, jobsNode *yaml.Node
	durations := map[string]*time.Duration{"settle": &c.Settle, "lock_wait": &c.LockWait,
		"grace_period": &c.GracePeriod, "retry_backoff": &c.RetryBackoff}
	d.mapping(doc, "", top, func(k string, kn, v *yaml.Node) {
		switch k {
		case "db":
			if s, ok := d.str(v, k); ok {
				c.DB = s
			}
		case "inbox":
			inboxNode, inbox = v, nil
			d.list(v, k, true, func(i int, sub string, v *yaml.Node) {
				if s, ok := d.str(v, sub); ok {
					if hasMeta(s) {
						if _, err := filepath.Match(s, ""); err != nil {
							d.errorf(v, sub, "bad glob pattern %q: %v", s, err)
							return
						}
					}
					inbox = append(inbox, s)
				}
			})
		case "outputs":
			if s, ok := d.str(v, k); ok {
				c.Outputs = s
			}
		case "settle", "lock_wait", "grace_period", "retry_backoff":
			if x, ok := d.duration(v, k); ok {
				*durations[k] = x
			}
		case "datasets":
			c.Datasets = d.datasets(v)
		case "groups":
			c.Groups = d.groups(v)
		case "jobs":
			jobsNode = v
			c.Jobs = d.jobs(v)
		}
	})
	if jobsNode == nil && doc.Kind == yaml.MappingNode {
		d.errorf(doc, "jobs", "required: list at least one job with a name and its steps")
	}
	d.stepGroups(c)
	c.DB = c.path(c.DB)
	c.Outputs = c.path(c.Outputs)
	for _, j := range c.Jobs {
		for k := range j.Steps {
			j.Steps[k].Options.Claims = c.path(j.Steps[k].Options.Claims)
		}
	}
	needInbox := false
	for _, j := range c.Jobs {
		for _, s := range j.Steps {
			needInbox = needInbox || s.Kind == StepIngest
		}
	}
	for i, p := range inbox {
		c.Inbox = append(c.Inbox, c.path(p))
		if !needInbox || hasMeta(p) {
			continue
		}
		key, n := "inbox", inboxNode
		if inboxNode != nil && resolve(inboxNode).Kind == yaml.SequenceNode {
			key, n = fmt.Sprintf("inbox[%d]", i), resolve(inboxNode).Content[i]
		}
		if _, err := os.Stat(c.path(p)); err != nil {
			what := ""
			if inboxNode == nil {
				what = " (the default)"
			}
			if n == nil {
				n = doc
			}
			d.errorf(n, key, "%q%s does not exist (paths are relative to the config file's folder)", p, what)
		}
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// hasMeta tells whether a path is a glob pattern.
func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

func (d *decoder) datasets(n *yaml.Node) []Dataset {
	var out []Dataset
	seen := map[string]int{}
	d.list(n, "datasets", false, func(i int, key string, v *yaml.Node) {
		ds := Dataset{Line: v.Line}
		var nameNode, filesNode *yaml.Node
		if !d.mapping(v, key, []string{"name", "files", "format", "basis", "cif_fob", "coverage"}, func(k string, kn, v *yaml.Node) {
			sub := key + "." + k
			switch k {
			case "name":
				nameNode = v
				ds.Name, _ = d.name(v, sub)
			case "files":
				filesNode = v
				d.list(v, sub, true, func(_ int, sub string, v *yaml.Node) {
					s, ok := d.str(v, sub)
					if !ok {
						return
					}
					if strings.ContainsAny(s, `/`) {
						d.errorf(v, sub, "%q: patterns match file names, without folders", s)
						return
					}
					if _, err := filepath.Match(s, ""); err != nil {
						d.errorf(v, sub, "bad glob pattern %q: %v", s, err)
						return
					}
					ds.Files = append(ds.Files, s)
				})
			case "format":
				s, ok := d.str(v, sub)
				if !ok {
					return
				}
				if _, known := ingest.FormatByName(s); !known {
					d.errorf(v, sub, "unknown format %q (known: %s)", s, strings.Join(ingest.FormatNames(), ", "))
					return
				}
				ds.Format = s
			case "basis":
				s, ok := d.str(v, sub)
				if !ok {
					return
				}
				if !slices.Contains(report.Bases, s) {
					d.errorf(v, sub, "unknown basis %q (known: %s)", s, strings.Join(report.Bases, ", "))
					return
				}
				ds.Basis = s
			case "cif_fob":
				ds.CIFFOB, _ = d.number(v, sub, report.MinCIFFOB, report.MaxCIFFOB)
			case "coverage":
				s, ok := d.str(v, sub)
				if !ok {
					return
				}
				if err := (report.Params{Coverage: s}).Check(); err != nil {
					d.errorf(v, sub, "%v", err)
					return
				}
				ds.Coverage = s
			}
		}) {
			return
		}
		if nameNode == nil {
			d.errorf(v, key+".name", "required")
		} else if ds.Name != "" {
			if first, dup := seen[ds.Name]; dup {
				d.errorf(nameNode, key+".name", "dataset %q is defined twice (first at line %d)", ds.Name, first)
			}
			seen[ds.Name] = nameNode.Line
		}
		if filesNode == nil {
			d.errorf(v, key+".files", "required: the file name patterns of the dataset, such as comtrade_*.csv")
		}
		out = append(out, ds)
	})
	return out
}

func (d *decoder) groups(n *yaml.Node) []Group {
	var out []Group
	seen := map[string]int{}
	cs, err := country.Load()
	if err != nil {
		d.errorf(n, "groups", "%v", err)
		return nil
	}
	d.list(n, "groups", false, func(i int, key string, v *yaml.Node) {
		g := Group{Line: v.Line}
		var nameNode, membersNode *yaml.Node
		if !d.mapping(v, key, []string{"name", "members"}, func(k string, kn, v *yaml.Node) {
			sub := key + "." + k
			switch k {
			case "name":
				nameNode = v
				s, ok := d.str(v, sub)
				if !ok {
					break
				}
				if err := transform.CheckGroupName(s); err != nil {
					d.errorf(v, sub, "%v", err)
				} else if seed := seededGroup(s); seed != "" {
					d.errorf(v, sub, "%q is a seeded group (%s): give yours another name", s, strings.Join(seededNames(), ", "))
				} else {
					g.Name = s
				}
			case "members":
				membersNode = v
				d.list(v, sub, false, func(_ int, sub string, v *yaml.Node) {
					if m, ok := d.member(v, sub, cs); ok {
						g.Members = append(g.Members, m)
					}
				})
			}
		}) {
			return
		}
		if nameNode == nil {
			d.errorf(v, key+".name", "required")
		} else if g.Name != "" {
			if first, dup := seen[g.Name]; dup {
				d.errorf(nameNode, key+".name", "group %q is defined twice (first at line %d)", g.Name, first)
			}
			seen[g.Name] = nameNode.Line
		}
		if membersNode == nil {
			d.errorf(v, key+".members", "required: list the member countries")
		}
		d.overlaps(key, g.Members)
		out = append(out, g)
	})
	return out
}

// member reads "KAZ" or {country: KAZ, from: 2015-01-01, to: 2020}.
func (d *decoder) member(n *yaml.Node, key string, cs *country.Table) (Member, bool) {
	m := Member{From: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Line: n.Line}
	setCountry := func(v *yaml.Node, key string) bool {
		s, ok := d.str(v, key)
		if !ok {
			return false
		}
		c, err := transform.MemberCountry(cs, s)
		if err != nil {
			d.errorf(v, key, "%v", err)
			return false
		}
		m.Country = c
		return true
	}
	if n.Kind == yaml.ScalarNode {
		return m, setCountry(n, key)
	}
	ok := true
	var countryNode *yaml.Node
	if !d.mapping(n, key, []string{"country", "from", "to"}, func(k string, kn, v *yaml.Node) {
		sub := key + "." + k
		switch k {
		case "country":
			countryNode = v
			ok = setCountry(v, sub) && ok
		case "from":
			t, good := d.date(v, sub, false)
			m.From, ok = t, good && ok
		case "to":
			t, good := d.date(v, sub, true)
			m.To, ok = t, good && ok
		}
	}) {
		return m, false
	}
	if countryNode == nil {
		d.errorf(n, key+".country", "required")
		return m, false
	}
	if ok && !m.To.IsZero() && m.To.Before(m.From) {
		d.errorf(n, key, "to %s is before from %s", m.To.Format(time.DateOnly), m.From.Format(time.DateOnly))
		return m, false
	}
	return m, ok
}

// date reads 2015-01-01, or a year: 2015 means 1 January as from and 31
// December as to.
func (d *decoder) date(n *yaml.Node, key string, end bool) (time.Time, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return time.Time{}, false
	}
	if y, err := strconv.Atoi(s); err == nil && y >= 1900 && y <= 2100 {
		if end {
			return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), true
		}
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1900 || t.Year() > 2100 {
		d.errorf(n, key, "want a date such as 2015-01-01 or a year from 1900 to 2100, got %q", s)
		return time.Time{}, false
	}
	return t, true
}

// overlaps rejects two periods of one country in a group that overlap:
// the reports would count the country twice.
func (d *decoder) overlaps(key string, ms []Member) {
	periods := make([]transform.Member, len(ms))
	for i, m := range ms {
		periods[i] = transform.Member{Country: m.Country, From: m.From, To: m.To}
	}
	for _, o := range transform.Overlaps(periods) {
		d.errs = append(d.errs, &ConfigError{File: d.file, Line: ms[o.Second].Line, Key: key + ".members",
			Msg: fmt.Sprintf("%s: this period overlaps the one at line %d", o.Country, ms[o.First].Line)})
	}
}

func (d *decoder) jobs(n *yaml.Node) []Job {
	var out []Job
	seen := map[string]int{}
	n = resolve(n)
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		d.errorf(n, "jobs", "required: list at least one job with a name and its steps")
	}
	d.list(n, "jobs", false, func(i int, key string, v *yaml.Node) {
		j := Job{Line: v.Line, Retries: DefaultRetries}
		var nameNode, stepsNode, schedNode, tzNode *yaml.Node
		if !d.mapping(v, key, []string{"name", "schedule", "timezone", "steps", "timeout", "retries"}, func(k string, kn, v *yaml.Node) {
			sub := key + "." + k
			switch k {
			case "name":
				nameNode = v
				j.Name, _ = d.name(v, sub)
			case "schedule":
				schedNode = v
				j.Schedule, _ = d.str(v, sub)
			case "timezone":
				tzNode = v
				if s, ok := d.str(v, sub); ok {
					if _, err := time.LoadLocation(s); err != nil || s == "" {
						d.errorf(v, sub, "unknown time zone %q (want an IANA name such as Asia/Almaty, or UTC)", s)
					} else {
						j.Timezone = s
					}
				}
			case "steps":
				stepsNode = v
				d.list(v, sub, false, func(_ int, sub string, v *yaml.Node) {
					if s, ok := d.step(v, sub); ok {
						j.Steps = append(j.Steps, s)
					}
				})
			case "timeout":
				j.Timeout, _ = d.duration(v, sub)
			case "retries":
				j.Retries, _ = d.integer(v, sub, 0, MaxRetries)
			}
		}) {
			return
		}
		if nameNode == nil {
			d.errorf(v, key+".name", "required")
		} else if j.Name != "" {
			if first, dup := seen[j.Name]; dup {
				d.errorf(nameNode, key+".name", "job %q is defined twice (first at line %d)", j.Name, first)
			}
			seen[j.Name] = nameNode.Line
		}
		if stepsNode == nil || (resolve(stepsNode).Kind == yaml.SequenceNode && len(resolve(stepsNode).Content) == 0) {
			at := v
			if stepsNode != nil {
				at = stepsNode
			}
			d.errorf(at, key+".steps", "required: list at least one step (%s)", strings.Join(stepKinds, ", "))
		}
		if schedNode != nil && j.Schedule != "" {
			sched, zoned, msg := parseSchedule(j.Schedule, j.Timezone)
			switch {
			case msg != "":
				d.errorf(schedNode, key+".schedule", "bad cron spec %q: %s", j.Schedule, msg)
			case zoned && tzNode != nil:
				d.errorf(tzNode, key+".timezone", "the schedule names its time zone already (CRON_TZ=): give one or the other")
			default:
				j.sched = sched
			}
		} else if tzNode != nil && schedNode == nil {
			d.errorf(tzNode, key+".timezone", "a time zone without a schedule")
		}
		out = append(out, j)
	})
	return out
}

// stepGroups checks that the groups the report and export steps name
// are known: seeded, the config's, or defined by the step (in any case,
// as the reports match them). Without this, an unknown group would stop a
// run only at its report, after the loads.
func (d *decoder) stepGroups(c *Config) {
	known := seededNames()
	for _, g := range c.Groups {
		known = append(known, g.Name)
	}
	for i, j := range c.Jobs {
		for k, s := range j.Steps {
			if s.Kind != StepReport && s.Kind != StepExport && s.Kind != StepBrief {
				continue
			}
			names := []string{s.Options.Group}
			for _, g := range strings.Split(s.Options.Compare, ",") {
				if g = strings.TrimSpace(g); g != "" && !strings.EqualFold(g, "none") {
					names = append(names, g)
				}
			}
			for _, n := range names {
				ok := n == "" || slices.ContainsFunc(known, func(g string) bool { return strings.EqualFold(g, n) }) ||
					slices.ContainsFunc(s.Options.Define, func(g report.Group) bool { return strings.EqualFold(g.Name, n) })
				if !ok {
					d.errs = append(d.errs, &ConfigError{File: d.file, Line: s.Line, Key: fmt.Sprintf("jobs[%d].steps[%d]", i, k),
						Msg: fmt.Sprintf("%s: unknown group %q (known: %s; or define one: --group %s=KAZ,KGZ)", s.Kind, n, strings.Join(known, ", "), n)})
				}
			}
		}
	}
}

// parseSchedule parses a cron spec: five fields (minute hour day-of-month
// month day-of-week) or a descriptor (@daily, @every 10m), optionally
// after CRON_TZ=Zone. tz, if not empty, is the zone for a spec without
// one. It returns the problem as text when the spec is bad.
func parseSchedule(spec, tz string) (s cron.Schedule, zoned bool, problem string) {
	body := strings.Join(strings.Fields(spec), " ")
	zone := tz
	if strings.HasPrefix(body, "CRON_TZ=") || strings.HasPrefix(body, "TZ=") {
		i := strings.IndexByte(body, ' ')
		if i < 0 {
			return nil, true, "a time zone but no schedule after it"
		}
		zone, zoned = body[strings.IndexByte(body, '=')+1:i], true
		if _, err := time.LoadLocation(zone); err != nil || zone == "" {
			return nil, true, fmt.Sprintf("unknown time zone %q", zone)
		}
		body = body[i+1:]
	}
	switch {
	case body == "":
		return nil, zoned, "empty"
	case strings.HasPrefix(body, "@every"):
		d, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(body, "@every")))
		if err != nil || d < time.Second {
			return nil, zoned, "@every needs a duration of at least 1s, such as @every 10m"
		}
	case strings.HasPrefix(body, "@"):
	default:
		if n := len(strings.Fields(body)); n != 5 {
			return nil, zoned, fmt.Sprintf("expected 5 fields (minute hour day-of-month month day-of-week), found %d", n)
		}
	}
	if zone != "" {
		body = "CRON_TZ=" + zone + " " + body
	}
	s, err := cron.ParseStandard(body)
	if err != nil {
		return nil, zoned, err.Error()
	}
	// robfig/cron gives the zero time for a spec with no time in the next
	// five years, such as 0 0 31 2 * (February has no 31st).
	if s.Next(time.Now()).IsZero() {
		return nil, zoned, "never fires (no such date, as the 31st of February)"
	}
	return s, zoned, ""
}

// step parses one step string.
func (d *decoder) step(n *yaml.Node, key string) (Step, bool) {
	text, ok := d.str(n, key)
	if !ok {
		return Step{}, false
	}
	f := strings.Fields(text)
	if len(f) == 0 {
		d.errorf(n, key, "empty step (known: %s)", strings.Join(stepKinds, ", "))
		return Step{}, false
	}
	s := Step{Text: text, Kind: f[0], Line: n.Line}
	args := f[1:]
	msg := ""
	switch s.Kind {
	case StepIngest, StepTransform:
		if len(args) > 0 {
			msg = fmt.Sprintf("takes no arguments, got %q", strings.Join(args, " "))
		}
	case StepReport, StepExport, StepBrief:
		msg = parseStepArgs(&s, args)
	default:
		d.errorf(n, key, "unknown step %q (known: %s)", s.Kind, strings.Join(stepKinds, ", "))
		return s, false
	}
	if msg != "" {
		d.errorf(n, key, "%s: %s", s.Kind, msg)
		return s, false
	}
	return s, true
}

// parseStepArgs reads the arguments of a report or export step: names,
// then options (docs/pipeline.md lists them).
func parseStepArgs(s *Step, args []string) string {
	known, err := report.List()
	if err != nil {
		return err.Error()
	}
	var reports []string
	for _, r := range known {
		reports = append(reports, r.Name)
	}
	names := reports
	if s.Kind == StepExport {
		names = append(export.Tables(), reports...)
	}
	i := 0
	for ; i < len(args) && !strings.HasPrefix(args[i], "-"); i++ {
		if s.Kind == StepBrief {
			return fmt.Sprintf("takes options only (--dataset, --group, --compare, --from, --to, --claims), got %q", args[i])
		}
		if !slices.Contains(names, args[i]) {
			if s.Kind == StepExport {
				return fmt.Sprintf("no table or report %q (tables: %s; reports: %s)", args[i], strings.Join(export.Tables(), ", "), strings.Join(reports, ", "))
			}
			return fmt.Sprintf("unknown report %q (known: %s)", args[i], strings.Join(reports, ", "))
		}
		s.Names = append(s.Names, args[i])
	}
	if s.Kind == StepReport && len(s.Names) == 0 {
		return fmt.Sprintf("name at least one report (known: %s)", strings.Join(reports, ", "))
	}
	fs := flag.NewFlagSet(s.Kind, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &s.Options
	fs.StringVar(&o.Dataset, "dataset", "", "")
	fs.StringVar(&o.Group, "group", "", "")
	fs.StringVar(&o.Compare, "compare", "", "")
	fs.IntVar(&o.From, "from", 0, "")
	fs.IntVar(&o.To, "to", 0, "")
	opts := "--dataset, --group, --compare, --from, --to"
	if s.Kind == StepBrief {
		fs.StringVar(&o.Claims, "claims", "", "")
		opts += ", --claims"
	} else {
		fs.StringVar(&o.Basis, "basis", "", "")
		fs.StringVar(&o.Membership, "membership", "", "")
		fs.Float64Var(&o.CIFFOB, "cif-fob", 0, "")
		opts += ", --basis, --membership, --cif-fob"
	}
	if s.Kind == StepReport {
		fs.StringVar(&o.Partial, "partial", "", "")
		fs.StringVar(&o.Flows, "flows", "", "")
		fs.StringVar(&o.Coverage, "coverage", "", "")
		fs.IntVar(&o.Top, "top", 0, "")
		fs.IntVar(&o.MinReporters, "min-reporters", 0, "")
		fs.Float64Var(&o.MinWorldShare, "min-world-share", 0, "")
		fs.Float64Var(&o.MinPartnerShare, "min-partner-share", 0, "")
		opts += ", --partial, --flows, --top, --min-reporters, --coverage, --min-world-share, --min-partner-share"
	}
	if s.Kind == StepExport {
		fs.StringVar(&o.Out, "out", "", "")
		fs.StringVar(&o.PartitionBy, "partition-by", "", "")
		fs.StringVar(&o.Compression, "compression", "", "")
		opts += ", --out, --partition-by, --compression"
	}
	if err := fs.Parse(args[i:]); err != nil {
		return fmt.Sprintf("%v (options: %s)", err, opts)
	}
	if fs.NArg() > 0 {
		return fmt.Sprintf("names go before the options, got %q after them", strings.Join(fs.Args(), " "))
	}
	p := report.Params{Basis: o.Basis, Membership: o.Membership, CIFFOB: o.CIFFOB, From: o.From, To: o.To, Partial: o.Partial,
		Flows: o.Flows, Coverage: o.Coverage, Top: o.Top, MinReporters: o.MinReporters, MinWorldShare: o.MinWorldShare,
		MinPartnerShare: o.MinPartnerShare}
	fs.Visit(func(f *flag.Flag) { p.Given = append(p.Given, strings.ReplaceAll(f.Name, "-", "_")) })
	if err := p.Check(); err != nil {
		return err.Error()
	}
	var compare []string
	if o.Compare != "" {
		compare = []string{o.Compare}
	}
	group, cmp, defs, err := report.ParseGroups(o.Group, compare)
	if err != nil {
		return strings.TrimPrefix(err.Error(), report.ErrUsage.Error()+": ")
	}
	o.Group, o.Compare, o.Define = group, cmp, defs
	fs.Visit(func(f *flag.Flag) {
		if name := strings.ReplaceAll(f.Name, "-", "_"); slices.Contains(report.ParamFlags, name) {
			o.Given = append(o.Given, name)
		}
	})
	if s.Kind == StepReport {
		// A step's flags go to those of its reports that take them; one
		// that none of them takes would change nothing.
		for _, g := range o.Given {
			if !slices.ContainsFunc(s.Names, func(n string) bool { return report.Takes(n, g) }) {
				var who []string
				for _, r := range reports {
					if report.Takes(r, g) {
						who = append(who, r)
					}
				}
				return fmt.Sprintf("--%s applies to none of %s (it is for %s)", strings.ReplaceAll(g, "_", "-"),
					strings.Join(s.Names, ", "), strings.Join(who, ", "))
			}
		}
		for _, n := range s.Names {
			if err := report.CheckGiven(n, report.Taken(n, o.Given), o.Compare); err != nil {
				return strings.TrimPrefix(err.Error(), report.ErrUsage.Error()+": ")
			}
		}
	}
	if o.Out != "" && (filepath.IsAbs(o.Out) || strings.HasPrefix(filepath.Clean(o.Out), "..")) {
		return fmt.Sprintf("--out %q: a folder inside outputs", o.Out)
	}
	return ""
}
