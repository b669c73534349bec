package store

import (
	"context"
	dsql "database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	_ "github.com/duckdb/duckdb-go/v2"
)

// dump returns every row of a query as text, sorted, and its column names.
func dump(t *testing.T, db *dsql.DB, q string) ([]string, []string) {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimSuffix(fmt.Sprintln(vals...), "\n"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out, cols
}

// databaseAt makes a database in t's temporary folder with the schema
// files up to version applied, as an older tradepipe left it, and returns
// its path and an open handle (not a Store: nothing else is applied).
func databaseAt(t *testing.T, version int) (string, *dsql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := dsql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version > version {
			break
		}
		if _, err := db.Exec(m.Text); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
	return path, db
}

// A database made before schema 003 (trade a table of 25 columns) keeps
// every row, value and column order through the move to narrow storage.
func TestMigrationToNarrowTrade(t *testing.T) {
	t.Parallel()
	path, db := databaseAt(t, 2)
	// Rows as schema 002 held them: two datasets, two files, one country
	// under two codes, monthly and annual rows, null and set units and
	// flags, a breakdown by customs and second partner, and the view an
	// old load left behind.
	setup := []string{
		`INSERT INTO meta VALUES ('schema_version', '2')`,
		`INSERT INTO files VALUES
			(1, '/d/a.csv', NULL, 'aa', 10, 'none', 'comtrade', 'trade', 'ct', 3, 0, TIMESTAMPTZ '2026-01-01 00:00:00+00'),
			(2, '/d/b.csv', NULL, 'bb', 10, 'none', 'baci', 'trade', 'baci', 2, 0, TIMESTAMPTZ '2026-01-02 00:00:00+00')`,
		`INSERT INTO trade VALUES
			('ct', 1, 2, 'A', 2019, 0, 'USA', '842', 'KAZ', '398', '', 'X', 'HS', 'TOTAL', 'C00', '0', 1.5, 'USD', 1.6, 1.4, NULL, NULL, NULL, true, false),
			('ct', 1, 3, 'M', 2019, 3, 'USA', '840', 'KAZ', '398', 'CHN', 'M', 'HS', '01', 'C01', '1000', 2.5, 'USD', NULL, NULL, 7, 'kg', 7.5, false, NULL),
			('ct', 1, 4, 'A', 2019, 0, 'USA', '842', 'WLD', '0', '', 'X', 'HS', 'TOTAL', 'C00', '0', 9, 'USD', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
			('baci', 2, 2, 'A', 2020, 0, 'KAZ', '398', 'CHN', '156', '', 'X', 'HS17', '010121', '', '', 1000, 'USD', NULL, NULL, 2, 't', NULL, NULL, NULL),
			('baci', 2, 3, 'A', 2020, 0, 'KAZ', '398', 'CHN', '156', '', 'X', 'HS17', '010122', '', '', 2000, 'USD', NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
		`CREATE VIEW tp_incoming AS SELECT 1 AS x`,
	}
	for _, q := range setup {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	before, beforeCols := dump(t, db, `SELECT * FROM trade`)
	db.Close()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// 009_estimates appends is_estimate, which rows loaded before lack;
	// schema 011 the trade type, the file's product level and its leaf
	// flag: goods and unknown for every row loaded before.
	after, afterCols := dump(t, s.db, `SELECT * EXCLUDE (is_estimate, aggr_level, is_leaf, trade_type) FROM trade`)
	if flags, _ := dump(t, s.db, `SELECT count(is_estimate) FROM trade`); !slices.Equal(flags, []string{"0"}) {
		t.Errorf("is_estimate set on %v rows loaded before it existed", flags)
	}
	if added, _ := dump(t, s.db, `SELECT DISTINCT trade_type, aggr_level, is_leaf FROM trade`); !slices.Equal(added, []string{"goods <nil> <nil>"}) {
		t.Errorf("columns schema 011 added: %v", added)
	}
	if !slices.Equal(afterCols, beforeCols) {
		t.Errorf("columns of trade after the migration:\n%v\nbefore:\n%v", afterCols, beforeCols)
	}
	if !slices.Equal(after, before) {
		t.Errorf("trade after the migration:\n%s\nbefore:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	counts, _ := dump(t, s.db, `SELECT (SELECT count(*) FROM trade_rows), (SELECT count(*) FROM trade_slices), (SELECT count(*) FROM trade_codes),
		(SELECT count(*) FROM duckdb_views() WHERE view_name = 'tp_incoming')`)
	// Slices: ct's three rows differ in what they share except rows 2 and 4
	// (annual X C00 with no unit and flags (true,false) vs (null,null)):
	// three; baci's two rows: unit t and none. Codes: USA 842, USA 840,
	// KAZ 398, WLD 0, CHN 156.
	if want := "5 5 5 0"; counts[0] != want {
		t.Errorf("rows, slices, codes, leftover views = %s, want %s", counts[0], want)
	}
}

// A load leaves no view of its Arrow scan in the database, whether it
// succeeds or fails.
func TestLoadLeavesNoView(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	good := write(t, dir, "fx.csv", []byte("date_or_period,currency,per_usd\n2019,KGS,69.79\n"))
	bad := write(t, dir, "bad.csv", []byte("t,i,j,k,v,q\n2019,398,156,010121,1.5,2\n2019,398,156,010122,x,2\n"))
	baci := write(t, dir, "baci.csv", []byte("t,i,j,k,v,q\n2019,398,156,010121,1.5,2\n"))
	for _, p := range []string{good, bad, baci} {
		loadFile(t, s, p, LoadOptions{})
		var views string
		if err := s.db.QueryRow(`SELECT coalesce(string_agg(view_name, ',' ORDER BY view_name), '') FROM duckdb_views() WHERE NOT internal`).Scan(&views); err != nil {
			t.Fatal(err)
		}
		if views != "fx_rates,trade,trade_file_sums" {
			t.Errorf("after loading %s: views %s, want the schema's fx_rates, trade and trade_file_sums", filepath.Base(p), views)
		}
	}
}

// Rows name a country by the code their file used; a revision that uses
// another code for the same country still replaces them, and the codes and
// slices of both files stay apart.
func TestNarrowCodesAndSlices(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	head := "t,i,j,k,v,q\n"
	first := write(t, dir, "BACI_HS17_Y2019_V202401.csv", []byte(head+"2019,842,398,010121,1,2\n2019,842,398,010122,1,\n2019,398,156,010121,3,4\n"))
	second := write(t, dir, "BACI_HS17_Y2019_V202501.csv", []byte(head+"2019,840,398,010121,5,6\n"))
	loadFile(t, s, first, LoadOptions{Dataset: "b"})
	r := loadFile(t, s, second, LoadOptions{Dataset: "b"})
	if r[0].Status != Loaded || r[0].Replaced != 1 {
		t.Fatalf("revision: %+v", r[0])
	}
	got, _ := dump(t, s.db, `SELECT file_id, line, reporter, reporter_code, partner, partner_code, product, value, quantity, quantity_unit, classification FROM trade`)
	want := []string{
		"1 3 USA 842 KAZ 398 010122 1000 <nil> <nil> HS17",
		"1 4 KAZ 398 CHN 156 010121 3000 4 t HS17",
		"2 2 USA 840 KAZ 398 010121 5000 6 t HS17",
	}
	if !slices.Equal(got, want) {
		t.Errorf("trade:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	codes, _ := dump(t, s.db, `SELECT country, code FROM trade_codes`)
	if want := []string{"CHN 156", "KAZ 398", "USA 840", "USA 842"}; !slices.Equal(codes, want) {
		t.Errorf("trade_codes %v, want %v", codes, want)
	}
	sl, _ := dump(t, s.db, `SELECT file_id, dataset, quantity_unit FROM trade_slices`)
	if want := []string{"1 b <nil>", "1 b t", "2 b t"}; !slices.Equal(sl, want) {
		t.Errorf("trade_slices %v, want %v", sl, want)
	}
}

// A revision replaces exactly the rows whose whole natural key it has:
// rows of another flow, year, month, partner, currency-only difference
// aside (currency is not in the key), another dataset, or a key the new
// file lacks stay.
func TestReplaceExactKeys(t *testing.T) {
	t.Parallel()
	forEachForm(t, replaceExactKeys)
}

// forEachForm runs f once with each trade replace form: test data has
// small ids and key spaces, so the statements would otherwise never run.
func forEachForm(t *testing.T, f func(t *testing.T, form ReplaceForm)) {
	for _, form := range []ReplaceForm{ReplaceKeys, ReplacePacked, ReplaceGeneral} {
		name := string(form)
		if form == ReplaceKeys {
			name = "keys"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, form)
		})
	}
}

func replaceExactKeys(t *testing.T, form ReplaceForm) {
	s := openTest(t)
	dir := t.TempDir()
	head := "year,month,reporter,partner,flow,product,value,currency\n"
	first := write(t, dir, "a.csv", []byte(head+
		"2019,,KAZ,CHN,X,TOTAL,1,USD\n"+ // replaced
		"2019,,KAZ,CHN,M,TOTAL,2,USD\n"+ // other flow: stays
		"2018,,KAZ,CHN,X,TOTAL,3,USD\n"+ // other year: stays
		"2019,3,KAZ,CHN,X,TOTAL,4,USD\n"+ // monthly: stays
		"2019,,KAZ,RUS,X,TOTAL,5,USD\n"+ // other partner: stays
		"2019,,KAZ,CHN,X,01,6,USD\n")) // other product: stays
	other := write(t, dir, "b.csv", []byte(head+"2019,,KAZ,CHN,X,TOTAL,7,USD\n"))
	rev := write(t, dir, "c.csv", []byte(head+
		"2019,,KAZ,CHN,X,TOTAL,10,KZT\n"+
		"2020,,KAZ,CHN,X,TOTAL,11,USD\n"))
	loadFile(t, s, first, LoadOptions{Dataset: "d", Replace: form})
	loadFile(t, s, other, LoadOptions{Dataset: "other", Replace: form})
	r := loadFile(t, s, rev, LoadOptions{Dataset: "d", Replace: form})
	if r[0].Status != Loaded || r[0].Replaced != 1 {
		t.Fatalf("revision: %+v", r[0])
	}
	got, _ := dump(t, s.db, `SELECT dataset, year, month, partner, flow, product, value, currency FROM trade`)
	want := []string{
		"d 2018 0 CHN X TOTAL 3 USD",
		"d 2019 0 CHN M TOTAL 2 USD",
		"d 2019 0 CHN X 01 6 USD",
		"d 2019 0 CHN X TOTAL 10 KZT",
		"d 2019 0 RUS X TOTAL 5 USD",
		"d 2019 3 CHN X TOTAL 4 USD",
		"d 2020 0 CHN X TOTAL 11 USD",
		"other 2019 0 CHN X TOTAL 7 USD",
	}
	if !slices.Equal(got, want) {
		t.Errorf("trade:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func strArray(vals []*string) *array.String {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
		} else {
			b.Append(*v)
		}
	}
	return b.NewStringArray()
}

func sp(s string) *string { return &s }

func TestSameValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vals []*string
		want string
		same bool
	}{
		{nil, "", true},
		{[]*string{sp("A")}, "A", true},
		{[]*string{sp("A"), sp("A"), sp("A")}, "A", true},
		{[]*string{sp(""), sp("")}, "", true},
		{[]*string{sp("A"), sp("B")}, "", false},
		{[]*string{sp("AB"), sp("A"), sp("B")}, "", false},
		{[]*string{sp("ab"), sp(""), sp("abab")}, "", false}, // same bytes, other lengths
		{[]*string{sp("abab"), sp("ab"), sp("ab")}, "", false},
		{[]*string{sp("ab"), sp("ab"), sp("ba")}, "", false},
		{[]*string{nil, nil}, "", true},
		{[]*string{nil, sp("t"), nil, sp("t")}, "t", true},
		{[]*string{sp("t"), nil, sp("kg")}, "", false},
		{[]*string{sp("t"), nil, sp("u")}, "", false},
		{[]*string{nil, sp(""), sp("")}, "", true},
	} {
		a := strArray(tc.vals)
		got, same := sameValue(a)
		if got != tc.want || same != tc.same {
			t.Errorf("sameValue(%v) = %q, %v; want %q, %v", a, got, same, tc.want, tc.same)
		}
		a.Release()
	}
}

func TestSameBool(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vals  []bool
		valid []bool
		want  int8
		same  bool
	}{
		{[]bool{false, false}, []bool{false, false}, -1, true},
		{[]bool{true, true}, nil, 1, true},
		{[]bool{false, false}, nil, 0, true},
		{[]bool{true, false}, nil, 0, false},
		{[]bool{true, true}, []bool{true, false}, 0, false},
	} {
		b := array.NewBooleanBuilder(memory.DefaultAllocator)
		b.AppendValues(tc.vals, tc.valid)
		a := b.NewBooleanArray()
		got, same := sameBool(a)
		if got != tc.want || same != tc.same {
			t.Errorf("sameBool(%v) = %d, %v; want %d, %v", a, got, same, tc.want, tc.same)
		}
		a.Release()
		b.Release()
	}
}

// The batch-wide path and the row-by-row path give every row the same
// slice, on random batches where the shared columns vary a little or not
// at all.
func TestConstantSlicesAgreeWithRows(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(6, 6))
	pick := func(choices ...string) func() *string {
		return func() *string {
			c := choices[r.IntN(len(choices))]
			if c == "<null>" {
				return nil
			}
			return sp(c)
		}
	}
	batchWide := 0
	for round := range 800 {
		rows := 1 + r.IntN(40)
		// Each column is constant or varies, at random.
		cols := make([][]*string, 8)
		gens := []func() *string{pick("A", "M"), pick("", "CHN"), pick("X", "M"), pick("HS17", "H5"), pick("", "C00"),
			pick("", "0"), pick("USD", "KZT"), pick("t", "<null>", "kg")}
		for c := range cols {
			constant := r.IntN(10) > 0
			first := gens[c]()
			for range rows {
				switch {
				case constant && c == 7 && r.IntN(3) == 0:
					// The unit: one value, missing where the quantity is.
					cols[c] = append(cols[c], nil)
				case constant:
					cols[c] = append(cols[c], first)
				default:
					cols[c] = append(cols[c], gens[c]())
				}
			}
		}
		var strs []*array.String
		for _, c := range cols {
			strs = append(strs, strArray(c))
		}
		boolCol := func() *array.Boolean {
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			defer b.Release()
			mode := r.IntN(4)
			for range rows {
				switch {
				case mode == 0:
					b.AppendNull()
				case mode == 1:
					b.Append(true)
				case mode == 2:
					b.Append(r.IntN(2) == 0)
				default:
					if r.IntN(2) == 0 {
						b.AppendNull()
					} else {
						b.Append(false)
					}
				}
			}
			return b.NewBooleanArray()
		}
		rep, agg, est := boolCol(), boolCol(), boolCol()
		// The leaf flag, level and trade type vary less often, so that
		// enough batches still take the batch-wide path.
		leaf := func() *array.Boolean {
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			defer b.Release()
			mode := r.IntN(3)
			for range rows {
				switch mode {
				case 0:
					b.AppendNull()
				case 1:
					b.Append(true)
				default:
					b.Append(r.IntN(4) == 0)
				}
			}
			return b.NewBooleanArray()
		}()
		levelCol := func() *array.Int32 {
			b := array.NewInt32Builder(memory.DefaultAllocator)
			defer b.Release()
			mode := r.IntN(3)
			for range rows {
				switch {
				case mode == 0:
					b.AppendNull()
				case mode == 1:
					b.Append(6)
				default:
					b.Append(int32(r.IntN(3) * 2))
				}
			}
			return b.NewInt32Array()
		}
		level := levelCol()
		types := strArray(func() []*string {
			goods, services := "goods", "services"
			out := make([]*string, rows)
			mode := r.IntN(4)
			for i := range out {
				out[i] = &goods
				if mode == 1 && r.IntN(2) == 0 {
					out[i] = &services
				}
			}
			return out
		}())

		in1 := &interner{slices: map[slice]int32{}, nextSlice: 1}
		n1 := &narrower{in: in1}
		fast := make([]int32, rows)
		if n1.constantSlices(fast, append(strs[:7:7], types), strs[7], rep, agg, est, level, leaf) {
			batchWide++
		} else {
			n1.rowSlices(fast, strs[0], strs[1], strs[2], strs[3], strs[4], strs[5], strs[6], strs[7], rep, agg, est, types, level, leaf)
		}
		in2 := &interner{slices: map[slice]int32{}, nextSlice: 1}
		n2 := &narrower{in: in2}
		slow := make([]int32, rows)
		n2.rowSlices(slow, strs[0], strs[1], strs[2], strs[3], strs[4], strs[5], strs[6], strs[7], rep, agg, est, types, level, leaf)
		// Ids may be handed out in another order: compare the slices.
		for i := range rows {
			a, b := in1.newSlices[fast[i]-1], in2.newSlices[slow[i]-1]
			if a != b {
				t.Fatalf("round %d row %d: batch path %+v, row path %+v", round, i, a, b)
			}
		}
		for _, a := range strs {
			a.Release()
		}
		rep.Release()
		agg.Release()
		est.Release()
		leaf.Release()
		level.Release()
		types.Release()
	}
	if batchWide < 15 { // one batch in 40 or so: the batch-wide path needs every column constant
		t.Errorf("only %d of 800 batches took the batch-wide path", batchWide)
	}
}

// Codes and products get the id of their exact text, whether it is short
// enough to go by a packed number or not; texts that pack to the same
// bytes but differ in length stay apart.
func TestCodeAndProductIDs(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	countries := []string{"KAZ", "USA", "WLD", "", "XNS", "LONGER"}
	codes := []string{"842", "840", "0", "\x000", "", "W00", "1234", "12345", "Kazakhstan, Rep. of"}
	products := []string{"010121", "TOTAL", "0", "\x000", "", "1234567", "12345678", "8703231990"}
	in := &interner{codes: map[codePair]int32{}, countries: map[string]int32{}, products: map[string]int32{},
		codes64: map[uint64]int32{}, products64: map[uint64]int32{}, nextCode: 1, nextProduct: 1}
	n := &narrower{in: in}
	for round := range 50 {
		rows := 1 + r.IntN(60)
		var cs, ks, ps []*string
		for range rows {
			cs = append(cs, sp(countries[r.IntN(len(countries))]))
			ks = append(ks, sp(codes[r.IntN(len(codes))]))
			ps = append(ps, sp(products[r.IntN(len(products))]))
		}
		ca, ka, pa := strArray(cs), strArray(ks), strArray(ps)
		ids, pids := make([]int32, rows), make([]int32, rows)
		n.codeIDs(ids, ca, ka)
		n.productIDs(pids, pa)
		for i := range rows {
			if got := in.newCodes[ids[i]-1]; got != (codePair{*cs[i], *ks[i]}) {
				t.Fatalf("round %d row %d: (%q, %q) got the id of %q", round, i, *cs[i], *ks[i], got)
			}
			if got := in.newProducts[pids[i]-1]; got != *ps[i] {
				t.Fatalf("round %d row %d: product %q got the id of %q", round, i, *ps[i], got)
			}
		}
		ca.Release()
		ka.Release()
		pa.Release()
	}
	if len(in.newCodes) != len(in.codes) || len(in.newProducts) != len(products) {
		t.Errorf("%d new codes for %d pairs, %d products for %d", len(in.newCodes), len(in.codes), len(in.newProducts), len(products))
	}
}

// A row outside the new file's years never matches, even where its period
// would spill into the packed key's product bits: here 2020-05 with an
// even product id would pack like 2019-02 with the next product.
func TestPackedReplaceKeepsOtherYears(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dir := t.TempDir()
	head := "year,month,reporter,partner,flow,product,value,currency\n"
	// The 2019 row makes the replace run at all (no earlier row in the
	// new file's years: nothing to compare).
	old := write(t, dir, "old.csv", []byte(head+"2020,4,KAZ,CHN,X,Z0,1,USD\n2020,5,KAZ,CHN,X,A,2,USD\n2019,7,KAZ,CHN,X,Z0,4,USD\n"))
	rev := write(t, dir, "new.csv", []byte(head+"2019,2,KAZ,CHN,X,B,3,USD\n"))
	loadFile(t, s, old, LoadOptions{Dataset: "d"})
	got, _ := dump(t, s.db, `SELECT product, product_id FROM trade_products`)
	if want := []string{"A 2", "Z0 1"}; !slices.Equal(got, want) {
		t.Fatalf("product ids %v, want %v (the case needs A even)", got, want)
	}
	r := loadFile(t, s, rev, LoadOptions{Dataset: "d"})
	if r[0].Status != Loaded || r[0].Replaced != 0 {
		t.Fatalf("revision: %+v", r[0])
	}
	got, _ = dump(t, s.db, `SELECT year, month, product FROM trade`)
	if want := []string{"2019 2 B", "2019 7 Z0", "2020 4 Z0", "2020 5 A"}; !slices.Equal(got, want) {
		t.Errorf("trade %v, want %v", got, want)
	}
}
