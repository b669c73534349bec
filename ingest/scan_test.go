package ingest

import (
	"bytes"
	"encoding/csv"
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
		// fields before a quoted field that goes on to the next line are
		// the first line's; the next line's text must not overwrite them
		{name: "fields before a quoted newline", in: "ab,\"c\",\"d\nefgh\",i\nj,k\n", want: [][]string{{"ab", "c", "d\nefgh", "i"}, {"j", "k"}}, lines: []int{1, 3}},
		{name: "escaped quote over lines", in: "a,\"b\"\"\nc\"\"\",\"d\"\r\n", want: [][]string{{"a", "b\"\nc\"", "d"}}, lines: []int{1}},
		{name: "escaped then plain", in: "\"x\"\"y\",\"z\",w\n", want: [][]string{{"x\"y", "z", "w"}}, lines: []int{1}},
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

// FuzzScanner: where both read a text, the scanner's records are
// encoding/csv's, but for the lines it skips as blank (spaces and tabs
// only), which encoding/csv gives as one-field records.
func FuzzScanner(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n", `"a","b,c",""` + "\n", "ab,\"c\",\"d\nefgh\",i\nj,k\n",
		"a,\"b\"\"\nc\"\"\",\"d\"\r\n", "x,\n\n \n\"\"\"\"\n", "\"a\r\nb\",c",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.ContainsAny(in, "\t\x00") || strings.HasPrefix(in, "\ufeff") || strings.Contains(in, "\r") {
			return // a tab picks the separator; NUL, a BOM and lone CRs are the scanner's own rules
		}
		var want [][]string
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			if len(rec) == 1 && strings.Trim(rec[0], " ") == "" && !strings.Contains(in, `"`) {
				continue
			}
			want = append(want, rec)
		}
		s := newScanner("t.csv", strings.NewReader(in))
		var got [][]string
		for {
			fields, err := s.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			rec := make([]string, len(fields))
			for i, f := range fields {
				rec[i] = string(f)
			}
			got = append(got, rec)
		}
		if strings.Contains(in, `"`) && !reflect.DeepEqual(got, want) {
			// A blank line and a quoted field of spaces are told apart
			// only by their quotes: compare where neither is in doubt.
			for _, r := range want {
				if len(r) == 1 && strings.Trim(r[0], " ") == "" {
					return
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("scanner %q\nencoding/csv %q", got, want)
		}
	})
}

// BenchmarkScanner reads lines in the IMF's SDMX-CSV shape: 41 fields,
// most short and unquoted, one long quoted description.
func BenchmarkScanner(b *testing.B) {
	line := `IMF.STA:ER(4.0.1),ABW,XDC_USD,PA_RT,M,1900-M01,521.587,0,,,,,,R,OL,true,,,` +
		`"This dataset contains historical exchange rate data between the US Dollar, Special Drawing Rights (SDR), Euro, and various national currencies.",` +
		`IMF,STA,help@data.imf.org,,"F31_ER,IFS",,,EN,2026-09-19T05:24:40.641560800Z,2026-09-19T05:24:40.722357100Z,,,PUBLIC_OPEN,,PUB,,,,,,,` + "\n"
	text := []byte(strings.Repeat(line, 20000))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s := newScanner("t.csv", bytes.NewReader(text))
		for {
			if _, err := s.read(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
}
