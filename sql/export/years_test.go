package export

import (
	"context"
	dsql "database/sql"
	"fmt"
	"testing"
)

// TestYearly: a year's statement reads every row of each file with rows in
// that year; the years are written a statement each only where that reads
// at most twice the rows written.
func TestYearly(t *testing.T) {
	t.Parallel()
	aYearAFile := yearFiles{2018: {1: 10}, 2019: {2: 12}}
	fiveYearsOneFile := yearFiles{2015: {1: 5}, 2016: {1: 5}, 2017: {1: 5}, 2018: {1: 5}, 2019: {1: 5}}
	twoYearsOneFile := yearFiles{2018: {1: 4}, 2019: {1: 6}}
	mixed := yearFiles{2018: {1: 10, 3: 1}, 2019: {2: 10, 3: 1}, 2020: {3: 1}}
	tests := []struct {
		name  string
		files yearFiles
		years []int
		want  bool
	}{
		{"a file a year, every year", aYearAFile, []int{2018, 2019}, true},
		{"a file a year, one year", aYearAFile, []int{2019}, true},
		{"one file of five years, every year", fiveYearsOneFile, []int{2015, 2016, 2017, 2018, 2019}, false},
		{"one file of five years, one year", fiveYearsOneFile, []int{2019}, false},
		{"one file of two years, both: twice the rows", twoYearsOneFile, []int{2018, 2019}, true},
		{"a small file of three years beside a file a year", mixed, []int{2018, 2019, 2020}, true},
		{"only the small file's own year", mixed, []int{2020}, false},
		{"a year no file has", aYearAFile, []int{2020}, false},
		{"no years", aYearAFile, nil, false},
	}
	for _, tt := range tests {
		if got := tt.files.yearly(tt.years); got != tt.want {
			t.Errorf("%s: yearly(%v) = %v, want %v", tt.name, tt.years, got, tt.want)
		}
	}
}

func TestYearKeys(t *testing.T) {
	t.Parallel()
	got, err := yearKeys([]string{"year=2019/reporter=KAZ", "year=2018/reporter=KAZ", "year=2019/reporter=KGZ", "year=2020"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{2018: {"year=2018/reporter=KAZ"}, 2019: {"year=2019/reporter=KAZ", "year=2019/reporter=KGZ"}, 2020: {"year=2020"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("yearKeys = %v, want %v", got, want)
	}
	for _, k := range []string{"reporter=KAZ", "year=", "year=x/reporter=KAZ", "years=2019"} {
		if _, err := yearKeys([]string{k}); err == nil {
			t.Errorf("yearKeys(%q): no error", k)
		}
	}
}

// YearlyDataset tells the package's outside tests whether every year of a
// dataset's trade would be written a year a statement.
func YearlyDataset(ctx context.Context, c *dsql.Conn, dataset string) (bool, error) {
	yf, err := readYearFiles(ctx, c, dataset)
	if err != nil {
		return false, err
	}
	var years []int
	for y := range yf {
		years = append(years, y)
	}
	return yf.yearly(years), nil
}
