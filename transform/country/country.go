package country

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
)

//go:generate go run ./internal/genseed

// Scheme names the coding system a code is written in.
type Scheme string

const (
	// Alpha3 is ISO 3166-1 alpha-3 and ISO 3166-3 former codes (KAZ, SUN,
	// ANT ...), the tradepipe codes (WLD, XNS, EAS, IMF_5X ...) and the
	// ISO-like codes of Comtrade+ files (W00, S19, _X ...).
	Alpha3 Scheme = "alpha3"
	// Alpha2 is ISO 3166-1 alpha-2 (KZ) and the IMF's own codes as the IMF
	// file's "Country code" column writes them (1C_355, 5X, U2, R1, CSH,
	// DE2, XK ...).
	Alpha2 Scheme = "alpha2"
	// Numeric is ISO 3166-1 numeric as BACI writes it: ISO with Comtrade's
	// exceptions (842 USA, 251 France, 381 Italy, 579 Norway, 757
	// Switzerland, 699 India, 490 Other Asia nes ...).
	Numeric Scheme = "numeric"
	// Comtrade is UN Comtrade's reporter and partner codes: M49 with the
	// same exceptions, 0 World, 899 areas nes, 837 bunkers, 838 free zones,
	// 839 special categories, the regional nes areas and former countries.
	Comtrade Scheme = "comtrade"
	// Name is a country name as WITS, IMF, World Bank, Comtrade and DOTS
	// files write it, compared after NormalizeName.
	Name Scheme = "name"
)

var schemes = []Scheme{Alpha3, Alpha2, Numeric, Comtrade, Name}

// Kind tells what an entity is.
type Kind string

const (
	KindCountry   Kind = "country"   // an ISO 3166-1 country or territory, or Kosovo
	KindFormer    Kind = "former"    // an ISO 3166-3 former country
	KindWorld     Kind = "world"     // the world total
	KindNes       Kind = "nes"       // areas not elsewhere specified, Other Asia nes
	KindSpecial   Kind = "special"   // bunkers, free zones, special categories
	KindAggregate Kind = "aggregate" // regions, income groups, currency unions: recognised, never loaded as countries
)

var kinds = map[Kind]bool{KindCountry: true, KindFormer: true, KindWorld: true, KindNes: true, KindSpecial: true, KindAggregate: true}

// Country is one entity of the table.
type Country struct {
	Code     string // ISO 3166-1 alpha-3, ISO 3166-3 alpha-3 for former countries, or a tradepipe code
	Name     string // English short name
	Kind     Kind
	Currency string // ISO 4217 code of its currency today; "" where none
}

// CodeRow is one mapping of the table: Code, written in Scheme, means the
// entity Country. Numeric and Comtrade codes are written without leading
// zeros, alpha codes upper-case and names normalised, as Lookup compares
// them.
type CodeRow struct {
	Scheme  Scheme
	Code    string
	Country string
}

// Table is the loaded table. It is read-only and safe for concurrent use.
type Table struct {
	all       []Country
	byCode    map[string]int            // entity code -> index in all
	index     map[Scheme]map[string]int // scheme -> normalised code -> index in all
	overrides []CodeRow                 // derived rows that aliases.csv replaced (for the tests)
}

//go:embed seed/*.csv
var seedFS embed.FS

