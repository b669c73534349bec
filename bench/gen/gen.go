// Package gen writes files shaped like the real BACI and Comtrade+
// downloads for the benchmark (bench, issue 6), deterministically: the same
// options give the same bytes on every machine (integer arithmetic wherever
// the output depends on it; every float product is rounded explicitly, so
// no fused multiply-add can change a count).
package gen

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/tradepipe/tradepipe/transform/country"
)

// BACICodes are the numeric country codes of a recent BACI release (ISO
// numeric with BACI's own 251 France, 579 Norway, 699 India, 757
// Switzerland, 842 USA and 490 Other Asia nes), current countries only.
// CheckCodes makes sure the country table knows every one.
var BACICodes = []int{
	4, 8, 12, 16, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 60, 64, 68, 70, 72, 76, 84, 86, 90, 92,
	96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156, 162, 166, 170, 174, 175, 178,
	180, 184, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 238, 242, 246, 251,
	258, 260, 262, 266, 268, 270, 275, 276, 288, 292, 296, 300, 304, 308, 316, 320, 324, 328, 332, 340, 344,
	348, 352, 360, 364, 368, 372, 376, 381, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422, 426,
	428, 430, 434, 440, 442, 446, 450, 454, 458, 462, 466, 470, 478, 480, 484, 490, 496, 498, 499, 500, 504,
	508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540, 548, 554, 558, 562, 566, 570, 574, 579, 580, 583,
	584, 585, 586, 591, 598, 600, 604, 608, 612, 616, 620, 624, 626, 634, 642, 643, 646, 652, 654, 659, 660,
	662, 666, 670, 674, 678, 682, 686, 688, 690, 694, 699, 702, 703, 704, 705, 706, 710, 711, 716, 724, 728,
	729, 740, 748, 752, 757, 760, 762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807,
	818, 826, 834, 842, 854, 858, 860, 862, 876, 882, 887, 894,
}

// bigTraders come first in size, in this order (China, USA, Germany, ...);
// the Central Asian five and their neighbours sit where they do in BACI.
var bigTraders = []int{156, 842, 276, 392, 410, 251, 381, 528, 699, 826, 344, 124, 484, 643, 56, 757, 702, 490,
	724, 458, 764, 36, 704, 76, 616, 784, 360, 792, 682, 203, 40, 752, 372, 608, 348, 208, 710, 579, 246, 620,
	376, 152, 642, 32, 398, 804, 112, 604, 818, 170, 860, 268, 31, 51, 417, 762, 795, 496}

// CheckCodes fails unless the country table maps every code as a country
// (or, for 490, Other Asia nes) under both numeric schemes.
func CheckCodes(codes []int) error {
	c, err := country.Load()
	if err != nil {
		return err
	}
	for _, n := range codes {
		s := strconv.Itoa(n)
		for _, scheme := range []country.Scheme{country.Numeric, country.Comtrade} {
			x, ok := c.Lookup(scheme, s)
			if !ok || (x.Kind != country.KindCountry && x.Kind != country.KindNes) {
				return fmt.Errorf("country table: %s code %s is %v (known %v)", scheme, s, x, ok)
			}
		}
	}
	return nil
}

// keySpace is the set of (exporter, importer, product) keys of one year,
// sorted as BACI sorts them: by exporter, importer (numerically), product.
type keySpace struct {
	codes    []int    // country codes, ascending
	products []string // HS6 codes, ascending
	// pairs lists, in key order, each exporter-importer pair with rows and
	// how many products it trades.
	pairs []pairCount
	rows  int
	seed  uint64
}

type pairCount struct{ i, j, n int }

const nProducts = 5000

