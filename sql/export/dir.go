package export

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// staleAge is how old a temporary folder left beside the export by a
// crashed run must be before a later run removes it (younger ones may
// belong to an export still running).
const staleAge = 24 * time.Hour

// checkOut returns the export folder as an absolute path after checking
// that replacing it cannot destroy anything that is not an export.
func checkOut(out, database string) (string, error) {
	if strings.TrimSpace(out) == "" {
		return "", fmt.Errorf("%w: no output folder (--out)", ErrUsage)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	if filepath.Dir(abs) == abs {
		return "", fmt.Errorf("%w: cannot export into the root folder %s", ErrUsage, abs)
	}
	if database != "" {
		db, err := filepath.Abs(database)
		if err == nil && (db == abs || strings.HasPrefix(db, abs+string(filepath.Separator))) {
			return "", fmt.Errorf("%w: the output folder %s holds the database %s", ErrUsage, out, database)
		}
	}
	fi, err := os.Stat(abs)
	switch {
	case os.IsNotExist(err):
		return abs, nil
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", fmt.Errorf("%w: %s exists and is not a folder", ErrUsage, out)
	}
	ents, err := os.ReadDir(abs)
	if err != nil {
		return "", err
	}
	if len(ents) == 0 {
		return abs, nil
	}
	if _, err := os.Stat(filepath.Join(abs, ManifestName)); err != nil {
		return "", fmt.Errorf("%w: %s is not empty and holds no %s: not an earlier export, so not replaced", ErrUsage, out, ManifestName)
	}
	return abs, nil
}

// workDir is the folder an export is written into, beside its destination
// (on the same file system, so the swap is two renames).
type workDir struct {
	out, dir string
	done     bool
}

func newWorkDir(out string) (*workDir, error) {
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := restoreOld(parent, base); err != nil {
		return nil, err
	}
	removeStale(parent, base, time.Now())
	dir, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return nil, err
	}
	return &workDir{out: out, dir: dir}, nil
}

// discard removes the work folder unless it was committed.
func (w *workDir) discard() {
	if !w.done {
		os.RemoveAll(w.dir)
	}
}

// commit syncs the work folder to disk and swaps it in: the previous
// export (if any) is renamed aside, the new one renamed into place, the
// old one removed. If the second rename fails the previous export is put
// back.
func (w *workDir) commit() error {
	if err := syncTree(w.dir); err != nil {
		return err
	}
	parent := filepath.Dir(w.out)
	var old string
	if _, err := os.Lstat(w.out); err == nil {
		old = filepath.Join(parent, "."+filepath.Base(w.out)+".old-"+randomSuffix())
		if err := os.Rename(w.out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(w.dir, w.out); err != nil {
		if old != "" {
			os.Rename(old, w.out)
		}
		return err
	}
	w.done = true
	if err := syncDir(parent); err != nil {
		return err
	}
	if old != "" {
		// Failing to remove the old copy loses nothing; a later export
		// removes it once it is stale.
		os.RemoveAll(old)
	}
	return nil
}

// restoreOld finishes a swap that a crash cut between its two renames:
// the destination is missing and the previous export waits, whole (with
// its manifest), as .BASE.old-*. The newest such folder is put back.
func restoreOld(parent, base string) error {
	out := filepath.Join(parent, base)
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		return nil
	}
	ents, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	var best string
	var bestTime time.Time
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() || !strings.HasPrefix(n, "."+base+".old-") {
			continue
		}
		fi, err := os.Stat(filepath.Join(parent, n, ManifestName))
		if err != nil {
			continue
		}
		if best == "" || fi.ModTime().After(bestTime) {
			best, bestTime = n, fi.ModTime()
		}
	}
	if best == "" {
		return nil
	}
	return os.Rename(filepath.Join(parent, best), out)
}

// removeStale removes temporary and old folders of earlier exports to
// base that crashed, once they are older than staleAge.
func removeStale(parent, base string, now time.Time) {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() || !(strings.HasPrefix(n, "."+base+".tmp-") || strings.HasPrefix(n, "."+base+".old-")) {
			continue
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > staleAge {
			os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

// syncTree flushes every file and folder under dir to disk.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return syncDir(p)
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("sync %s: %w", p, err)
		}
		return f.Close()
	})
}

// syncDir makes a folder's entries durable (renames and new files in it).
// Windows cannot sync folders; there the renames are as durable as NTFS
// makes them.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return f.Close()
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o755) }

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
