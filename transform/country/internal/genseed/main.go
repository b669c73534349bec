// Command genseed writes the ISO part of the country seed table,
// transform/country/seed/iso3166.csv and transform/country/seed/iso3166_names.csv, from
// Debian's iso-codes package (apt-get install iso-codes) and the one
// hand-kept table transform/country/seed/currencies.csv.
//
// Run it from the transform/country directory:
//
//	cd transform/country && go generate
//
// which runs `go run ./internal/genseed`. Flags: -iso the iso-codes JSON
// folder (default /usr/share/iso-codes/json), -seed the seed folder (default
// seed).
//
// What it writes:
//
//   - iso3166.csv (code,alpha2,numeric,name,kind,currency): one row per ISO
//     3166-1 entry (kind country, currency from currencies.csv) and one per
//     ISO 3166-3 former country (kind former, no currency). A former entry
//     whose alpha-3 code is in use in ISO 3166-1 today (ATF, French Southern
//     and Antarctic Territories) is left out. A former entry's alpha-2 or
//     numeric code is left blank when a current entry uses it (BY, 112 for
//     the Byelorussian SSR; 104 for Burma; 626 for East Timor ...) or when a
//     former entry withdrawn later holds it too (CS and 891 go to Serbia and
//     Montenegro, not to Czechoslovakia or Yugoslavia). So every alpha-2 and
//     numeric code in the file is unique.
//   - iso3166_names.csv (code,name,source): ISO 3166-1's official and common
//     names where they differ from the short name ("Republic of Kazakhstan",
//     "Vietnam"), so that they resolve by name too.
//
// Rows are sorted by code; the output is deterministic. The generator fails
// when currencies.csv lacks a current country or names one that ISO 3166-1
// does not have, and warns about currency codes that the installed ISO 4217
// list does not know (XCG and ZWG are newer than iso-codes 4.15).
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type isoEntry struct {
	Alpha2         string `json:"alpha_2"`
	Alpha3         string `json:"alpha_3"`
	Numeric        string `json:"numeric"`
	Name           string `json:"name"`
	OfficialName   string `json:"official_name"`
	CommonName     string `json:"common_name"`
	WithdrawalDate string `json:"withdrawal_date"`
}

type isoCurrency struct {
	Alpha3 string `json:"alpha_3"`
}

// newerCurrencies are ISO 4217 codes that are in force but newer than the
// iso-codes release this was written against.
var newerCurrencies = map[string]bool{
	"XCG": true, // Caribbean guilder, Curaçao and Sint Maarten, from 2025-03-31
	"ZWG": true, // Zimbabwe Gold, from 2024-06-25
}

func main() {
	isoDir := flag.String("iso", "/usr/share/iso-codes/json", "folder holding iso-codes' iso_3166-1.json, iso_3166-3.json and iso_4217.json")
	seedDir := flag.String("seed", "seed", "the seed folder: reads currencies.csv, writes iso3166.csv and iso3166_names.csv")
	flag.Parse()
	if err := run(*isoDir, *seedDir, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "genseed:", err)
		os.Exit(1)
	}
}

