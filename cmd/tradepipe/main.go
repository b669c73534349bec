// Command tradepipe loads trade and exchange-rate files into an embedded
// DuckDB database and answers the regional-integration questions from it.
//
// Each subcommand is one file here; they parse flags, wire the packages and
// map outcomes to exit codes: 0 success, 1 failure, 2 usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
	kongcompletion "github.com/jotaen/kong-completion"
	"github.com/posener/complete"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/store"
)

// version is set by the Makefile (-ldflags "-X main.version=...").
var version = "dev"

type cli struct {
	Ingest   ingestCmd   `cmd:"" help:"Load trade and exchange-rate files (plain, .gz or .zip); each file whole or not at all, never twice."`
	Status   statusCmd   `cmd:"" help:"Show the files loaded, rows per dataset and table, failed loads and the run history."`
	Query    queryCmd    `cmd:"" help:"Run ad-hoc SQL against the database, read-only."`
	Report   reportCmd   `cmd:"" help:"Run a named report (see --list)."`
	Brief    briefCmd    `cmd:"" help:"Write the brief: the commentary's claims on Central Asian regionalism, each beside the figures that test it, with charts, tables and coverage."`
	Export   exportCmd   `cmd:"" help:"Write the trade data, flows, exchange rates, groups and reports as Parquet (Hive-partitioned, with a manifest), replacing the folder atomically."`
	Run      runCmd      `cmd:"" help:"Run the config's jobs once, in order (exit 0 when all succeeded, 1 when any failed)."`
	Check    checkCmd    `cmd:"" help:"Check a config as run would, running nothing (exit 0 when good, 2 listing every mistake)."`
	Schedule scheduleCmd `cmd:"" help:"Run the config's jobs on their schedules until SIGINT or SIGTERM."`
	Formats  formatsCmd  `cmd:"" help:"List the input formats tradepipe reads."`

	Datasets  datasetsCmd  `cmd:"" help:"List the datasets: formats, files, rows, reporters, years, classifications; or rename or drop one."`
	Groups    groupsCmd    `cmd:"" help:"List the groups' members with their dates (seeded or from the config)."`
	Countries countriesCmd `cmd:"" help:"Find a country's codes and names in every scheme the readers know."`
	Forget    forgetCmd    `cmd:"" help:"Remove a loaded file, its rows and its ledger entry, at once, so it can be loaded again."`
	Upgrade   upgradeCmd   `cmd:"" help:"Bring a database an older tradepipe made up to date (read-only commands refuse one until then)."`
	Compact   compactCmd   `cmd:"" help:"Rewrite the database file whole: its catalog in one place and its free space given back (after a yearly reload of a history, or many revisions); needs room for a second copy."`
	Version   versionCmd   `cmd:"" help:"Print the version."`

	Help       helpCmd       `cmd:"" help:"Show the help of a command (tradepipe help report), or of all."`
	Completion completionCmd `cmd:"" help:"Print shell completion code for bash, zsh or fish."`
	Man        manCmd        `cmd:"" help:"Print the man page (roff): tradepipe man > tradepipe.1."`

	VersionFlag kong.VersionFlag `name:"version" help:"Print the version and exit."`
}

// env is what every subcommand gets: streams and a context cancelled on
// interrupt.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in how the command was called (exit 2).
func usageError(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

// run is main without the process: testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cli
	exited := -1
	parser, err := newParser(model(&c, args), stdout, stderr, func(code int) { exited = code })
	if err != nil {
		fmt.Fprintln(stderr, "tradepipe:", err)
		return 1
	}
	// Asked by the shell for completions (COMP_LINE set): answer and stop.
	var reports []string
	if rs, err := report.List(); err == nil {
		for _, r := range rs {
			reports = append(reports, r.Name)
		}
	}
	kongcompletion.Register(parser, kongcompletion.WithExitFunc(func(code int) { exited = code }),
		kongcompletion.WithPredictor("report", complete.PredictSet(reports...)))
	if exited >= 0 {
		return exited
	}
	if len(args) == 0 {
		// A bare tradepipe: the full usage, as gh and kubectl print it.
		kctx, err := kong.Trace(parser, nil)
		if err == nil {
			err = kctx.PrintUsage(false)
		}
		if err != nil {
			fmt.Fprintln(stderr, "tradepipe:", err)
			return 1
		}
		return 0
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 { // --help, --version
		return exited
	}
	if err != nil {
		fmt.Fprintln(stderr, "tradepipe:", err)
		return 2
	}
	if started != nil {
		started()
	}
	err = kctx.Run(&env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr})
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "tradepipe:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "tradepipe:", err)
	return 1
}

