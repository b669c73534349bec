package export

import (
	"context"
	dsql "database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The trade table, partitioned by year, is written a year a statement
// where that reads little more than the rows written. DuckDB's COPY ...
// PARTITION_BY ("year") does more than a COPY of one year to its folder,
// for the same files: a 10M-row BACI year took 7.0-7.65 s that way (1.6
// s more CPU) and 5.9-6.4 s as the COPY of that year alone, and three
// years of the bench's history 21.0-23.1 s at a peak of 1.03-1.11 GB,
// against 18.0-19.0 s and 0.61-0.70 GB (docs/performance-log.md,
// 2026-12-08). A year's statement reads the row groups of every file with
// rows in that year, the other years' rows of those files included, so
// where one file holds many years, as a WITS time series does (27 years
// in a file: 3.6 s a year a statement, 2.2-2.4 s in one), the one
// statement is kept.

// maxReadFactor bounds the rows a year's statements may read, all of them
// together, as a multiple of the rows they write.
const maxReadFactor = 2

// yearFiles holds, for each year of a dataset's trade, the rows each file
// has in it (file id to rows), as the store's sums say.
type yearFiles map[int]map[int64]int64

// readYearFiles reads a dataset's yearFiles (state/year_files.sql).
func readYearFiles(ctx context.Context, conn *dsql.Conn, dataset string) (yearFiles, error) {
	rows, err := stateRows(ctx, conn, "year_files", map[string]any{"dataset": dataset})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := yearFiles{}
	for rows.Next() {
		var year int
		var file, n int64
		if err := rows.Scan(&year, &file, &n); err != nil {
			return nil, err
		}
		if out[year] == nil {
			out[year] = map[int64]int64{}
		}
		out[year][file] += n
	}
	return out, rows.Err()
}

// yearly tells whether writing years a statement each reads at most
// maxReadFactor times their own rows: each statement reads every row of
// each file with rows in its year.
func (yf yearFiles) yearly(years []int) bool {
	fileRows := map[int64]int64{}
	for _, files := range yf {
		for f, n := range files {
			fileRows[f] += n
		}
	}
	var read, own int64
	for _, y := range years {
		for f, n := range yf[y] {
			own += n
			read += fileRows[f]
		}
	}
	return own > 0 && read <= maxReadFactor*own
}

// yearKeys groups partition keys (year=2019, year=2019/reporter=KAZ) by
// their year; by must begin with year.
func yearKeys(keys []string) (map[int][]string, error) {
	out := map[int][]string{}
	for _, k := range keys {
		first, _, _ := strings.Cut(k, "/")
		v, ok := strings.CutPrefix(first, "year=")
		y, err := strconv.Atoi(v)
		if !ok || err != nil {
			return nil, fmt.Errorf("export: partition %q does not begin with a year", k)
		}
		out[y] = append(out[y], k)
	}
	return out, nil
}

// yearlyParts returns the partitions to write grouped by year when they
// are to be written a year a statement: those of dataset's trade (dataset
// set), partitioned by year first, whose statements would read little
// more than their rows. Else nil.
func yearlyParts(ctx context.Context, conn *dsql.Conn, dataset string, by, write []string) (map[int][]string, error) {
	if dataset == "" || len(by) == 0 || by[0] != "year" || len(write) == 0 {
		return nil, nil
	}
	keys, err := yearKeys(write)
	if err != nil {
		return nil, err
	}
	yf, err := readYearFiles(ctx, conn, dataset)
	if err != nil {
		return nil, err
	}
	if !yf.yearly(sortedYears(keys)) {
		return nil, nil
	}
	return keys, nil
}

func sortedYears(keys map[int][]string) []int {
	years := make([]int, 0, len(keys))
	for y := range keys {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}

// writeYearly writes the partitions keys, a year a statement, into tdir:
// a year's folder holds its file, or with by's other columns its
// partitions by them. whole says every partition is written: then no row
// of the table may be left out (rows of a year or partition the store's
// sums do not account for), else only keys' rows are written.
func writeYearly(ctx context.Context, c copier, tdir string, by []string, keys map[int][]string, whole bool, states map[string]string) error {
	rest := by[1:]
	years := sortedYears(keys)
	for _, y := range years {
		dir := filepath.Join(tdir, "year="+strconv.Itoa(y))
		if err := mkdir(dir); err != nil {
			return err
		}
		path := dir
		if len(rest) == 0 {
			path = filepath.Join(dir, dataFile)
		}
		var only []string
		if !whole && len(rest) > 0 {
			only = keys[y]
		}
		n, err := c.year(ctx, path, y, rest, only)
		if err != nil {
			return err
		}
		if n == 0 { // as PARTITION_BY, no folder for a partition without rows
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
		}
	}
	if !whole {
		return nil
	}
	n, err := c.outside(ctx, years)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("export: %d rows of %s are of years the store's sums do not account for", n, c.name)
	}
	return checkKeys(tdir, len(by), states)
}