var (
	loadOnce   sync.Once
	loaded     *Table
	loadErr    error
	alphaCode  = regexp.MustCompile(`^[A-Z0-9_]+$`)
	currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Load parses the embedded seed files, once; later calls return the
// same table.
func Load() (*Table, error) {
	loadOnce.Do(func() { loaded, loadErr = loadSeeds(seedFS) })
	return loaded, loadErr
}

// Default is Load for callers that cannot go on without
// the table: it panics if the embedded seed files are broken, which the
// package tests rule out.
func Default() *Table {
	c, err := Load()
	if err != nil {
		panic("country: " + err.Error())
	}
	return c
}

// Lookup resolves code written in scheme. The code is trimmed; alpha codes
// are compared upper-cased; numeric and Comtrade codes accept leading zeros
// ("4" == "04" == "004"); names are compared after NormalizeName.
func (c *Table) Lookup(s Scheme, code string) (Country, bool) {
	key, ok := normalizeCode(s, code)
	if !ok {
		return Country{}, false
	}
	i, ok := c.index[s][key]
	if !ok {
		return Country{}, false
	}
	return c.all[i], true
}

// All returns every entity, sorted by Code.
func (c *Table) All() []Country {
	return append([]Country(nil), c.all...)
}

// Codes returns every mapping, sorted by scheme (alpha3, alpha2, numeric,
// comtrade, name), then code (numerically for numeric schemes).
func (c *Table) Codes() []CodeRow {
	var out []CodeRow
	for _, s := range schemes {
		keys := make([]string, 0, len(c.index[s]))
		for k := range c.index[s] {
			keys = append(keys, k)
		}
		if s == Numeric || s == Comtrade {
			sort.Slice(keys, func(i, j int) bool {
				if len(keys[i]) != len(keys[j]) {
					return len(keys[i]) < len(keys[j])
				}
				return keys[i] < keys[j]
			})
		} else {
			sort.Strings(keys)
		}
		for _, k := range keys {
			out = append(out, CodeRow{Scheme: s, Code: k, Country: c.all[c.index[s][k]].Code})
		}
	}
	return out
}

// normalizeCode puts a code into the form the index keys use.
func normalizeCode(s Scheme, code string) (string, bool) {
	code = strings.TrimSpace(code)
	switch s {
	case Alpha3, Alpha2:
		code = strings.ToUpper(code)
		return code, code != ""
	case Numeric, Comtrade:
		if code == "" || strings.Trim(code, "0123456789") != "" {
			return "", false
		}
		code = strings.TrimLeft(code, "0")
		if code == "" {
			code = "0"
		}
		return code, true
	case Name:
		code = NormalizeName(code)
		return code, code != ""
	}
	return "", false
}

// NormalizeName is the form names are compared in. It
//
//   - drops a byte-order mark and turns every kind of white space into a
//     space, then trims and collapses runs of spaces into one;
//   - lower-cases;
//   - strips diacritics from Latin letters (Côte -> cote, Curaçao ->
//     curacao, Réunion -> reunion, Türkiye -> turkiye; ß -> ss, æ -> ae,
//     ø -> o) and drops combining marks;
//   - writes every typographic apostrophe or quotation mark (’ ‘ ʼ ` ´ “ ”)
//     as ' and every dash (– — ‐ −) as -;
//   - drops trailing full stops ("Kyrgyz Rep." == "Kyrgyz Rep").
//
// Other punctuation is kept: "Korea, Rep." and "Korea Rep" differ.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '\ufeff' || unicode.Is(unicode.Mn, r) || r == '\u200b' {
			continue
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		r = unicode.ToLower(r)
		switch r {
		case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '\u02bc', '\u02bb', '`', '\u00b4', '"', '\u201c', '\u201d', '\u201e', '\u2033':
			b.WriteByte('\'')
			continue
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
			b.WriteByte('-')
			continue
		}
		if r < 0x80 {
			b.WriteRune(r)
		} else if f, ok := fold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	out := b.String()
	for strings.HasSuffix(out, ".") {
		out = strings.TrimRight(strings.TrimSuffix(out, "."), " ")
	}
	return out
}

