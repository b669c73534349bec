package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/tradepipe/tradepipe/sql/report"
)

// ChartFormats lists the image formats WriteChart writes.
var ChartFormats = []string{"png", "svg"}

// ErrNoChart is returned for a report that has no chart (coverage, say) or
// a table with nothing to draw.
var ErrNoChart = errors.New("no chart")

// The chart's size: 9 x 4.5 inches; PNGs are drawn at 144 dots per inch
// (1296 x 648 pixels), sharp on a high-density screen or in print.
const (
	chartW   = 9 * vg.Inch
	chartH   = 4.5 * vg.Inch
	chartDPI = 144
)

// Okabe and Ito's colour-blind safe palette, in the order series take it.
var palette = []color.Color{
	rgb(0x0072B2), // blue
	rgb(0xD55E00), // vermillion
	rgb(0x009E73), // bluish green
	rgb(0xCC79A7), // reddish purple
	rgb(0xE69F00), // orange
	rgb(0x56B4E9), // sky blue
	rgb(0x000000), // black
	rgb(0xF0E442), // yellow
}

func rgb(c uint32) color.Color {
	return color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xff}
}

// HasChart tells whether WriteChart draws something for t.
func HasChart(t *report.Table) bool {
	_, err := newChart(t)
	return err == nil
}

// WriteChart draws t's chart as "png" or "svg": for regional-shares the
// group's intra-regional, China and Russia shares over the years (the
// comparison group's intra share dashed), for group-compare each group's
// intra share, for partner-shares the latest year's shares per member. A
// line at the foot names the dataset, basis and mirror share. Other reports
// give ErrNoChart.
func WriteChart(w io.Writer, t *report.Table, format string) error {
	c, err := newChart(t)
	if err != nil {
		return err
	}
	return c.write(w, format, true)
}

// chartSVG is the chart as an <svg> element for an HTML page (no XML
// prelude, no foot line: the page's caption says it).
func chartSVG(t *report.Table) (string, error) {
	c, err := newChart(t)
	if err != nil {
		return "", err
	}
	return c.svg()
}

// svg is the chart as an <svg> element, without its foot line.
func (c *chart) svg() (string, error) {
	var b bytes.Buffer
	if err := c.write(&b, "svg", false); err != nil {
		return "", err
	}
	s := b.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s, nil
}

// chart is a plot with its legend, drawn beside it rather than over the
// lines, and a foot line.
type chart struct {
	plot   *plot.Plot
	legend plot.Legend
	foot   string
}

func newChart(t *report.Table) (*chart, error) {
	if t == nil || len(t.Rows) == 0 {
		return nil, fmt.Errorf("%w: the table has no rows", ErrNoChart)
	}
	var c *chart
	var err error
	switch t.Report {
	case "regional-shares":
		c, err = regionalChart(t)
	case "group-compare":
		c, err = groupCompareChart(t)
	case "partner-shares":
		c, err = partnerChart(t)
	default:
		return nil, fmt.Errorf("%w for report %q (charts: regional-shares, group-compare, partner-shares)", ErrNoChart, t.Report)
	}
	if err != nil {
		return nil, err
	}
	c.foot = footLine(t)
	return c, nil
}

// sans is the charts' typeface (the plot default is a serif).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func newPlot(title, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 14)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = ylabel
	p.Y.Label.TextStyle.Font = font.From(sans, 11)
	p.X.Label.TextStyle.Font = font.From(sans, 11)
	p.X.Tick.Label.Font = font.From(sans, 10)
	p.Y.Tick.Label.Font = font.From(sans, 10)
	p.X.Padding, p.Y.Padding = 0, 0
	p.Y.Tick.Marker = plot.TickerFunc(shareTicks)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = color.Gray{Y: 0xdd}
	p.Add(grid)
	return p
}

func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	l.TextStyle.Font = font.From(sans, 11)
	l.ThumbnailWidth = vg.Points(28)
	l.Padding = vg.Points(4)
	return l
}

