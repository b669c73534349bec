package ingest

import (
	"archive/zip"
	"bufio"
	stdflate "compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
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
	// ModTime is the file's (for a zip entry, the archive's) modification
	// time when it was listed. Opening fails with ErrChanged when the file
	// no longer has it, or (plain and gzip) no longer has Size; zero checks
	// nothing at open. Every read checks, at its end, that the file is as
	// it was when it was opened.
	ModTime time.Time
	// Index is a zip entry's position in the archive: entries are distinct
	// by position, and two may share a name.
	Index int
	// at is where a zip entry's data lies in the archive as Sources read
	// its directory, so that opening the entry does not read the whole
	// directory again (a 10,000-entry archive's directory is read once,
	// not 10,000 times); nil for a Source made by hand.
	at *entryAt
}

// entryAt locates a zip entry's data: what Sources read from the archive's
// directory and the entry's local header.
type entryAt struct {
	archiveSize int64 // the archive's size when listed
	offset      int64 // of the entry's data
	compressed  int64 // its size as stored
	method      uint16
	crc32       uint32
}

// Sources lists the CSV texts in the file at p: itself, or for a zip archive
// every entry whose name ends in .csv (case-insensitive), sorted by name.
//
// Every error it returns is a *ParseError whose message starts with p.
func Sources(p string) ([]Source, error) {
	f, st, err := openRegular(p)
	if err != nil {
		return nil, &ParseError{File: p, Err: err}
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	switch {
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return []Source{{Name: p, Path: p, Compression: "gzip", Size: st.Size(), ModTime: st.ModTime()}}, nil
	case n == 4 && string(magic[:]) == "PK\x03\x04", n == 4 && string(magic[:]) == "PK\x05\x06":
		zr, err := zip.NewReader(f, st.Size())
		if err != nil {
			return nil, &ParseError{File: p, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		if isWorkbook(zr) { // an .xlsx file is a zip archive read whole
			return []Source{{Name: p, Path: p, Compression: "none", Size: st.Size(), ModTime: st.ModTime()}}, nil
		}
		var out []Source
		names := map[string]int{}
		for i, e := range zr.File {
			if e.FileInfo().IsDir() || !strings.EqualFold(path.Ext(e.Name), ".csv") {
				continue
			}
			name := p + "!" + e.Name
			if names[e.Name]++; names[e.Name] > 1 {
				name = fmt.Sprintf("%s (entry %d)", name, i+1)
			}
			src := Source{Name: name, Path: p, Entry: e.Name, Compression: "zip",
				Size: int64(e.UncompressedSize64), ModTime: st.ModTime(), Index: i}
			if off, err := e.DataOffset(); err == nil && (e.Method == zip.Store || e.Method == zip.Deflate) {
				src.at = &entryAt{archiveSize: st.Size(), offset: off, compressed: int64(e.CompressedSize64), method: e.Method, crc32: e.CRC32}
			}
			out = append(out, src)
		}
		if len(out) == 0 {
			return nil, &ParseError{File: p, Err: fmt.Errorf("%w: zip archive holds no .csv entry", ErrEmpty)}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Entry < out[j].Entry })
		return out, nil
	}
	return []Source{{Name: p, Path: p, Compression: "none", Size: st.Size(), ModTime: st.ModTime()}}, nil
}

// openRegular opens the regular file at p. Anything else is refused
// before it is opened: a directory, and a FIFO, device or socket, whose
// open may block and whose read may never end. The error names no path.
func openRegular(p string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, pathErr(err)
	}
	if err := regular(st); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, pathErr(err)
	}
	fst, err := f.Stat()
	if err == nil {
		err = regular(fst)
	}
	if err == nil && !os.SameFile(st, fst) {
		err = ErrChanged
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fst, nil
}

func regular(st fs.FileInfo) error {
	switch {
	case st.IsDir():
		return errIsDir
	case !st.Mode().IsRegular():
		return ErrNotRegular
	}
	return nil
}

// stableFile reads a file as it was when opened: no byte past the size it
// had then, and at the end (or at any error) it checks that the file still
// has that size and modification time, failing with ErrChanged otherwise.
// It stops with the context's error once the context is done.
type stableFile struct {
	ctx  context.Context
	f    *os.File
	name string
	size int64
	mod  time.Time
	n    int64
}

// openStable opens the source's file, checking it against the listing.
func (s Source) openStable(ctx context.Context) (*stableFile, error) {
	f, st, err := openRegular(s.Path)
	if err == nil && !s.ModTime.IsZero() && (!st.ModTime().Equal(s.ModTime) || (s.Compression != "zip" && st.Size() != s.Size)) {
		f.Close()
		err = fmt.Errorf("%w (since it was listed)", ErrChanged)
	}
	if err != nil {
		return nil, &ParseError{File: s.Name, Err: err}
	}
	return &stableFile{ctx: ctx, f: f, name: s.Name, size: st.Size(), mod: st.ModTime()}, nil
}

func (g *stableFile) Read(p []byte) (int, error) {
	if err := g.ctx.Err(); err != nil {
		return 0, err
	}
	if g.n >= g.size {
		return 0, g.check(io.EOF)
	}
	if rem := g.size - g.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := g.f.Read(p)
	g.n += int64(n)
	if err != nil {
		err = g.check(err)
	}
	return n, err
}

func (g *stableFile) ReadAt(p []byte, off int64) (int, error) {
	if err := g.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := g.f.ReadAt(p, off)
	if err != nil {
		err = g.check(err)
	}
	return n, err
}

// check gives ErrChanged if the file is no longer as it was opened, else err.
func (g *stableFile) check(err error) error {
	st, serr := g.f.Stat()
	if serr != nil {
		return serr
	}
	if st.Size() != g.size || !st.ModTime().Equal(g.mod) {
		return &ParseError{File: g.name, Err: fmt.Errorf("%w (%d bytes when opened, %d now)", ErrChanged, g.size, st.Size())}
	}
	return err
}

func (g *stableFile) Close() error { return g.f.Close() }

// entryReader is a zip entry's text; at its end, or at an error, it checks
// that the archive is as it was opened.
type entryReader struct {
	r  io.Reader
	ar *stableFile
}

func (e entryReader) Read(p []byte) (int, error) {
	if err := e.ar.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := e.r.Read(p)
	if err != nil {
		err = e.ar.check(err)
	}
	return n, err
}

// isWorkbook reports whether a zip archive is an Office Open XML
// workbook (.xlsx).
func isWorkbook(zr *zip.Reader) bool {
	for _, e := range zr.File {
		if e.Name == "xl/workbook.xml" {
			return true
		}
	}
	return false
}

// Open returns the decompressed text of the source.
func (s Source) Open() (io.ReadCloser, error) { return s.OpenContext(context.Background()) }

// OpenContext is Open whose reads stop with ctx's error once ctx is done.
func (s Source) OpenContext(ctx context.Context) (io.ReadCloser, error) {
	f, err := s.openStable(ctx)
	if err != nil {
		return nil, err
	}
	switch s.Compression {
	case "zip":
		rc, err := s.openEntry(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		return multiCloser{entryReader{rc, f}, rc, f}, nil
	case "gzip":
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10))
		if err != nil {
			f.Close()
			return nil, gzipOpenErr(s.Name, err)
		}
		return multiCloser{zr, zr, f}, nil
	default:
		return f, nil
	}
}

