package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/tradepipe/tradepipe/transform/country"
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
			err: "f.csv:2:7: text neither UTF-8 nor Windows-1252: byte 0xE7 is not UTF-8, after UTF-8 text; save the file in one encoding"},
		{name: "a byte Windows-1252 does not define", in: "Cura\xe7ao\nx\x81y\n", want: "Curaçao\nx", enc: EncodingWindows1252,
			err: "f.csv:2:2: text neither UTF-8 nor Windows-1252: byte 0x81 is not UTF-8 and not a Windows-1252 character"},
		{name: "utf-16 passed through", in: "\xFF\xFEa\x00", want: "\xFF\xFEa\x00", enc: ""},
		{name: "a workbook passed through", in: "PK\x03\x04\x14\x00\x81\xe7", want: "PK\x03\x04\x14\x00\x81\xe7", enc: ""},
		{name: "empty", in: "", want: "", enc: EncodingUTF8},
	}
	for _, tt := range tests {
		// size 0: the smallest buffer (a text known to be small gets one).
		for _, c := range []struct {
			one  bool
			size int64
		}{{false, -1}, {true, -1}, {false, 0}} {
			one := c.one
			var src io.Reader = strings.NewReader(tt.in)
			if one {
				src = iotest.OneByteReader(src)
			}
			d := newDecodeReader("f.csv", src, c.size)
			got, err := io.ReadAll(d)
			if string(got) != tt.want {
				t.Errorf("%s (one byte a read %v, buffer for %d bytes): got %q, want %q", tt.name, one, c.size, clipTest(got), clipTest([]byte(tt.want)))
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
		d := newDecodeReader("f", iotest.HalfReader(bytes.NewReader(in)), -1)
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

// TestOpenReaderEncoding: every format is read through the decoder; the
// reader says what the text was read as.
func TestOpenReaderEncoding(t *testing.T) {
	head := "Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,2018\r\n"
	many := strings.Repeat("United States,China,Import,  All Products,Import (US$ Thousand),1\r\n", 5000) // 340 KB
	tests := []struct {
		name, text, enc, err string
		rows                 int64
	}{
		{name: "windows-1252 deep inside", text: head + many + "United States,Cura\xe7ao,Import,  All Products,Import (US$ Thousand),2\r\n",
			enc: EncodingWindows1252, rows: 5001},
		{name: "windows-1252 with BOM", text: "\xEF\xBB\xBF" + head + "United States,Cura\xe7ao,Import,  All Products,Import (US$ Thousand),2\r\n",
			enc: EncodingWindows1252BOM, rows: 1},
		{name: "utf-8", text: head + "United States,Curaçao,Import,  All Products,Import (US$ Thousand),2\r\n", enc: EncodingUTF8, rows: 1},
		{name: "mixed", text: head + "United States,Curaçao,Import,  All Products,Import (US$ Thousand),2\r\nUnited States,Cura\xe7ao,Import,  All Products,Import (US$ Thousand),2\r\n",
			err: "f.csv:3:19: text neither UTF-8 nor Windows-1252"},
	}
	for _, tt := range tests {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, []byte(tt.text), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs, err := Sources(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs[0].Name = "f.csv"
		fr, err := OpenReader(srcs[0], "", WithCodes(country.Default()))
		var rows int64
		if err == nil { // an error in the first 64 KiB comes from detection
			for fr.Next() {
				rows += fr.RecordBatch().NumRows()
			}
			err = fr.Err()
			fr.Release()
			fr.Close()
		}
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) || !errors.Is(err, ErrEncoding) {
				t.Errorf("%s: error %v, want %s", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || rows != tt.rows || fr == nil || fr.Encoding() != tt.enc {
			t.Errorf("%s: %d rows, %q (%v); want %d rows, %q", tt.name, rows, fr.Encoding(), err, tt.rows, tt.enc)
		}
	}
}

// asciiRun stops short of the first other byte by less than a step of 8,
// wherever it sits, and short of the end by less than 8.
func TestASCIIRun(t *testing.T) {
	for size := 0; size < 100; size++ {
		b := bytes.Repeat([]byte("a"), size)
		if n := asciiRun(b); n > size || n <= size-8 {
			t.Errorf("all ASCII, %d bytes: %d", size, n)
		}
		for at := 0; at < size; at++ {
			b[at] = 0xC3
			if n := asciiRun(b); n > at || n <= at-8 {
				t.Errorf("%d bytes, 0xC3 at %d: %d", size, at, n)
			}
			b[at] = 'a'
		}
	}
}

func BenchmarkDecodeReader(b *testing.B) {
	text := bytes.Repeat([]byte("IMF.STA:ER(4.0.1),KAZ,XDC_USD,PA_RT,M,2019-M01,382.75,0,,,,,,R,OL,true,,\n"), 100000)
	buf := make([]byte, 256<<10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d := newDecodeReader("b.csv", bytes.NewReader(text), int64(len(text)))
		for {
			if _, err := d.Read(buf); err != nil {
				break
			}
		}
	}
}
