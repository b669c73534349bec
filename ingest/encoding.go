package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The encodings a text can be read as (FileReader.Encoding, the ledger's
// encoding column).
const (
	EncodingUTF8           = "utf-8"
	EncodingUTF8BOM        = "utf-8 (BOM)"
	EncodingWindows1252    = "windows-1252"
	EncodingWindows1252BOM = "windows-1252 (BOM)"
)

// ErrEncoding is text that is neither UTF-8 nor Windows-1252: bytes that
// are not UTF-8 after UTF-8 text other than ASCII, or a byte Windows-1252
// does not define.
var ErrEncoding = errors.New("text neither UTF-8 nor Windows-1252")

// decodeReader passes UTF-8 text through and decodes a Windows-1252 text
// (WITS downloads, Excel's "CSV" on Windows) to UTF-8, deciding from the
// bytes as they stream: the text is UTF-8 until a byte sequence that is not
// UTF-8 appears. If every byte before it was ASCII (a leading BOM aside),
// the text is Windows-1252 from that byte on — and the bytes before it read
// the same in both encodings, so nothing already passed on is wrong however
// deep in the file the first such byte sits. If UTF-8 other than ASCII came
// before it, the text mixes encodings and reading stops with ErrEncoding at
// the byte's line and column; so does a byte Windows-1252 does not define
// (0x81, 0x8D, 0x8F, 0x90, 0x9D). Positions count the bytes of the text as
// decoded, as the scanner does. A text starting with a UTF-16 byte-order
// mark is passed through untouched, for Detect to reject, and so is a
// workbook (the bytes of a zip archive).
type decodeReader struct {
	src  io.Reader
	name string

	buf        []byte
	w, e       int    // buf[:w] checked or decoded, buf[w:e] read, not yet
	ready      []byte // what Read hands out next
	out        []byte // Windows-1252 text decoded to UTF-8
	srcErr     error  // the source's error, after buf is drained
	err        error  // ErrEncoding, once met
	started    bool
	raw        bool // UTF-16 or a workbook: passed through
	bom        bool
	seenUTF8   bool // UTF-8 other than ASCII and the BOM was seen
	cp1252     bool // switched to Windows-1252
	lines, col int  // newlines in the text handed out, bytes after the last one
}

func newDecodeReader(name string, src io.Reader, size int64) *decodeReader {
	return &decodeReader{src: src, name: name, buf: make([]byte, bufferFor(size, 64<<10))}
}

// Encoding tells what the text was read as so far: at the end of the text,
// what the whole text was read as. "" for bytes passed through (UTF-16, a
// workbook).
func (d *decodeReader) Encoding() string {
	switch {
	case d.raw:
		return ""
	case d.cp1252 && d.bom:
		return EncodingWindows1252BOM
	case d.cp1252:
		return EncodingWindows1252
	case d.bom:
		return EncodingUTF8BOM
	}
	return EncodingUTF8
}

func (d *decodeReader) Read(p []byte) (int, error) {
	for len(d.ready) == 0 {
		switch {
		case d.err != nil:
			return 0, d.err
		case d.srcErr != nil && d.w == d.e:
			return 0, d.srcErr
		case d.raw:
			return d.src.Read(p)
		}
		d.fill()
	}
	n := copy(p, d.ready)
	d.ready = d.ready[n:]
	return n, nil
}

// fill reads more of the source and checks or decodes what it can.
func (d *decodeReader) fill() {
	copy(d.buf, d.buf[d.w:d.e]) // an unfinished rune, or bytes left at the switch
	d.e -= d.w
	d.w = 0
	if d.srcErr == nil && (d.e == 0 || !d.cp1252) {
		n, err := d.src.Read(d.buf[d.e:])
		d.e += n
		for !d.started && err == nil && d.e < 4 { // enough to see a byte-order mark
			n, err = d.src.Read(d.buf[d.e:])
			d.e += n
		}
		d.srcErr = err
	}
	b := d.buf[:d.e]
	if !d.started && len(b) > 0 {
		d.started = true
		// UTF-16 (for Detect to reject) and workbooks (zip bytes) pass through.
		if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte(zipMagic)) {
			d.raw = true
			d.src = io.MultiReader(bytes.NewReader(bytes.Clone(b)), d.rest())
			d.srcErr, d.e = nil, 0
			return
		}
		if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
			d.bom = true
			d.w = 3
		}
	}
	if d.cp1252 {
		d.decode(b)
		return
	}
	i := d.w
	for i < len(b) {
		i += asciiRun(b[i:])
		if i == len(b) {
			break
		}
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			d.seenUTF8 = true
			i += size
			continue
		}
		if !utf8.FullRune(b[i:]) && d.srcErr == nil {
			break // the rest of the rune is in the next read
		}
		if !d.seenUTF8 {
			d.cp1252 = true // from here on; buf[i:] is decoded by the next fill
			break
		}
		d.advance(b[d.w:i])
		d.err = d.errAt(fmt.Errorf("%w: byte 0x%02X is not UTF-8, after UTF-8 text; save the file in one encoding", ErrEncoding, b[i]))
		d.ready, d.w = b[:i], i
		return
	}
	d.advance(b[d.w:i])
	d.ready, d.w = b[:i], i
}

// decode decodes Windows-1252 bytes buf[w:e] into out, stopping at a byte
// Windows-1252 does not define.
func (d *decodeReader) decode(b []byte) {
	out := d.out[:0]
	i := d.w
	for ; i < len(b); i++ {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			if c == '\n' {
				d.lines, d.col = d.lines+1, 0
			} else {
				d.col++
			}
			continue
		}
		r := charmap.Windows1252.DecodeByte(c)
		if r == utf8.RuneError {
			d.err = d.errAt(fmt.Errorf("%w: byte 0x%02X is not UTF-8 and not a Windows-1252 character", ErrEncoding, c))
			break
		}
		out = utf8.AppendRune(out, r)
		d.col += utf8.RuneLen(r)
	}
	d.out, d.ready, d.w = out, out, i
	if d.err != nil {
		d.w = d.e
	}
}

func (d *decodeReader) errAt(err error) *ParseError {
	return &ParseError{File: d.name, Line: d.lines + 1, Column: d.col + 1, Err: err}
}

// rest is what the source has after buf.
func (d *decodeReader) rest() io.Reader {
	switch d.srcErr {
	case nil:
		return d.src
	case io.EOF:
		return bytes.NewReader(nil)
	}
	return errReader{d.srcErr}
}

// advance counts the lines of checked bytes, for error positions.
func (d *decodeReader) advance(b []byte) {
	if j := bytes.LastIndexByte(b, '\n'); j >= 0 {
		d.lines += bytes.Count(b, []byte{'\n'})
		d.col = len(b) - j - 1
		return
	}
	d.col += len(b)
}

// asciiRun is the length of b's leading run of ASCII bytes, short of it
// by at most 7: it reads 32 bytes a step, then 8, and stops at a step
// holding any other byte (the caller goes on byte by byte).
func asciiRun(b []byte) int {
	const high = 0x8080808080808080
	n := 0
	for ; n+32 <= len(b); n += 32 {
		w := b[n : n+32 : n+32]
		if (binary.LittleEndian.Uint64(w)|binary.LittleEndian.Uint64(w[8:])|
			binary.LittleEndian.Uint64(w[16:])|binary.LittleEndian.Uint64(w[24:]))&high != 0 {
			break
		}
	}
	for ; n+8 <= len(b); n += 8 {
		if binary.LittleEndian.Uint64(b[n:])&high != 0 {
			break
		}
	}
	return n
}
