package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/brief"
	"github.com/tradepipe/tradepipe/sql/report/render"
	"github.com/tradepipe/tradepipe/sql/store"
)

type briefCmd struct {
	dbFlag
	Dataset string `help:"Dataset to read (default: the only one loaded)."`
	Group   string `default:"${group}" help:"The region the claims are about."`
	Compare string `default:"${compare}" help:"The group it is set beside (ASEAN); none for none."`
	From    int    `help:"First year."`
	To      int    `help:"Last year."`
	Claims  string `type:"existingfile" help:"The claims file (YAML, as the bundled one: tradepipe brief --print-claims); default: the bundled claims on Central Asia."`
	Print   bool   `name:"print-claims" help:"Print the bundled claims file and exit."`
	Out     string `help:"Write to FILE: .html (one self-contained page, charts inline) or .md (Markdown, charts as PNG files beside it); default: Markdown on standard output, without charts." type:"path"`
}

func (c *briefCmd) Run(e *env) error {
	if c.Print {
		_, err := e.stdout.Write(brief.DefaultClaimsFile())
		return err
	}
	ext := strings.ToLower(filepath.Ext(c.Out))
	if c.Out != "" && ext != ".html" && ext != ".md" {
		return usageError("--out %s: give a .html or .md file", c.Out)
	}
	o := brief.Options{Dataset: c.Dataset, Group: c.Group, Compare: c.Compare, From: c.From, To: c.To}
	if c.Claims != "" {
		cl, err := brief.LoadClaims(c.Claims)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		o.Claims = cl
	}
	st, err := c.open(e.ctx, store.ReadOnly())
	if err != nil {
		return err
	}
	defer release(st)
	b, err := brief.Build(e.ctx, st, o)
	if errors.Is(err, report.ErrUsage) {
		return &exitError{code: 2, err: err}
	}
	if err != nil {
		return err
	}
	if c.Out != "" {
		if err := os.MkdirAll(filepath.Dir(c.Out), 0o755); err != nil {
			return err
		}
	}
	switch ext {
	case "":
		return brief.WriteMarkdown(e.stdout, b, nil)
	case ".html":
		err = render.WriteAtomic(c.Out, func(w io.Writer) error { return brief.WriteHTML(w, b) })
	case ".md":
		_, err = brief.WriteFiles(c.Out, b)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "brief written: %s\n", c.Out)
	return nil
}
