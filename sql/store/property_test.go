package store

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	dsql "database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

// Numbers must not drift: for random valid inputs, in random layouts and
// wrappers, what is loaded reads back exactly, and a sequence of loads
// (revisions, repeats, the same data in another wrapper) leaves the database
// a model of the rules predicts: the same bytes are skipped, a file's rows
// replace its dataset's earlier rows with the same natural key, nothing
// else changes. Each run is seeded; a failure names its seed.

// spellings of each country as the trade-long layout accepts them.
var spellings = map[string][]string{
	"KAZ": {"KAZ", "KZ", "398", "kaz"}, "KGZ": {"KGZ", "KG", "417"}, "TJK": {"TJK", "762"},
	"UZB": {"UZB", "UZ", "860"}, "CHN": {"CHN", "CN", "156"}, "RUS": {"RUS", "643"}, "WLD": {"WLD", "0"},
}

var isoCodes = []string{"KAZ", "KGZ", "TJK", "UZB", "CHN", "RUS", "WLD"}

// modelRow is a row as the database must hold it.
type modelRow struct {
	key  string // natural key, dataset included
	dump string // every column the test compares
}

// genFile is one generated input: its bytes on disk, how it is wrapped and
// the rows it must load.
type genFile struct {
	name    string
	data    []byte
	text    []byte // the CSV text (the ledger's hash is of this for zip entries)
	dataset string
	kind    string // trade or fx
	rows    []modelRow
}

// identity is what the ledger hashes: the file's bytes, or a zip entry's.
func (f *genFile) identity() string {
	if strings.HasSuffix(f.name, ".zip") {
		return string(f.text)
	}
	return string(f.data)
}

