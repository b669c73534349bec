package render

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
)

// Page is one report of a site: its table (from Run) and the name of its
// file, Name.html.
type Page struct {
	// Name is the file name without ".html": letters, digits and
	// "-", "_", "."; "" means the report's name. Two pages of one site
	// need different names (regional-shares-C5, regional-shares-ASEAN).
	Name  string
	Table *report.Table
}

var pageName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// WriteSite writes each page to dir/NAME.html (as WriteHTML, with a link
// back to the index) and dir/index.html, which links the pages and says
// when they were made (made) and from which files (the pages' tables'
// Sources, in the order they were loaded). dir is created if needed. Every file is written
// through a temporary file and a rename, the index last, so a reader never
// sees half a page; files in dir that are not among the pages are left as
// they are.
func WriteSite(dir string, pages []Page, made time.Time) error {
	names := map[string]bool{}
	for i := range pages {
		if pages[i].Table == nil {
			return fmt.Errorf("site: page %d has no table", i+1)
		}
		n := pages[i].Name
		if n == "" {
			n = pages[i].Table.Report
		}
		if !pageName.MatchString(n) || n == "index" {
			return fmt.Errorf("site: bad page name %q (letters, digits, '-', '_', '.'; not index)", n)
		}
		if names[n] {
			return fmt.Errorf("site: two pages named %q: give them names", n)
		}
		names[n] = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var index struct {
		Pages         []*pageData
		Files         []htmlFile
		Made, MadeISO string
	}
	index.Made, index.MadeISO = made.Format("2006-01-02 15:04 MST"), made.Format(time.RFC3339)
	used := map[int64]report.Source{}
	for _, pg := range pages {
		n := pg.Name
		if n == "" {
			n = pg.Table.Report
		}
		d, err := pageFor(pg.Table, made, nil)
		if err != nil {
			return fmt.Errorf("site: page %s: %w", n, err)
		}
		d.IndexLink, d.Href = true, n+".html"
		if err := WriteAtomic(filepath.Join(dir, d.Href), func(w io.Writer) error {
			return templates.ExecuteTemplate(w, "page.html", d)
		}); err != nil {
			return err
		}
		index.Pages = append(index.Pages, d)
		for _, f := range pg.Table.Sources {
			used[f.FileID] = f
		}
	}
	ids := slices.Sorted(maps.Keys(used))
	for _, id := range ids {
		index.Files = append(index.Files, htmlFileOf(used[id]))
	}
	return WriteAtomic(filepath.Join(dir, "index.html"), func(w io.Writer) error {
		return templates.ExecuteTemplate(w, "index.html", &index)
	})
}
