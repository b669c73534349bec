// Command gencurrency writes seed/iso4217.csv, the currencies of every
// country over time, from ISO 4217's list one (currencies in force) and
// list three (historic denominations, with the month each was withdrawn)
// as the datasets/currency-codes project publishes them together
// (codes-all.csv: Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,
// WithdrawalDate). Each entity is mapped to its ISO 3166 code through the
// country table's names; entities that are not countries (the IMF, bond
// markets, the European Union) and funds codes are left out, and listed.
//
//	cd transform/country && go generate   # with ../shared/realdata beside the repository
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/tradepipe/tradepipe/transform/country"
)

func main() {
	iso := flag.String("iso", "codes-all.csv", "ISO 4217 lists one and three (datasets/currency-codes data/codes-all.csv)")
	seed := flag.String("seed", "seed", "the seed folder: writes iso4217.csv")
	flag.Parse()
	if err := run(*iso, filepath.Join(*seed, "iso4217.csv"), os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gencurrency:", err)
		os.Exit(1)
	}
}

// withdrawn is a withdrawal date as list three writes it: 2009-01, 1990,
// or a span such as "1989 to 1990", "1989-1990" or "1990-07 to 1990-09" (then its last
// date). A year without a month is taken as its December.
var withdrawn = regexp.MustCompile(`^(\d{4}(-\d{2})?)( to (\d{4}(-\d{2})?)|-(\d{4}))?$`)

// entityNames maps list entities whose ISO 4217 name the country table
// does not know to the name it does (ISO 4217 writes the 3166 names in
// capitals, with a few older spellings).
var entityNames = map[string]string{
	"UNION OF SOVIET SOCIALIST REPUBLICS": "USSR",
	"SERBIA AND MONTENEGRO":               "Serbia and Montenegro",
	"YUGOSLAVIA":                          "Yugoslavia",
	"CZECHOSLOVAKIA":                      "Czechoslovakia",
	"GERMAN DEMOCRATIC REPUBLIC":          "German Democratic Republic",
	"BURMA":                               "Myanmar",
	"LAO":                                 "Lao People's Democratic Republic",
	"SAINT MARTIN":                        "Saint Martin (French part)",
	"SAINT-BARTHÉLEMY":                    "Saint Barthélemy",
	"SWAZILAND":                           "Eswatini",
	"YEMEN, DEMOCRATIC":                   "Yemen, Democratic",
	"ZAIRE":                               "Zaire",
	"FALKLAND ISLANDS (THE) [MALVINAS]":   "Falkland Islands (Malvinas)",
}

// lookup finds an ISO 4217 entity in the country table: as named, then
// without "(THE)" and "[...]", then with its parenthesis turned into
// ISO 3166's ", qualifier" form ("MOLDOVA (THE REPUBLIC OF)" is "Moldova,
// Republic of"), then with the parenthesis dropped.
func lookup(tab *country.Table, entity string) (country.Country, bool) {
	if n, ok := entityNames[entity]; ok {
		entity = n
	}
	name := strings.TrimSpace(bracket.ReplaceAllString(strings.ReplaceAll(entity, " (THE)", ""), ""))
	cands := []string{entity, name}
	if m := paren.FindStringSubmatch(name); m != nil {
		q := strings.TrimPrefix(m[2], "THE ")
		cands = append(cands, m[1]+", "+q, m[1]+", "+m[2], m[1])
	}
	for _, n := range cands {
		if c, ok := tab.Lookup(country.Name, n); ok {
			return c, true
		}
	}
	return country.Country{}, false
}

var (
	bracket = regexp.MustCompile(`\[[^]]*\]`)
	paren   = regexp.MustCompile(`^(.*?) \((.*)\)$`)
)

func run(isoPath, out string, log io.Writer) error {
	f, err := os.Open(isoPath)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", isoPath, err)
	}
	want := []string{"Entity", "Currency", "AlphabeticCode", "NumericCode", "MinorUnit", "WithdrawalDate"}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s: want the header %s", isoPath, strings.Join(want, ","))
	}
	tab, err := country.Load()
	if err != nil {
		return err
	}
	type row struct{ country, currency, numeric, withdrawn, entity string }
	seen := map[[2]string]int{}
	var rows []row
	skipped := map[string]bool{}
	for i, r := range recs[1:] {
		entity, code, num, w := strings.TrimSpace(r[0]), strings.TrimSpace(r[2]), strings.TrimSpace(r[3]), strings.TrimSpace(r[5])
		if code == "" {
			continue // entities with no universal currency (Antarctica)
		}
		c, ok := lookup(tab, entity)
		if !ok || (c.Kind != country.KindCountry && c.Kind != country.KindFormer) {
			skipped[entity] = true
			continue
		}
		if w != "" {
			m := withdrawn.FindStringSubmatch(w)
			if m == nil {
				return fmt.Errorf("%s:%d: withdrawal date %q", isoPath, i+2, w)
			}
			switch w = m[1]; {
			case m[4] != "":
				w = m[4]
			case m[6] != "":
				w = m[6]
			}
			if len(w) == 4 {
				w += "-12"
			}
		}
		k := [2]string{c.Code, code}
		if j, ok := seen[k]; ok {
			// The same currency listed twice (a renamed denomination, such
			// as Croatia's kuna): it was in force until the later date, and
			// still is if one entry is current.
			if rows[j].withdrawn != "" && (w == "" || w > rows[j].withdrawn) {
				rows[j].withdrawn = w
			}
			continue
		}
		seen[k] = len(rows)
		rows = append(rows, row{c.Code, code, num, w, entity})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.country != b.country {
			return a.country < b.country
		}
		// Withdrawn first, in order; current last.
		aw, bw := a.withdrawn, b.withdrawn
		if aw == "" {
			aw = "9999"
		}
		if bw == "" {
			bw = "9999"
		}
		if aw != bw {
			return aw < bw
		}
		return a.currency < b.currency
	})
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := csv.NewWriter(o)
	w.Write([]string{"country", "currency", "numeric", "withdrawn", "entity"})
	for _, r := range rows {
		w.Write([]string{r.country, r.currency, r.numeric, r.withdrawn, r.entity})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		o.Close()
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	names := make([]string, 0, len(skipped))
	for n := range skipped {
		names = append(names, n)
	}
	sort.Strings(names)
	countries := map[string]bool{}
	for _, r := range rows {
		countries[r.country] = true
	}
	fmt.Fprintf(log, "gencurrency: %d currencies of %d countries written to %s; %d entities not countries or not known: %s\n",
		len(rows), len(countries), out, len(names), strings.Join(names, "; "))
	return nil
}
