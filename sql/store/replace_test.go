package store

import "testing"

// A file is compared only with earlier rows in its own years; a file that
// spans years must still replace the rows of a year in the middle.
func TestReplaceAcrossYears(t *testing.T) {
	t.Parallel()
	forEachForm(t, replaceAcrossYears)
}

func replaceAcrossYears(t *testing.T, form ReplaceForm) {
	s := openTest(t)
	dir := t.TempDir()
	row := func(year, partner, value string) string {
		return year + ",,KGZ," + partner + ",X,TOTAL," + value + ",USD\n"
	}
	loadFile(t, s, write(t, dir, "y2019.csv", []byte(longHeader+row("2019", "KAZ", "1")+row("2019", "CHN", "2"))), LoadOptions{Replace: form})
	// A new year alone: nothing to replace.
	r := loadFile(t, s, write(t, dir, "y2021.csv", []byte(longHeader+row("2021", "KAZ", "4"))), LoadOptions{Replace: form})
	if r[0].Status != Loaded || r[0].Replaced != 0 {
		t.Fatalf("new year: %+v", r[0])
	}
	// 2018 and 2020 around the loaded 2019: its KAZ row is revised.
	r = loadFile(t, s, write(t, dir, "y2018_2020.csv", []byte(longHeader+row("2018", "KAZ", "10")+row("2019", "KAZ", "100")+row("2020", "KAZ", "1000"))), LoadOptions{Replace: form})
	if r[0].Status != Loaded || r[0].Replaced != 1 {
		t.Fatalf("span: %+v", r[0])
	}
	if got := counts(t, s); got != "trade 5 sum 1116 fx 0 files 3" {
		t.Errorf("counts = %s", got)
	}
	// The same keys in another dataset replace nothing.
	r = loadFile(t, s, write(t, dir, "other.csv", []byte(longHeader+row("2019", "KAZ", "7"))), LoadOptions{Dataset: "other", Replace: form})
	if r[0].Status != Loaded || r[0].Replaced != 0 {
		t.Fatalf("other dataset: %+v", r[0])
	}
}
