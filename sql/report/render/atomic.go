package render

import (
	"io"
	"os"
	"path/filepath"
)

// WriteAtomic writes the file at path through a temporary file in the
// same folder, synced and renamed into place, so a reader sees the old
// file or the new one, never half of one; if f fails, the old file stays.
// The file is readable by all (0644): reports are for reading. The report
// command, the site and the pipeline's outputs all write through it.
func WriteAtomic(path string, f func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := f(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
