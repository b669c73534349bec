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

// A job's reports and exports are made from the database's data and the
// job's own definition. When neither changed since the job's last
// successful run, and the files that run wrote are still there as it left
// them, the run skips them: a nightly run that finds no new file costs the
// inbox scan and no more. The reports of a job go together (its HTML pages
// and their index are one site); each export stands alone, made from its
// own dataset, so a file in another dataset leaves it as it is. What the
// last runs wrote, and from what, is kept beside the outputs in
// stateName, one entry per job and part (reports, export N); a failed
// step drops its part's entry.

// stateName is the file, in the outputs folder, that says what each job's
// last successful run wrote.
const stateName = ".tradepipe-state.json"

// outputState is what one part of a job's last successful run wrote, and
// from what.
type outputState struct {
	Key   string       `json:"key"` // the data version and the steps, hashed
	Files []outputFile `json:"files"`
}

type outputFile struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
}

// The parts of a job whose outputs stand or are made again together.
const reportsPart = "reports"

func exportPart(i int) string { return fmt.Sprintf("export %d", i+1) }

func (r *Runner) statePath() string { return filepath.Join(r.Config.Outputs, stateName) }

// outputsKey is what the steps' outputs are made from: the data version
// of each step's dataset, the steps themselves, the datasets' config and
// tradepipe's version.
func (r *Runner) outputsKey(ctx context.Context, st *store.Store, steps []Step) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%#v\n", r.Version, r.Config.Outputs, r.Config.Datasets)
	for _, s := range steps {
		dv, err := st.DataVersion(ctx, s.Options.Dataset)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\n%#v\n", dv, s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (r *Runner) readStates() map[string]map[string]outputState {
	b, err := os.ReadFile(r.statePath())
	if err != nil {
		return map[string]map[string]outputState{}
	}
	var m map[string]map[string]outputState
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]map[string]outputState{} // unreadable: every job makes its outputs again
	}
	return m
}

// outputsCurrent tells whether a part of job's last successful run was made
// from key and its files are as it left them.
func (r *Runner) outputsCurrent(job, part, key string) bool {
	s, ok := r.readStates()[job][part]
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

// saveOutputs records that a part of job's run made files from key; with
// key "" it drops the part's entry.
func (r *Runner) saveOutputs(job, part, key string, files []string) error {
	m := r.readStates()
	delete(m[job], part)
	if len(m[job]) == 0 {
		delete(m, job)
	}
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
		if m[job] == nil {
			m[job] = map[string]outputState{}
		}
		m[job][part] = s
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

// forgetOutputs drops a part's entry after a failed step: the next run
// makes its outputs again.
func (r *Runner) forgetOutputs(job, part string) {
	if err := r.saveOutputs(job, part, "", nil); err != nil {
		r.jlog.Warn("could not update the outputs' state", "file", r.statePath(), "error", err)
	}
}

// keepOutputs records what a part of the run wrote; failing that, the next
// run makes it again.
func (r *Runner) keepOutputs(job, part, key string, files []string) {
	if err := r.saveOutputs(job, part, key, files); err != nil {
		r.jlog.Warn("could not record what the run wrote: the next run makes it again", "part", part, "error", err)
	}
}
