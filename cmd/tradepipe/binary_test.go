package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tradepipe/tradepipe/sql/store"
)

// Tests that need real processes (a crash, two processes on one database,
// a signal) run this test binary itself as tradepipe: started under the
// name tradepipe (a link to it, binary), it runs main and nothing else. It
// holds the same code as the built command, and linking a second binary of
// 130 MB took 12 s of the package's run. Started with TRADEPIPE_TEST_HOLD,
// it is a small helper that holds a database open.

// TestMain serves those two modes, runs the tests, and removes the link.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "tradepipe" {
		main()
	}
	if path := os.Getenv("TRADEPIPE_TEST_HOLD"); path != "" {
		os.Exit(holdDatabase(path, os.Getenv("TRADEPIPE_TEST_HOLD_MODE") == "ro"))
	}
	code := m.Run()
	if linked.dir != "" {
		os.RemoveAll(linked.dir)
	}
	os.Exit(code)
}

// holdDatabase opens the database (read-only if ro), says "holding" on
// stdout and keeps it open until its stdin is closed.
func holdDatabase(path string, ro bool) int {
	opts := []store.Option{store.LockWait(30 * time.Second)}
	if ro {
		opts = append(opts, store.ReadOnly())
	}
	s, err := store.Open(context.Background(), path, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("holding")
	io.Copy(io.Discard, os.Stdin)
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// holder is a helper process holding a database open.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan error
}

// hold starts a helper that holds db (read-only if ro) and returns once it
// does; t's cleanup releases it.
func hold(t *testing.T, db string, ro bool) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	mode := "rw"
	if ro {
		mode = "ro"
	}
	cmd.Env = append(os.Environ(), "TRADEPIPE_TEST_HOLD="+db, "TRADEPIPE_TEST_HOLD_MODE="+mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "holding\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper did not hold %s: %q %v %s", db, line, err, stderr.String())
	}
	go func() { h.done <- cmd.Wait() }()
	t.Cleanup(func() { h.release(t) })
	return h
}

// release closes the helper's stdin and waits for it to close the database
// and exit.
func (h *holder) release(t *testing.T) {
	t.Helper()
	if h.stdin == nil {
		return
	}
	h.stdin.Close()
	h.stdin = nil
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("helper: %v", err)
		}
	case <-time.After(30 * time.Second):
		h.cmd.Process.Kill()
		t.Errorf("helper did not exit")
	}
}

var linked struct {
	once     sync.Once
	dir, bin string
	err      error
}

// binary returns the path of a tradepipe command: a link named tradepipe
// to this test binary (TestMain), made once per test run. The tests that
// need one (crashes, locks, signals) run with -short too: make test passes
// it.
func binary(t *testing.T) string {
	t.Helper()
	linked.once.Do(func() {
		self, err := os.Executable()
		if err != nil {
			linked.err = err
			return
		}
		if linked.dir, linked.err = os.MkdirTemp("", "tradepipe-test-"); linked.err != nil {
			return
		}
		linked.bin = filepath.Join(linked.dir, "tradepipe")
		linked.err = os.Symlink(self, linked.bin)
	})
	if linked.err != nil {
		t.Fatal(linked.err)
	}
	return linked.bin
}

// bigRows is n, the rows of a large file a process is killed in, or a
// quarter of n with -short.
func bigRows(n int) int {
	if testing.Short() {
		return n / 4
	}
	return n
}

// bigTradeFile writes a trade-long file of n rows (distinct natural keys).
func bigTradeFile(t *testing.T, dir, name string, n int, year int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
	partners := []string{"CHN", "RUS", "KGZ", "UZB", "TJK", "TKM", "TUR", "DEU"}
	for i := range n {
		fmt.Fprintf(w, "%d,,KAZ,%s,X,%07d,%d.25,USD\n", year, partners[i%len(partners)], i/len(partners), i%100_000)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}
