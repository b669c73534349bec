package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/transform/country"
)

// The headline shares add up to 100 and stay within 0 and 100, whatever
// the (consistent) data: random worlds where some countries report and the
// rest are mirror-filled, under every basis and membership rule, for the
// group as a whole (regional-shares) and member by member (partner-shares).

var shareCountries = []string{"KAZ", "KGZ", "TJK", "TKM", "UZB", "CHN", "RUS", "TUR", "DEU", "KOR", "IND", "USA"}

// randomWorld writes a trade-long file: each reporting country gives, per
// year and flow, partner rows (a TOTAL row, or products summing to the
// partner's value) and a World row at least the sum of its partners.
func randomWorld(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
	for _, year := range []int{2018, 2019} {
		for _, c := range shareCountries {
			if r.IntN(3) == 0 {
				continue // does not report this year: mirror-filled
			}
			for _, flow := range []string{"X", "M"} {
				if r.IntN(6) == 0 {
					continue // reports one flow only
				}
				var sum float64
				for _, p := range shareCountries {
					if p == c || r.IntN(3) == 0 {
						continue
					}
					v := float64(1+r.IntN(1_000_000)) / 4
					if r.IntN(4) == 0 {
						// no TOTAL row: the products are the partner's trade
						fmt.Fprintf(&b, "%d,,%s,%s,%s,27,%g,USD\n", year, c, p, flow, v/2)
						fmt.Fprintf(&b, "%d,,%s,%s,%s,84,%g,USD\n", year, c, p, flow, v/2)
					} else {
						fmt.Fprintf(&b, "%d,,%s,%s,%s,TOTAL,%g,USD\n", year, c, p, flow, v)
					}
					sum += v
				}
				extra := float64(r.IntN(3)) * float64(r.IntN(500_000))
				fmt.Fprintf(&b, "%d,,%s,WLD,%s,TOTAL,%g,USD\n", year, c, flow, sum+extra)
			}
		}
	}
	return b.String()
}

// reportRows runs a report and returns its rows by column name.
func reportRows(t *testing.T, s *store.Store, name string, p report.Params) []map[string]string {
	t.Helper()
	tab, err := report.Run(context.Background(), s, name, p)
	if err != nil {
		t.Fatalf("%s %+v: %v", name, p, err)
	}
	var b bytes.Buffer
	if err := render.Write(&b, tab, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// checkOmitted: with --partial omit a share is the one show gives or
// empty, and a complete row has every share.
func checkOmitted(t *testing.T, name string, omitted, shown []map[string]string) {
	t.Helper()
	if len(omitted) != len(shown) {
		t.Fatalf("%s: %d rows omitted, %d shown", name, len(omitted), len(shown))
	}
	for i, row := range omitted {
		for _, k := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct", "rest_share_pct", "mirror_share_pct"} {
			if row[k] != "" && row[k] != shown[i][k] {
				t.Errorf("%s %s: omit gives %s = %s, show %s", name, row["year"], k, row[k], shown[i][k])
			}
			if row[k] == "" && row["complete"] == "true" && (k == "intra_share_pct" || k == "rest_share_pct") {
				t.Errorf("%s %s: complete, but %s is empty", name, row["year"], k)
			}
		}
		if row["complete"] != shown[i]["complete"] || (row["complete"] == "true") != (row["incomplete_reason"] == "") {
			t.Errorf("%s %s: complete %s (show %s), reason %q", name, row["year"], row["complete"], shown[i]["complete"], row["incomplete_reason"])
		}
	}
}

// checkShares checks that a row's shares (those not NULL) add up to 100
// and lie within 0 and 100.
func checkShares(t *testing.T, what string, row map[string]string) {
	t.Helper()
	const eps = 1e-9
	sum := 0.0
	for _, k := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct", "rest_share_pct", "mirror_share_pct"} {
		s, ok := row[k]
		if !ok {
			t.Fatalf("%s: no column %s in %v", what, k, row)
		}
		if s == "" {
			if k == "intra_share_pct" || k == "rest_share_pct" || k == "mirror_share_pct" {
				t.Errorf("%s: %s is empty: %v", what, k, row)
			}
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s: %s = %q", what, k, s)
		}
		if v < -eps || v > 100+eps {
			t.Errorf("%s: %s = %v, outside 0-100: %v", what, k, v, row)
		}
		if k != "mirror_share_pct" {
			sum += v
		}
	}
	if sum < 100-eps || sum > 100+eps {
		t.Errorf("%s: shares add up to %.15g: %v", what, sum, row)
	}
}

func TestPropertySharesAddUp(t *testing.T) {
	t.Parallel()
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	codes := cs
	for seed := range store.PropertySeeds() {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			dir := t.TempDir()
			s, err := store.Open(context.Background(), filepath.Join(dir, "t.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p := filepath.Join(dir, "world.csv")
			if err := os.WriteFile(p, []byte(randomWorld(r)), 0o644); err != nil {
				t.Fatal(err)
			}
			srcs, err := ingest.Sources(p)
			if err != nil {
				t.Fatal(err)
			}
			if res := s.Load(context.Background(), srcs[0], store.LoadOptions{Dataset: "world", Codes: codes}); res.Err != nil {
				t.Fatal(res.Err)
			}
			for _, name := range []string{"regional-shares", "partner-shares"} {
				for _, group := range []string{"C5", "EAEU", "SCO"} {
					t.Run(name+"/"+group, func(t *testing.T) {
						rows := 0
						for _, basis := range []string{"reporter", "importer-first", "exporter-first", "average"} {
							for _, membership := range []string{"as-of", "fixed"} {
								if membership == "fixed" && basis != "reporter" {
									continue // membership is the same rule under every basis
								}
								// The random worlds are partial: --partial show fills
								// every share, so that they can be added up.
								prm := report.Params{Group: group, Basis: basis, Membership: membership, Partial: "show"}
								shown := reportRows(t, s, name, prm)
								for _, row := range shown {
									checkShares(t, fmt.Sprintf("%s %s %s %s %s", basis, membership, row["year"], row["member"], row["group"]), row)
									rows++
								}
								if basis == "reporter" && membership == "as-of" {
									prm.Partial = "omit"
									checkOmitted(t, name, reportRows(t, s, name, prm), shown)
								}
							}
						}
						if rows < 5 {
							t.Errorf("only %d report rows checked", rows)
						}
					})
				}
			}
		})
	}
}
