package report

import (
	"embed"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
)

// The named reports, one .sql file each (reports/*.sql), whose headers
// give their names, purposes and parameters.
//
//go:embed reports/*.sql
var reportFS embed.FS

// reportFiles returns the report files sorted by name.
func reportFiles() ([]sqlfile.File, error) { return sqlfile.Dir(reportFS, "reports") }

// reportFile returns the named report's file.
func reportFile(name string) (sqlfile.File, bool, error) {
	fs, err := reportFiles()
	if err != nil {
		return sqlfile.File{}, false, err
	}
	f, ok := sqlfile.Find(fs, name)
	return f, ok, nil
}

// SQLFile returns the named report's .sql file, for tools that run its SQL
// themselves (the bench runs it on DuckDB alone as a baseline).
func SQLFile(name string) (sqlfile.File, bool, error) { return reportFile(name) }
