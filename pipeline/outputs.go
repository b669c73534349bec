package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

// A job's reports and export are made from the database's data and the
// job's own definition. When neither changed since the job's last
// successful run, and the files that run wrote are still there as it left
// them, the run skips its report and export steps: a nightly run that
// finds no new file costs the inbox scan and no more. What a run wrote,
// and from what, is kept beside the outputs in stateName, one entry per
// job; a failed run drops its job's entry.

// stateName is the file, in the outputs folder, that says what each job's
// last successful run wrote.
const stateName = ".tradepipe-state.json"

// outputState is what one job's last successful run wrote, and from what.
type outputState struct {
	Key   string       `json:"key"` // the data version and the job's definition, hashed
	Files []outputFile `json:"files"`
}

type outputFile struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
}

func (r *Runner) statePath() string { return filepath.Join(r.Config.Outputs, stateName) }

// outputsKey is what a job's outputs are made from: the data version, the
// job's steps and the datasets' config, and tradepipe's version.
func (r *Runner) outputsKey(ctx context.Context, st *store.Store, j *Job) (string, error) {
	dv, err := st.DataVersion(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%#v\n%#v\n", dv, r.Version, r.Config.Outputs, j.Steps, r.Config.Datasets)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (r *Runner) readStates() map[string]outputState {
	b, err := os.ReadFile(r.statePath())
	if err != nil {
		return map[string]outputState{}
	}
	var m map[string]outputState
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]outputState{} // unreadable: every job makes its outputs again
	}
	return m
}

// outputsCurrent tells whether job's last successful run was made from key
// and its files are as it left them.
func (r *Runner) outputsCurrent(job, key string) bool {
	s, ok := r.readStates()[job]
	if !ok || s.Key != key || len(s.Files) == 0 {
		return false
	}
	for _, f := range s.Files {
		fi, err := os.Stat(f.Path)
		if err != nil || fi.Size() != f.Size || !fi.ModTime().Equal(f.ModTime) {
			return false
		}
	}
	return true
}

// saveOutputs records that job's run made files from key; with key ""
// it drops the job's entry.
func (r *Runner) saveOutputs(job, key string, files []string) error {
	m := r.readStates()
	delete(m, job)
	if key != "" {
		s := outputState{Key: key}
		slices.Sort(files)
		for _, p := range slices.Compact(files) {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			s.Files = append(s.Files, outputFile{Path: p, Size: fi.Size(), ModTime: fi.ModTime()})
		}
		m[job] = s
	}
	if len(m) == 0 {
		if err := os.Remove(r.statePath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(r.Config.Outputs, 0o755); err != nil {
		return err
	}
	return render.WriteAtomic(r.statePath(), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// forgetOutputs drops job's entry after a failed step: its next run makes
// every output again.
func (r *Runner) forgetOutputs(job string) {
	if err := r.saveOutputs(job, "", nil); err != nil {
		r.jlog.Warn("could not update the outputs' state", "file", r.statePath(), "error", err)
	}
}
