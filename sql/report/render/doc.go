// Package render writes report results (report.Table) for people and for
// programs: aligned text, CSV, JSON and Markdown tables (Write), charts as
// PNG or SVG (WriteChart), one self-contained HTML page per report
// (WriteHTML) and a folder of them with an index (WriteSite). Files are
// written through WriteAtomic, so a reader sees the old file or the new
// one, never half of one. It runs no queries: everything it shows is in
// the table.
package render
