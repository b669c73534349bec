package render

import (
	"path/filepath"
	"strings"
)

// extensions maps a file name's extension to the output format it names.
var extensions = map[string]string{
	".txt": "table", ".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown",
	".html": "html", ".htm": "html", ".png": "png", ".svg": "svg",
}

// FormatForFile is the output format a file name's extension names
// (x.csv: csv, x.md: markdown, x.html: html, x.png: png, ...), and whether
// it names one. The report command writes --out x.csv as CSV without
// --format; the query command can do the same.
func FormatForFile(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	f, ok := extensions[strings.ToLower(filepath.Ext(name))]
	return f, ok
}