// fold maps lower-case Latin letters with diacritics (Latin-1 Supplement,
// Latin Extended-A and the Romanian comma letters) to plain ASCII.
var fold = func() map[rune]string {
	m := map[rune]string{}
	for base, letters := range map[string]string{
		"a":  "àáâãäåāăą",
		"c":  "çćĉċč",
		"d":  "ďđð",
		"e":  "èéêëēĕėęě",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįı",
		"j":  "ĵ",
		"k":  "ķĸ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉŋ",
		"o":  "òóôõöøōŏő",
		"r":  "ŕŗř",
		"s":  "śŝşšș",
		"t":  "ţťŧț",
		"u":  "ùúûüũūŭůűų",
		"w":  "ŵ",
		"y":  "ýÿŷ",
		"z":  "źżž",
		"ae": "æ",
		"oe": "œ",
		"ss": "ß",
		"th": "þ",
		"ij": "ĳ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// loadSeeds builds the table from the seed files in fsys.
func loadSeeds(fsys fs.FS) (*Table, error) {
	read := func(name string, header ...string) ([][]string, error) {
		b, err := fs.ReadFile(fsys, "seed/"+name)
		if err != nil {
			return nil, err
		}
		return readSeed(name, b, header)
	}
	iso, err := read("iso3166.csv", "code", "alpha2", "numeric", "name", "kind", "currency")
	if err != nil {
		return nil, err
	}
	isoNames, err := read("iso3166_names.csv", "code", "name", "source")
	if err != nil {
		return nil, err
	}
	specials, err := read("specials.csv", "code", "name", "kind", "currency")
	if err != nil {
		return nil, err
	}
	aliases, err := read("aliases.csv", "scheme", "code", "country", "note")
	if err != nil {
		return nil, err
	}

	c := &Table{byCode: map[string]int{}, index: map[Scheme]map[string]int{}}
	for _, s := range schemes {
		c.index[s] = map[string]int{}
	}
	type src struct {
		file string
		line int
	}
	addEntity := func(at src, rec []string, iso bool) error {
		e := Country{Code: rec[0], Name: rec[len(rec)-3], Kind: Kind(rec[len(rec)-2]), Currency: rec[len(rec)-1]}
		switch {
		case !alphaCode.MatchString(e.Code):
			return fmt.Errorf("%s:%d: bad code %q", at.file, at.line, e.Code)
		case e.Name == "":
			return fmt.Errorf("%s:%d: %s has no name", at.file, at.line, e.Code)
		case !kinds[e.Kind]:
			return fmt.Errorf("%s:%d: %s has unknown kind %q", at.file, at.line, e.Code, e.Kind)
		case iso && e.Kind != KindCountry && e.Kind != KindFormer:
			return fmt.Errorf("%s:%d: %s: ISO entries are country or former, not %q", at.file, at.line, e.Code, e.Kind)
		case e.Currency != "" && !currencyRe.MatchString(e.Currency):
			return fmt.Errorf("%s:%d: %s has bad currency %q", at.file, at.line, e.Code, e.Currency)
		}
		if _, dup := c.byCode[e.Code]; dup {
			return fmt.Errorf("%s:%d: code %s defined twice", at.file, at.line, e.Code)
		}
		c.byCode[e.Code] = len(c.all)
		c.all = append(c.all, e)
		return nil
	}
	// Derived rows: a conflict between two of them is an error.
	derived := map[Scheme]map[string]src{}
	for _, s := range schemes {
		derived[s] = map[string]src{}
	}
	derive := func(at src, s Scheme, code, country string) error {
		if code == "" {
			return nil
		}
		key, ok := normalizeCode(s, code)
		if !ok {
			return fmt.Errorf("%s:%d: bad %s code %q", at.file, at.line, s, code)
		}
		i := c.byCode[country]
		if j, dup := c.index[s][key]; dup && j != i {
			prev := derived[s][key]
			return fmt.Errorf("%s:%d: %s %q means %s, but %s:%d made it %s", at.file, at.line, s, code, country, prev.file, prev.line, c.all[j].Code)
		}
		c.index[s][key] = i
		derived[s][key] = at
		return nil
	}

	for n, rec := range iso {
		at := src{"iso3166.csv", n + 2}
		if err := addEntity(at, rec, true); err != nil {
			return nil, err
		}
	}
	for n, rec := range specials {
		at := src{"specials.csv", n + 2}
		if err := addEntity(at, rec, false); err != nil {
			return nil, err
		}
	}
	for n, rec := range iso {
		at := src{"iso3166.csv", n + 2}
		for _, d := range []struct {
			s    Scheme
			code string
		}{{Alpha3, rec[0]}, {Alpha2, rec[1]}, {Numeric, rec[2]}, {Comtrade, rec[2]}, {Name, rec[3]}} {
			if err := derive(at, d.s, d.code, rec[0]); err != nil {
				return nil, err
			}
		}
	}
	for n, rec := range isoNames {
		at := src{"iso3166_names.csv", n + 2}
		if _, ok := c.byCode[rec[0]]; !ok {
			return nil, fmt.Errorf("%s:%d: unknown code %q", at.file, at.line, rec[0])
		}
		if err := derive(at, Name, rec[1], rec[0]); err != nil {
			return nil, err
		}
	}
	for n, rec := range specials {
		at := src{"specials.csv", n + 2}
		if err := derive(at, Alpha3, rec[0], rec[0]); err != nil {
			return nil, err
		}
		if err := derive(at, Name, rec[1], rec[0]); err != nil {
			return nil, err
		}
	}

	// Aliases win over derived rows; two aliases for one key are an error.
	seen := map[Scheme]map[string]int{}
	for _, s := range schemes {
		seen[s] = map[string]int{}
	}
	for n, rec := range aliases {
		line := n + 2
		s, code, country := Scheme(rec[0]), rec[1], rec[2]
		if _, ok := c.index[s]; !ok {
			return nil, fmt.Errorf("aliases.csv:%d: unknown scheme %q", line, rec[0])
		}
		i, ok := c.byCode[country]
		if !ok {
			return nil, fmt.Errorf("aliases.csv:%d: %s %q: unknown country %q", line, s, code, country)
		}
		key, ok := normalizeCode(s, code)
		if !ok {
			return nil, fmt.Errorf("aliases.csv:%d: bad %s code %q", line, s, code)
		}
		if prev, dup := seen[s][key]; dup {
			return nil, fmt.Errorf("aliases.csv:%d: %s %q is already given on line %d", line, s, code, prev)
		}
		seen[s][key] = line
		if j, ok := c.index[s][key]; ok {
			if j == i {
				return nil, fmt.Errorf("aliases.csv:%d: %s %q -> %s is already derived from %s:%d", line, s, code, country, derived[s][key].file, derived[s][key].line)
			}
			c.overrides = append(c.overrides, CodeRow{Scheme: s, Code: key, Country: country})
		}
		c.index[s][key] = i
	}

	// Sort entities by code and re-point the indexes.
	order := make([]int, len(c.all))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return c.all[order[a]].Code < c.all[order[b]].Code })
	newPos := make([]int, len(order))
	sorted := make([]Country, len(order))
	for pos, old := range order {
		newPos[old] = pos
		sorted[pos] = c.all[old]
	}
	c.all = sorted
	for code, old := range c.byCode {
		c.byCode[code] = newPos[old]
	}
	for _, m := range c.index {
		for k, old := range m {
			m[k] = newPos[old]
		}
	}
	return c, nil
}

// readSeed parses one seed file and checks its header; it returns the data
// records.
func readSeed(name string, b []byte, header []string) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(header)
	var recs [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(header, ",") {
		return nil, fmt.Errorf("%s: want the header %s", name, strings.Join(header, ","))
	}
	for i, rec := range recs[1:] {
		for j, f := range rec {
			if f != strings.TrimSpace(f) {
				return nil, fmt.Errorf("%s:%d: field %s has surrounding spaces: %q", name, i+2, header[j], f)
			}
		}
	}
	return recs[1:], nil
}

// IsAggregate tells whether the entity is a region, income group or
// currency union: recognised in files, never loaded as a country.
func (c Country) IsAggregate() bool { return c.Kind == KindAggregate }

// String returns "CODE (Name, kind)".
func (c Country) String() string {
	return c.Code + " (" + c.Name + ", " + string(c.Kind) + ")"
}