// newKeySpace spreads rows over the country pairs by the product of the
// exporter's and importer's sizes (Zipf-like ranks, big traders first),
// at most nProducts per pair, exactly rows in all; its products are
// those of productSeed (0: seed).
func newKeySpace(rows int, seed, productSeed uint64) (*keySpace, error) {
	codes := slices.Clone(BACICodes)
	slices.Sort(codes)
	if max := len(codes) * (len(codes) - 1) * nProducts; rows > max {
		return nil, fmt.Errorf("at most %d rows", max)
	}
	// Ranks: big traders first, the rest in a fixed pseudo-random order.
	rng := rand.New(rand.NewPCG(seed, 1))
	rest := make([]int, 0, len(codes))
	for _, c := range codes {
		if !slices.Contains(bigTraders, c) {
			rest = append(rest, c)
		}
	}
	rng.Shuffle(len(rest), func(a, b int) { rest[a], rest[b] = rest[b], rest[a] })
	rank := map[int]int{}
	for r, c := range append(slices.Clone(bigTraders), rest...) {
		rank[c] = r
	}
	// Exporter size 1/rank, importer size 1/sqrt(rank): both correctly
	// rounded IEEE operations, so every platform gets the same counts.
	ex := make([]float64, len(codes))
	im := make([]float64, len(codes))
	for k, c := range codes {
		r := float64(rank[c] + 1)
		ex[k] = 1 / r
		im[k] = 1 / math.Sqrt(r)
	}
	// Find the scale f with sum over pairs of min(cap, f*ex*im) == rows.
	want := func(f float64, i, j int) float64 {
		return math.Min(nProducts, float64(f*float64(ex[i]*im[j])))
	}
	total := func(f float64) float64 {
		var s float64
		for i := range codes {
			for j := range codes {
				if i != j {
					s += want(f, i, j)
				}
			}
		}
		return s
	}
	lo, hi := 0.0, 1.0
	for total(hi) < float64(rows) {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if total(mid) < float64(rows) {
			lo = mid
		} else {
			hi = mid
		}
	}
	// Round down, then hand the remainder out by largest fraction (ties by
	// position), never above the cap.
	type frac struct {
		k int
		f float64
	}
	if productSeed == 0 {
		productSeed = seed
	}
	ks := &keySpace{codes: codes, products: hsCodes(productSeed), rows: rows, seed: seed}
	var fr []frac
	sum := 0
	for i := range codes {
		for j := range codes {
			if i == j {
				continue
			}
			w := want(hi, i, j)
			n := int(w)
			ks.pairs = append(ks.pairs, pairCount{i, j, n})
			sum += n
			if n < nProducts {
				fr = append(fr, frac{len(ks.pairs) - 1, w - float64(n)})
			}
		}
	}
	slices.SortStableFunc(fr, func(a, b frac) int {
		switch {
		case a.f > b.f:
			return -1
		case a.f < b.f:
			return 1
		}
		return 0
	})
	// The sum of the fractions is below len(fr), so one pass suffices.
	if rows-sum > len(fr) {
		return nil, fmt.Errorf("internal: %d rows short with %d pairs to grow", rows-sum, len(fr))
	}
	for k := 0; sum < rows; k++ {
		ks.pairs[fr[k].k].n++
		sum++
	}
	ks.pairs = slices.DeleteFunc(ks.pairs, func(p pairCount) bool { return p.n == 0 })
	return ks, nil
}

// hsCodes returns nProducts distinct six-digit HS codes (chapter 01-97
// without 77, heading, subheading), sorted.
func hsCodes(seed uint64) []string {
	var cand []int
	for ch := 1; ch <= 97; ch++ {
		if ch == 77 {
			continue
		}
		for hd := 1; hd <= 30; hd++ {
			for _, sub := range []int{10, 11, 12, 19, 20, 21, 22, 29, 30, 31, 39, 40, 50, 60, 90, 91, 99} {
				cand = append(cand, ch*10000+hd*100+sub)
			}
		}
	}
	pick := floyd(rand.New(rand.NewPCG(seed, 2)), len(cand), nProducts)
	out := make([]string, 0, nProducts)
	for k := range pick.all() {
		out = append(out, fmt.Sprintf("%06d", cand[k]))
	}
	return out
}

// bitset is a set of small integers, iterated in order.
type bitset []uint64

// floyd picks n distinct integers of [0, m) uniformly (Floyd's algorithm).
func floyd(rng *rand.Rand, m, n int) bitset {
	s := make(bitset, (m+63)/64)
	s.floyd(rng, m, n)
	return s
}

func (s bitset) floyd(rng *rand.Rand, m, n int) {
	clear(s)
	for j := m - n; j < m; j++ {
		t := rng.IntN(j + 1)
		if s.has(t) {
			t = j
		}
		s[t/64] |= 1 << (t % 64)
	}
}

func (s bitset) has(k int) bool { return s[k/64]&(1<<(k%64)) != 0 }