// shareTicks labels 4 to 10 round values (steps of 1, 2, 5, 10, 20 or 25
// points) between min and max.
func shareTicks(min, max float64) []plot.Tick {
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000} {
		step = s
		if (max-min)/s <= 10 {
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step*1e-9; v += step {
		if v == 0 {
			v = 0 // not -0
		}
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ts
}

// series is one line of a chart over the years.
type series struct {
	name   string
	col    color.Color
	dashed bool
	years  []float64
	values []float64 // NaN: no value that year
	// partial marks the years whose figures are incomplete (shown with
	// --partial show): a hollow marker, and a dotted line to and from it.
	partial []bool
}

// addLines adds each series as lines through its points, broken where a
// year has no value or is missing from the table (a gap, never a zero),
// with a marker on every point (so a lone year still shows): filled where
// the year is complete, hollow where it is not, the line dotted to and
// from a hollow one. A series with no value at all is left out, legend
// and all.
func addLines(p *plot.Plot, l *plot.Legend, ss []series) error {
	for i, s := range ss {
		style := draw.LineStyle{Color: s.col, Width: vg.Points(2.2)}
		if s.dashed {
			style.Dashes = []vg.Length{vg.Points(7), vg.Points(4)}
		}
		dotted := style
		dotted.Dashes = []vg.Length{vg.Points(1.5), vg.Points(3)}
		glyph := draw.GlyphStyle{Color: s.col, Radius: vg.Points(2.8), Shape: glyphShapes[i%len(glyphShapes)]}
		hollow := draw.GlyphStyle{Color: s.col, Radius: vg.Points(3.2), Shape: draw.RingGlyph{}}
		partial := func(j int) bool { return j < len(s.partial) && s.partial[j] }
		if !slices.ContainsFunc(s.values, func(v float64) bool { return !math.IsNaN(v) }) {
			continue
		}
		prev := -1 // the last point drawn, while the line goes on
		for j, y := range s.values {
			if math.IsNaN(y) {
				prev = -1
				continue
			}
			pt := plotter.XYs{{X: s.years[j], Y: y}}
			if prev >= 0 && s.years[j]-s.years[prev] <= 1 {
				seg := plotter.XYs{{X: s.years[prev], Y: s.values[prev]}, pt[0]}
				line, err := plotter.NewLine(seg)
				if err != nil {
					return fmt.Errorf("chart series %s: %w", s.name, err)
				}
				line.LineStyle = style
				if partial(prev) || partial(j) {
					line.LineStyle = dotted
				}
				p.Add(line)
			}
			points, err := plotter.NewScatter(pt)
			if err != nil {
				return fmt.Errorf("chart series %s: %w", s.name, err)
			}
			points.GlyphStyle = glyph
			if partial(j) {
				points.GlyphStyle = hollow
			}
			p.Add(points)
			prev = j
		}
		line, _ := plotter.NewLine(plotter.XYs{{}, {}})
		line.LineStyle = style
		mark, _ := plotter.NewScatter(plotter.XYs{{}})
		mark.GlyphStyle = glyph
		l.Add(s.name, line, mark)
	}
	return nil
}

// partialYears reads the complete column: true where a row is not ("" or
// a table without the column: none is).
func partialYears(t *report.Table) []bool {
	out := make([]bool, len(t.Rows))
	ci := slices.Index(t.Columns, "complete")
	if ci < 0 {
		return out
	}
	for i, r := range t.Rows {
		if ok, isBool := r[ci].(bool); isBool && !ok {
			out[i] = true
		}
	}
	return out
}

var glyphShapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}}

// yearAxis sets the x axis to whole years with a margin of half a year.
func yearAxis(p *plot.Plot, years []float64) {
	lo, hi := slices.Min(years), slices.Max(years)
	p.X.Min, p.X.Max = lo-0.5, hi+0.5
	p.X.Label.Text = "year"
	step := 1.0
	switch span := hi - lo; {
	case span > 40:
		step = 10
	case span > 20:
		step = 5
	case span > 10:
		step = 2
	}
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		for y := math.Ceil(min); y <= max; y++ {
			label := ""
			if math.Mod(y, step) == 0 {
				label = strconv.Itoa(int(y))
			}
			ts = append(ts, plot.Tick{Value: y, Label: label})
		}
		return ts
	})
}

