package brief

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/tradepipe/tradepipe/sql/report/render"
)

//go:embed templates/brief.html
var templateFS embed.FS

var page = template.Must(template.ParseFS(templateFS, "templates/brief.html"))

// ChartFile writes section i's chart and returns the link to it in the
// Markdown ("" for none).
type ChartFile func(i int, s Section) (string, error)

// WriteMarkdown writes the brief as Markdown: text and tables for a paper,
// each chart a link that chart gives (nil: no charts, as on standard
// output).
func WriteMarkdown(w io.Writer, b *Brief, chart ChartFile) error {
	var out strings.Builder
	fmt.Fprintf(&out, "# %s\n\n", b.Title)
	fmt.Fprintf(&out, "Dataset %s, group %s", b.Dataset, b.Group)
	if b.Compare != "" {
		fmt.Fprintf(&out, " beside %s", b.Compare)
	}
	fmt.Fprintf(&out, "; made %s by tradepipe brief. Shares are per cent of total goods trade (exports plus imports). "+
		"A figure marked %s is built on incomplete data (a mirror from too few reporters, a partner with no row, part of a year): "+
		"read it as such; each section's coverage line says which and why.\n", b.Made.UTC().Format("2006-01-02 15:04 MST"), Incomplete)
	for i, s := range b.Sections {
		fmt.Fprintf(&out, "\n## %d. %s\n\n", i+1, s.Title)
		fmt.Fprintf(&out, "> %s\n\n", s.Quote)
		if len(s.Answer) > 0 {
			fmt.Fprintf(&out, "%s\n\n", strings.Join(s.Answer, " "))
		}
		if s.NotMeasured != "" {
			fmt.Fprintf(&out, "*Not measured:* %s\n\n", s.NotMeasured)
		}
		if s.Missing != "" {
			fmt.Fprintf(&out, "**What the data cannot answer:** %s\n\n", s.Missing)
		}
		if chart != nil && s.Figure != nil {
			link, err := chart(i, s)
			if err != nil {
				return err
			}
			if link != "" {
				fmt.Fprintf(&out, "![%s](%s)\n\n", s.Figure.Title, link)
			}
		}
		for _, g := range s.Tables {
			writeGrid(&out, g)
		}
		if s.Coverage != "" {
			fmt.Fprintf(&out, "*Coverage:* %s\n\n", s.Coverage)
		}
		if len(s.Commands) > 0 {
			out.WriteString("*Figures from:*\n\n")
			for _, c := range s.Commands {
				fmt.Fprintf(&out, "    %s\n", c)
			}
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func writeGrid(out *strings.Builder, g Grid) {
	if g.Caption != "" {
		fmt.Fprintf(out, "%s:\n\n", g.Caption)
	}
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	out.WriteString("|")
	for _, c := range g.Columns {
		out.WriteString(" " + cell(c) + " |")
	}
	out.WriteString("\n|")
	for i := range g.Columns {
		if i == 0 {
			out.WriteString(" --- |")
		} else {
			out.WriteString(" ---: |")
		}
	}
	out.WriteString("\n")
	for _, r := range g.Rows {
		out.WriteString("|")
		for _, c := range r {
			out.WriteString(" " + cell(c) + " |")
		}
		out.WriteString("\n")
	}
	out.WriteString("\n")
}

type htmlSection struct {
	Section
	N     int
	Chart template.HTML
}

// WriteHTML writes the brief as one self-contained page: charts inline
// (SVG drawn by gonum/plot, which escapes its text), no scripts, fonts or
// styles from elsewhere.
func WriteHTML(w io.Writer, b *Brief) error {
	d := struct {
		*Brief
		MadeText, MadeISO, Mark string
		Sections                []htmlSection
	}{Brief: b, MadeText: b.Made.UTC().Format("2006-01-02 15:04 MST"), MadeISO: b.Made.Format(time.RFC3339), Mark: Incomplete}
	for i, s := range b.Sections {
		hs := htmlSection{Section: s, N: i + 1}
		if s.Figure != nil {
			svg, err := s.Figure.SVG()
			if err != nil {
				return fmt.Errorf("brief, section %s: %w", s.ID, err)
			}
			hs.Chart = template.HTML(svg)
		}
		d.Sections = append(d.Sections, hs)
	}
	return page.Execute(w, d)
}

// WriteFiles writes the brief as Markdown to path, each chart a PNG beside
// it (path's name without .md, then -N-ID.png), every file atomically,
// and returns the files written.
func WriteFiles(path string, b *Brief) ([]string, error) {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	var written []string
	chart := func(i int, s Section) (string, error) {
		name := fmt.Sprintf("%s-%d-%s.png", base, i+1, s.ID)
		err := render.WriteAtomic(name, func(w io.Writer) error { return s.Figure.Write(w, "png") })
		if errors.Is(err, render.ErrNoChart) {
			return "", nil
		}
		if err == nil {
			written = append(written, name)
		}
		return filepath.Base(name), err
	}
	var md strings.Builder
	if err := WriteMarkdown(&md, b, chart); err != nil {
		return written, err
	}
	err := render.WriteAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, md.String()); return err })
	if err == nil {
		written = append(written, path)
	}
	return written, err
}
