package ingest

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/tradepipe/tradepipe/transform/country"
)

// A CEPII BACI release ships, in one zip or one folder, a trade file per
// year and two reference files beside them:
//
//	BACI_HS17_Y2019_V202401.csv         t,i,j,k,v,q
//	country_codes_V202401.csv           country_code,country_name,country_iso2,country_iso3
//	product_codes_HS17_V202401.csv      code,description
//
// The release (V202401, V202401b) is the vintage of each of them. The
// release's country codes say how its trade files' i and j read (codes
// change between releases): OpenReader uses the country-code file of the
// trade file's release when it is in the same zip or folder. The two
// reference files load as reference data (ProductSchema,
// ReleaseCountrySchema), not as trade.

// KindReference is reference data shipped with trade files (a BACI
// release's product descriptions and country codes).
const KindReference Kind = "reference"

var (
	sigBACICountries = []string{"country_code", "country_name", "country_iso2", "country_iso3"}
	sigBACIProducts  = []string{"code", "description"}
)

// ProductSchema is the shape of a product-description file.
var ProductSchema = arrow.NewSchema([]arrow.Field{
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "classification", Type: arrow.BinaryTypes.String}, // HS17, from the file's name
	{Name: "code", Type: arrow.BinaryTypes.String},           // as written, leading zeros kept
	{Name: "description", Type: arrow.BinaryTypes.String},
}, nil)

// ReleaseCountrySchema is the shape of a release's country-code file.
var ReleaseCountrySchema = arrow.NewSchema([]arrow.Field{
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "vintage", Type: arrow.BinaryTypes.String},
	{Name: "code", Type: arrow.BinaryTypes.String}, // the release's numeric code, as written
	{Name: "name", Type: arrow.BinaryTypes.String},
	{Name: "iso2", Type: arrow.BinaryTypes.String},
	{Name: "iso3", Type: arrow.BinaryTypes.String},
	{Name: "country", Type: arrow.BinaryTypes.String}, // tradepipe's code for it
}, nil)

var (
	baciVintage  = regexp.MustCompile(`(?i)_(V\d{6}[a-z]?)[._]`)
	baciProducts = regexp.MustCompile(`(?i)^product_codes_(HS\d\d)_`)
	baciCountry  = regexp.MustCompile(`(?i)^country_codes_(V\d{6}[a-z]?)[._].*csv(\.gz)?$`)
)

// baseName is the last element of a source name ("a.zip!dir/x.csv" gives
// "x.csv").
func baseName(name string) string {
	if i := strings.LastIndexByte(name, '!'); i >= 0 {
		name = name[i+1:]
	}
	return path.Base(filepath.ToSlash(name))
}

// Vintage is the publisher's release a file's name gives: BACI's V202401
// or V202401b; "" if none.
func Vintage(name string) string {
	if m := baciVintage.FindStringSubmatch(baseName(name)); m != nil {
		return "V" + m[1][1:]
	}
	return ""
}

// releaseCountryParser reads a release's country-code file. Each code's
// iso3 is read with the country table (former codes such as SUN, and
// BACI's S19 for Other Asia nes, included); a release that writes no iso3
// is read by its numeric code.
type releaseCountryParser struct {
	s       *scanner
	h       *header
	o       *options
	vintage string
}

func newReleaseCountryParser(s *scanner, o *options) (parser, error) {
	if err := needCodes(o); err != nil {
		return nil, err
	}
	h, err := readHeader(s, "baci-countries", sigBACICountries, 0)
	if err != nil {
		return nil, err
	}
	return &releaseCountryParser{s: s, h: h, o: o, vintage: Vintage(o.name)}, nil
}

func (p *releaseCountryParser) schema() *arrow.Schema { return ReleaseCountrySchema }

func (p *releaseCountryParser) row() (code string, c country.Country, r rec, err error) {
	fields, err := p.s.read()
	if err != nil {
		return "", c, r, err
	}
	r = rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(len(p.h.names)); err != nil {
		return "", c, r, err
	}
	code = r.str(0)
	if n, err := strconv.Atoi(code); err != nil || n < 0 || n > 999 {
		return "", c, r, r.fail(0, fmt.Errorf("%w: country code %q", ErrBadCode, clip(fields[0])))
	}
	if iso3 := r.str(3); iso3 != "" {
		c, err = r.country(p.o.codes, country.Alpha3, 3)
	} else {
		c, err = r.country(p.o.codes, country.Numeric, 0)
	}
	return code, c, r, err
}

func (p *releaseCountryParser) next(b *array.RecordBuilder) error {
	code, c, r, err := p.row()
	if err != nil {
		return err
	}
	b.Field(0).(*array.Int64Builder).Append(int64(p.s.recLine))
	for i, v := range []string{p.vintage, code, r.str(1), r.str(2), r.str(3), c.Code} {
		b.Field(1 + i).(*array.StringBuilder).Append(v)
	}
	return nil
}

