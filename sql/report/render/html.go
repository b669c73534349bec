package render

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/sql/report"
)

//go:embed templates
var templateFS embed.FS

var templates = template.Must(template.ParseFS(templateFS, "templates/*"))

// WriteHTML writes t as one self-contained HTML page: a heading with the
// report's purpose, its chart (inline SVG) with a caption naming the data
// source, basis and mirror share, the table, its notes, and the ledger
// rows of the files the figures come from (t.Sources: the files of the
// table's dataset and the exchange-rate files). made is when the report
// ran.
//
// The page loads nothing: no scripts, fonts, images or styles from
// elsewhere.
func WriteHTML(w io.Writer, t *report.Table, made time.Time, opts ...HTMLOption) error {
	var o htmlOptions
	for _, f := range opts {
		f(&o)
	}
	d, err := pageFor(t, made, o.columns)
	if err != nil {
		return err
	}
	return templates.ExecuteTemplate(w, "page.html", d)
}

// HTMLOption changes what WriteHTML shows.
type HTMLOption func(*htmlOptions)

type htmlOptions struct{ columns []string }

// TableColumns shows only these columns in the page's table, in this
// order (SelectColumns); the chart still draws from the whole report.
func TableColumns(names []string) HTMLOption { return func(o *htmlOptions) { o.columns = names } }

type pageData struct {
	Title, Facts, Purpose string
	IndexLink             bool
	Href                  string // in a site: the page's file name
	Chart                 template.HTML
	Caption               string
	Columns               []htmlColumn
	Rows                  [][]htmlCell
	Notes                 []string
	Files                 []htmlFile
	Made, MadeISO         string
}

type htmlColumn struct {
	Name    string // as in CSV and JSON, the header's tooltip
	Label   string // for people
	Numeric bool
}

type htmlCell struct{ Text, Class string }

type htmlFile struct {
	Name, Path, Dataset, Format, SHA256, ShortSHA, Loaded string
	Rows                                                  int64
}

func pageFor(full *report.Table, made time.Time, columns []string) (*pageData, error) {
	if full == nil {
		return nil, errors.New("render: no table")
	}
	t, err := SelectColumns(full, columns)
	if err != nil {
		return nil, err
	}
	purpose := ""
	if t.Purpose != "" {
		purpose = strings.ToUpper(t.Purpose[:1]) + t.Purpose[1:]
	}
	d := &pageData{
		Title:   title(full),
		Facts:   facts(full),
		Purpose: purpose,
		Notes:   t.Notes,
		Made:    made.Format("2006-01-02 15:04 MST"),
		MadeISO: made.Format(time.RFC3339),
	}
	src := t.Sources
	for _, f := range src {
		d.Files = append(d.Files, htmlFileOf(f))
	}
	svg, err := chartSVG(full)
	switch {
	case err == nil:
		// The SVG is drawn here by gonum/plot, which escapes every text
		// it writes.
		d.Chart = template.HTML(svg)
		d.Caption = caption(full, src)
	case !errors.Is(err, ErrNoChart):
		return nil, err
	}
	for i, c := range t.Columns {
		d.Columns = append(d.Columns, htmlColumn{Name: c, Label: columnLabel(c), Numeric: !textColumn(t, i)})
	}
	for _, r := range humanCells(t) {
		cells := make([]htmlCell, len(r))
		for i, v := range r {
			switch {
			case d.Columns[i].Numeric:
				cells[i] = htmlCell{v, "num"}
			case len(v) > 40:
				cells[i] = htmlCell{v, "wrap"}
			default:
				cells[i] = htmlCell{v, ""}
			}
		}
		d.Rows = append(d.Rows, cells)
	}
	return d, nil
}

func htmlFileOf(f report.Source) htmlFile {
	short := f.SHA256
	if len(short) > 12 {
		short = short[:12]
	}
	full := f.Path
	if f.Entry != "" {
		full += "!" + f.Entry
	}
	return htmlFile{Name: fileName(f), Path: full, Dataset: f.Dataset, Format: f.Format, SHA256: f.SHA256,
		ShortSHA: short, Rows: f.Rows, Loaded: f.LoadedAt.UTC().Format("2006-01-02 15:04 UTC")}
}