// shareAxis starts the y axis at zero (or below, for a negative value)
// and leaves a little room above the highest value.
func shareAxis(p *plot.Plot, values ...[]float64) {
	lo, hi := 0.0, 0.0
	for _, vs := range values {
		for _, v := range vs {
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
	}
	if hi <= 0 {
		hi = 1
	}
	p.Y.Min, p.Y.Max = lo, hi*1.08
}

func regionalChart(t *report.Table) (*chart, error) {
	years, err := column(t, "year")
	if err != nil {
		return nil, err
	}
	group := textValue(t, "group")
	ss := []series{{name: "intra-regional (" + group + " with " + group + ")", col: palette[0]},
		{name: "with China", col: palette[1]},
		{name: "with Russia", col: palette[2]}}
	partial := partialYears(t)
	for i, col := range []string{"intra_share_pct", "china_share_pct", "russia_share_pct"} {
		if ss[i].values, err = column(t, col); err != nil {
			return nil, err
		}
		ss[i].years, ss[i].partial = years, partial
	}
	if cmp := textValue(t, "compare_group"); cmp != "" {
		vs, err := column(t, "compare_intra_share_pct")
		if err != nil {
			return nil, err
		}
		ss = append(ss, series{name: cmp + " intra-regional", col: palette[6], dashed: true, years: years, values: vs, partial: partial})
	}
	p := newPlot("Where "+group+"'s trade goes: shares of its total trade", "% of "+group+"'s total trade"+flowWords(t.Params.Flows))
	yearAxis(p, years)
	l := newLegend()
	if err := addLines(p, &l, ss); err != nil {
		return nil, err
	}
	var all [][]float64
	for _, s := range ss {
		all = append(all, s.values)
	}
	shareAxis(p, all...)
	return &chart{plot: p, legend: l}, nil
}

func groupCompareChart(t *report.Table) (*chart, error) {
	years, err := column(t, "year")
	if err != nil {
		return nil, err
	}
	shares, err := column(t, "intra_share_pct")
	if err != nil {
		return nil, err
	}
	gi := slices.Index(t.Columns, "group")
	if gi < 0 {
		return nil, fmt.Errorf("chart: no column group")
	}
	var order []string
	byGroup := map[string]*series{}
	partial := partialYears(t)
	for i, r := range t.Rows {
		g := exact(r[gi])
		s, ok := byGroup[g]
		if !ok {
			order = append(order, g)
			s = &series{name: g, col: palette[(len(order)-1)%len(palette)]}
			byGroup[g] = s
		}
		s.years = append(s.years, years[i])
		s.values = append(s.values, shares[i])
		s.partial = append(s.partial, partial[i])
	}
	ss := make([]series, len(order))
	for i, g := range order {
		ss[i] = *byGroup[g]
	}
	p := newPlot("Intra-regional share of each group's trade", "% of the group's total trade")
	yearAxis(p, years)
	l := newLegend()
	if err := addLines(p, &l, ss); err != nil {
		return nil, err
	}
	shareAxis(p, shares)
	return &chart{plot: p, legend: l}, nil
}

func partnerChart(t *report.Table) (*chart, error) {
	years, err := column(t, "year")
	if err != nil {
		return nil, err
	}
	latest := slices.Max(years)
	mi := slices.Index(t.Columns, "member")
	if mi < 0 {
		return nil, fmt.Errorf("chart: no column member")
	}
	var rows []int
	var members []string
	for i, y := range years {
		if y == latest {
			rows = append(rows, i)
			members = append(members, exact(t.Rows[i][mi]))
		}
	}
	group := textValue(t, "group")
	p := newPlot(fmt.Sprintf("Where each %s member's trade goes, %d", group, int(latest)),
		"% of the member's total trade"+flowWords(t.Params.Flows))
	p.NominalX(members...)
	p.X.Min, p.X.Max = -0.5, float64(len(members))-0.5
	p.X.Label.Text = "member"
	l := newLegend()
	bars := []struct{ name, col string }{
		{"with the other " + group + " members", "intra_share_pct"}, {"with China", "china_share_pct"},
		{"with Russia", "russia_share_pct"}, {"rest of the world", "rest_share_pct"},
	}
	// Bars share 80% of each member's slot; the data area is roughly the
	// chart less the legend and the y axis.
	slot := (chartW - 3.2*vg.Inch) / vg.Length(len(members))
	width := slot * 0.8 / vg.Length(len(bars))
	var all []float64
	for i, b := range bars {
		vs, err := column(t, b.col)
		if err != nil {
			return nil, err
		}
		vals := make(plotter.Values, len(rows))
		for k, r := range rows {
			if v := vs[r]; !math.IsNaN(v) {
				vals[k] = v
			}
		}
		all = append(all, vals...)
		bc, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", b.name, err)
		}
		bc.Color = palette[[]int{0, 1, 2, 6}[i]]
		if i == 3 {
			bc.Color = color.Gray{Y: 0xaa}
		}
		bc.LineStyle.Width = 0
		bc.Offset = (vg.Length(i) - vg.Length(len(bars)-1)/2) * width
		p.Add(bc)
		l.Add(b.name, bc)
	}
	shareAxis(p, all)
	return &chart{plot: p, legend: l}, nil
}

// flowWords says which flows a share is of, where not both.
func flowWords(flows string) string {
	switch flows {
	case "X":
		return " (exports)"
	case "M":
		return " (imports)"
	}
	return ""
}

