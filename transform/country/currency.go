package country

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"sync"
)

//go:generate go run ./internal/gencurrency -iso ../../../shared/realdata/currencies/codes-all.csv

// A country's currency depends on the date: Turkmenistan's manat (TMM)
// until 2008 and the new manat (TMT, 5000 TMM) after, Tajikistan's rouble
// (TJR) until 2000 and the somoni (TJS, 1000 TJR), the Russian rouble
// before each Central Asian currency, Croatia's kuna until 2022,
// Bulgaria's lev until 2025. The table of currencies over time is built
// from two seeds:
//
//   - iso4217.csv (country,currency,numeric,withdrawn,entity) is GENERATED
//     by ./internal/gencurrency from ISO 4217's list one (in force) and
//     list three (withdrawn, with the month), as datasets/currency-codes
//     publishes them (../shared/realdata/currencies/codes-all.csv).
//   - currency_changes.csv (country,old,new,ratio,date,kind,source),
//     hand-kept, with each figure's source: what the ISO lists do not
//     hold, the date each currency replaced the one before and at what
//     ratio (ratio old units = 1 new unit). A redenomination is a new unit
//     of the same money (publishers such as the World Bank restate earlier
//     years in the new unit); a changeover is the move to another money
//     (the euro), after which earlier years stay in the old one.
//
// A country's currencies follow one another in the order ISO withdrew
// them, the current one (the country's Currency) last; each runs from the
// end of the one before. Where currency_changes.csv dates a change, the
// change happens then (the ISO withdrawal month is often later: old notes
// stayed legal for a while). The currency of a year is the one in force on
// 30 June of it.

// CurrencyPeriod is one currency of a country and when it was in force:
// from the month From (inclusive; "" before the first record) to the
// month To (exclusive; "" while in force), as YYYY-MM.
type CurrencyPeriod struct {
	Country  string
	Currency string
	Numeric  string // ISO 4217 numeric code
	From, To string
}

// CurrencyChange is one replacement of a country's currency: Ratio units
// of Old make one of New, from Date (YYYY-MM-DD).
type CurrencyChange struct {
	Country, Old, New string
	Ratio             float64
	Date              string
	Kind              string // redenomination or changeover
	Source            string
}

// Redenomination and Changeover are the kinds of a CurrencyChange.
const (
	Redenomination = "redenomination"
	Changeover     = "changeover"
)

// Currencies is the table of currencies over time.
type Currencies struct {
	periods []CurrencyPeriod             // by country, in order
	byCtry  map[string][]int             // country -> indexes in periods
	changes []CurrencyChange             // as the seed lists them
	next    map[[2]string]CurrencyChange // (country, old) -> the change from it
}

var (
	curOnce sync.Once
	curTab  *Currencies
	curErr  error
)

// LoadCurrencies builds the table of currencies over time from the
// embedded seeds, once.
func LoadCurrencies() (*Currencies, error) {
	curOnce.Do(func() {
		t, err := Load()
		if err != nil {
			curErr = err
			return
		}
		curTab, curErr = loadCurrencies(seedFS, t)
	})
	return curTab, curErr
}

func loadCurrencies(fsys fs.FS, t *Table) (*Currencies, error) {
	read := func(name string, header ...string) ([][]string, error) {
		b, err := fs.ReadFile(fsys, "seed/"+name)
		if err != nil {
			return nil, err
		}
		return readSeed(name, b, header)
	}
	iso, err := read("iso4217.csv", "country", "currency", "numeric", "withdrawn", "entity")
	if err != nil {
		return nil, err
	}
	chg, err := read("currency_changes.csv", "country", "old", "new", "ratio", "date", "kind", "source")
	if err != nil {
		return nil, err
	}
	c := &Currencies{byCtry: map[string][]int{}, next: map[[2]string]CurrencyChange{}}
	for i, r := range chg {
		ratio, err := strconv.ParseFloat(r[3], 64)
		if err != nil || ratio <= 0 || len(r[4]) != 10 || (r[5] != Redenomination && r[5] != Changeover) {
			return nil, fmt.Errorf("currency_changes.csv:%d: want a positive ratio, a YYYY-MM-DD date and a kind (%s or %s)", i+2, Redenomination, Changeover)
		}
		ch := CurrencyChange{Country: r[0], Old: r[1], New: r[2], Ratio: ratio, Date: r[4], Kind: r[5], Source: r[6]}
		c.changes = append(c.changes, ch)
		c.next[[2]string{ch.Country, ch.Old}] = ch
	}
	// The rows come by country, withdrawn ones in order, current last.
	for i, r := range iso {
		ctry, cur, num, w := r[0], r[1], r[2], r[3]
		e, ok := t.byCode[ctry]
		if !ok {
			return nil, fmt.Errorf("iso4217.csv:%d: unknown country %s", i+2, ctry)
		}
		if w == "" && t.all[e].Currency != cur {
			continue // a second currency in force (funds codes, a neighbour's money): the country's own is its Currency
		}
		idx := c.byCtry[ctry]
		p := CurrencyPeriod{Country: ctry, Currency: cur, Numeric: num, To: w}
		if n := len(idx); n > 0 {
			p.From = c.periods[idx[n-1]].To
		}
		c.byCtry[ctry] = append(idx, len(c.periods))
		c.periods = append(c.periods, p)
	}
	for _, ch := range c.changes {
		var old, nw = -1, -1
		for _, i := range c.byCtry[ch.Country] {
			switch c.periods[i].Currency {
			case ch.Old:
				old = i
			case ch.New:
				nw = i
			}
		}
		if old < 0 || nw < 0 {
			return nil, fmt.Errorf("currency_changes.csv: %s %s to %s: the ISO lists do not give %s both", ch.Country, ch.Old, ch.New, ch.Country)
		}
		c.periods[old].To, c.periods[nw].From = ch.Date[:7], ch.Date[:7]
	}
	return c, nil
}

// Periods lists every country's currencies over time, by country.
func (c *Currencies) Periods() []CurrencyPeriod {
	out := append([]CurrencyPeriod(nil), c.periods...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Country < out[j].Country })
	return out
}

// Changes lists the dated replacements with their ratios.
func (c *Currencies) Changes() []CurrencyChange { return append([]CurrencyChange(nil), c.changes...) }

// In is the currency of country in year: the one in force on 30 June. It
// reports false for a country the table does not know.
func (c *Currencies) In(country string, year int) (string, bool) {
	mid := fmt.Sprintf("%04d-06", year)
	idx := c.byCtry[country]
	for _, i := range idx {
		p := c.periods[i]
		if (p.From == "" || p.From <= mid) && (p.To == "" || mid < p.To) {
			return p.Currency, true
		}
	}
	return "", false
}

// SeriesCurrency is the currency a publisher's series for country gives
// year in, when the series runs to last: the currency in force that year,
// carried forward through each later redenomination made by last (a
// changeover, such as to the euro, is not carried: the earlier years stay
// in the old money). The World Bank's WDI restates
// Tajikistan's 1995 rate in somoni (TJS), but its Turkmen series ends in
// 2001, before the new manat, so its figures are old manat (TMM).
func (c *Currencies) SeriesCurrency(country string, year, last int) (string, bool) {
	cur, ok := c.In(country, year)
	if !ok {
		return "", false
	}
	for x, seen := cur, 0; seen < 16; seen++ {
		ch, ok := c.next[[2]string{country, x}]
		if !ok || ch.Kind != Redenomination || ch.Date[:4] > strconv.Itoa(last) {
			return x, true
		}
		x = ch.New
	}
	return cur, true
}
