package store

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
)

// goodsShares are the shares in trade_bilateral of every partner in its
// reporter's World total, by reporter, partner, flow and year.
func goodsShares(t *testing.T, s *Store, dataset string) []string {
	t.Helper()
	rows, err := s.db.Query(`SELECT b.reporter, b.partner, b.flow, b.year, round(b.value_usd / w.value_usd, 12)
		FROM trade_bilateral b JOIN trade_bilateral w
		  ON w.dataset = b.dataset AND w.reporter = b.reporter AND w.flow = b.flow AND w.year = b.year AND w.partner = 'WLD'
		WHERE b.dataset = ? ORDER BY ALL`, dataset)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r, p, f string
		var y int
		var v float64
		if err := rows.Scan(&r, &p, &f, &y, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s %d %.12f", r, p, f, y, v))
	}
	return out
}

// plainGoodsTotals computes the goods totals from the trade rows in plain
// SQL, without the transforms: goods rows only, Comtrade's totals of
// customs, transport and second partner, and per reporter, partner, flow
// and year the TOTAL row where there is one, else the rows of the
// coarsest aggrLevel present.
const plainGoodsTotals = `
WITH g AS (
    SELECT reporter, partner, flow, year, coalesce(aggr_level, CASE WHEN product = 'TOTAL' THEN 0 ELSE length(product) END) AS lvl, value
    FROM trade
    WHERE dataset = ? AND trade_type = 'goods' AND flow IN ('X', 'M')
      AND customs IN ('', 'C00') AND mot IN ('', '0') AND partner2 IN ('', '0')
), m AS (
    SELECT reporter, partner, flow, year, min(lvl) AS lvl FROM g GROUP BY ALL
)
SELECT reporter, partner, flow, year, sum(value) AS value
FROM g JOIN m USING (reporter, partner, flow, year, lvl) GROUP BY ALL`

func TestServicesChangeNoGoodsShare(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := filepath.Join("testdata", "comtrade")
	if r := loadFile(t, s, filepath.Join(dir, "goods_2019.csv"), LoadOptions{Dataset: "d"}); r[0].Status != Loaded {
		t.Fatal(r[0].Err)
	}
	before := goodsShares(t, s, "d")
	r := loadFile(t, s, filepath.Join(dir, "services_2019.csv"), LoadOptions{Dataset: "d"})
	if r[0].Status != Loaded {
		t.Fatal(r[0].Err)
	}
	after := goodsShares(t, s, "d")
	if !slices.Equal(before, after) || len(before) == 0 {
		t.Errorf("goods shares changed when services were loaded:\nbefore %q\nafter  %q", before, after)
	}
	for _, sh := range after {
		if strings.Contains(sh, " USA ") {
			t.Errorf("a services partner entered the goods totals: %s", sh)
		}
	}
	// The totals equal plain SQL over the goods rows.
	plain := queryStrings(t, s, `SELECT reporter || ' ' || partner || ' ' || flow || ' ' || year || ' ' || round(value, 6) FROM (`+plainGoodsTotals+`) ORDER BY ALL`, "d")
	kept := queryStrings(t, s, `SELECT reporter || ' ' || partner || ' ' || flow || ' ' || year || ' ' || round(value_usd, 6) FROM trade_bilateral WHERE dataset = ? ORDER BY ALL`, "d")
	if !slices.Equal(plain, kept) {
		t.Errorf("trade_bilateral:\n%s\nplain SQL over the goods rows:\n%s", strings.Join(kept, "\n"), strings.Join(plain, "\n"))
	}
	// status counts the services rows apart: those of the raw file.
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(rawRecords(t, filepath.Join(dir, "services_2019.csv")))); st.Services["d"] != want || want != 5 {
		t.Errorf("status: %d services rows, want %d", st.Services["d"], want)
	}
}

// Nested product levels without a TOTAL row (HS 27, 2709, 270900) count
// at one level only: the coarsest, from the file's aggrLevel.
func TestNestedLevelsCountOnce(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	path := filepath.Join("testdata", "comtrade", "goods_2019.csv")
	loadFile(t, s, path, LoadOptions{Dataset: "d"})
	// From the raw file: the chapter row (aggrLevel 2) of KAZ's exports to KGZ.
	var want float64
	for _, rec := range rawRecords(t, path) {
		if rec["reporterISO"] == "KAZ" && rec["partnerISO"] == "KGZ" && rec["aggrLevel"] == "2" {
			fmt.Sscan(rec["primaryValue"], &want)
		}
	}
	var got float64
	var level int
	if err := s.db.QueryRow(`SELECT value_usd, level FROM trade_bilateral WHERE dataset = 'd' AND reporter = 'KAZ' AND partner = 'KGZ' AND flow = 'X'`).Scan(&got, &level); err != nil {
		t.Fatal(err)
	}
	if got != want || want != 40 || level != 2 {
		t.Errorf("KAZ exports to KGZ: %v at level %d, want %v (HS 27 alone, not 27+2709+270900)", got, level, want)
	}
	// The sums are kept by the file's aggrLevel.
	levels := queryStrings(t, s, `SELECT DISTINCT level::VARCHAR FROM trade_sums ORDER BY 1`)
	if !slices.Equal(levels, []string{"0", "2", "4", "6"}) {
		t.Errorf("levels in trade_sums: %v", levels)
	}
}

