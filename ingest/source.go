package ingest

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Source is one text to load: a plain file, a gzip file, one .csv entry
// of a zip archive, or a workbook (.xlsx, read whole). Zip entry names are
// labels only; nothing is ever written to disk under them.
type Source struct {
	Name        string // what messages show: the path, or "archive.zip!entry.csv"
	Path        string // the file on disk
	Entry       string // zip entry name, "" otherwise
	Compression string // "none", "gzip" or "zip"
	Size        int64  // bytes on disk; for a zip entry, its uncompressed size
}

// Sources lists the CSV texts in the file at p: itself, or for a zip archive
// every entry whose name ends in .csv (case-insensitive), sorted by name.
//
// Every error it returns is a *ParseError whose message starts with p.
func Sources(p string) ([]Source, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, &ParseError{File: p, Err: pathErr(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &ParseError{File: p, Err: pathErr(err)}
	}
	if st.IsDir() {
		return nil, &ParseError{File: p, Err: errIsDir}
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	switch {
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return []Source{{Name: p, Path: p, Compression: "gzip", Size: st.Size()}}, nil
	case n == 4 && string(magic[:]) == "PK\x03\x04", n == 4 && string(magic[:]) == "PK\x05\x06":
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, &ParseError{File: p, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		defer zr.Close()
		if isWorkbook(zr) { // an .xlsx file is a zip archive read whole
			return []Source{{Name: p, Path: p, Compression: "none", Size: st.Size()}}, nil
		}
		var out []Source
		for _, e := range zr.File {
			if e.FileInfo().IsDir() || !strings.EqualFold(path.Ext(e.Name), ".csv") {
				continue
			}
			out = append(out, Source{Name: p + "!" + e.Name, Path: p, Entry: e.Name, Compression: "zip", Size: int64(e.UncompressedSize64)})
		}
		if len(out) == 0 {
			return nil, &ParseError{File: p, Err: fmt.Errorf("%w: zip archive holds no .csv entry", ErrEmpty)}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Entry < out[j].Entry })
		return out, nil
	}
	return []Source{{Name: p, Path: p, Compression: "none", Size: st.Size()}}, nil
}

// isWorkbook reports whether a zip archive is an Office Open XML
// workbook (.xlsx).
func isWorkbook(zr *zip.ReadCloser) bool {
	for _, e := range zr.File {
		if e.Name == "xl/workbook.xml" {
			return true
		}
	}
	return false
}

// Open returns the decompressed text of the source.
func (s Source) Open() (io.ReadCloser, error) {
	switch s.Compression {
	case "zip":
		zr, err := zip.OpenReader(s.Path)
		if err != nil {
			return nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		for _, e := range zr.File {
			if e.Name == s.Entry {
				rc, err := e.Open()
				if err != nil {
					zr.Close()
					return nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
				}
				return multiCloser{rc, rc, zr}, nil
			}
		}
		zr.Close()
		return nil, fmt.Errorf("%s: entry vanished from archive", s.Name)
	case "gzip":
		f, err := os.Open(s.Path)
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10))
		if err != nil {
			f.Close()
			return nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		return multiCloser{zr, zr, f}, nil
	default:
		return os.Open(s.Path)
	}
}

// Hash returns the hex sha256 of the source's bytes: the file as stored for
// plain and gzip files, the entry's uncompressed bytes for a zip entry.
func (s Source) Hash() (string, error) {
	var r io.ReadCloser
	var err error
	if s.Compression == "zip" {
		r, err = s.Open()
	} else {
		r, err = os.Open(s.Path)
	}
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", readErr(s.Name, 0, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// OpenHashing is Open that also hashes, as they are read, the bytes Hash
// reads. sum reads whatever the caller left unread into the hash and
// returns what Hash would, without the second pass over the file that
// Hash and then Open would take. Call sum before closing.
func (s Source) OpenHashing() (rc io.ReadCloser, sum func() (string, error), err error) {
	h := sha256.New()
	var raw io.Reader // the bytes hashed, read directly by sum's drain
	switch s.Compression {
	case "zip":
		if rc, err = s.Open(); err != nil {
			return nil, nil, err
		}
		raw = rc
		rc = readCloser{io.TeeReader(rc, h), rc}
	default:
		f, err := os.Open(s.Path)
		if err != nil {
			return nil, nil, err
		}
		raw = f
		tee := io.TeeReader(f, h)
		if s.Compression != "gzip" {
			rc = readCloser{tee, f}
			break
		}
		zr, err := gzip.NewReader(bufio.NewReaderSize(tee, 256<<10))
		if err != nil {
			f.Close()
			return nil, nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		rc = multiCloser{zr, zr, f}
	}
	sum = func() (string, error) {
		if _, err := io.Copy(h, raw); err != nil {
			return "", readErr(s.Name, 0, err)
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	return rc, sum, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

var errIsDir = errors.New("is a directory")

// pathErr drops the operation and path from an *fs.PathError (the
// ParseError around it names the file); errors.Is still sees the cause.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

type multiCloser struct {
	io.Reader
	a, b io.Closer
}

func (m multiCloser) Close() error { return errors.Join(m.a.Close(), m.b.Close()) }

func isFlateOrGzipErr(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat)
}
