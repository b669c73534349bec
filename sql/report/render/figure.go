package render

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure is a line chart that is not one report's: the brief's charts,
// drawn in the reports' style (palette, fonts, hollow markers on
// incomplete points, a gap where a value is missing).
type Figure struct {
	Title, XLabel, YLabel string
	Lines                 []Line
	// Band, if set, is drawn under the lines: a shaded range per x.
	Band *Band
	// Marks are vertical lines at an x, labelled (a milestone year).
	Marks []Mark
	Foot  string
}

// Line is one series of a Figure. NaN in Y is a gap.
type Line struct {
	Name    string
	X, Y    []float64
	Partial []bool // incomplete points: hollow, the line dotted to them
	Dashed  bool
}

// Band is a shaded range of a Figure.
type Band struct {
	Name   string
	X      []float64
	Lo, Hi []float64
}

// Mark is a labelled vertical line of a Figure.
type Mark struct {
	X     float64
	Label string
}

// Write draws the figure as "png" or "svg".
func (f Figure) Write(w io.Writer, format string) error {
	c, err := f.chart()
	if err != nil {
		return err
	}
	return c.write(w, format, true)
}

// SVG is the figure as an <svg> element for an HTML page (no XML prelude,
// no foot line).
func (f Figure) SVG() (string, error) {
	c, err := f.chart()
	if err != nil {
		return "", err
	}
	return c.svg()
}

func (f Figure) chart() (*chart, error) {
	var xs []float64
	var ys [][]float64
	ss := make([]series, len(f.Lines))
	for i, l := range f.Lines {
		if len(l.X) != len(l.Y) {
			return nil, fmt.Errorf("figure %q: line %s has %d x and %d y values", f.Title, l.Name, len(l.X), len(l.Y))
		}
		ss[i] = series{name: l.Name, col: palette[i%len(palette)], dashed: l.Dashed, years: l.X, values: l.Y, partial: l.Partial}
		for j, y := range l.Y {
			if !math.IsNaN(y) {
				xs = append(xs, l.X[j])
			}
		}
		ys = append(ys, l.Y)
	}
	if f.Band != nil {
		xs = append(xs, f.Band.X...)
		ys = append(ys, f.Band.Hi)
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("%w: figure %q has no value", ErrNoChart, f.Title)
	}
	p := newPlot(f.Title, f.YLabel)
	yearAxis(p, xs)
	p.X.Label.Text = f.XLabel
	l := newLegend()
	if b := f.Band; b != nil {
		var poly plotter.XYs
		for i := range b.X {
			if !math.IsNaN(b.Hi[i]) {
				poly = append(poly, plotter.XY{X: b.X[i], Y: b.Hi[i]})
			}
		}
		for i := len(b.X) - 1; i >= 0; i-- {
			if !math.IsNaN(b.Lo[i]) {
				poly = append(poly, plotter.XY{X: b.X[i], Y: b.Lo[i]})
			}
		}
		if len(poly) >= 3 {
			pg, err := plotter.NewPolygon(poly)
			if err != nil {
				return nil, fmt.Errorf("figure %q: band: %w", f.Title, err)
			}
			pg.Color = color.NRGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0x66}
			pg.LineStyle.Color = nil
			p.Add(pg)
			l.Add(b.Name, pg)
		}
	}
	if err := addLines(p, &l, ss); err != nil {
		return nil, err
	}
	shareAxis(p, ys...)
	for _, m := range f.Marks {
		line, err := plotter.NewLine(plotter.XYs{{X: m.X, Y: p.Y.Min}, {X: m.X, Y: p.Y.Max}})
		if err != nil {
			return nil, err
		}
		line.LineStyle = draw.LineStyle{Color: color.Gray{Y: 0x88}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}
		p.Add(line)
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: m.X, Y: p.Y.Max}}, Labels: []string{" " + m.Label}})
		if err != nil {
			return nil, err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font = font.From(sans, 9)
			lb.TextStyle[i].YAlign = draw.YTop
		}
		p.Add(lb)
	}
	return &chart{plot: p, legend: l, foot: f.Foot}, nil
}
