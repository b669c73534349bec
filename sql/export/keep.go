package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// An export that names its tables (export --out DIR regional-shares)
// replaces those tables' folders in an earlier export and keeps the
// others: the kept folders are linked (or copied) into the new folder
// beside the destination, which is swapped in whole as ever, so a reader
// sees the old export or the new one with the manifest of each.

// readManifest reads the manifest of the export at out; nil when there is
// none (a new or empty folder).
func readManifest(out string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(out, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v: not an export tradepipe can add to (export every table to replace it)", ErrUsage,
			filepath.Join(out, ManifestName), err)
	}
	return &m, nil
}

// dependsOnDataset tells whether a table is made from one trade dataset.
func dependsOnDataset(t Table) bool {
	return t.Kind == "report" || t.Name == "trade" || t.Name == "flows"
}

// keep returns the tables of old that this export does not write, after
// checking that they can sit beside the new ones in one manifest: the
// same dataset and CIF/FOB factor for those made from the dataset, the
// same compression. It may set m.Dataset (an export of fx_rates alone
// keeps the dataset of the trade it sits beside).
func keep(old *Manifest, items []item, m *Manifest) ([]Table, error) {
	if old == nil {
		return nil, nil
	}
	var kept []Table
	for _, t := range old.Tables {
		if !hasItem(items, t.Name) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return nil, nil
	}
	mix := func(what, was, now string) error {
		return fmt.Errorf("%w: the export in this folder has %s %s, this one %s: the tables it keeps would not match; export every table, or into another folder",
			ErrUsage, what, was, now)
	}
	if old.Compression != m.Compression {
		return nil, mix("compression", old.Compression, m.Compression)
	}
	if slices.ContainsFunc(kept, dependsOnDataset) {
		switch {
		case m.Dataset == "":
			m.Dataset = old.Dataset
		case old.Dataset != m.Dataset:
			return nil, mix("dataset", old.Dataset, m.Dataset)
		}
		if old.CIFFOB != m.CIFFOB {
			return nil, mix("CIF/FOB factor", fmt.Sprint(old.CIFFOB), fmt.Sprint(m.CIFFOB))
		}
	}
	return kept, nil
}

// keep links the kept tables' folders from the export at out into the
// work folder and returns the manifest's tables: old's, in their order,
// each replaced by this export's version where it wrote one, then the
// new ones.
func (w *workDir) keep(out string, old *Manifest, kept, written []Table) ([]Table, error) {
	for _, t := range kept {
		if err := linkTree(filepath.Join(out, filepath.FromSlash(t.Path)), filepath.Join(w.dir, filepath.FromSlash(t.Path))); err != nil {
			return nil, fmt.Errorf("keeping %s: %w", t.Name, err)
		}
	}
	var tables []Table
	for _, t := range old.Tables {
		if i := slices.IndexFunc(written, func(x Table) bool { return x.Name == t.Name }); i >= 0 {
			tables = append(tables, written[i])
		} else {
			tables = append(tables, t)
		}
	}
	for _, t := range written {
		if !slices.ContainsFunc(tables, func(x Table) bool { return x.Name == t.Name }) {
			tables = append(tables, t)
		}
	}
	return tables, nil
}

// manifestBasis is the basis of the flows table among m's tables, else
// of its first report, else m's own.
func manifestBasis(m *Manifest) string {
	for _, t := range m.Tables {
		if t.Name == "flows" && t.Basis != "" {
			return t.Basis
		}
	}
	for _, t := range m.Tables {
		if t.Kind == "report" && t.Basis != "" {
			return t.Basis
		}
	}
	return m.Basis
}

// linkTree makes dst a copy of the folder src: files hard-linked (the
// export's files are never written in place again), copied where a link
// cannot be made.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if err := os.Link(p, target); err == nil {
			return nil
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
