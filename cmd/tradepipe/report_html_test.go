package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportHTMLAndCharts: --format html, png and svg, to a file and to
// standard output (not a terminal here).
func TestReportHTMLAndCharts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	if code, out, errs := tp(t, "ingest", "--db", db, "--dataset", "sample", sample("c5_comtrade_2017_2020.csv"), sample("asean_long_1996_2020.csv")); code != 0 {
		t.Fatalf("ingest: %s%s", out, errs)
	}
	page := filepath.Join(dir, "shares.html")
	if code, out, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "html", "--out", page); code != 0 || out != "" {
		t.Fatalf("html: exit %d\n%s%s", code, out, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	// Without Turkmenistan's own figures its trade is a mirror from six
	// reporters: every year is incomplete, and the page says so.
	for _, w := range []string{"<!DOCTYPE html>", "<figure id=\"chart\">\n<svg ", "c5_comtrade_2017_2020.csv",
		"4 row(s) have incomplete figures", "TKM exports 2017: mirror from 6 reporters"} {
		if !bytes.Contains(b, []byte(w)) {
			t.Errorf("page lacks %q", w)
		}
	}
	if code, out, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "html", "--partial", "show", "--out", page); code != 0 || out != "" {
		t.Fatalf("html --partial show: exit %d\n%s%s", code, out, errs)
	}
	if b, err = os.ReadFile(page); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Mirror share: 5.7–6.5%", "Hollow markers and dotted lines: 4 row(s) whose figures are incomplete"} {
		if !bytes.Contains(b, []byte(w)) {
			t.Errorf("--partial show page lacks %q", w)
		}
	}

	shot := filepath.Join(dir, "shares.png")
	if code, _, errs := tp(t, "report", "regional-shares", "--db", db, "--format", "png", "--out", shot); code != 0 {
		t.Fatalf("png: exit %d %s", code, errs)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("png: %v", err)
	}

	code, out, errs := tp(t, "report", "group-compare", "--db", db, "--compare", "ASEAN", "--format", "svg")
	if code != 0 || !strings.HasPrefix(out, "<?xml") || !strings.Contains(out, "<svg") || !strings.Contains(out, ">ASEAN</text>") {
		t.Errorf("svg to stdout: exit %d %s\n%.200s", code, errs, out)
	}
	code, out, _ = tp(t, "report", "partner-shares", "--db", db, "--format", "png")
	if code != 0 || !strings.HasPrefix(out, "\x89PNG\r\n") {
		t.Errorf("png to a non-terminal stdout: exit %d, %q...", code, out[:min(len(out), 8)])
	}
	code, out, _ = tp(t, "report", "coverage", "--db", db, "--format", "html")
	if code != 0 || !strings.Contains(out, "<h2>Table</h2>") || strings.Contains(out, "<svg") {
		t.Errorf("coverage html: exit %d", code)
	}
	if code, _, errs := tp(t, "report", "coverage", "--db", db, "--format", "png", "--out", shot); code != 2 || !strings.Contains(errs, "report coverage has no chart") {
		t.Errorf("coverage png: exit %d %s", code, errs)
	}
	if code, _, errs := tp(t, "report", "coverage", "--db", db, "--format", "gif"); code != 2 || !strings.Contains(errs, `"html","png","svg"`) {
		t.Errorf("gif: exit %d %s", code, errs)
	}
}