// value writes a non-negative number the way files do.
func value(r *rand.Rand) (string, float64) {
	var s string
	switch r.IntN(6) {
	case 0:
		s = strconv.Itoa(r.IntN(1_000_000_000))
	case 1:
		s = strconv.FormatFloat(float64(r.IntN(1e9))/100, 'f', 2, 64)
	case 2:
		s = strconv.FormatFloat(r.Float64()*math.Pow(10, float64(r.IntN(15))), 'g', -1, 64)
	case 3:
		s = strconv.FormatFloat(r.Float64()*1e12, 'E', r.IntN(10), 64)
	case 4:
		s = "0"
	default:
		s = strconv.FormatFloat(r.Float64(), 'f', 1+r.IntN(12), 64)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return s, v
}

// layout writes records as a file might: quoting, spaces, CRLF, BOM, blank
// lines and a missing final newline at random.
func layout(r *rand.Rand, header string, recs [][]string) []byte {
	var b bytes.Buffer
	if r.IntN(4) == 0 {
		b.WriteString("\ufeff")
	}
	nl := "\n"
	if r.IntN(3) == 0 {
		nl = "\r\n"
	}
	b.WriteString(header)
	for _, rec := range recs {
		b.WriteString(nl)
		if r.IntN(10) == 0 {
			b.WriteString(nl) // a blank line
		}
		for i, f := range rec {
			if i > 0 {
				b.WriteByte(',')
			}
			switch r.IntN(8) {
			case 0:
				f = `"` + f + `"`
			case 1:
				f = " " + f + " "
			}
			b.WriteString(f)
		}
	}
	if r.IntN(5) != 0 {
		b.WriteString(nl)
	}
	return b.Bytes()
}

func wrap(r *rand.Rand, f *genFile) {
	switch r.IntN(4) {
	case 0:
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(f.text)
		w.Close()
		f.data, f.name = b.Bytes(), f.name+".csv.gz"
	case 1:
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		e, _ := w.Create("inner/" + f.name + ".csv")
		e.Write(f.text)
		w.Close()
		f.data, f.name = b.Bytes(), f.name+".zip"
	default:
		f.data, f.name = f.text, f.name+".csv"
	}
}

// genTrade makes a trade-long file of up to 40 rows over a small key space,
// so that files revise each other and rows repeat keys within a file.
func genTrade(r *rand.Rand, name, dataset string, years []int) *genFile {
	f := &genFile{name: name, dataset: dataset, kind: "trade"}
	var recs [][]string
	for range 1 + r.IntN(40) {
		rep, par := isoCodes[r.IntN(5)], isoCodes[r.IntN(len(isoCodes))]
		repS := spellings[rep][r.IntN(len(spellings[rep]))]
		parS := spellings[par][r.IntN(len(spellings[par]))]
		year := years[r.IntN(len(years))]
		month, freq, m := []string{"", "0", "3", "12"}[r.IntN(4)], "A", 0
		if month == "3" || month == "12" {
			freq, m = "M", map[string]int{"3": 3, "12": 12}[month]
		}
		flow := []string{"X", "M", "RX", "RM", "x", "m"}[r.IntN(6)]
		product := []string{"TOTAL", "27", "2709", "010121"}[r.IntN(4)]
		cur := []string{"USD", "KGS", "kzt"}[r.IntN(3)]
		vs, v := value(r)
		recs = append(recs, []string{strconv.Itoa(year), month, repS, parS, flow, product, vs, cur})
		key := fmt.Sprintf("%s|%s|%s|%s|%s|%d|%d|%s", dataset, rep, par, strings.ToUpper(flow), freq, year, m, product)
		f.rows = append(f.rows, modelRow{key: key, dump: fmt.Sprintf("%s|%s|%s|%s|%s|%s|%d|%d|%s|%s|%s",
			dataset, rep, strings.TrimSpace(repS), par, strings.TrimSpace(parS), strings.ToUpper(flow), year, m, freq, product,
			strings.ToUpper(cur)) + "|" + strconv.FormatFloat(v, 'g', -1, 64)})
	}
	if r.IntN(3) == 0 {
		// A key twice in one file, with another value: both rows stay.
		i := r.IntN(len(recs))
		vs, v := value(r)
		rec := append([]string(nil), recs[i]...)
		rec[6] = vs
		recs = append(recs, rec)
		row := f.rows[i]
		row.dump = row.dump[:strings.LastIndexByte(row.dump, '|')+1] + strconv.FormatFloat(v, 'g', -1, 64)
		f.rows = append(f.rows, row)
	}
	f.text = layout(r, "year,month,reporter,partner,flow,product,value,currency", recs)
	wrap(r, f)
	return f
}

// genFX makes an fx-long file.
func genFX(r *rand.Rand, name, dataset string) *genFile {
	f := &genFile{name: name, dataset: dataset, kind: "fx"}
	var recs [][]string
	for range 1 + r.IntN(20) {
		period := []string{"2019", "2019-03", "2019-Q2", "2019-03-15", "2020"}[r.IntN(5)]
		freq := map[int]string{4: "A", 7: "M", 10: "D"}[len(period)]
		if strings.Contains(period, "Q") {
			freq = "Q"
		}
		cur := []string{"KGS", "KZT", "uzs"}[r.IntN(3)]
		vs, v := value(r)
		if v == 0 {
			vs, v = "1", 1 // a rate must be positive
		}
		recs = append(recs, []string{period, cur, vs})
		key := fmt.Sprintf("%s|%s|%s|%s", dataset, strings.ToUpper(cur), freq, period)
		f.rows = append(f.rows, modelRow{key: key, dump: key + "|" + strconv.FormatFloat(v, 'g', -1, 64)})
	}
	f.text = layout(r, "date_or_period,currency,per_usd", recs)
	wrap(r, f)
	return f
}

// model applies the loading rules to a sequence of files.
type model struct {
	seen map[string]bool
	rows map[string][]modelRow // natural key -> rows (several when a file repeats a key)
	n    int                   // files loaded
	kept int                   // rows the last file loaded kept
}

func newModel() *model { return &model{seen: map[string]bool{}, rows: map[string][]modelRow{}} }

func (m *model) load(f *genFile) (loaded bool) {
	if m.seen[f.identity()] {
		return false
	}
	m.seen[f.identity()] = true
	m.n++
	byKey := map[string][]modelRow{}
	m.kept = 0
	for _, r := range f.rows {
		byKey[f.kind+"|"+r.key] = append(byKey[f.kind+"|"+r.key], r)
	}
	for k, rs := range byKey {
		if f.kind == "fx" && len(rs) > 1 {
			// One rate per currency and period (replace/fx_one_rate.sql):
			// no row here is a country's, so the value most rows give,
			// the first of them in the file.
			count := map[string]int{}
			for _, r := range rs {
				count[r.dump]++
			}
			best := rs[0]
			for _, r := range rs {
				if count[r.dump] > count[best.dump] {
					best = r
				}
			}
			rs = []modelRow{best}
		}
		m.kept += len(rs)
		m.rows[k] = rs
	}
	return true
}

func (m *model) dump() (trade, fx []string) {
	for k, rs := range m.rows {
		for _, r := range rs {
			if strings.HasPrefix(k, "trade|") {
				trade = append(trade, r.dump)
			} else {
				fx = append(fx, r.dump)
			}
		}
	}
	slices.Sort(trade)
	slices.Sort(fx)
	return trade, fx
}

// dumpDB reads back every trade and fx row in the model's form.
func dumpDB(t *testing.T, s *Store) (trade, fx []string) {
	t.Helper()
	q := func(query string, n int) []string {
		rows, err := s.db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			parts := make([]string, n)
			for i, v := range vals {
				if f, ok := v.(float64); ok {
					parts[i] = strconv.FormatFloat(f, 'g', -1, 64)
				} else {
					parts[i] = fmt.Sprint(v)
				}
			}
			out = append(out, strings.Join(parts, "|"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	trade = q(`SELECT dataset, reporter, reporter_code, partner, partner_code, flow, year, month, freq, product, currency, value FROM trade`, 12)
	fx = q(`SELECT dataset, currency, freq, period, per_usd FROM fx_rates`, 5)
	return trade, fx
}

func loadGen(t *testing.T, s *Store, dir string, f *genFile, codes ingest.Codes, form ReplaceForm) LoadResult {
	t.Helper()
	p := write(t, dir, f.name, f.data)
	srcs, err := ingest.Sources(p)
	if err != nil || len(srcs) != 1 {
		t.Fatalf("%s: %v", f.name, err)
	}
	return s.Load(context.Background(), srcs[0], LoadOptions{Dataset: f.dataset, Codes: codes, Replace: form})
}

func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("%s: database has %d rows, model %d", what, len(got), len(want))
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("  only in the database: %s", g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("  only in the model:    %s", w)
		}
	}
}

func testCodes(t *testing.T) ingest.Codes {
	t.Helper()
	cs, err := country.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestPropertyLoadsFollowTheModel(t *testing.T) {
	t.Parallel()
	forEachForm(t, propertyLoads)
}

func propertyLoads(t *testing.T, form ReplaceForm) {
	codes := testCodes(t)
	for seed := range propertySeeds() {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 7))
			s := openTest(t)
			dir := t.TempDir()
			var files []*genFile
			for i := range 5 {
				ds := []string{"nso", "comtrade"}[r.IntN(2)]
				files = append(files, genTrade(r, fmt.Sprintf("t%d", i), ds, []int{2018, 2019}))
			}
			for i := range 2 {
				files = append(files, genFX(r, fmt.Sprintf("fx%d", i), "rates"))
			}
			// The same text as an earlier file in another wrapper: loaded
			// again (other bytes) or skipped (a zip entry hashes its text),
			// either way one copy.
			again := *files[0]
			again.name = "again"
			wrap(r, &again)
			files = append(files, &again)
			m := newModel()
			var sum float64
			for range 12 {
				f := files[r.IntN(len(files))]
				res := loadGen(t, s, dir, f, codes, form)
				if res.Err != nil {
					t.Fatalf("%s: %v\n%s", f.name, res.Err, f.text)
				}
				want := m.load(f)
				if (res.Status == Loaded) != want || (res.Status == Loaded && res.Rows != int64(m.kept)) {
					t.Fatalf("%s: %s with %d rows; model: loaded=%v with %d rows", f.name, res.Status, res.Rows, want, m.kept)
				}
			}
			gotT, gotF := dumpDB(t, s)
			wantT, wantF := m.dump()
			diff(t, "trade", gotT, wantT)
			diff(t, "fx_rates", gotF, wantF)
			checkTotals(t, s, false)
			defer func() {
				// Then a file forgotten, a dataset renamed and one dropped:
				// each time the totals are made again without what went.
				ctx := context.Background()
				fs, err := s.Files(ctx)
				if err != nil || len(fs) == 0 {
					t.Fatal(fs, err)
				}
				if _, err := s.Forget(ctx, []int64{fs[r.IntN(len(fs))].FileID}); err != nil {
					t.Fatal(err)
				}
				checkTotals(t, s, true)
				ds, err := s.datasetNames(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if d == "rates" {
						continue
					}
					if _, err := s.RenameDataset(ctx, d, d+"-renamed"); err != nil {
						t.Fatal(err)
					}
					checkTotals(t, s, true)
					break
				}
				if ds, err = s.datasetNames(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := s.DropDataset(ctx, ds[r.IntN(len(ds))]); err != nil {
					t.Fatal(err)
				}
				checkTotals(t, s, true)
			}()
			for _, rows := range m.rows {
				for _, r := range rows {
					if strings.Count(r.dump, "|") == 11 { // trade
						v, _ := strconv.ParseFloat(r.dump[strings.LastIndexByte(r.dump, '|')+1:], 64)
						sum += v
					}
				}
			}
			var dbSum float64
			var files64 int64
			if err := s.db.QueryRow(`SELECT coalesce(sum(value), 0), (SELECT count(*) FROM files) FROM trade`).Scan(&dbSum, &files64); err != nil {
				t.Fatal(err)
			}
			if math.Abs(dbSum-sum) > 1e-9*math.Max(1, sum) {
				t.Errorf("sum(value) = %v, model %v", dbSum, sum)
			}
			if files64 != int64(m.n) {
				t.Errorf("ledger has %d files, model %d", files64, m.n)
			}
		})
	}
}

