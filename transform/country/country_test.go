package country

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func table(t *testing.T) *Table {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLookup(t *testing.T) {
	c := table(t)
	tests := []struct {
		scheme   Scheme
		code     string
		want     string
		kind     Kind
		currency string // checked when not ""
	}{
		// Kazakhstan, every way it is written.
		{Alpha3, "KAZ", "KAZ", KindCountry, "KZT"},
		{Alpha3, " kaz ", "KAZ", KindCountry, "KZT"},
		{Alpha2, "KZ", "KAZ", KindCountry, "KZT"},
		{Numeric, "398", "KAZ", KindCountry, ""},
		{Comtrade, "398", "KAZ", KindCountry, ""},
		{Name, "Kazakhstan", "KAZ", KindCountry, ""},
		{Name, "Kazakhstan, Rep. of", "KAZ", KindCountry, ""},
		{Name, "Kazakhstan, Republic of", "KAZ", KindCountry, ""},
		{Name, "  KAZAKHSTAN,   Rep. of ", "KAZ", KindCountry, ""},
		// Central Asia, China, Russia and their currencies.
		{Alpha3, "KGZ", "KGZ", KindCountry, "KGS"},
		{Alpha3, "TJK", "TJK", KindCountry, "TJS"},
		{Alpha3, "TKM", "TKM", KindCountry, "TMT"},
		{Alpha3, "UZB", "UZB", KindCountry, "UZS"},
		{Alpha3, "CHN", "CHN", KindCountry, "CNY"},
		{Alpha3, "RUS", "RUS", KindCountry, "RUB"},
		{Name, "Kyrgyz Republic", "KGZ", KindCountry, ""},
		{Name, "Kyrgyz Rep.", "KGZ", KindCountry, ""},
		{Name, "China, P.R.: Mainland", "CHN", KindCountry, ""},
		// ASEAN currencies.
		{Alpha3, "BRN", "BRN", KindCountry, "BND"},
		{Alpha3, "KHM", "KHM", KindCountry, "KHR"},
		{Alpha3, "IDN", "IDN", KindCountry, "IDR"},
		{Alpha3, "LAO", "LAO", KindCountry, "LAK"},
		{Alpha3, "MYS", "MYS", KindCountry, "MYR"},
		{Alpha3, "MMR", "MMR", KindCountry, "MMK"},
		{Alpha3, "PHL", "PHL", KindCountry, "PHP"},
		{Alpha3, "SGP", "SGP", KindCountry, "SGD"},
		{Alpha3, "THA", "THA", KindCountry, "THB"},
		{Alpha3, "VNM", "VNM", KindCountry, "VND"},
		// Comtrade's exceptions to M49.
		{Comtrade, "842", "USA", KindCountry, "USD"},
		{Comtrade, "840", "USA", KindCountry, ""},
		{Comtrade, "699", "IND", KindCountry, "INR"},
		{Comtrade, "251", "FRA", KindCountry, ""},
		{Comtrade, "381", "ITA", KindCountry, ""},
		{Comtrade, "579", "NOR", KindCountry, ""},
		{Comtrade, "757", "CHE", KindCountry, ""},
		{Comtrade, "492", "XEU", KindNes, ""},
		{Numeric, "492", "MCO", KindCountry, ""},
		{Numeric, "842", "USA", KindCountry, ""},
		{Numeric, "490", "S19", KindNes, ""},
		// World, nes and special partners.
		{Comtrade, "0", "WLD", KindWorld, ""},
		{Comtrade, "000", "WLD", KindWorld, ""},
		{Alpha3, "W00", "WLD", KindWorld, ""},
		{Alpha3, "WLD", "WLD", KindWorld, ""},
		{Name, "World", "WLD", KindWorld, ""},
		{Comtrade, "899", "XNS", KindNes, ""},
		{Alpha3, "_X", "XNS", KindNes, ""},
		{Name, "Unspecified", "XNS", KindNes, ""},
		{Name, "Areas, nes", "XNS", KindNes, ""},
		{Comtrade, "490", "S19", KindNes, ""},
		{Alpha3, "S19", "S19", KindNes, ""},
		{Name, "Other Asia, nes", "S19", KindNes, ""},
		{Comtrade, "837", "XBK", KindSpecial, ""},
		{Comtrade, "838", "XFZ", KindSpecial, ""},
		{Comtrade, "839", "XSC", KindSpecial, ""},
		{Comtrade, "577", "F19", KindNes, ""},
		// Leading zeros.
		{Numeric, "004", "AFG", KindCountry, "AFN"},
		{Numeric, "04", "AFG", KindCountry, ""},
		{Numeric, "4", "AFG", KindCountry, ""},
		{Comtrade, "004", "AFG", KindCountry, ""},
		// Former countries.
		{Alpha3, "SUN", "SUN", KindFormer, ""},
		{Comtrade, "810", "SUN", KindFormer, ""},
		{Alpha2, "SUH", "SUN", KindFormer, ""},
		{Name, "USSR", "SUN", KindFormer, ""},
		{Alpha3, "CSK", "CSK", KindFormer, ""},
		{Comtrade, "200", "CSK", KindFormer, ""},
		{Alpha2, "CSH", "CSK", KindFormer, ""},
		{Alpha2, "DE2", "DDR", KindFormer, ""},
		{Comtrade, "278", "DDR", KindFormer, ""},
		{Comtrade, "280", "DEU", KindCountry, ""},
		{Comtrade, "891", "SCG", KindFormer, ""},
		{Comtrade, "890", "YUG", KindFormer, ""},
		{Comtrade, "530", "ANT", KindFormer, ""},
		{Alpha2, "AN", "ANT", KindFormer, ""},
		{Comtrade, "720", "YMD", KindFormer, ""},
		{Alpha2, "1C_459", "YMD", KindFormer, ""},
		{Alpha2, "1C_473", "YEM", KindCountry, ""},
		{Comtrade, "58", "BEL", KindCountry, ""},
		{Comtrade, "711", "ZAF", KindCountry, ""},
		{Comtrade, "736", "SDN", KindCountry, ""},
		{Name, "Serbia, FR(Serbia/Montenegro)", "SCG", KindFormer, ""},
		// Aggregates.
		{Alpha3, "EAS", "EAS", KindAggregate, ""},
		{Alpha3, "ECS", "ECS", KindAggregate, ""},
		{Alpha3, "EMU", "EMU", KindAggregate, "EUR"},
		{Alpha2, "U2", "EMU", KindAggregate, "EUR"},
		{Alpha2, "5X", "IMF_5X", KindAggregate, "XAF"},
		{Alpha2, "7A", "IMF_7A", KindAggregate, "XOF"},
		{Alpha2, "1C_355", "IMF_1C_355", KindAggregate, ""},
		{Alpha3, "CHI", "CHI", KindAggregate, "GBP"},
		{Name, "Advanced Economies", "IMF_ADV", KindAggregate, ""},
		{Name, "Euro Area", "EMU", KindAggregate, ""},
		// Kosovo and Taiwan.
		{Alpha3, "XKX", "XKX", KindCountry, "EUR"},
		{Alpha2, "XK", "XKX", KindCountry, "EUR"},
		{Name, "Kosovo, Rep. of", "XKX", KindCountry, ""},
		{Alpha2, "TW", "TWN", KindCountry, "TWD"},
		{Name, "Taiwan Province of China", "TWN", KindCountry, ""},
		// Names with diacritics, typographic quotes and trailing dots.
		{Name, "Côte d’Ivoire", "CIV", KindCountry, ""},
		{Name, "Cote d'Ivoire", "CIV", KindCountry, ""},
		{Name, "Curaçao", "CUW", KindCountry, ""},
		{Name, "Türkiye, Republic of", "TUR", KindCountry, ""},
		{Name, "São Tomé and Príncipe, Dem. Rep. of", "STP", KindCountry, ""},
		{Name, "\ufeffBahamas, The", "BHS", KindCountry, ""},
		{Name, "East Timor", "TLS", KindCountry, ""},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.scheme, tt.code)
		if !ok {
			t.Errorf("Lookup(%s, %q): not found, want %s", tt.scheme, tt.code, tt.want)
			continue
		}
		if got.Code != tt.want || got.Kind != tt.kind {
			t.Errorf("Lookup(%s, %q) = %v, want %s kind %s", tt.scheme, tt.code, got, tt.want, tt.kind)
		}
		if tt.currency != "" && got.Currency != tt.currency {
			t.Errorf("Lookup(%s, %q).Currency = %q, want %q", tt.scheme, tt.code, got.Currency, tt.currency)
		}
	}

	for _, miss := range []struct {
		s    Scheme
		code string
	}{
		{Alpha3, ""}, {Alpha3, "ZZZ"}, {Alpha2, "QQ"}, {Numeric, "4a"}, {Numeric, "-4"}, {Numeric, ""},
		{Comtrade, "9999"}, {Name, "Atlantis"}, {Name, "   "}, {Scheme("iso"), "KAZ"},
		{Name, "Memorandum Items"}, // a DOTS section label, not an entity
	} {
		if got, ok := c.Lookup(miss.s, miss.code); ok {
			t.Errorf("Lookup(%s, %q) = %v, want not found", miss.s, miss.code, got)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kazakhstan", "kazakhstan"},
		{"  Kyrgyz   Rep. ", "kyrgyz rep"},
		{"Côte d’Ivoire", "cote d'ivoire"},
		{"Cote d`Ivoire", "cote d'ivoire"},
		{"Curaçao", "curacao"},
		{"Réunion", "reunion"},
		{"Türkiye", "turkiye"},
		{"Åland Islands", "aland islands"},
		{"São Tomé and Príncipe", "sao tome and principe"},
		{"Saint Barthélemy", "saint barthelemy"},
		{"Cote\u0301 d'Ivoire", "cote d'ivoire"}, // combining accent
		{"\ufeffBahamas,\u00a0The", "bahamas, the"},
		{"Guinea\u2013Bissau", "guinea-bissau"},
		{"Occ.Pal.Terr", "occ.pal.terr"},
		{"Korea, Dem. People's Rep...", "korea, dem. people's rep"},
		{"", ""},
		{" . ", ""},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// wantOverrides lists the derived rows that aliases.csv replaces on purpose.
// A new override means a code or name now means something else than ISO
// says: add it here only after checking that this is intended.
var wantOverrides = []string{
	"comtrade 492 -> XEU", // Comtrade's Europe EU nes; ISO 492 is Monaco, which Comtrade counts in France
	"name east timor -> TLS",
}

func TestTableConsistency(t *testing.T) {
	c := table(t)

	var got []string
	for _, o := range c.overrides {
		got = append(got, fmt.Sprintf("%s %s -> %s", o.Scheme, o.Code, o.Country))
	}
	sort.Strings(got)
	want := append([]string(nil), wantOverrides...)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("aliases.csv overrides derived rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// All is sorted by code, codes are unique, every entity is found by its
	// own code.
	all := c.All()
	for i, e := range all {
		if i > 0 && all[i-1].Code >= e.Code {
			t.Errorf("All() not sorted or not unique at %s, %s", all[i-1].Code, e.Code)
		}
		if got, ok := c.Lookup(Alpha3, e.Code); !ok || got != e {
			t.Errorf("Lookup(alpha3, %s) = %v, %v; want %v", e.Code, got, ok, e)
		}
	}

	// Every (scheme, code) appears once in Codes, points at an entity, and
	// Lookup agrees with it.
	seen := map[string]string{}
	for _, r := range c.Codes() {
		k := string(r.Scheme) + " " + r.Code
		if prev, dup := seen[k]; dup {
			t.Errorf("%s maps to both %s and %s", k, prev, r.Country)
		}
		seen[k] = r.Country
		got, ok := c.Lookup(r.Scheme, r.Code)
		if !ok || got.Code != r.Country {
			t.Errorf("Codes() has %s -> %s, but Lookup gives %v, %v", k, r.Country, got, ok)
		}
	}

	// Every alias and every extra name points at an entity of the table.
	for _, f := range []struct {
		file string
		col  int
	}{{"aliases.csv", 2}, {"iso3166_names.csv", 0}} {
		recs := readSeedFile(t, f.file)
		for i, rec := range recs[1:] {
			if _, ok := c.Lookup(Alpha3, rec[f.col]); !ok {
				t.Errorf("%s:%d: unknown country %q", f.file, i+2, rec[f.col])
			}
		}
	}

	// Tradepipe codes never clash with ISO 3166 alpha-3 codes (current or
	// former, including former codes the generator left out).
	iso := map[string]bool{}
	for _, rec := range readSeedFile(t, "iso3166.csv")[1:] {
		iso[rec[0]] = true
	}
	iso["ATF"] = true
	for _, rec := range readSeedFile(t, "specials.csv")[1:] {
		if iso[rec[0]] {
			t.Errorf("specials.csv: %s is an ISO 3166 code", rec[0])
		}
	}

	// iso3166.csv carries currencies.csv (run go generate after editing it).
	cur := map[string]string{}
	for _, rec := range readSeedFile(t, "currencies.csv")[1:] {
		cur[rec[0]] = rec[1]
	}
	for _, e := range all {
		if e.Kind == KindCountry && iso[e.Code] && cur[e.Code] != e.Currency {
			t.Errorf("%s: currency %q in iso3166.csv, %q in currencies.csv: run go generate", e.Code, e.Currency, cur[e.Code])
		}
		if e.Kind == KindFormer && e.Currency != "" {
			t.Errorf("%s: a former country has currency %q", e.Code, e.Currency)
		}
	}
	if len(cur) != 249 {
		t.Errorf("currencies.csv has %d countries, want the 249 of ISO 3166-1", len(cur))
	}
}

func readSeedFile(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := seedFS.ReadFile("seed/" + name)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs
}

// TestLoadErrors feeds the loader broken seed files.
func TestLoadErrors(t *testing.T) {
	const (
		iso      = "code,alpha2,numeric,name,kind,currency\nKAZ,KZ,398,Kazakhstan,country,KZT\nMCO,MC,492,Monaco,country,EUR\n"
		isoNames = "code,name,source\nKAZ,Republic of Kazakhstan,official_name\n"
		specials = "code,name,kind,currency\nWLD,World,world,\nXEU,\"Europe EU, nes\",nes,\n"
		aliases  = "scheme,code,country,note\n"
	)
	files := func(iso, isoNames, specials, aliases string) fstest.MapFS {
		return fstest.MapFS{
			"seed/iso3166.csv":       {Data: []byte(iso)},
			"seed/iso3166_names.csv": {Data: []byte(isoNames)},
			"seed/specials.csv":      {Data: []byte(specials)},
			"seed/aliases.csv":       {Data: []byte(aliases)},
		}
	}
	c, err := loadSeeds(files(iso, isoNames, specials, aliases+"comtrade,492,XEU,\nname,Kazakhstan Rep,KAZ,\n"))
	if err != nil {
		t.Fatalf("good seed: %v", err)
	}
	if got, _ := c.Lookup(Comtrade, "492"); got.Code != "XEU" {
		t.Errorf("alias did not override: %v", got)
	}
	if got, _ := c.Lookup(Numeric, "0492"); got.Code != "MCO" {
		t.Errorf("numeric 492 = %v, want MCO", got)
	}
	tests := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"alias to unknown country", files(iso, isoNames, specials, aliases+"name,Atlantis,ATL,\n"), `unknown country "ATL"`},
		{"two aliases for one name", files(iso, isoNames, specials, aliases+"name,Kazakstan,KAZ,\nname,KAZAKSTAN.,WLD,\n"), "already given on line 2"},
		{"two aliases for one code", files(iso, isoNames, specials, aliases+"comtrade,0,WLD,\ncomtrade,000,WLD,\n"), "already given on line 2"},
		{"alias repeating a derived row", files(iso, isoNames, specials, aliases+"alpha2,KZ,KAZ,\n"), "already derived"},
		{"unknown scheme", files(iso, isoNames, specials, aliases+"iso,KZ,KAZ,\n"), `unknown scheme "iso"`},
		{"bad numeric code", files(iso, isoNames, specials, aliases+"numeric,4a,KAZ,\n"), "bad numeric code"},
		{"derived conflict", files(iso, isoNames+"MCO,Kazakhstan,common_name\n", specials, aliases), `name "Kazakhstan" means MCO`},
		{"duplicate entity", files(iso, isoNames, specials+"KAZ,Kazakhstan again,country,\n", aliases), "code KAZ defined twice"},
		{"bad kind", files(iso, isoNames, specials+"XYZ,Xyz,region,\n", aliases), `unknown kind "region"`},
		{"special kind in iso file", files(iso+"WLX,,,World,world,\n", isoNames, specials, aliases), "ISO entries are country or former"},
		{"bad currency", files(iso, isoNames, specials+"XYZ,Xyz,aggregate,eur\n", aliases), `bad currency "eur"`},
		{"wrong header", files(strings.Replace(iso, "currency", "ccy", 1), isoNames, specials, aliases), "want the header"},
		{"field count", files(iso, isoNames, specials, aliases+"name,x\n"), "wrong number of fields"},
		{"missing file", fstest.MapFS{}, "iso3166.csv"},
	}
	for _, tt := range tests {
		_, err := loadSeeds(tt.fs)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

// realdata is the folder of real source files beside the repository.
var realdata = filepath.Join("..", "..", "..", "shared", "realdata")

// fileChecker checks codes and names against the table and collects failures.
type fileChecker struct {
	t      *testing.T
	c      *Table
	failed map[string]bool
}

func (r *fileChecker) lookup(where string, s Scheme, code string) (Country, bool) {
	got, ok := r.c.Lookup(s, code)
	if !ok {
		r.fail("%s: %s %q does not resolve", where, s, code)
	}
	return got, ok
}

func (r *fileChecker) fail(format string, args ...any) {
	if r.failed == nil {
		r.failed = map[string]bool{}
	}
	r.failed[fmt.Sprintf(format, args...)] = true
}

func (r *fileChecker) report() {
	var msgs []string
	for m := range r.failed {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	for _, m := range msgs {
		r.t.Error(m)
	}
}

// same checks that a code and a name of one row resolve to one entity.
func (r *fileChecker) same(where string, s1 Scheme, v1 string, s2 Scheme, v2 string) {
	a, ok1 := r.lookup(where, s1, v1)
	b, ok2 := r.lookup(where, s2, v2)
	if ok1 && ok2 && a.Code != b.Code {
		r.fail("%s: %s %q is %s but %s %q is %s", where, s1, v1, a.Code, s2, v2, b.Code)
	}
}

func TestRealFiles(t *testing.T) {
	if _, err := os.Stat(realdata); err != nil {
		t.Skipf("../shared/realdata not present: the real-file checks need the shared folder beside the repository (%v)", err)
	}
	c := table(t)

	t.Run("wits", func(t *testing.T) {
		r := &fileChecker{t: t, c: c}
		files, _ := filepath.Glob(filepath.Join(realdata, "wits_partner_timeseries_phylogeography_efp", "*.csv"))
		if len(files) == 0 {
			t.Fatal("no WITS files")
		}
		n := 0
		for _, f := range files {
			recs := readCSV(t, f, 0)
			h := headerIndex(t, f, recs[0], "Reporter Name", "Partner Name")
			for i, rec := range recs[1:] {
				where := fmt.Sprintf("%s:%d", filepath.Base(f), i+2)
				for _, col := range h {
					if got, ok := r.lookup(where, Name, rec[col]); ok && got.Kind == KindAggregate {
						r.fail("%s: %q is an aggregate (%v)", where, rec[col], got)
					}
					n++
				}
			}
		}
		r.report()
		for name, want := range map[string]string{"Kyrgyz Republic": "KGZ", "Kazakhstan": "KAZ", "Tajikistan": "TJK",
			"Turkmenistan": "TKM", "Uzbekistan": "UZB", "China": "CHN", "Russian Federation": "RUS", "Anguila": "AIA",
			"British Indian Ocean Ter.": "IOT", "Unspecified": "XNS", "Other Asia, nes": "S19", "Fm Sudan": "SDN",
			"Us Msc.Pac.I": "PUS", "Netherlands Antilles": "ANT", "Belgium-Luxembourg": "BEL"} {
			if got, _ := c.Lookup(Name, name); got.Code != want {
				t.Errorf("WITS %q = %v, want %s", name, got, want)
			}
		}
		t.Logf("%d WITS names checked", n)
	})

	t.Run("imf", func(t *testing.T) {
		r := &fileChecker{t: t, c: c}
		f := filepath.Join(realdata, "imf_ifs_fx_codeforIATI", "imf_exchangerates_A_ENDA_USD.csv")
		recs := readCSV(t, f, 0)
		h := headerIndex(t, f, recs[0], "Country code", "Country")
		for i, rec := range recs[1:] {
			where := fmt.Sprintf("%s:%d", filepath.Base(f), i+2)
			code, name := rec[h[0]], rec[h[1]]
			if got, ok := r.lookup(where, Alpha2, code); ok {
				switch got.Kind {
				case KindCountry, KindFormer, KindAggregate:
				default:
					r.fail("%s: %s is %v", where, code, got)
				}
			}
			r.same(where, Alpha2, code, Name, name)
		}
		r.report()
	})

	t.Run("worldbank", func(t *testing.T) {
		r := &fileChecker{t: t, c: c}
		f := filepath.Join(realdata, "worldbank_wdi_fcrf_GlobalConflictFXStress", "API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv")
		recs := readCSV(t, f, 4)
		h := headerIndex(t, f, recs[0], "Country Name", "Country Code")
		iso := map[string]bool{}
		for _, rec := range readSeedFile(t, "iso3166.csv")[1:] {
			iso[rec[0]] = true
		}
		aggregates := 0
		for i, rec := range recs[1:] {
			where := fmt.Sprintf("%s:%d", filepath.Base(f), i+6)
			name, code := rec[h[0]], rec[h[1]]
			got, ok := r.lookup(where, Alpha3, code)
			r.same(where, Alpha3, code, Name, name)
			if !ok {
				continue
			}
			if got.Code != code {
				r.fail("%s: %s resolves to %v, want the World Bank's own code", where, code, got)
			}
			var want Kind
			switch {
			case code == "WLD":
				want = KindWorld
			case iso[code] || code == "XKX":
				want = KindCountry
			default:
				want = KindAggregate
				aggregates++
			}
			if got.Kind != want {
				r.fail("%s: %s is %s, want %s", where, code, got.Kind, want)
			}
		}
		r.report()
		if aggregates != 49 { // the 48 region and income rows, and CHI
			t.Errorf("%d aggregate rows, want 49", aggregates)
		}
	})

	t.Run("comtrade", func(t *testing.T) {
		r := &fileChecker{t: t, c: c}
		files, _ := filepath.Glob(filepath.Join(realdata, "comtrade_plus_dissertation-final", "comtrade_*_reporter.csv"))
		if len(files) == 0 {
			t.Fatal("no Comtrade+ files")
		}
		for _, f := range files {
			recs := readCSV(t, f, 0)
			h := headerIndex(t, f, recs[0], "reporterCode", "reporterISO", "reporterDesc", "partnerCode", "partnerISO",
				"partnerDesc", "partner2Code", "partner2ISO", "partner2Desc")
			for i, rec := range recs[1:] {
				where := fmt.Sprintf("%s:%d", filepath.Base(f), i+2)
				for j := 0; j < len(h); j += 3 {
					r.same(where, Comtrade, rec[h[j]], Alpha3, rec[h[j+1]])
					r.same(where, Comtrade, rec[h[j]], Name, rec[h[j+2]])
				}
			}
		}
		r.report()
	})

	t.Run("dots", func(t *testing.T) {
		r := &fileChecker{t: t, c: c}
		files, _ := filepath.Glob(filepath.Join(realdata, "imf_dots_xlsx_Direction-of-Trade-Map", "DOTS_*.xlsx"))
		if len(files) == 0 {
			t.Fatal("no DOTS files")
		}
		n := 0
		for _, f := range files {
			for _, cell := range xlsxColumnB(t, f) {
				// Row 4 names the reporter; partners start at row 8. Row
				// "Memorandum Items" is a section label with no values.
				if cell.row != 4 && cell.row < 8 || cell.value == "Memorandum Items" {
					continue
				}
				r.lookup(fmt.Sprintf("%s:B%d", filepath.Base(f), cell.row), Name, cell.value)
				n++
			}
		}
		r.report()
		for name, want := range map[string]string{"Kazakhstan, Rep. of": "KAZ", "China, P.R.: Mainland": "CHN",
			"Kyrgyz Rep.": "KGZ", "World": "WLD", "Euro Area": "EMU", "Emerging and Developing Asia": "IMF_EDA",
			"Special Categories": "XSC", "Countries & Areas not specified": "XNS"} {
			if got, _ := c.Lookup(Name, name); got.Code != want {
				t.Errorf("DOTS %q = %v, want %s", name, got, want)
			}
		}
		t.Logf("%d DOTS names checked", n)
	})
}

// readCSV reads a whole CSV file after skip preamble lines, dropping a BOM.
func readCSV(t *testing.T, path string, skip int) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if b, _ := br.Peek(3); string(b) == "\ufeff" {
		br.Discard(3)
	}
	for i := 0; i < skip; i++ {
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatalf("%s: preamble: %v", path, err)
		}
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: no data rows", path)
	}
	return recs
}

func headerIndex(t *testing.T, path string, header []string, names ...string) []int {
	t.Helper()
	var out []int
	for _, n := range names {
		i := -1
		for j, h := range header {
			if h == n {
				i = j
			}
		}
		if i < 0 {
			t.Fatalf("%s: no column %q in %q", path, n, header)
		}
		out = append(out, i)
	}
	return out
}

type xlsxCell struct {
	row   int
	value string
}

// xlsxColumnB returns the non-empty cells of column B of every sheet of an
// xlsx workbook, resolving shared strings.
func xlsxColumnB(t *testing.T, path string) []xlsxCell {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var shared []string
	var sheets []*zip.File
	for _, f := range z.File {
		switch {
		case f.Name == "xl/sharedStrings.xml":
			var sst struct {
				SI []struct {
					T string `xml:"t"`
					R []struct {
						T string `xml:"t"`
					} `xml:"r"`
				} `xml:"si"`
			}
			decodeXML(t, f, &sst)
			for _, si := range sst.SI {
				s := si.T
				for _, run := range si.R {
					s += run.T
				}
				shared = append(shared, s)
			}
		case strings.HasPrefix(f.Name, "xl/worksheets/sheet"):
			sheets = append(sheets, f)
		}
	}
	colB := regexp.MustCompile(`^B([0-9]+)$`)
	var out []xlsxCell
	for _, f := range sheets {
		var ws struct {
			Rows []struct {
				C []struct {
					R  string `xml:"r,attr"`
					T  string `xml:"t,attr"`
					V  string `xml:"v"`
					IS struct {
						T string `xml:"t"`
					} `xml:"is"`
				} `xml:"c"`
			} `xml:"sheetData>row"`
		}
		decodeXML(t, f, &ws)
		for _, row := range ws.Rows {
			for _, cell := range row.C {
				m := colB.FindStringSubmatch(cell.R)
				if m == nil {
					continue
				}
				rowNum, _ := strconv.Atoi(m[1])
				v := cell.V
				switch cell.T {
				case "s":
					i, err := strconv.Atoi(v)
					if err != nil || i < 0 || i >= len(shared) {
						t.Fatalf("%s: bad shared string %q", path, v)
					}
					v = shared[i]
				case "inlineStr":
					v = cell.IS.T
				}
				if v != "" {
					out = append(out, xlsxCell{rowNum, v})
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no cells in column B", path)
	}
	return out
}

func decodeXML(t *testing.T, f *zip.File, v any) {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.Reader(rc)).Decode(v); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
}
