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
	"text/tabwriter"
	"time"

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

// exact renders a value losslessly, for CSV and JSON.
func exact(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
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

// human renders a value for people: floats rounded.
func human(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return exact(x)
		case math.Abs(x) >= 1e6:
			return groupThousands(strconv.FormatFloat(x, 'f', 0, 64))
		default:
			s := strconv.FormatFloat(x, 'f', 2, 64)
			if s == "-0.00" { // rounding noise below zero
				s = "0.00"
			}
			return s
		}
	}
	return exact(v)
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b bytes.Buffer
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func writeText(w io.Writer, t *report.Table) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(t.Columns, "\t")+"\t")
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = human(v)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
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
		return []byte(strconv.FormatFloat(x, 'g', -1, 64))
	case int, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool:
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
	for _, r := range t.Rows {
		b.WriteString("|")
		for _, v := range r {
			b.WriteString(" " + esc(human(v)) + " |")
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