// newParser is kong's parser of the command line as target models it,
// writing to stdout and stderr and exiting by exit.
func newParser(target any, stdout, stderr io.Writer, exit func(int)) (*kong.Kong, error) {
	// The report flags' defaults are those the reports' headers declare.
	defaults, err := report.Defaults()
	if err != nil {
		return nil, err
	}
	defaults["version"] = "tradepipe " + version
	defaults["db_now"] = dbNow()
	return kong.New(target,
		kong.Vars(defaults),
		kong.Name("tradepipe"),
		kong.Description("Intra-regional trade of Central Asia (and any group) from the files analysts download."),
		kong.Writers(stdout, stderr),
		kong.Exit(exit),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
}

// wholeModel are the commands that describe or complete every command,
// and so need kong's model of them all.
var wholeModel = []string{"help", "completion", "man"}

// model is what kong builds its parser from: the whole command line c,
// or, where the first argument names a command, a struct of that command
// alone with --version. Building the model of every command and flag took
// 3-5 ms of each process's start, most of it kong interpolating its
// variables (the reports' defaults) into every flag of every command
// (docs/performance-log.md), and a command's parse, help, errors and run need
// only its own. The struct is made from cli's own fields, tags and all,
// so the command reads the same either way. The shell's completion
// (COMP_LINE) completes any command, and the commands of wholeModel
// describe them all: they get c.
func model(c *cli, args []string) any {
	if len(args) == 0 || os.Getenv("COMP_LINE") != "" || slices.Contains(wholeModel, args[0]) {
		return c
	}
	t := reflect.TypeFor[cli]()
	version, _ := t.FieldByName("VersionFlag")
	for i := range t.NumField() {
		f := t.Field(i)
		if _, isCmd := f.Tag.Lookup("cmd"); isCmd && commandName(f) == args[0] {
			return reflect.New(reflect.StructOf([]reflect.StructField{f, version})).Interface()
		}
	}
	return c // not a command's name: kong says so, with every command
}

// commandName is the name kong gives the command of field f: its name
// tag, or the field's name in lower case (every command's is one word).
func commandName(f reflect.StructField) string {
	if n := f.Tag.Get("name"); n != "" {
		return n
	}
	return strings.ToLower(f.Name)
}

// exiting is set by main: the process ends when run returns. Tests run
// commands in process and leave it false.
var exiting bool

// release closes a store a command opened, but for a locked one (read
// only, reaching no file) in a process about to end: it has nothing to
// write or clean up, the exit frees what its close would, and DuckDB's
// teardown of the instance took about 5 ms of a report's 90
// (docs/performance-log.md).
func release(st *store.Store) {
	if exiting && st.Locked() {
		return
	}
	st.Close()
}

// started, if set, is called once the command line is parsed, before
// the command runs.
var started func()

func main() {
	// The start (the reports' defaults, kong's model of every command and
	// flag, the completion) allocates in many small objects, and the
	// collector's cycle in it took 5-8 ms of every command: with the
	// collector off until the command runs, tradepipe --version took 18
	// ms against 23-26 ms, a report over 10M rows 98 ms against 105
	// (docs/performance-log.md).
	gc := debug.SetGCPercent(-1)
	started = func() { debug.SetGCPercent(gc) }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	exiting = true
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, "tradepipe", version)
	return nil
}
