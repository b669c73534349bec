package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

func TestDecodeReader(t *testing.T) {
	deep := strings.Repeat("Reporter,Partner,1\n", 20000) // 380 KB of ASCII: past the first reads
	tests := []struct {
		name, in, want, enc string
		err                 string // the error's text, "" for none
	}{
		{name: "ascii", in: "a,b\n1,2\n", want: "a,b\n1,2\n", enc: EncodingUTF8},
		{name: "utf-8", in: "Curaçao,Côte d'Ivoire\n", want: "Curaçao,Côte d'Ivoire\n", enc: EncodingUTF8},
		{name: "utf-8 BOM", in: "\xEF\xBB\xBFCuraçao\n", want: "\xEF\xBB\xBFCuraçao\n", enc: EncodingUTF8BOM},
		{name: "windows-1252", in: "United States,Cura\xe7ao,1\n", want: "United States,Curaçao,1\n", enc: EncodingWindows1252},
		{name: "windows-1252 quotes and euro", in: "\x93x\x94 \x80 \xe9\n", want: "\u201cx\u201d € é\n", enc: EncodingWindows1252},
		{name: "windows-1252 BOM", in: "\xEF\xBB\xBFC\xf4te\n", want: "\xEF\xBB\xBFCôte\n", enc: EncodingWindows1252BOM},
		{name: "windows-1252 deep inside", in: deep + "Cura\xe7ao\n", want: deep + "Curaçao\n", enc: EncodingWindows1252},
		{name: "utf-8 deep inside", in: deep + "Curaçao\n", want: deep + "Curaçao\n", enc: EncodingUTF8},
		{name: "rune cut at the end", in: "abc\xc3", want: "abcÃ", enc: EncodingWindows1252},
		{name: "mixed", in: "Curaçao\nx,Cura\xe7ao\n", want: "Curaçao\nx,Cura", enc: EncodingUTF8,
			err: "f.csv:2:7: invalid UTF-8 in a text that is UTF-8 before this point; save the file in one encoding (byte 0xE7)"},
		{name: "utf-16 passed through", in: "\xFF\xFEa\x00", want: "\xFF\xFEa\x00", enc: ""},
		{name: "empty", in: "", want: "", enc: EncodingUTF8},
	}
	for _, tt := range tests {
		for _, one := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tt.in)
			if one {
				src = iotest.OneByteReader(src)
			}
			d := newDecodeReader("f.csv", src)
			got, err := io.ReadAll(d)
			if string(got) != tt.want {
				t.Errorf("%s (one byte a read %v): got %q, want %q", tt.name, one, clipTest(got), clipTest([]byte(tt.want)))
			}
			if d.Encoding() != tt.enc {
				t.Errorf("%s: encoding %q, want %q", tt.name, d.Encoding(), tt.enc)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("%s: %v", tt.name, err)
			case tt.err != "" && (err == nil || err.Error() != tt.err):
				t.Errorf("%s: error %v, want %s", tt.name, err, tt.err)
			case tt.err != "" && !errors.Is(err, ErrEncoding):
				t.Errorf("%s: error %v is not ErrEncoding", tt.name, err)
			}
		}
	}
}

func clipTest(b []byte) []byte {
	if len(b) > 60 {
		return b[len(b)-60:]
	}
	return b
}

// FuzzDecodeReader: whatever the bytes, the decoder gives UTF-8 or a
// positioned error, and gives valid UTF-8 back unchanged.
func FuzzDecodeReader(f *testing.F) {
	for _, s := range []string{"a,b\n", "Cura\xe7ao\n", "\xEF\xBB\xBFx", "é\n\xe9", "\xc3", "\xFF\xFE"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := newDecodeReader("f", iotest.HalfReader(bytes.NewReader(in)))
		got, err := io.ReadAll(d)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error %v is not positioned", err)
			}
			return
		}
		if d.Encoding() == "" {
			return
		}
		if !utf8.Valid(got) {
			t.Fatalf("output %q is not UTF-8", got)
		}
		if utf8.Valid(in) && !bytes.Equal(got, in) {
			t.Fatalf("valid UTF-8 %q changed to %q", in, got)
		}
	})
}
