package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	bindings "github.com/duckdb/duckdb-go-bindings"
)

// A new database is a copy of an empty one. Making one from nothing (the
// schema files, the reference tables, the kept macros, and the checkpoint
// that writes them) cost 0.17-0.19 s of every first ingest, where DuckDB
// makes a file database in 0.02 s (docs/performance-log.md); copying a 3.7 MB
// file takes milliseconds. The empty database is made once, the usual
// way, and kept in the user's cache directory under a name that is the
// hash of everything that goes into it: the schema files, the seeds, the
// transform macros (the totals' rule is made of them) and the DuckDB
// library's version. A database copied from it is then opened as any
// existing one is, so every check a later open makes (schema version,
// seeds, macros, rule) holds for it as for one made here. Where the cache
// cannot be used (no cache directory, one that cannot be written,
// TRADEPIPE_NO_TEMPLATE set), the database is made from nothing, as
// before.

// templateEnv, when set to anything, turns the copy off.
const templateEnv = "TRADEPIPE_NO_TEMPLATE"

// templateKey is the hash of what an empty database holds. Everything
// in it is built into the binary, so it is worked out once a process: a
// process that makes several databases (the tests make hundreds) paid
// 2-5 ms for each.
var templateKey = sync.OnceValues(makeTemplateKey)

func makeTemplateKey() (string, error) {
	h := sha256.New()
	ms, err := migrations()
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		fmt.Fprintf(h, "schema %d %d\n%s\n", m.version, len(m.Text), m.Text)
	}
	seeds, err := referenceSeeds()
	if err != nil {
		return "", err
	}
	_, note, err := staleSeeds(seeds, nil)
	if err != nil {
		return "", err
	}
	_, macros, err := transformSQL(true)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "seeds %s\nmacros %s\nduckdb %s\n", note, macros, bindings.LibraryVersion())
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// fromTemplate puts a copy of the empty database at path, where no file
// is, and gives the empty database's path if it did ("" if not). It
// never replaces a file: the copy is linked into place, so a database
// another process made there first is left as it is. Any failure leaves
// nothing behind and gives "", so the caller makes the database from
// nothing.
func fromTemplate(ctx context.Context, path string) string {
	if os.Getenv(templateEnv) != "" || path == ":memory:" {
		return ""
	}
	for _, p := range []string{path, path + ".wal"} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return "" // a file, or a WAL DuckDB would replay into the copy
		}
	}
	tpl, err := template(ctx)
	if err != nil {
		return ""
	}
	src, err := os.Open(tpl)
	if err != nil {
		return ""
	}
	defer src.Close()
	// A copy a killed process left is of no use to anyone: a process
	// copying at this moment loses its copy and makes its database from
	// nothing.
	dir, stem := filepath.Dir(path), "."+filepath.Base(path)+".new-"
	removeStale(dir, stem)
	prefix := filepath.Join(dir, stem)
	// Mode 0666 less the umask, as DuckDB makes a file (os.CreateTemp's
	// 0600 would keep other users from reading a shared database).
	tmp, err := os.OpenFile(prefix+strconv.FormatUint(rand.Uint64(), 36), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return ""
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil || os.Link(tmp.Name(), path) != nil {
		return ""
	}
	return tpl
}

// template gives the path of the empty database in the cache, making it
// first if it is not there.
func template(ctx context.Context) (string, error) {
	key, err := templateKey()
	if err != nil {
		return "", err
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "tradepipe")
	tpl := filepath.Join(dir, "empty-"+key+".duckdb")
	if _, err := os.Stat(tpl); err == nil {
		return tpl, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmpDir, err := os.MkdirTemp(dir, ".making-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmpDir)
	made := filepath.Join(tmpDir, "empty.duckdb")
	s, err := Open(ctx, made, noTemplate())
	if err != nil {
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	if _, err := os.Stat(made + ".wal"); err == nil {
		return "", fmt.Errorf("%s: closed with a WAL", made)
	}
	// Another process making it at once renames the same bytes.
	if err := os.Rename(made, tpl); err != nil {
		return "", err
	}
	// The empty databases of other versions go: a cache grows by one a
	// version otherwise.
	if old, err := filepath.Glob(filepath.Join(dir, "empty-*.duckdb")); err == nil {
		for _, p := range old {
			if p != tpl {
				os.Remove(p)
			}
		}
	}
	return tpl, nil
}
