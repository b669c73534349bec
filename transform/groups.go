package transform

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/transform/country"
)

// Member is one period of a country's membership in a group: a member in
// year t when it is a member on 31 December of t (tp_members).
type Member struct {
	Group   string
	Country string    // ISO 3166 alpha-3 (or 3166-3 for a former country)
	From    time.Time // first day of membership
	To      time.Time // last day; zero while still a member
	Note    string    // where the dates come from (seed only)
}

// The seeded groups and their membership dates, one row a period:
// group,country,valid_from,valid_to,note. Correct them there: the store
// re-syncs the seed into every database it opens when the file changed,
// as it does the country table.
//
//go:embed seed/groups.csv
var groupSeed []byte

// GroupSeed is the seed file as embedded, for a hash of what was synced.
func GroupSeed() []byte { return bytes.Clone(groupSeed) }

// SeededGroups parses the seed (seed/groups.csv) and checks it by the
// rules every group obeys (CheckGroup).
func SeededGroups() ([]Member, error) { return parseGroups("seed/groups.csv", groupSeed) }

func parseGroups(name string, b []byte) ([]Member, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = 5
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if want := "group,country,valid_from,valid_to,note"; strings.Join(header, ",") != want {
		return nil, fmt.Errorf("%s: want the header %s", name, want)
	}
	codes, err := country.Load()
	if err != nil {
		return nil, err
	}
	var out []Member
	byGroup := map[string][]int{} // group -> indexes into out
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		fail := func(format string, a ...any) error {
			return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, a...))
		}
		m := Member{Group: rec[0], Country: rec[1], Note: rec[4]}
		if err := CheckGroupName(m.Group); err != nil {
			return nil, fail("%v", err)
		}
		c, err := MemberCountry(codes, m.Country)
		if err != nil {
			return nil, fail("%v", err)
		}
		m.Country = c
		if m.From, err = time.Parse(time.DateOnly, rec[2]); err != nil {
			return nil, fail("valid_from %q: want a date such as 1993-01-01", rec[2])
		}
		if rec[3] != "" {
			if m.To, err = time.Parse(time.DateOnly, rec[3]); err != nil {
				return nil, fail("valid_to %q: want a date such as 2012-06-28, or nothing while still a member", rec[3])
			}
		}
		byGroup[m.Group] = append(byGroup[m.Group], len(out))
		out = append(out, m)
		lines = append(lines, line)
	}
	for _, g := range slices.Sorted(maps.Keys(byGroup)) {
		idx := byGroup[g]
		ms := make([]Member, len(idx))
		for k, i := range idx {
			ms[k] = out[i]
		}
		if err := CheckGroup(ms); err != nil {
			var oe *OverlapError
			if errors.As(err, &oe) {
				return nil, fmt.Errorf("%s:%d: %v (line %d)", name, lines[idx[oe.Second]], err, lines[idx[oe.First]])
			}
			return nil, fmt.Errorf("%s:%d: %v", name, lines[idx[0]], err)
		}
	}
	return out, nil
}

// CheckGroupName says what is wrong with a group's name: reports take
// comma-separated lists of groups, so a name holds no comma, and it has no
// surrounding spaces.
func CheckGroupName(name string) error {
	switch {
	case name == "" || strings.TrimSpace(name) != name:
		return fmt.Errorf("%q: no leading or trailing spaces", name)
	case strings.Contains(name, ","):
		return fmt.Errorf("%q: a group name must not contain a comma (reports take lists of groups)", name)
	}
	return nil
}

// MemberCountry resolves a member's code: a group's members are countries,
// current or former, written in ISO 3166 alpha-3.
func MemberCountry(codes *country.Table, code string) (string, error) {
	c, ok := codes.Lookup(country.Alpha3, code)
	if !ok || (c.Kind != country.KindCountry && c.Kind != country.KindFormer) {
		return "", fmt.Errorf("unknown country %q: use an ISO 3166 alpha-3 code such as KAZ", code)
	}
	return c.Code, nil
}

// OverlapError is CheckGroup's complaint that two periods of one country
// overlap: the reports would count the country twice. First and Second
// index the periods as given.
type OverlapError struct {
	Country       string
	First, Second int
}

func (e *OverlapError) Error() string {
	return fmt.Sprintf("%s: this period overlaps an earlier one", e.Country)
}

// CheckGroup checks one group's periods: each ends on or after it starts,
// and no two periods of one country overlap (the first overlap, as an
// *OverlapError).
func CheckGroup(ms []Member) error {
	for _, m := range ms {
		if !m.To.IsZero() && m.To.Before(m.From) {
			return fmt.Errorf("%s: to %s is before from %s", m.Country, m.To.Format(time.DateOnly), m.From.Format(time.DateOnly))
		}
	}
	if o := Overlaps(ms); len(o) > 0 {
		return &o[0]
	}
	return nil
}

// Overlaps lists every pair of one country's periods that overlap, by
// country and then by start.
func Overlaps(ms []Member) []OverlapError {
	by := map[string][]int{}
	for i, m := range ms {
		by[m.Country] = append(by[m.Country], i)
	}
	var out []OverlapError
	for _, c := range slices.Sorted(maps.Keys(by)) {
		idx := by[c]
		slices.SortStableFunc(idx, func(a, b int) int { return ms[a].From.Compare(ms[b].From) })
		for k := 1; k < len(idx); k++ {
			a, b := ms[idx[k-1]], ms[idx[k]]
			if a.To.IsZero() || !a.To.Before(b.From) {
				out = append(out, OverlapError{Country: c, First: idx[k-1], Second: idx[k]})
			}
		}
	}
	return out
}