// Files whose keys do not overlap give the same database in any order,
// and loading any of them again changes nothing.
func TestPropertyOrderDoesNotMatter(t *testing.T) {
	t.Parallel()
	codes := testCodes(t)
	r := rand.New(rand.NewPCG(42, 1))
	var files []*genFile
	for i, y := range []int{2015, 2016, 2017, 2018} {
		files = append(files, genTrade(r, fmt.Sprintf("y%d", y), "ds", []int{y}))
		if i < 2 {
			files = append(files, genFX(r, fmt.Sprintf("fx%d", i), fmt.Sprintf("rates%d", i)))
		}
	}
	var first [2][]string
	for perm := range 3 {
		order := r.Perm(len(files))
		s := openTest(t)
		dir := t.TempDir()
		for _, i := range order {
			if res := loadGen(t, s, dir, files[i], codes, ReplaceKeys); res.Status != Loaded {
				t.Fatalf("%s: %s %v", files[i].name, res.Status, res.Err)
			}
		}
		trade, fx := dumpDB(t, s)
		if perm == 0 {
			first = [2][]string{trade, fx}
			m := newModel()
			for _, f := range files {
				m.load(f)
			}
			wantT, wantF := m.dump()
			diff(t, "trade", trade, wantT)
			diff(t, "fx_rates", fx, wantF)
		} else {
			diff(t, fmt.Sprintf("trade, order %v", order), trade, first[0])
			diff(t, fmt.Sprintf("fx_rates, order %v", order), fx, first[1])
		}
		before := counts(t, s)
		for _, i := range order {
			if res := loadGen(t, s, filepath.Join(dir), files[i], codes, ReplaceKeys); res.Status != Skipped {
				t.Errorf("%s loaded twice: %s", files[i].name, res.Status)
			}
		}
		if got := counts(t, s); got != before {
			t.Errorf("loading the files again changed the database: %s -> %s", before, got)
		}
	}
}

