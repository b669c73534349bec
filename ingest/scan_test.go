package ingest

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestScanner(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  [][]string
		lines []int // line each record starts on
		err   string
	}{
		{name: "simple", in: "a,b\n1,2\n", want: [][]string{{"a", "b"}, {"1", "2"}}, lines: []int{1, 2}},
		{name: "crlf and bom", in: "\ufeffa,b\r\n1,2\r\n", want: [][]string{{"a", "b"}, {"1", "2"}}, lines: []int{1, 2}},
		{name: "no final newline", in: "a,b\n1,2", want: [][]string{{"a", "b"}, {"1", "2"}}, lines: []int{1, 2}},
		{name: "quoted", in: `"a","b,c",""` + "\n", want: [][]string{{"a", "b,c", ""}}, lines: []int{1}},
		{name: "escaped quote", in: `"say ""hi""",x` + "\n", want: [][]string{{`say "hi"`, "x"}}, lines: []int{1}},
		{name: "trailing comma", in: `"a",` + "\n" + "b,\n", want: [][]string{{"a", ""}, {"b", ""}}, lines: []int{1, 2}},
		{name: "blank lines skipped but counted", in: "a\n\n\nb\n", want: [][]string{{"a"}, {"b"}}, lines: []int{1, 4}},
		{name: "quoted newline", in: "\"x\ny\",2\nz,3\n", want: [][]string{{"x\ny", "2"}, {"z", "3"}}, lines: []int{1, 3}},
		{name: "unterminated quote", in: "a,b\n1,\"2\n", err: `t.csv:2:3: bad quoting: unterminated quoted field`},
		{name: "bare quote", in: "a,b\n1,x\"y\n", err: `t.csv:2:4: bad quoting: bare " in unquoted field`},
		{name: "junk after quote", in: "\"a\"x,b\n", err: `t.csv:1:4: bad quoting: extraneous 'x' after closing quote`},
		{name: "nul byte", in: "a,b\n1,2\x003\n", err: `t.csv:2:4: NUL byte`},
		{name: "utf16", in: "\xff\xfea\x00,\x00", err: `t.csv:1: UTF-16 text is not supported; save the file as UTF-8`},
		{name: "long field", in: "a," + strings.Repeat("x", maxFieldBytes+1) + "\n", err: `t.csv:1:3: field too long: over 65536 bytes`},
		{name: "long line", in: strings.Repeat("x,", maxRecordBytes), err: `t.csv:1: field too long: line longer than 1048576 bytes`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScanner("t.csv", strings.NewReader(tc.in))
			var got [][]string
			var lines []int
			var err error
			for {
				var rec [][]byte
				rec, err = s.read()
				if err != nil {
					break
				}
				var r []string
				for _, f := range rec {
					r = append(r, string(f))
				}
				got = append(got, r)
				lines = append(lines, s.recLine)
			}
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %s", err, tc.err)
				}
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %T is not a *ParseError", err)
				}
				return
			}
			if err != io.EOF {
				t.Fatalf("unexpected error %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("records = %q, want %q", got, tc.want)
			}
			if !reflect.DeepEqual(lines, tc.lines) {
				t.Errorf("lines = %v, want %v", lines, tc.lines)
			}
		})
	}
}
