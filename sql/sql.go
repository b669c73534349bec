// Package sql holds tradepipe's SQL: the schema migrations, set-wise
// transforms and the named reports, each a .sql file whose header comment
// gives its name, purpose and parameters. Parameters are bound ($name),
// never spliced into the text.
package sql

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed schema/*.sql reports/*.sql load/*.sql lib/*.sql exports/*.sql
var files embed.FS

// File is one embedded .sql file with its header.
type File struct {
	Name       string   // from "-- name:"
	Purpose    string   // from "-- purpose:" (continuation lines joined)
	Parameters []string // from "-- parameters:", one per "$name: ..." line
	Text       string
}

// Migrations returns the schema files in order (001_..., 002_...).
func Migrations() ([]File, error) { return load("schema") }

// Reports returns the report files sorted by name.
func Reports() ([]File, error) { return load("reports") }

// Statement returns a set-wise statement used while loading (sql/load).
func Statement(name string) (File, error) {
	fs, err := load("load")
	if err != nil {
		return File{}, err
	}
	for _, f := range fs {
		if f.Name == name {
			return f, nil
		}
	}
	return File{}, fmt.Errorf("sql/load: no statement %q", name)
}

// Library returns the shared report building blocks (sql/lib), to run on a
// report's connection before the report.
func Library() ([]File, error) { return load("lib") }

// Exports returns the Parquet export statements (sql/exports) sorted by name.
func Exports() ([]File, error) { return load("exports") }

// Report returns the named report.
func Report(name string) (File, bool, error) {
	rs, err := Reports()
	if err != nil {
		return File{}, false, err
	}
	for _, r := range rs {
		if r.Name == name {
			return r, true, nil
		}
	}
	return File{}, false, nil
}

func load(dir string) ([]File, error) {
	ents, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range ents {
		b, err := files.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		f, err := parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("sql/%s/%s: %w", dir, e.Name(), err)
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// parse reads the header comment block at the top of a file.
func parse(text string) (File, error) {
	f := File{Text: text}
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
			if p := strings.TrimSpace(strings.TrimPrefix(body, "parameters:")); p != "" && p != "none" {
				f.Parameters = append(f.Parameters, p)
			}
		case body == "":
			cur = ""
		case cur == "purpose":
			f.Purpose += " " + body
		case cur == "parameters" && strings.HasPrefix(body, "$"):
			f.Parameters = append(f.Parameters, body)
		case cur == "parameters" && len(f.Parameters) > 0:
			f.Parameters[len(f.Parameters)-1] += " " + body
		}
	}
	if f.Name == "" {
		return f, fmt.Errorf("header comment lacks '-- name:'")
	}
	if f.Purpose == "" {
		return f, fmt.Errorf("header comment lacks '-- purpose:'")
	}
	return f, nil
}

// ParamNames returns the $names a file's header declares.
func (f File) ParamNames() []string {
	var out []string
	for _, p := range f.Parameters {
		name, _, _ := strings.Cut(p, ":")
		out = append(out, strings.TrimPrefix(strings.TrimSpace(name), "$"))
	}
	return out
}
