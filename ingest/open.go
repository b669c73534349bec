package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// FileReader is an open source being read as canonical batches.
type FileReader struct {
	array.RecordReader
	Format Format
	rc     io.Closer
	sum    func() (string, error)
	dec    *decodeReader
	// Vintage is the publisher's release the file belongs to (BACI's
	// V202401), "" if its name gives none.
	Vintage string
	// ReleaseCodes names the country-code file the reader read the
	// release's codes with (BACI), "" if none.
	ReleaseCodes string
}

// Encoding tells what the text was read as (EncodingUTF8 ...): at the end
// of the text, what all of it was read as.
func (f *FileReader) Encoding() string { return f.dec.Encoding() }

// SHA256 returns the source's hash (Source.Hash) when the reader was
// opened WithSHA256, reading what the reader left unread; the reader gives
// no more batches after it. Call it before Close.
func (f *FileReader) SHA256() (string, error) {
	if f.sum == nil {
		return "", errors.New("ingest: reader opened without WithSHA256")
	}
	if s, ok := f.RecordReader.(interface{ stopReading() }); ok {
		s.stopReading() // no goroutine of its own reads the source while sum does
	}
	return f.sum()
}

// ReadAhead starts reading and parsing the text now, on the reader's own
// goroutines, instead of at the first Next: for a caller with something
// else to do first on one core (open the database the rows go to), so the
// other parses the first chunks meanwhile. A reader with no goroutines of
// its own (a small text, a format read in one pass) reads at Next as
// before. What is read ahead is bounded as the reading is (a few chunks).
func (f *FileReader) ReadAhead() {
	if r, ok := f.RecordReader.(interface{ readAhead() }); ok {
		r.readAhead()
	}
}

// WithSHA256 hashes the source's bytes as they are read (FileReader.SHA256).
func WithSHA256() Option { return func(o *options) { o.sha256 = true } }

// Close closes the underlying file; call it after the last Release.
func (f *FileReader) Close() error { return f.rc.Close() }

// countingReader reports the bytes read through it (for progress displays).
type countingReader struct {
	r      io.Reader
	onRead func(n int64)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.onRead(int64(n))
	}
	return n, err
}

// WithProgress calls f with the number of (decompressed) bytes each read
// consumed, for progress displays. f may run on a goroutine of the
// reader's own (a parallel reader reads ahead of Next), one call at a time.
func WithProgress(f func(n int64)) Option { return func(o *options) { o.progress = f } }

// OpenReader opens src and returns a reader of its rows. With format ""
// the format is detected from the header; otherwise it must be a known name.
// Options other than WithName apply as given; the name is src.Name.
func OpenReader(src Source, format string, opts ...Option) (*FileReader, error) {
	var f Format
	if format != "" {
		var ok bool
		if f, ok = FormatByName(format); !ok {
			return nil, fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(FormatNames(), ", "))
		}
	}
	o := buildOptions(opts)
	var rc io.ReadCloser
	var sum func() (string, error)
	var err error
	if o.sha256 {
		rc, sum, err = src.OpenHashingContext(o.ctx)
	} else {
		rc, err = src.OpenContext(o.ctx)
	}
	if err != nil {
		return nil, err
	}
	var r io.Reader = rc
	if o.progress != nil {
		r = countingReader{r: rc, onRead: o.progress}
	}
	textSize := src.Size
	if src.Compression == "gzip" {
		textSize = -1
	}
	dec := newDecodeReader(src.Name, r, textSize)
	r = dec
	if format == "" {
		if f, r, err = detect(src.Name, r, textSize); err != nil {
			rc.Close()
			return nil, err
		}
	}
	fr := &FileReader{Format: f, rc: rc, sum: sum, dec: dec}
	if strings.HasPrefix(f.Name, "baci") { // a BACI release's files name it
		fr.Vintage = Vintage(src.Name)
	}
	if f.Name == "baci" && o.codes != nil {
		rel, err := releaseCountries(src, o.codes)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("%s: reading its release's country codes: %w", src.Name, err)
		}
		if rel != nil {
			opts = append(opts, WithCodes(rel))
			fr.ReleaseCodes = rel.file
		}
	}
	rr, err := f.NewReader(r, append(opts, WithName(src.Name), withTextSize(textSize))...)
	if err != nil {
		rc.Close()
		return nil, err
	}
	fr.RecordReader = rr
	return fr, nil
}

// FormatNames lists the names --format accepts.
func FormatNames() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.Name
	}
	return out
}