// footLine names where the figures come from, for a chart on its own.
func footLine(t *report.Table) string {
	parts := paramParts(t)
	if t.Report == "partner-shares" {
		parts = append(parts, "mirrored totals: "+mirroredMembers(t))
	} else if m := mirrorRange(t); m != "" {
		parts = append(parts, "mirror share "+m)
	}
	if len(parts) == 0 {
		return "tradepipe"
	}
	return "tradepipe " + t.Report + ": " + strings.Join(parts, "; ")
}

// mirrorRange is the mirror share over the table's rows: "6.3%" or
// "5.7-6.5%" ("" without the column).
func mirrorRange(t *report.Table) string {
	vs, err := column(t, "mirror_share_pct")
	if err != nil {
		return ""
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		return ""
	}
	a, b := strconv.FormatFloat(lo, 'f', 1, 64), strconv.FormatFloat(hi, 'f', 1, 64)
	if a == b {
		return a + "%"
	}
	return a + "–" + b + "%"
}

// mirroredMembers names the members whose totals in the latest year came
// in part from partners' reports, with the share: "TKM 100%" ("none").
func mirroredMembers(t *report.Table) string {
	years, err := column(t, "year")
	if err != nil {
		return "unknown"
	}
	shares, err := column(t, "mirror_share_pct")
	mi := slices.Index(t.Columns, "member")
	if err != nil || mi < 0 {
		return "unknown"
	}
	latest := slices.Max(years)
	var out []string
	for i, y := range years {
		if y == latest && shares[i] > 0 {
			out = append(out, exact(t.Rows[i][mi])+" "+strconv.FormatFloat(shares[i], 'f', 0, 64)+"%")
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// write draws the chart on a white canvas: the plot on the left, its
// legend to the right of it, the foot line (if asked) along the bottom.
func (c *chart) write(w io.Writer, format string, foot bool) error {
	var cw vg.CanvasWriterTo
	switch format {
	case "svg":
		cw = vgsvg.NewWith(vgsvg.UseWH(chartW, chartH))
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI))}
	default:
		return fmt.Errorf("unknown chart format %q (want %s)", format, strings.Join(ChartFormats, ", "))
	}
	dc := draw.New(cw)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	pad := vg.Points(10)
	area := draw.Crop(dc, pad, -pad, pad, -pad)
	if foot && c.foot != "" {
		sty := text.Style{Color: color.Gray{Y: 0x55}, Font: c.plot.X.Label.TextStyle.Font, Handler: c.plot.X.Label.TextStyle.Handler}
		sty.Font.Size = vg.Points(9)
		area.FillText(sty, vg.Point{X: area.Min.X, Y: area.Min.Y}, c.foot)
		area = draw.Crop(area, 0, 0, sty.Height(c.foot)+vg.Points(6), 0)
	}
	legW := c.legend.Rectangle(area).Size().X
	plotArea := draw.Crop(area, 0, -(legW + 2*pad), 0, 0)
	// Start the legend level with the top of the plotting area, below
	// the title.
	legArea := draw.Crop(area, area.Size().X-legW-pad, 0, 0, -(c.plot.Title.TextStyle.Height(c.plot.Title.Text) + c.plot.Title.Padding + vg.Points(6)))
	c.plot.Draw(plotArea)
	c.legend.Draw(legArea)
	_, err := cw.WriteTo(w)
	return err
}

// column reads a numeric column as float64s, NaN where empty.
func column(t *report.Table, name string) ([]float64, error) {
	i := slices.Index(t.Columns, name)
	if i < 0 {
		return nil, fmt.Errorf("chart: report %s has no column %s", t.Report, name)
	}
	out := make([]float64, len(t.Rows))
	for k, r := range t.Rows {
		v, ok := number(r[i])
		if !ok {
			v = math.NaN()
		}
		out[k] = v
	}
	return out, nil
}

// textValue is the first non-empty value of a text column ("" if none).
func textValue(t *report.Table, name string) string {
	i := slices.Index(t.Columns, name)
	if i < 0 {
		return ""
	}
	for _, r := range t.Rows {
		if r[i] != nil {
			if s := exact(r[i]); s != "" {
				return s
			}
		}
	}
	return ""
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case decimal:
		return x.Float64(), true
	}
	return 0, false
}

// paramParts names the dataset, basis and membership a table was made with.
func paramParts(t *report.Table) []string {
	p := t.Params
	var parts []string
	if p.Dataset != "" {
		parts = append(parts, "dataset "+p.Dataset)
	}
	if p.Basis != "" {
		parts = append(parts, "basis "+p.Basis)
	}
	if p.Membership != "" {
		parts = append(parts, "membership "+p.Membership)
	}
	return parts
}