// fileName is a file's base name, with its entry for a zip archive.
func fileName(f report.Source) string {
	n := path.Base(strings.ReplaceAll(f.Path, `\`, "/"))
	if f.Entry != "" {
		n += "!" + f.Entry
	}
	return n
}

// title says what the page shows, for its group(s) and years: "C5:
// intra-regional trade against China and Russia, 1996–2020".
func title(t *report.Table) string {
	p := t.Params
	trade := map[string]string{"X": "exports", "M": "imports"}[p.Flows]
	if trade == "" {
		trade = "trade"
	}
	var what string
	switch t.Report {
	case "regional-shares":
		what = p.Group + ": intra-regional " + trade + " against China and Russia"
	case "partner-shares":
		what = p.Group + " members: " + trade + " with each other, China and Russia"
	case "group-compare":
		what = joinAnd(p.Groups) + " compared: intra-regional " + trade + ", intensity and introversion"
	case "intensity":
		what = p.Group + ": trade intensity and introversion, with China and Russia"
	case "coverage":
		what = p.Group + ": where each member's totals come from, and how complete they are"
	case "mirror-gaps":
		what = p.Group + ": exports as exporters and as importers report them"
	default:
		what = t.Report
		if p.Group != "" {
			what += ": " + p.Group
		}
	}
	if p.Group == "" && t.Report != "group-compare" {
		what = t.Report
	}
	if y := yearSpan(t); y != "" {
		what += ", " + y
	}
	return what
}

// columnLabels are the headers people read for the reports' columns; the
// column's own name stays the header's tooltip.
var columnLabels = map[string]string{
	"year": "Year", "group": "Group", "members": "Members", "member": "Member", "member_name": "Name",
	"intra_share_pct": "Intra-regional share, %", "china_share_pct": "China, %", "russia_share_pct": "Russia, %",
	"rest_share_pct": "Rest of the world, %", "total_trade_usd": "Total trade, USD", "mirror_share_pct": "From partners' reports, %",
	"intra_trade_usd": "Intra-regional trade, USD", "china_trade_usd": "With China, USD", "russia_trade_usd": "With Russia, USD",
	"members_with_data": "Members with data", "members_mirrored": "Members mirrored", "compare_group": "Compared with",
	"compare_intra_share_pct": "Its intra-regional share, %", "basis": "Basis", "membership": "Membership",
	"cif_fob": "CIF/FOB factor", "complete": "Complete", "incomplete_reason": "Why incomplete",
	"export_hhi": "Export concentration (HHI)", "top_partners": "Top partners", "intensity": "Intensity",
	"hii": "HII", "hei": "HEI", "rti": "RTI", "why_not": "Why not computed", "scope": "Scope",
}

// columnLabel is a column's header for people: from columnLabels, else
// its name in words ("partners_reporting" is "Partners reporting", a
// _pct column a "%", a _usd one "USD").
func columnLabel(c string) string {
	if l, ok := columnLabels[c]; ok {
		return l
	}
	unit := ""
	switch {
	case strings.HasSuffix(c, "_pct"):
		c, unit = strings.TrimSuffix(c, "_pct"), ", %"
	case strings.HasSuffix(c, "_usd"):
		c, unit = strings.TrimSuffix(c, "_usd"), ", USD"
	}
	words := strings.ReplaceAll(c, "_", " ")
	if words == "" {
		return c + unit
	}
	return strings.ToUpper(words[:1]) + words[1:] + unit
}

// facts is the line under the title: report, dataset, basis, membership,
// years.
func facts(t *report.Table) string {
	parts := paramParts(t)
	if t.Report != "" {
		parts = append([]string{"report " + t.Report}, parts...)
	}
	if y := yearSpan(t); y != "" {
		parts = append(parts, y)
	}
	return strings.Join(parts, " · ")
}

// yearSpan is "2017–2020" over the year column ("" without one).
func yearSpan(t *report.Table) string {
	ys, err := column(t, "year")
	if err != nil || len(ys) == 0 {
		return ""
	}
	lo, hi := slices.Min(ys), slices.Max(ys)
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", int(lo), int(hi))
}

var basisWords = map[string]string{
	"reporter":       "each member's own reports, its partners' reports where it reported nothing",
	"flow":           "a reconciled flow table",
	"importer-first": "the importer's report where there is one, else the exporter's",
	"exporter-first": "the exporter's report where there is one, else the importer's",
	"average":        "the mean of both sides' reports where both exist",
}

// caption says what the chart shows and where its figures come from.
func caption(t *report.Table, src []report.Source) string {
	p := t.Params
	group := p.Group
	years := yearSpan(t)
	var what string
	switch t.Report {
	case "regional-shares":
		var drawn []string
		for _, c := range []struct{ col, words string }{{"intra_share_pct", "with its own members (intra-regional)"},
			{"china_share_pct", "with China"}, {"russia_share_pct", "with Russia"}} {
			if hasValue(t, c.col) {
				drawn = append(drawn, c.words)
			}
		}
		if len(drawn) > 0 {
			what = fmt.Sprintf("Shares of %s's total goods trade%s %s, %s, in per cent.", group, tradeWords(p.Flows), joinAnd(drawn), years)
		} else {
			what = fmt.Sprintf("No share of %s's trade is complete in %s: nothing is drawn (see the notes).", group, years)
		}
		if cmp := textValue(t, "compare_group"); cmp != "" && hasValue(t, "compare_intra_share_pct") {
			what += fmt.Sprintf(" Dashed: %s's intra-regional share, from the same data and rules.", cmp)
		}
	case "group-compare":
		what = fmt.Sprintf("Intra-regional share of each group's total goods trade (%s), %s, in per cent.", strings.Join(p.Groups, ", "), years)
	case "partner-shares":
		ys, _ := column(t, "year")
		what = fmt.Sprintf("Shares of each %s member's total goods trade%s in %d with the other members, China, Russia and the rest of the world, in per cent.", group, tradeWords(p.Flows), int(slices.Max(ys)))
		if u := unknownBars(t, slices.Max(ys)); u != "" {
			what += " No bar where a share is unknown: " + u + "."
		}
	}
	var names []string
	for _, f := range src {
		if f.Kind != "fx" {
			names = append(names, fileName(f))
		}
	}
	source := fmt.Sprintf(" Source: dataset %s", p.Dataset)
	if len(names) > 0 {
		source += " (" + strings.Join(names, ", ") + ")"
	}
	source += "; basis " + p.Basis
	if w, ok := basisWords[p.Basis]; ok {
		source += " (" + w + ")"
	}
	source += fmt.Sprintf("; membership %s; CIF/FOB factor %g for mirror values.", p.Membership, p.CIFFOB)
	if t.Report == "partner-shares" {
		source += " Totals taken in part from partners' reports in that year: " + mirroredMembers(t) + "."
	} else if m := mirrorRange(t); m != "" {
		source += " Mirror share: " + m + " of the total came from partners' reports."
	}
	return what + source + partialWords(t)
}

// partialWords says how the chart shows incomplete figures, where the
// table has any.
func partialWords(t *report.Table) string {
	n := 0
	for _, p := range partialYears(t) {
		if p {
			n++
		}
	}
	switch {
	case n == 0:
		return ""
	case t.Params.Partial == "show":
		return fmt.Sprintf(" Hollow markers and dotted lines: %d row(s) whose figures are incomplete, shown all the same (see the notes).", n)
	}
	return fmt.Sprintf(" %d row(s) have incomplete figures: their shares are left out, so a line breaks there (see the notes).", n)
}

// unknownBars names, for the partner chart's year, the members whose
// shares are empty: "KAZ (Russia, the rest)" ("" if none).
func unknownBars(t *report.Table, year float64) string {
	ys, err := column(t, "year")
	mi := slices.Index(t.Columns, "member")
	if err != nil || mi < 0 {
		return ""
	}
	var out []string
	for i, y := range ys {
		if y != year {
			continue
		}
		var missing []string
		for _, c := range []struct{ col, words string }{{"intra_share_pct", "the other members"}, {"china_share_pct", "China"},
			{"russia_share_pct", "Russia"}, {"rest_share_pct", "the rest"}} {
			j := slices.Index(t.Columns, c.col)
			if j >= 0 && t.Rows[i][j] == nil && !memberIs(t, i, c.col) {
				missing = append(missing, c.words)
			}
		}
		if len(missing) > 0 {
			out = append(out, exact(t.Rows[i][mi])+" ("+strings.Join(missing, ", ")+")")
		}
	}
	return strings.Join(out, "; ")
}

// memberIs tells whether a share is empty because the partner is itself a
// member (China's share of an SCO member): not unknown, just not apart.
func memberIs(t *report.Table, row int, col string) bool {
	ci := slices.Index(t.Columns, "complete")
	if ci < 0 {
		return false
	}
	ok, _ := t.Rows[row][ci].(bool)
	return ok && (col == "china_share_pct" || col == "russia_share_pct")
}

// hasValue tells whether a column has a value in any row.
func hasValue(t *report.Table, col string) bool {
	vs, err := column(t, col)
	return err == nil && slices.ContainsFunc(vs, func(v float64) bool { return !math.IsNaN(v) })
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func tradeWords(flows string) string {
	switch flows {
	case "X":
		return " (exports only)"
	case "M":
		return " (imports only)"
	}
	return " (exports + imports)"
}