// productParser reads a product-description file (code,description).
type productParser struct {
	s     *scanner
	h     *header
	class string
}

func newProductParser(s *scanner, o *options) (parser, error) {
	h, err := readHeader(s, "baci-products", sigBACIProducts, 0)
	if err != nil {
		return nil, err
	}
	class := "HS"
	if m := baciProducts.FindStringSubmatch(baseName(o.name)); m != nil {
		class = strings.ToUpper(m[1])
	}
	return &productParser{s: s, h: h, class: class}, nil
}

func (p *productParser) schema() *arrow.Schema { return ProductSchema }

func (p *productParser) next(b *array.RecordBuilder) error {
	fields, err := p.s.read()
	if err != nil {
		return err
	}
	r := rec{s: p.s, h: p.h, fields: fields}
	if err := r.wantFields(len(p.h.names)); err != nil {
		return err
	}
	code := r.str(0)
	if code == "" {
		return r.fail(0, fmt.Errorf("%w: empty product code", ErrBadCode))
	}
	b.Field(0).(*array.Int64Builder).Append(int64(p.s.recLine))
	b.Field(1).(*array.StringBuilder).Append(p.class)
	b.Field(2).(*array.StringBuilder).Append(code)
	b.Field(3).(*array.StringBuilder).Append(r.str(1))
	return nil
}

// releaseCodes reads a BACI release's numeric codes with its own
// country-code file; other schemes go to the table underneath. A numeric
// code the release does not list is unknown.
type releaseCodes struct {
	Codes
	file    string // the country-code file, for messages
	numeric map[string]country.Country
}

func (rc *releaseCodes) Lookup(s country.Scheme, code string) (country.Country, bool) {
	if s != country.Numeric {
		return rc.Codes.Lookup(s, code)
	}
	c, ok := rc.numeric[trimZeros(strings.TrimSpace(code))]
	return c, ok
}

// trimZeros drops a numeric code's leading zeros ("004" is "4").
func trimZeros(code string) string {
	if t := strings.TrimLeft(code, "0"); t != "" {
		return t
	}
	return "0"
}

// readReleaseCodes reads a release's country-code file into releaseCodes.
func readReleaseCodes(name string, r io.Reader, codes Codes) (*releaseCodes, error) {
	o := buildOptions([]Option{WithName(name), WithCodes(codes)})
	s := newScanner(name, newDecodeReader(name, r, -1))
	h, err := readHeader(s, "baci-countries", sigBACICountries, 0)
	if err != nil {
		return nil, err
	}
	p := &releaseCountryParser{s: s, h: h, o: o}
	rc := &releaseCodes{Codes: codes, file: name, numeric: map[string]country.Country{}}
	for {
		code, c, _, err := p.row()
		if err == io.EOF {
			return rc, nil
		}
		if err != nil {
			return nil, err
		}
		rc.numeric[trimZeros(code)] = c
	}
}

// releaseCountries finds the country-code file of src's release in the
// same zip or folder and reads it: the one of the same release, or the
// only one there. nil, nil when there is none.
func releaseCountries(src Source, codes Codes) (*releaseCodes, error) {
	want := Vintage(src.Name)
	pick := func(names []string) string {
		var found []string
		for _, n := range names {
			if m := baciCountry.FindStringSubmatch(baseName(n)); m != nil {
				if want != "" && strings.EqualFold(m[1], want) {
					return n
				}
				found = append(found, n)
			}
		}
		if len(found) == 1 {
			return found[0]
		}
		return ""
	}
	if src.Compression == "zip" {
		zr, err := zip.OpenReader(src.Path)
		if err != nil {
			return nil, &ParseError{File: src.Path, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		defer zr.Close()
		var names []string
		byName := map[string]*zip.File{}
		for _, e := range zr.File {
			if path.Dir(e.Name) == path.Dir(src.Entry) {
				names = append(names, e.Name)
				byName[e.Name] = e
			}
		}
		n := pick(names)
		if n == "" {
			return nil, nil
		}
		rc, err := byName[n].Open()
		if err != nil {
			return nil, &ParseError{File: src.Path + "!" + n, Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
		}
		defer rc.Close()
		return readReleaseCodes(src.Path+"!"+n, rc, codes)
	}
	dir := filepath.Dir(src.Path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil // no folder to look in: the table's codes
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	n := pick(names)
	if n == "" {
		return nil, nil
	}
	p := filepath.Join(dir, n)
	srcs, err := Sources(p)
	if err != nil {
		return nil, err
	}
	f, err := srcs[0].Open()
	if err != nil {
		return nil, &ParseError{File: p, Err: pathErr(err)}
	}
	defer f.Close()
	return readReleaseCodes(p, f, codes)
}