// checkTotals: the sums and totals the store kept through the loads,
// revisions and rate changes equal those computed afresh from the rows.
func checkTotals(t *testing.T, s *Store, emptyOK bool) {
	t.Helper()
	c, err := s.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var bad, kept, fresh int
	err = c.QueryRowContext(context.Background(), `WITH f AS (
			SELECT slice_id, year, month, reporter, partner, p.level, sum(value) AS value, count(*) AS rows
			FROM trade_rows r JOIN trade_products p ON p.product_id = r.product GROUP BY ALL)
		SELECT count(*) FILTER (WHERE k.value IS NULL OR f.value IS NULL OR k.rows <> f.rows
		                        OR abs(k.value - f.value) > 1e-9 * greatest(1, abs(f.value))),
		       count(k.value), count(f.value)
		FROM trade_sums k FULL JOIN f USING (slice_id, year, month, reporter, partner, level)`).
		Scan(&bad, &kept, &fresh)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 || kept != fresh || kept == 0 && !emptyOK {
		t.Errorf("trade_sums: %d rows differ from the rows' sums (%d kept, %d fresh)", bad, kept, fresh)
	}
	var wrong int
	if err := c.QueryRowContext(context.Background(), `SELECT count(*) FROM trade_products
		WHERE level IS DISTINCT FROM CASE WHEN product = 'TOTAL' THEN 0 ELSE length(product) END`).Scan(&wrong); err != nil || wrong > 0 {
		t.Errorf("trade_products: %d levels wrong (%v)", wrong, err)
	}
	// The totals, made afresh from the sums and the rates loaded now.
	datasets, err := strings1(context.Background(), c, `SELECT DISTINCT dataset FROM trade_file_sums ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var years int
	if err := c.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM
		(SELECT DISTINCT dataset, year FROM trade_bilateral) b FULL JOIN trade_years y USING (dataset, year)
		WHERE b.year IS NULL OR y.year IS NULL) + (SELECT count(*) - count(DISTINCT (dataset, year)) FROM trade_years)`).Scan(&years); err != nil || years > 0 {
		t.Errorf("trade_years: %d years differ from those of trade_bilateral (%v)", years, err)
	}
	var stray int
	if err := c.QueryRowContext(context.Background(), `SELECT count(*) FROM trade_bilateral
		WHERE dataset NOT IN (SELECT dataset FROM trade_file_sums)`).Scan(&stray); err != nil || stray > 0 {
		t.Errorf("trade_bilateral: %d rows of datasets with no rows (%v)", stray, err)
	}
	for _, ds := range datasets {
		var bad, kept, fresh, usd int
		err = c.QueryRowContext(context.Background(), `WITH f AS (SELECT * FROM tp_bilateral($1, NULL, NULL)),
			k AS (SELECT * FROM trade_bilateral WHERE dataset = $1)
			SELECT count(*) FILTER (WHERE k.months IS NULL OR f.months IS NULL
			                        OR k.value_usd IS DISTINCT FROM f.value_usd AND NOT abs(k.value_usd - f.value_usd) <= 1e-9 * greatest(1, abs(f.value_usd))
			                        OR (k.unconverted, k.classification, k.level, k.months) IS DISTINCT FROM (f.unconverted, f.classification, f.level, f.months)),
			       count(k.months), count(f.months), count(f.value_usd)
			FROM k FULL JOIN f USING (year, reporter, partner, flow)`, ds).Scan(&bad, &kept, &fresh, &usd)
		if err != nil {
			t.Fatal(err)
		}
		if bad != 0 || kept != fresh || kept == 0 && !emptyOK {
			t.Errorf("trade_bilateral %s: %d rows differ from the totals made afresh (%d kept, %d fresh)", ds, bad, kept, fresh)
		}
		checkOwnWorld(t, c, ds, emptyOK)
	}
	for _, table := range []string{"trade_own", "trade_world"} {
		if err := c.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table+`
			WHERE dataset NOT IN (SELECT dataset FROM trade_file_sums)`).Scan(&stray); err != nil || stray > 0 {
			t.Errorf("%s: %d rows of datasets with no rows (%v)", table, stray, err)
		}
	}
}

