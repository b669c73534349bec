package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/tradepipe/tradepipe/sql/report"
)

// Formats lists the output formats Write takes.
var Formats = []string{"table", "csv", "json", "markdown"}

// Write renders t in the named format.
func Write(w io.Writer, t *report.Table, format string) error {
	switch format {
	case "", "table":
		return writeText(w, t)
	case "csv":
		return writeCSV(w, t)
	case "json":
		return writeJSON(w, t)
	case "markdown", "md":
		return writeMarkdown(w, t)
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats, ", "))
}

// decimal is a number that knows its exact decimal form: DuckDB's
// DECIMAL (duckdb.Decimal), say. render does not import the driver; this
// is what it needs of such a value.
type decimal interface {
	Float64() float64
	String() string
}

// exact renders a value in full, for CSV and JSON: numbers as plain
// decimals (97774085199.65, never 9.777408519965e+10) of up to 15
// significant digits (plain).
func exact(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return plain(x, 64)
	case float32:
		return plain(float64(x), 32)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.UTC().Format(time.RFC3339)
	case []byte:
		return string(x)
	case *big.Int:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// plain writes x as a plain decimal (no exponent) of at most 15
// significant digits: all that a float64 holds exactly (any decimal of 15
// digits survives the trip through one and back). The digits beyond are
// the noise of binary arithmetic: 100 * 280 / 2000 is 14, not
// 14.000000000000002, and a share of a total with itself 100, not
// 100.00000000000001.
func plain(x float64, bits int) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', -1, bits)
	case x == 0: // -0 too: no sign on nothing
		return "0"
	}
	digits := 15
	if bits == 32 {
		digits = 6
	}
	y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, bits), bits)
	if err != nil {
		y = x
	}
	return strconv.FormatFloat(y, 'f', -1, bits)
}

// fraction returns v as a float when it is a fractional number (a float
// or a decimal), for the people's formats.
func fraction(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case decimal:
		return x.Float64(), true
	}
	return 0, false
}

// humanCells renders t's values for people, by one rule per column: a
// column of fractional numbers shows every value with thousands
// separators, as whole numbers where the column holds a value of a
// million or more (money), else with two decimals (shares, factors);
// integers (years, counts) and text as they are. A column so reads down
// in one form: never 33,871,629 above 529813.34.
func humanCells(t *report.Table) [][]string {
	decimals := make([]int, len(t.Columns))
	for j := range t.Columns {
		decimals[j] = 2
		for _, r := range t.Rows {
			if x, ok := fraction(r[j]); ok && math.Abs(x) >= 1e6 && !math.IsInf(x, 0) {
				decimals[j] = 0
				break
			}
		}
	}
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			x, ok := fraction(v)
			switch {
			case !ok:
				out[i][j] = exact(v)
			case math.IsNaN(x) || math.IsInf(x, 0):
				out[i][j] = exact(x)
			default:
				s := strconv.FormatFloat(x, 'f', decimals[j], 64)
				if strings.Trim(s, "-0.") == "" { // rounding noise below zero
					s = strings.TrimPrefix(s, "-")
				}
				out[i][j] = groupThousands(s)
			}
		}
	}
	return out
}

// groupThousands puts commas between the thousands of a number's whole
// part: 33871629.5 is 33,871,629.5.
func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	var b bytes.Buffer
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if dot {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// writeText writes the aligned table (go-pretty): a header of the column
// names, text columns left-aligned, numbers right-aligned, two spaces
// between columns; the notes under it.
func writeText(w io.Writer, t *report.Table) error {
	tw := table.NewWriter()
	style := table.StyleDefault
	style.Options = table.OptionsNoBordersAndSeparators
	style.Options.SeparateColumns = true
	style.Box.PaddingLeft, style.Box.PaddingRight = "", ""
	style.Box.MiddleSeparator, style.Box.MiddleVertical = "  ", "  "
	style.Format.Header, style.Format.HeaderAlign = text.FormatDefault, text.AlignDefault
	tw.SetStyle(style)
	header := make(table.Row, len(t.Columns))
	configs := make([]table.ColumnConfig, len(t.Columns))
	for j, c := range t.Columns {
		header[j] = c
		align := text.AlignRight
		if textColumn(t, j) {
			align = text.AlignLeft
		}
		configs[j] = table.ColumnConfig{Number: j + 1, Align: align, AlignHeader: align}
	}
	tw.AppendHeader(header)
	tw.SetColumnConfigs(configs)
	for _, r := range humanCells(t) {
		row := make(table.Row, len(r))
		for j, c := range r {
			row[j] = c
		}
		tw.AppendRow(row)
	}
	var b strings.Builder
	if len(t.Columns) > 0 {
		for _, l := range strings.Split(tw.Render(), "\n") {
			b.WriteString(strings.TrimRight(l, " "))
			b.WriteByte('\n')
		}
	}
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCSV(w io.Writer, t *report.Table) error {
	cw := csv.NewWriter(w)
	cw.Write(t.Columns)
	rec := make([]string, len(t.Columns))
	for _, r := range t.Rows {
		for i, v := range r {
			rec[i] = exact(v)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes {"columns": [...], "rows": [{...}, ...], "notes": [...]},
// each row an object with keys in column order.
func writeJSON(w io.Writer, t *report.Table) error {
	var b bytes.Buffer
	b.WriteString("{\"columns\":")
	cj, _ := json.Marshal(t.Columns)
	b.Write(cj)
	b.WriteString(",\"rows\":[")
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, v := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(t.Columns[j])
			b.Write(k)
			b.WriteByte(':')
			b.Write(jsonValue(v))
		}
		b.WriteByte('}')
	}
	b.WriteString("],\"notes\":")
	notes := t.Notes
	if notes == nil {
		notes = []string{}
	}
	nj, _ := json.Marshal(notes)
	b.Write(nj)
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func jsonValue(v any) []byte {
	switch x := v.(type) {
	case nil:
		return []byte("null")
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return []byte("null")
		}
		return []byte(plain(x, 64))
	case float32:
		return jsonValue(float64(x))
	case decimal:
		// DuckDB's DECIMAL: its exact digits, as a JSON number.
		if s := x.String(); json.Valid([]byte(s)) {
			return []byte(s)
		}
		return jsonValue(x.Float64())
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, bool:
		b, _ := json.Marshal(x)
		return b
	case *big.Int:
		return []byte(x.String())
	}
	b, _ := json.Marshal(exact(v))
	return b
}

func writeMarkdown(w io.Writer, t *report.Table) error {
	esc := strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace
	var b bytes.Buffer
	b.WriteString("|")
	for _, c := range t.Columns {
		b.WriteString(" " + esc(c) + " |")
	}
	b.WriteString("\n|")
	for i := range t.Columns {
		if textColumn(t, i) {
			b.WriteString(":---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteByte('\n')
	for _, r := range humanCells(t) {
		b.WriteString("|")
		for _, v := range r {
			b.WriteString(" " + esc(v) + " |")
		}
		b.WriteByte('\n')
	}
	if len(t.Notes) > 0 {
		b.WriteByte('\n')
		for _, n := range t.Notes {
			b.WriteString("- " + esc(n) + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// textColumn tells whether column i holds text (left-aligned in Markdown):
// it has a value and every value is a string.
func textColumn(t *report.Table, i int) bool {
	seen := false
	for _, r := range t.Rows {
		switch r[i].(type) {
		case nil:
		case string:
			seen = true
		default:
			return false
		}
	}
	return seen
}