func gzipOpenErr(name string, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &ParseError{File: name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
}

// openEntry opens the zip entry at the source's position in the archive
// (by name where the position holds another: a Source made by hand).
func (s Source) openEntry(f *stableFile) (io.ReadCloser, error) {
	if a := s.at; a != nil && a.archiveSize == f.size && f.mod.Equal(s.ModTime) {
		return a.open(f, s.Size), nil
	}
	zr, err := zip.NewReader(f, f.size)
	if err != nil {
		return nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	zr.RegisterDecompressor(zip.Deflate, inflater)
	var e *zip.File
	if s.Index >= 0 && s.Index < len(zr.File) && zr.File[s.Index].Name == s.Entry {
		e = zr.File[s.Index]
	} else {
		for _, x := range zr.File {
			if x.Name == s.Entry {
				e = x
				break
			}
		}
	}
	if e == nil {
		return nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: entry vanished from archive", ErrChanged)}
	}
	rc, err := e.Open()
	if err != nil {
		return nil, &ParseError{File: s.Name, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	return rc, nil
}

// open reads the entry's data where the listing found it, decompressed,
// checked at its end against the size and CRC-32 the directory gave, as
// archive/zip checks them.
func (a *entryAt) open(f *stableFile, size int64) io.ReadCloser {
	var r io.Reader = io.NewSectionReader(f, a.offset, a.compressed)
	var c io.Closer = io.NopCloser(nil)
	if a.method == zip.Deflate {
		fr := newInflater(bufio.NewReaderSize(r, bufferFor(a.compressed, 32<<10)))
		r, c = fr, fr
	}
	return &checkedEntry{r: r, c: c, want: a.crc32, size: size, h: crc32.NewIEEE()}
}

// inflaters keeps deflate readers for the next entries: each holds a
// 32 KB window, and a zip of 10,000 small entries made 20,000 of them (a
// hash pass and a read each), 0.6 GB of allocation for 3 MB of text.
var inflaters sync.Pool // of io.ReadCloser (flate.Resetter too)

// pooledInflater is a deflate reader that goes back to inflaters when
// closed, once; a read after that fails instead of reading what another
// entry has it read.
type pooledInflater struct{ fr io.ReadCloser }

func newInflater(r io.Reader) io.ReadCloser {
	if fr, ok := inflaters.Get().(io.ReadCloser); ok && fr.(flate.Resetter).Reset(r, nil) == nil {
		return &pooledInflater{fr}
	}
	return &pooledInflater{flate.NewReader(r)}
}

func (p *pooledInflater) Read(b []byte) (int, error) {
	if p.fr == nil {
		return 0, os.ErrClosed
	}
	return p.fr.Read(b)
}

func (p *pooledInflater) Close() error {
	if p.fr == nil {
		return nil
	}
	err := p.fr.Close()
	inflaters.Put(p.fr)
	p.fr = nil
	return err
}

// inflater is the zip archives' deflate reader.
func inflater(r io.Reader) io.ReadCloser { return flate.NewReader(r) }

// checkedEntry is a zip entry's text, its size and CRC-32 checked at EOF.
type checkedEntry struct {
	r    io.Reader
	c    io.Closer
	h    hash.Hash32
	want uint32
	size int64
	n    int64
}

func (e *checkedEntry) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.h.Write(p[:n])
	e.n += int64(n)
	if e.n > e.size {
		return n, zip.ErrFormat
	}
	if err == io.EOF && (e.n != e.size || e.h.Sum32() != e.want) {
		return n, zip.ErrChecksum
	}
	return n, err
}

func (e *checkedEntry) Close() error { return e.c.Close() }

// Hash returns the hex sha256 of the source's bytes: the file as stored for
// plain and gzip files, the entry's uncompressed bytes for a zip entry.
func (s Source) Hash() (string, error) { return s.HashContext(context.Background()) }

// HashContext is Hash that stops with ctx's error once ctx is done.
func (s Source) HashContext(ctx context.Context) (string, error) {
	f, err := s.openStable(ctx)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var r io.Reader = f
	if s.Compression == "zip" {
		rc, err := s.openEntry(f)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		r = entryReader{rc, f}
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, r, make([]byte, bufferFor(s.Size, 32<<10))); err != nil {
		return "", readErr(s.Name, 0, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// OpenHashing is Open that also hashes, as they are read, the bytes Hash
// reads. sum reads whatever the caller left unread into the hash and
// returns what Hash would, without the second pass over the file that
// Hash and then Open would take. Call sum before closing.
func (s Source) OpenHashing() (rc io.ReadCloser, sum func() (string, error), err error) {
	return s.OpenHashingContext(context.Background())
}

// OpenHashingContext is OpenHashing whose reads, sum's among them, stop
// with ctx's error once ctx is done.
func (s Source) OpenHashingContext(ctx context.Context) (rc io.ReadCloser, sum func() (string, error), err error) {
	var raw io.Reader // the bytes hashed, read directly by sum's drain
	var closer io.Closer
	switch s.Compression {
	case "zip":
		zc, err := s.OpenContext(ctx)
		if err != nil {
			return nil, nil, err
		}
		raw, closer = zc, zc
	default:
		f, err := s.openStable(ctx)
		if err != nil {
			return nil, nil, err
		}
		raw, closer = f, f
	}
	h := newAsyncHash(sha256.New())
	var r io.Reader = io.TeeReader(raw, h)
	if s.Compression == "gzip" {
		zr, err := gzip.NewReader(bufio.NewReaderSize(r, 256<<10))
		if err != nil {
			h.stop()
			closer.Close()
			return nil, nil, gzipOpenErr(s.Name, err)
		}
		r, closer = zr, multiCloser{zr, zr, closer}
	}
	rc = readCloser{r, closeFunc(func() error {
		h.stop()
		return closer.Close()
	})}
	sum = func() (string, error) {
		if _, err := io.Copy(h, raw); err != nil {
			return "", readErr(s.Name, 0, err)
		}
		return hex.EncodeToString(h.sum()), nil
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
	return IsCompressionError(err) && !errors.Is(err, zip.ErrAlgorithm)
}

// IsCompressionError reports whether err is a gzip or zip text's own
// fault: a corrupt deflate stream, a bad header or checksum, a zip
// archive's bad format or unknown method. Texts are inflated with
// klauspost/compress (25-45% faster than compress/flate on a BACI year's
// entry: 142-162 MB/s against 204-207 MB/s), whose errors are its own.
func IsCompressionError(err error) bool {
	var ce flate.CorruptInputError
	var sce stdflate.CorruptInputError
	return errors.As(err, &ce) || errors.As(err, &sce) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm)
}