// ownWorldAfresh are each reporter's own totals and each country's
// totals made afresh from the totals made afresh ($1 the dataset), by
// docs/metrics.md in plain SQL (not transform's macros): a reporter's
// total is its World row, else the sum of its partner rows, its source
// says which (estimate where the World row holds estimates); a country's
// total by its World rows (kind reports), and by the pairs of a flow
// table, its exports to others plus the others' exports to it (kind
// pairs).
const ownWorldAfresh = `WITH b AS (SELECT * FROM tp_bilateral($1, NULL, NULL)),
	own AS (
		SELECT year, reporter, flow,
		       CASE WHEN count(*) FILTER (WHERE partner = 'WLD' AND estimated > 0) > 0 THEN 'estimate'
		            WHEN count(*) FILTER (WHERE partner = 'WLD') > 0 THEN 'reported' ELSE 'partner-sum' END AS source,
		       CASE WHEN count(*) FILTER (WHERE partner = 'WLD' AND value_usd IS NOT NULL) > 0
		            THEN sum(value_usd) FILTER (WHERE partner = 'WLD')
		            ELSE sum(value_usd) FILTER (WHERE partner <> 'WLD' AND partner <> reporter) END AS total,
		       min(months) AS months
		FROM b GROUP BY year, reporter, flow),
	pairs AS (
		SELECT year, reporter AS e, partner AS i, value_usd AS v FROM b
		WHERE flow = 'X' AND partner NOT IN ('WLD', reporter)),
	world AS (
		SELECT year, 'reports' AS kind, reporter AS country, sum(value_usd) AS total,
		       sum(CASE WHEN flow = 'X' THEN value_usd END) AS exports
		FROM b WHERE partner = 'WLD' GROUP BY year, reporter
		UNION ALL
		SELECT year, 'pairs', country, sum(v), sum(x) FROM (
			SELECT year, e AS country, v, v AS x FROM pairs UNION ALL SELECT year, i, v, 0 FROM pairs) GROUP BY year, country)`