func run(isoDir, seedDir string, log io.Writer) error {
	var current, former []isoEntry
	var currencies []isoCurrency
	if err := readJSON(filepath.Join(isoDir, "iso_3166-1.json"), "3166-1", &current); err != nil {
		return err
	}
	if err := readJSON(filepath.Join(isoDir, "iso_3166-3.json"), "3166-3", &former); err != nil {
		return err
	}
	if err := readJSON(filepath.Join(isoDir, "iso_4217.json"), "4217", &currencies); err != nil {
		return err
	}
	known4217 := map[string]bool{}
	for _, c := range currencies {
		known4217[c.Alpha3] = true
	}
	cur, err := readCurrencies(filepath.Join(seedDir, "currencies.csv"))
	if err != nil {
		return err
	}

	alpha3 := map[string]bool{}
	alpha2 := map[string]string{}
	numeric := map[string]string{}
	for _, e := range current {
		if e.Alpha3 == "" || e.Alpha2 == "" || e.Numeric == "" || e.Name == "" {
			return fmt.Errorf("iso_3166-1.json: incomplete entry %+v", e)
		}
		if alpha3[e.Alpha3] || alpha2[e.Alpha2] != "" || numeric[e.Numeric] != "" {
			return fmt.Errorf("iso_3166-1.json: duplicate code in %+v", e)
		}
		alpha3[e.Alpha3] = true
		alpha2[e.Alpha2] = e.Alpha3
		numeric[e.Numeric] = e.Alpha3
	}

	var problems []string
	for _, e := range current {
		c, ok := cur[e.Alpha3]
		if !ok {
			problems = append(problems, fmt.Sprintf("currencies.csv has no row for %s (%s)", e.Alpha3, e.Name))
			continue
		}
		if c != "" && !known4217[c] {
			if !newerCurrencies[c] {
				problems = append(problems, fmt.Sprintf("currencies.csv: %s has currency %q, which is not in ISO 4217", e.Alpha3, c))
			} else {
				fmt.Fprintf(log, "genseed: note: %s currency %s is newer than the installed iso_4217.json\n", e.Alpha3, c)
			}
		}
	}
	for code := range cur {
		if !alpha3[code] {
			problems = append(problems, fmt.Sprintf("currencies.csv: %s is not an ISO 3166-1 alpha-3 code", code))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New(strings.Join(problems, "\n"))
	}

	// Former entries: keep an alpha-2 or numeric code only where no current
	// entry uses it and no former entry withdrawn later holds it.
	var kept []isoEntry
	for _, e := range former {
		if alpha3[e.Alpha3] {
			fmt.Fprintf(log, "genseed: note: former %s (%s) left out: the code is in ISO 3166-1 today\n", e.Alpha3, e.Name)
			continue
		}
		kept = append(kept, e)
	}
	latest := func(get func(isoEntry) string, used map[string]string) map[string]string {
		owner := map[string]isoEntry{}
		for _, e := range kept {
			k := get(e)
			if k == "" || used[k] != "" {
				continue
			}
			if o, ok := owner[k]; !ok || e.WithdrawalDate > o.WithdrawalDate {
				owner[k] = e
			}
		}
		out := map[string]string{}
		for k, e := range owner {
			out[k] = e.Alpha3
		}
		return out
	}
	formerAlpha2 := latest(func(e isoEntry) string { return e.Alpha2 }, alpha2)
	formerNumeric := latest(func(e isoEntry) string { return e.Numeric }, numeric)

	rows := [][]string{}
	names := [][]string{}
	for _, e := range current {
		rows = append(rows, []string{e.Alpha3, e.Alpha2, e.Numeric, e.Name, "country", cur[e.Alpha3]})
		for _, n := range []struct{ name, source string }{{e.OfficialName, "official_name"}, {e.CommonName, "common_name"}} {
			if n.name != "" && !strings.EqualFold(n.name, e.Name) {
				names = append(names, []string{e.Alpha3, n.name, n.source})
			}
		}
	}
	for _, e := range kept {
		a2, num := e.Alpha2, e.Numeric
		if formerAlpha2[a2] != e.Alpha3 {
			a2 = ""
		}
		if formerNumeric[num] != e.Alpha3 {
			num = ""
		}
		rows = append(rows, []string{e.Alpha3, a2, num, e.Name, "former", ""})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	sort.Slice(names, func(i, j int) bool {
		if names[i][0] != names[j][0] {
			return names[i][0] < names[j][0]
		}
		return names[i][2] < names[j][2]
	})
	if err := writeCSV(filepath.Join(seedDir, "iso3166.csv"), []string{"code", "alpha2", "numeric", "name", "kind", "currency"}, rows); err != nil {
		return err
	}
	return writeCSV(filepath.Join(seedDir, "iso3166_names.csv"), []string{"code", "name", "source"}, names)
}

func readJSON(path, key string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w (install Debian's iso-codes package: apt-get install -y iso-codes)", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	raw, ok := m[key]
	if !ok {
		return fmt.Errorf("%s: no %q list", path, key)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// readCurrencies reads currencies.csv (country,currency). An empty currency
// means the territory has none (Antarctica).
func readCurrencies(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || recs[0][0] != "country" || recs[0][1] != "currency" {
		return nil, fmt.Errorf("%s: want the header country,currency", path)
	}
	out := map[string]string{}
	for i, rec := range recs[1:] {
		country, currency := rec[0], rec[1]
		if _, dup := out[country]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", path, i+2, country)
		}
		if currency != "" && !currencyCode.MatchString(currency) {
			return nil, fmt.Errorf("%s:%d: bad currency %q", path, i+2, currency)
		}
		out[country] = currency
	}
	return out, nil
}

func writeCSV(path string, header []string, rows [][]string) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
