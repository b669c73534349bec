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
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/tradepipe/tradepipe/sql/report"
)

// version is set by the Makefile (-ldflags "-X main.version=...").
var version = "dev"

type cli struct {
	Ingest   ingestCmd   `cmd:"" help:"Load trade and exchange-rate files (plain, .gz or .zip); each file whole or not at all, never twice."`
	Status   statusCmd   `cmd:"" help:"Show the files loaded, rows per dataset and table, failed loads and the run history."`
	Query    queryCmd    `cmd:"" help:"Run ad-hoc SQL against the database, read-only."`
	Report   reportCmd   `cmd:"" help:"Run a named report (see --list)."`
	Export   exportCmd   `cmd:"" help:"Write the trade data, flows, exchange rates, groups and reports as Parquet (Hive-partitioned, with a manifest), replacing the folder atomically."`
	Run      runCmd      `cmd:"" help:"Run the config's jobs once, in order (exit 0 when all succeeded, 1 when any failed)."`
	Schedule scheduleCmd `cmd:"" help:"Run the config's jobs on their schedules until SIGINT or SIGTERM."`
	Formats  formatsCmd  `cmd:"" help:"List the input formats tradepipe reads."`
	Version  versionCmd  `cmd:"" help:"Print the version."`
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
	// The report flags' defaults are those the reports' headers declare.
	defaults, err := report.Defaults()
	if err != nil {
		fmt.Fprintln(stderr, "tradepipe:", err)
		return 1
	}
	parser, err := kong.New(&c,
		kong.Vars(defaults),
		kong.Name("tradepipe"),
		kong.Description("Intra-regional trade of Central Asia (and any group) from the files analysts download."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited = code }),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintln(stderr, "tradepipe:", err)
		return 1
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 { // --help
		return exited
	}
	if err != nil {
		fmt.Fprintln(stderr, "tradepipe:", err)
		return 2
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, "tradepipe", version)
	return nil
}