func TestComtradeBulkVintage(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	path := filepath.Join("..", "..", "ingest", "testdata", "comtrade", "COMTRADE-FINAL-CA3982019H5[2024-01-03].gz")
	r := loadFile(t, s, path, LoadOptions{Dataset: "bulk"})[0]
	if r.Status != Loaded || r.Vintage != "2024-01-03" || r.Rows != 7 || r.Skipped.Rows != 1 {
		t.Fatalf("%+v", r)
	}
	files, err := s.Files(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f := files[0]; f.Vintage != "2024-01-03" || f.Skipped != 1 || !strings.HasPrefix(f.SkippedReason, "partner 97 ") {
		t.Errorf("ledger: %+v", f)
	}
	// KAZ to CHN: HS 27, 2709, 270900 of 400000 each, no TOTAL: 400000.
	var v float64
	if err := s.db.QueryRow(`SELECT value_usd FROM trade_bilateral WHERE reporter = 'KAZ' AND partner = 'CHN' AND flow = 'X'`).Scan(&v); err != nil || v != 400000 {
		t.Errorf("KAZ exports to CHN = %v (%v), want 400000", v, err)
	}
	// Other formats' files have no vintage.
	o := loadFile(t, s, filepath.Join("testdata", "comtrade", "goods_2019.csv"), LoadOptions{Dataset: "api"})[0]
	files, _ = s.Files(context.Background())
	if o.Vintage != "" || files[1].Vintage != "" {
		t.Errorf("an API file got a vintage: %q", files[1].Vintage)
	}
}

// TestRealComtradeDownloads loads every real Comtrade file named in
// PROVENANCE.md for issue 13 and checks them against the raw files.
func TestRealComtradeDownloads(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(realData(t), "comtrade_downloads")
	s := openTest(t)
	goodsPath := filepath.Join(dir, "TradeData_goods_tarifas_eua.csv")
	servicesPath := filepath.Join(dir, "TradeData_services_tarifas_eua.csv")
	goods := loadFile(t, s, goodsPath, LoadOptions{Dataset: "ct"})[0]
	before := goodsShares(t, s, "ct")
	services := loadFile(t, s, servicesPath, LoadOptions{Dataset: "ct"})[0]
	rawGoods, rawServices := rawRecords(t, goodsPath), rawRecords(t, servicesPath)
	if goods.Status != Loaded || goods.Rows != int64(len(rawGoods)) || services.Status != Loaded || services.Rows != int64(len(rawServices)) {
		t.Fatalf("goods %+v\nservices %+v", goods, services)
	}
	if after := goodsShares(t, s, "ct"); !slices.Equal(before, after) {
		t.Errorf("the services download changed goods shares")
	}
	// Every World total in trade_bilateral is the raw file's primaryValue,
	// row by row; no services partner (the USA) appears.
	kept := map[string]float64{}
	rows, err := s.db.Query(`SELECT reporter, partner, flow, value_usd FROM trade_bilateral WHERE dataset = 'ct'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r, p, f string
		var v float64
		if err := rows.Scan(&r, &p, &f, &v); err != nil {
			t.Fatal(err)
		}
		kept[r+" "+p+" "+f] = v
	}
	rows.Close()
	for _, rec := range rawGoods {
		var want float64
		fmt.Sscan(rec["primaryValue"], &want)
		k := rec["reporterISO"] + " WLD " + rec["flowCode"]
		if got, ok := kept[k]; !ok || !near(got, want) {
			t.Errorf("%s: %v, raw file %v", k, got, want)
		}
		delete(kept, k)
	}
	if len(kept) != 0 {
		t.Errorf("totals not in the goods file: %v", kept)
	}
	// The services rows are stored as the raw file gives them, row by row.
	stored := map[string]float64{}
	for _, v := range queryStrings(t, s, `SELECT reporter || ' ' || flow || ' ' || product || ' ' || value FROM trade WHERE dataset = 'ct' AND trade_type = 'services'`) {
		p := strings.Fields(v)
		var f float64
		fmt.Sscan(p[3], &f)
		stored[p[0]+" "+p[1]+" "+p[2]] = f
	}
	for _, rec := range rawServices {
		var want float64
		fmt.Sscan(rec["primaryValue"], &want)
		if k := rec["reporterISO"] + " " + rec["flowCode"] + " " + rec["cmdCode"]; !near(stored[k], want) {
			t.Errorf("services %s: stored %v, raw %v", k, stored[k], want)
		}
	}
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Services["ct"] != int64(len(rawServices)) {
		t.Errorf("status: %d services rows, want %d", st.Services["ct"], len(rawServices))
	}

	// The legacy file: every row has the EU-28 (97) as reporter.
	cement := filepath.Join(dir, "comtrade_legacy_flowcode0_cement.csv")
	raw := rawRecords(t, cement)
	var eu int64
	for _, rec := range raw {
		if rec["Reporter Code"] == "97" {
			eu++
		}
	}
	c := loadFile(t, s, cement, LoadOptions{Dataset: "cement"})[0]
	if c.Status != Loaded || c.Rows != 0 || c.Skipped.Rows != eu || eu != int64(len(raw)) || !strings.HasPrefix(c.Skipped.Reason, "reporter 97 ") {
		t.Errorf("cement: %+v (raw rows %d, EU-28 %d)", c, len(raw), eu)
	}

	// The error page saved as CSV: rejected, saying what it is.
	e := loadFile(t, s, filepath.Join(dir, "comtrade_error_page_saved_as_csv.csv"), LoadOptions{})[0]
	var pe *ingest.ParseError
	if e.Status != Failed || !errors.Is(e.Err, ingest.ErrErrorPage) || !errors.As(e.Err, &pe) || !strings.Contains(e.Err.Error(), "query too complex") {
		t.Errorf("error page: %s %v", e.Status, e.Err)
	}
}

// rawRecords reads a CSV file with encoding/csv (not tradepipe's
// reader), one map per data row keyed by the header.
func rawRecords(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			if i < len(rec) {
				m[strings.TrimPrefix(h, "\ufeff")] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out
}

func queryStrings(t *testing.T, s *Store, q string, args ...any) []string {
	t.Helper()
	rows, err := s.db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}
