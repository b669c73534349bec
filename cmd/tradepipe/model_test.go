package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/tradepipe/tradepipe/sql/store"
)

// commands lists the command lines a model must read as the whole cli
// does: each command and subcommand with --help, with an unknown flag,
// with --version, and bare.
func commands(t reflect.Type, prefix []string) [][]string {
	var out [][]string
	for i := range t.NumField() {
		f := t.Field(i)
		if _, ok := f.Tag.Lookup("cmd"); !ok {
			continue
		}
		path := append(slices.Clone(prefix), commandName(f))
		for _, tail := range [][]string{{"--help"}, {"--bogus"}, {"--version"}, nil} {
			out = append(out, append(slices.Clone(path), tail...))
		}
		out = append(out, commands(f.Type, path)...)
	}
	return out
}

// parse parses args with a parser of target, as run does, and gives what
// it wrote, its exit code, its error and the command it chose.
func parse(t *testing.T, target any, args []string) string {
	t.Helper()
	var out, errb bytes.Buffer
	exited := -1
	p, err := newParser(target, &out, &errb, func(code int) { exited = code })
	if err != nil {
		t.Fatal(err)
	}
	kctx, err := p.Parse(args)
	cmd := ""
	if kctx != nil {
		cmd = kctx.Command()
	}
	return fmt.Sprintf("exit %d, command %q, error %v\nstdout:\n%s\nstderr:\n%s", exited, cmd, err, out.String(), errb.String())
}

// TestOneCommandModel: a command's line parses, helps and fails the same
// with the model of that command alone as with the whole cli; and the
// data commands do get one alone, the describing ones the whole.
func TestOneCommandModel(t *testing.T) {
	t.Setenv("COMP_LINE", "") // (a shell's completion takes the whole)
	lines := commands(reflect.TypeFor[cli](), nil)
	if len(lines) < 4*19 {
		t.Fatalf("%d command lines: the commands were not found", len(lines))
	}
	for _, args := range lines {
		var c cli
		m := model(&c, args)
		if _, whole := m.(*cli); whole != slices.Contains(wholeModel, args[0]) {
			t.Errorf("%v: model %T", args, m)
		}
		if got, want := parse(t, m, args), parse(t, &cli{}, args); got != want {
			t.Errorf("%v: with the command alone\n%s\nwith the whole\n%s", args, got, want)
		}
	}
	var c cli
	for _, args := range [][]string{nil, {"bogus"}, {"--version"}, {"--help"}, {"help", "report"}} {
		if _, whole := model(&c, args).(*cli); !whole {
			t.Errorf("%v: not the whole model", args)
		}
	}
}

// TestRelease: a command's store is closed, but for a locked one in a
// process about to exit. (Not parallel: it sets exiting, which the other
// tests, paused until it ends, read.)
func TestRelease(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.duckdb")
	w, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer func(was bool) { exiting = was }(exiting)
	for _, c := range []struct {
		name    string
		exiting bool
		opts    []store.Option
		closed  bool
	}{
		{"in process, locked", false, []store.Option{store.ReadOnly()}, true},
		{"exiting, locked", true, []store.Option{store.ReadOnly()}, false},
		{"exiting, reaching files", true, []store.Option{store.ReadOnly(), store.AllowExternalAccess(true)}, true},
		{"exiting, writable", true, nil, true},
	} {
		st, err := store.Open(ctx, path, c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		exiting = c.exiting
		release(st)
		exiting = false
		if closed := st.DB().PingContext(ctx) != nil; closed != c.closed {
			t.Errorf("%s: closed %v, want %v", c.name, closed, c.closed)
		}
		st.Close()
	}
}