func (s bitset) all() func(yield func(int) bool) {
	return func(yield func(int) bool) {
		for w, x := range s {
			for x != 0 {
				b := bits.TrailingZeros64(x)
				if !yield(w*64 + b) {
					return
				}
				x &= x - 1
			}
		}
	}
}

// each calls f for every key in order, with the index of the row.
func (ks *keySpace) each(f func(row int, i, j int, product string)) {
	rng := rand.New(rand.NewPCG(ks.seed, 3))
	set := make(bitset, (nProducts+63)/64)
	row := 0
	for _, p := range ks.pairs {
		set.floyd(rng, nProducts, p.n)
		for k := range set.all() {
			f(row, ks.codes[p.i], ks.codes[p.j], ks.products[k])
			row++
		}
	}
}

// amount draws a positive amount in thousandths (three decimals), spread
// log-uniformly over eight orders of magnitude: integer arithmetic only.
func amount(rng *rand.Rand) int64 {
	e := rng.IntN(8)
	m := int64(1000 + rng.IntN(9000))
	for ; e > 0; e-- {
		m *= 10
	}
	return m / 1000 // 1 thousandth .. 9.999e7 units
}

// appendMilli writes n thousandths as a decimal with three places.
func appendMilli(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n/1000, 10)
	f := n % 1000
	return append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
}

// Options say what file to write.
type Options struct {
	Rows      int
	Year      int
	KeySeed   uint64 // the keys: the same seed gives the same keys
	ValueSeed uint64 // the values: a revision changes only this
	EmptyQ    int    // empty quantities per thousand rows
	// ProductSeed, when not 0, draws the products traded from a seed of
	// their own, so that the years of a release share one nomenclature
	// (HS 2017 has 5,387 subheadings), where each KeySeed draws 5,000
	// products of its own; 0 takes KeySeed.
	ProductSeed uint64
	// Comtrade+ only: Month 1-12 writes a monthly file for that month
	// (0: annual); Reporter, when not 0, keeps only that reporter's rows
	// (its UN M49 code).
	Month, Reporter int
}

// WriteBACI writes a BACI file: header t,i,j,k,v,q, rows sorted and unique on
// t,i,j,k; v in thousand USD and q in tonnes with three decimals, q empty
// in about EmptyQ rows of a thousand.
func WriteBACI(w io.Writer, o Options) error {
	ks, err := newKeySpace(o.Rows, o.KeySeed, o.ProductSeed)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("t,i,j,k,v,q\n")
	rng := rand.New(rand.NewPCG(o.ValueSeed, 4))
	year := strconv.Itoa(o.Year)
	var b []byte
	var werr error
	ks.each(func(_ int, i, j int, product string) {
		if werr != nil {
			return
		}
		b = append(b[:0], year...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(j), 10)
		b = append(b, ',')
		b = append(b, product...)
		b = append(b, ',')
		b = appendMilli(b, amount(rng))
		b = append(b, ',')
		if rng.IntN(1000) >= o.EmptyQ {
			b = appendMilli(b, amount(rng))
		}
		b = append(b, '\n')
		_, werr = bw.Write(b)
	})
	if werr != nil {
		return werr
	}
	return bw.Flush()
}

// comtradeHeader is the 47-column header of a Comtrade+ CSV download.
const comtradeHeader = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc," +
	"flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode," +
	"classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc," +
	"mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty," +
	"isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue," +
	"legacyEstimationFlag,isReported,isAggregate"

// cmdDescs are commodity descriptions of the kind Comtrade+ gives: long,
// with commas and semicolons inside the quotes.
var cmdDescs = []string{
	"Horses; live, pure-bred breeding animals",
	"Wheat and meslin; other than durum wheat, other than seed",
	"Petroleum oils and oils obtained from bituminous minerals; crude",
	"Copper ores and concentrates",
	"Zinc; unwrought, not alloyed, containing by weight 99.99% or more of zinc",
	"Machinery; parts, n.e.c. in chapter 84, not containing electrical connectors",
	"Telephones for cellular networks or for other wireless networks",
	"Motor cars and other motor vehicles; principally designed for the transport of persons",
}

