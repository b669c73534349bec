package pipeline

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// inboxFile is one file found in the inbox.
type inboxFile struct {
	path string
	size int64
	mod  time.Time
}

// folderExts are the file name endings taken from an inbox folder; a glob
// pattern takes whatever it matches.
var folderExts = []string{".csv", ".gz", ".zip"}

// scanInbox lists the inbox files, oldest first (so that when two
// revisions of the same data arrive together, the newer one wins), then by
// path. Hidden files (.name) in folders are left alone; a symbolic link
// in a folder stands for the file it points to.
func scanInbox(entries []string) ([]inboxFile, error) {
	seen := map[string]bool{}
	var out []inboxFile
	add := func(p string, fi fs.FileInfo) {
		if !fi.Mode().IsRegular() || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, inboxFile{path: p, size: fi.Size(), mod: fi.ModTime()})
	}
	for _, e := range entries {
		if hasMeta(e) {
			ms, err := filepath.Glob(e)
			if err != nil {
				return nil, fmt.Errorf("inbox %s: %w", e, err)
			}
			for _, m := range ms {
				if fi, err := os.Stat(m); err == nil {
					add(m, fi)
				}
			}
			continue
		}
		fi, err := os.Stat(e)
		if err != nil {
			return nil, fmt.Errorf("inbox: %w", err)
		}
		if !fi.IsDir() {
			add(e, fi)
			continue
		}
		des, err := os.ReadDir(e)
		if err != nil {
			return nil, fmt.Errorf("inbox: %w", err)
		}
		for _, de := range des {
			name := de.Name()
			if strings.HasPrefix(name, ".") || !hasExt(name) {
				continue
			}
			p := filepath.Join(e, name)
			fi, err := de.Info()
			if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				fi, err = os.Stat(p) // a link to a download elsewhere: the file it points to
			}
			if err == nil {
				add(p, fi)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].mod.Equal(out[j].mod) {
			return out[i].mod.Before(out[j].mod)
		}
		return out[i].path < out[j].path
	})
	return out, nil
}

func hasExt(name string) bool {
	lower := strings.ToLower(name)
	for _, x := range folderExts {
		if strings.HasSuffix(lower, x) {
			return true
		}
	}
	return false
}

// datasetFor returns the dataset whose patterns match the file's name
// first, or nil (the file then goes to its format's dataset).
func (c *Config) datasetFor(path string) *Dataset {
	base := filepath.Base(path)
	for i := range c.Datasets {
		for _, p := range c.Datasets[i].Files {
			if ok, _ := filepath.Match(p, base); ok {
				return &c.Datasets[i]
			}
		}
	}
	return nil
}

// dataset returns the dataset named name, or nil.
func (c *Config) dataset(name string) *Dataset {
	for i := range c.Datasets {
		if c.Datasets[i].Name == name {
			return &c.Datasets[i]
		}
	}
	return nil
}
