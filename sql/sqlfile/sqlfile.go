// Package sqlfile reads tradepipe's .sql files: each starts with a header
// comment that gives its name, its purpose and its parameters, one per
// line, each with what it means and, where it has one, its default:
//
//	-- name: regional-shares
//	-- purpose: the headline. Per year, the share of the group's ...
//	-- parameters:
//	--   $dataset: the dataset to read
//	--   $group: the group (default C5)
//	--   $basis: how totals are taken (default reporter; flow for BACI)
//
// Parameters are bound by name ($group), never spliced into the text:
// File.Bind passes exactly those a file declares. The packages that own
// SQL embed their own files (the store its schema, report its reports,
// export its tables, transform its transforms) and read them with Dir.
// The package is a leaf: it imports the standard library only.
package sqlfile

import (
	"bufio"
	dsql "database/sql"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// File is one .sql file with its header.
type File struct {
	Path       string  // as read, e.g. "reports/regional_shares.sql"
	Name       string  // from "-- name:"
	Purpose    string  // from "-- purpose:" (continuation lines joined)
	Parameters []Param // from "-- parameters:", one per "$name: ..." line
	Text       string  // the whole file, header included
}

// Param is one parameter a header declares.
type Param struct {
	Name    string // without the $
	Doc     string // what follows "$name:", continuation lines joined
	Default string // from "(default X)" or "(default X; why)" at the end of Doc; "" if none
}

// Dir reads every .sql file of dir in fsys, sorted by name.
func Dir(fsys fs.FS, dir string) ([]File, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range ents {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		p := path.Join(dir, e.Name())
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		f, err := Parse(p, string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Find returns the file of that name among fs.
func Find(fs []File, name string) (File, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// defaultRe finds "(default X)" or "(default X; why)" at the end of a
// parameter's text.
var defaultRe = regexp.MustCompile(`\(default ([^();]*)(?:;[^()]*)?\)\s*$`)

// Parse reads the header comment block at the top of text; p names the
// file in errors.
func Parse(p, text string) (File, error) {
	f := File{Path: p, Text: text}
	sc := bufio.NewScanner(strings.NewReader(text))
	cur := ""
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "--") {
			break
		}
		body := strings.TrimSpace(strings.TrimPrefix(line, "--"))
		switch {
		case strings.HasPrefix(body, "name:"):
			f.Name, cur = strings.TrimSpace(strings.TrimPrefix(body, "name:")), "name"
		case strings.HasPrefix(body, "purpose:"):
			f.Purpose, cur = strings.TrimSpace(strings.TrimPrefix(body, "purpose:")), "purpose"
		case strings.HasPrefix(body, "parameters:"):
			cur = "parameters"
			if rest := strings.TrimSpace(strings.TrimPrefix(body, "parameters:")); strings.HasPrefix(rest, "$") {
				f.Parameters = append(f.Parameters, param(rest))
			}
		case body == "":
			cur = ""
		case cur == "purpose":
			f.Purpose += " " + body
		case cur == "parameters" && strings.HasPrefix(body, "$"):
			f.Parameters = append(f.Parameters, param(body))
		case cur == "parameters" && len(f.Parameters) > 0:
			last := &f.Parameters[len(f.Parameters)-1]
			last.Doc += " " + body
		}
	}
	if f.Name == "" {
		return f, fmt.Errorf("%s: header comment lacks '-- name:'", p)
	}
	if f.Purpose == "" {
		return f, fmt.Errorf("%s: header comment lacks '-- purpose:'", p)
	}
	seen := map[string]bool{}
	for i := range f.Parameters {
		pa := &f.Parameters[i]
		if pa.Name == "" {
			return f, fmt.Errorf("%s: a parameter line lacks its name", p)
		}
		if seen[pa.Name] {
			return f, fmt.Errorf("%s: parameter $%s declared twice", p, pa.Name)
		}
		seen[pa.Name] = true
		if m := defaultRe.FindStringSubmatch(pa.Doc); m != nil {
			pa.Default = strings.TrimSpace(m[1])
		}
	}
	return f, nil
}

func param(line string) Param {
	name, doc, _ := strings.Cut(strings.TrimPrefix(line, "$"), ":")
	return Param{Name: strings.TrimSpace(name), Doc: strings.TrimSpace(doc)}
}

// ParamNames returns the names of the parameters the header declares.
func (f File) ParamNames() []string {
	out := make([]string, len(f.Parameters))
	for i, p := range f.Parameters {
		out[i] = p.Name
	}
	return out
}

// Bind returns the named arguments for exactly the parameters the file
// declares, taken from values; a declared parameter missing from values
// is an error (DuckDB would otherwise fail with a less helpful message).
func (f File) Bind(values map[string]any) ([]any, error) {
	out := make([]any, 0, len(f.Parameters))
	for _, p := range f.Parameters {
		v, ok := values[p.Name]
		if !ok {
			return nil, fmt.Errorf("%s: no value for $%s", f.Path, p.Name)
		}
		out = append(out, dsql.Named(p.Name, v))
	}
	return out, nil
}