// checkOwnWorld: trade_own and trade_world, kept through the loads,
// revisions and removals, equal ownWorldAfresh.
func checkOwnWorld(t *testing.T, c *dsql.Conn, ds string, emptyOK bool) {
	t.Helper()
	near := func(a, b string) string {
		return a + ` IS DISTINCT FROM ` + b + ` AND NOT abs(` + a + ` - ` + b + `) <= 1e-9 * greatest(1, abs(` + b + `))`
	}
	for _, q := range []struct{ table, sql string }{
		{"trade_own", ownWorldAfresh + `, k AS (SELECT * FROM trade_own WHERE dataset = $1)
			SELECT count(*) FILTER (WHERE k.flow IS NULL OR own.flow IS NULL OR k.source IS DISTINCT FROM own.source
			                        OR k.months IS DISTINCT FROM own.months OR ` + near("k.total", "own.total") + `),
			       count(k.flow), count(own.flow)
			FROM k FULL JOIN own USING (year, reporter, flow)`},
		{"trade_world", ownWorldAfresh + `, k AS (SELECT * FROM trade_world WHERE dataset = $1)
			SELECT count(*) FILTER (WHERE k.kind IS NULL OR world.kind IS NULL
			                        OR ` + near("k.total", "world.total") + ` OR ` + near("k.exports", "world.exports") + `),
			       count(k.kind), count(world.kind)
			FROM k FULL JOIN world USING (year, kind, country)`},
	} {
		var bad, kept, fresh int
		if err := c.QueryRowContext(context.Background(), q.sql, ds).Scan(&bad, &kept, &fresh); err != nil {
			t.Fatalf("%s: %v", q.table, err)
		}
		if bad != 0 || kept != fresh || kept == 0 && !emptyOK {
			t.Errorf("%s %s: %d rows differ from those made afresh from the rows (%d kept, %d fresh)", q.table, ds, bad, kept, fresh)
		}
	}
}