// WriteComtrade writes a Comtrade+ annual file: o.Rows rows (an even number),
// an import and an export row for each reporter, partner and HS6 product,
// every non-empty field quoted and a trailing comma on data rows, CRLF line
// ends, as the API and bulk downloads have them.
func WriteComtrade(w io.Writer, o Options) error {
	ks, err := newKeySpace(o.Rows/2, o.KeySeed, o.ProductSeed)
	if err != nil {
		return err
	}
	c, err := country.Load()
	if err != nil {
		return err
	}
	iso := map[int]string{}
	for _, n := range ks.codes {
		x, _ := c.Lookup(country.Comtrade, strconv.Itoa(n))
		iso[n] = x.Code
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(comtradeHeader + "\r\n")
	rng := rand.New(rand.NewPCG(o.ValueSeed, 5))
	year := strconv.Itoa(o.Year)
	freq, periodID, refMonth, period := "A", year+"0101", "52", year
	if o.Month > 0 {
		mm := fmt.Sprintf("%02d", o.Month)
		freq, periodID, refMonth, period = "M", year+mm+"01", strconv.Itoa(o.Month), year+mm
	}
	var b []byte
	var werr error
	q := func(s string) {
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"', ',')
	}
	qn := func(n int64) {
		b = append(b, '"')
		b = appendMilli(b, n)
		b = append(b, '"', ',')
	}
	ks.each(func(row int, i, j int, product string) {
		if o.Reporter != 0 && i != o.Reporter {
			return
		}
		for _, flow := range []string{"M", "X"} {
			if werr != nil {
				return
			}
			b = b[:0]
			q("C")
			q(freq)
			q(periodID)
			q(year)
			q(refMonth)
			q(period)
			q(strconv.Itoa(i))
			q(iso[i])
			q("Country " + iso[i])
			q(flow)
			if flow == "M" {
				q("Import")
			} else {
				q("Export")
			}
			q(strconv.Itoa(j))
			q(iso[j])
			q("Country " + iso[j])
			q("0")
			q("W00")
			q("World")
			q("H5")
			q("HS")
			q("true")
			q(product)
			q(cmdDescs[row%len(cmdDescs)])
			q("6")
			q("true")
			q("C00")
			q("TOTAL CPC")
			q("0")
			q("0")
			q("TOTAL MOT")
			q("8")
			q("kg")
			value, wgt := amount(rng), amount(rng)
			empty := rng.IntN(1000) < o.EmptyQ
			if empty {
				b = append(b, ',')
			} else {
				qn(wgt)
			}
			q("false")
			q("-1")
			q("N/A")
			b = append(b, ',')
			q("false")
			if empty {
				b = append(b, ',')
			} else {
				qn(wgt)
			}
			q("false")
			b = append(b, ',')
			q("false")
			if flow == "M" {
				qn(value)
				b = append(b, ',')
			} else {
				b = append(b, ',')
				qn(value)
			}
			qn(value)
			q("0")
			q("true")
			q("false")
			b = append(b, '\r', '\n')
			_, werr = bw.Write(b)
		}
	})
	if werr != nil {
		return werr
	}
	return bw.Flush()
}

// isoCodes maps the key space's numeric codes to ISO 3166 alpha-3.
func isoCodes(ks *keySpace) (map[int]string, error) {
	c, err := country.Load()
	if err != nil {
		return nil, err
	}
	iso := map[int]string{}
	for _, n := range ks.codes {
		x, _ := c.Lookup(country.Comtrade, strconv.Itoa(n))
		iso[n] = x.Code
	}
	return iso, nil
}

// WriteLong writes tradepipe's long trade layout: o.Rows annual rows, an
// export value in USD for each exporter, importer and HS6 product, as a
// national office's data converted to the layout would be.
func WriteLong(w io.Writer, o Options) error {
	ks, err := newKeySpace(o.Rows, o.KeySeed, o.ProductSeed)
	if err != nil {
		return err
	}
	iso, err := isoCodes(ks)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("year,month,reporter,partner,flow,product,value,currency\n")
	rng := rand.New(rand.NewPCG(o.ValueSeed, 6))
	year := strconv.Itoa(o.Year)
	var b []byte
	var werr error
	ks.each(func(_ int, i, j int, product string) {
		if werr != nil {
			return
		}
		b = append(b[:0], year...)
		b = append(b, ",,"...)
		b = append(b, iso[i]...)
		b = append(b, ',')
		b = append(b, iso[j]...)
		b = append(b, ",X,"...)
		b = append(b, product...)
		b = append(b, ',')
		b = appendMilli(b, amount(rng))
		b = append(b, ",USD\n"...)
		_, werr = bw.Write(b)
	})
	if werr != nil {
		return werr
	}
	return bw.Flush()
}

// WriteFXLong writes tradepipe's long exchange-rate layout: o.Rows monthly
// rates, each currency of the country table for every month from January
// 1900 on, one currency after another.
func WriteFXLong(w io.Writer, o Options) error {
	c, err := country.Load()
	if err != nil {
		return err
	}
	var curs []string
	for _, x := range c.All() {
		if len(x.Currency) == 3 && x.Currency != "USD" && !slices.Contains(curs, x.Currency) {
			curs = append(curs, x.Currency)
		}
	}
	slices.Sort(curs)
	if len(curs) == 0 {
		return fmt.Errorf("no currencies")
	}
	perCur := (o.Rows + len(curs) - 1) / len(curs)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("date_or_period,currency,per_usd\n")
	rng := rand.New(rand.NewPCG(o.ValueSeed, 7))
	var b []byte
	for n := 0; n < o.Rows; n++ {
		cur, m := curs[n/perCur], n%perCur
		b = strconv.AppendInt(b[:0], int64(1900+m/12), 10)
		b = append(b, '-')
		if m%12 < 9 {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, int64(m%12+1), 10)
		b = append(b, ',')
		b = append(b, cur...)
		b = append(b, ',')
		b = appendMilli(b, 1+rng.Int64N(1_000_000))
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WITSYears are the year columns of the WITS time series WriteWITS writes.
var WITSYears = func() []int {
	var ys []int
	for y := 1995; y <= 2021; y++ {
		ys = append(ys, y)
	}
	return ys
}()

// WriteWITS writes a WITS partner time series as an all-reporters download
// is: for every ordered pair of the country codes, an import and an export
// row, All Products, in US$ thousand, one column per year (1995-2021), a
// value missing now and then. Names are the country table's, as WITS
// writes them. o.Rows is not used: the pairs make the rows.
func WriteWITS(w io.Writer, o Options) error {
	c, err := country.Load()
	if err != nil {
		return err
	}
	codes := slices.Clone(BACICodes)
	slices.Sort(codes)
	names := map[int]string{}
	for _, n := range codes {
		x, ok := c.Lookup(country.Comtrade, strconv.Itoa(n))
		if !ok || x.Name == "" {
			return fmt.Errorf("no name for country code %d", n)
		}
		names[n] = x.Name
	}
	q := func(b []byte, s string) []byte {
		if bytes.ContainsAny([]byte(s), ",\"") {
			return append(append(append(b, '"'), bytes.ReplaceAll([]byte(s), []byte(`"`), []byte(`""`))...), '"')
		}
		return append(b, s...)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("Reporter Name,Partner Name,Trade Flow,Product Group,Indicator")
	for _, y := range WITSYears {
		bw.WriteString("," + strconv.Itoa(y))
	}
	bw.WriteString("\n")
	rng := rand.New(rand.NewPCG(o.ValueSeed, 8))
	var b []byte
	for _, i := range codes {
		for _, j := range codes {
			if i == j {
				continue
			}
			for _, flow := range []string{"Import", "Export"} {
				b = q(b[:0], names[i])
				b = append(b, ',')
				b = q(b, names[j])
				b = append(b, ',')
				b = append(b, flow...)
				b = append(b, ",  All Products,"...)
				b = append(b, flow...)
				b = append(b, " (US$ Thousand)"...)
				for range WITSYears {
					b = append(b, ',')
					if rng.IntN(10) > 0 {
						b = appendMilli(b, amount(rng)/1000)
					}
				}
				b = append(b, '\n')
				if _, err := bw.Write(b); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

// WriteComtradeBulk writes a Comtrade+ bulk file as the bulk downloads
// are: the same rows and columns as WriteComtrade, tab-separated, no
// quotes, no trailing separator, LF line ends.
func WriteComtradeBulk(w io.Writer, o Options) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(WriteComtrade(pw, o)) }()
	cr := csv.NewReader(pr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	bw := bufio.NewWriterSize(w, 1<<20)
	width := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			pr.CloseWithError(err)
			return err
		}
		if width == 0 {
			width = len(rec)
		}
		bw.WriteString(strings.Join(rec[:width], "\t"))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
