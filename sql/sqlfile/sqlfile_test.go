package sqlfile

import (
	dsql "database/sql"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       File
		err        string
	}{
		{name: "full", text: `-- name: regional-shares
-- purpose: the headline. Per year,
--          the shares.
-- parameters:
--   $dataset: the dataset to read
--   $group: the group, by
--           name (default C5)
--   $cif_fob: the factor (default 1.06)
--   $basis: how (default reporter; flow
--           for a flow table)

-- not header: $x: y
SELECT 1`, want: File{Name: "regional-shares", Purpose: "the headline. Per year, the shares.", Parameters: []Param{
			{Name: "dataset", Doc: "the dataset to read"},
			{Name: "group", Doc: "the group, by name (default C5)", Default: "C5"},
			{Name: "cif_fob", Doc: "the factor (default 1.06)", Default: "1.06"},
			{Name: "basis", Doc: "how (default reporter; flow for a flow table)", Default: "reporter"},
		}}},
		{name: "none", text: "-- name: x\n-- purpose: p\n-- parameters: none (the macros take arguments)\nSELECT 1",
			want: File{Name: "x", Purpose: "p"}},
		{name: "inline", text: "-- name: x\n-- purpose: p\n-- parameters: $a: one\n",
			want: File{Name: "x", Purpose: "p", Parameters: []Param{{Name: "a", Doc: "one"}}}},
		{name: "default not at the end", text: "-- name: x\n-- purpose: p\n-- parameters:\n--   $a: (default 1) or more\n",
			want: File{Name: "x", Purpose: "p", Parameters: []Param{{Name: "a", Doc: "(default 1) or more"}}}},
		{name: "no name", text: "-- purpose: p\n", err: "f.sql: header comment lacks '-- name:'"},
		{name: "no purpose", text: "-- name: x\nSELECT 1", err: "f.sql: header comment lacks '-- purpose:'"},
		{name: "twice", text: "-- name: x\n-- purpose: p\n-- parameters:\n--   $a: one\n--   $a: two\n",
			err: "f.sql: parameter $a declared twice"},
		{name: "unnamed", text: "-- name: x\n-- purpose: p\n-- parameters:\n--   $: one\n",
			err: "f.sql: a parameter line lacks its name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("f.sql", c.text)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.want.Path, c.want.Text = "f.sql", c.text
			if !reflect.DeepEqual(f, c.want) {
				t.Errorf("got  %+v\nwant %+v", f, c.want)
			}
		})
	}
}

func TestDirAndBind(t *testing.T) {
	fsys := fstest.MapFS{
		"q/b.sql":    {Data: []byte("-- name: b\n-- purpose: p\n-- parameters:\n--   $y: y\n--   $x: x\nSELECT $x, $y")},
		"q/a.sql":    {Data: []byte("-- name: a\n-- purpose: p\nSELECT 1")},
		"q/notes.md": {Data: []byte("not sql")},
	}
	fs, err := Dir(fsys, "q")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Name != "a" || fs[1].Name != "b" || fs[1].Path != "q/b.sql" {
		t.Fatalf("Dir: %+v", fs)
	}
	b, ok := Find(fs, "b")
	if !ok {
		t.Fatal("Find b")
	}
	if _, ok := Find(fs, "c"); ok {
		t.Error("Find c found something")
	}
	if got := b.ParamNames(); !reflect.DeepEqual(got, []string{"y", "x"}) {
		t.Errorf("ParamNames %v", got)
	}
	args, err := b.Bind(map[string]any{"x": 1, "y": "two", "z": 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{dsql.Named("y", "two"), dsql.Named("x", 1)}; !reflect.DeepEqual(args, want) {
		t.Errorf("Bind %v, want %v", args, want)
	}
	if _, err := b.Bind(map[string]any{"x": 1}); err == nil || !strings.Contains(err.Error(), "q/b.sql: no value for $y") {
		t.Errorf("Bind without y: %v", err)
	}
	if _, err := Dir(fstest.MapFS{"q/bad.sql": {Data: []byte("SELECT 1")}}, "q"); err == nil || !strings.Contains(err.Error(), "q/bad.sql") {
		t.Errorf("Dir of a file without a header: %v", err)
	}
}
