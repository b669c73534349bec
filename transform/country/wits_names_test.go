package country

import (
	"bytes"
	"encoding/csv"
	"os"
	"testing"
)

// TestWITSCountryList reads every name of WITS's own country list
// (testdata/wits_countries.csv), including the names WITS cuts at 30
// characters, and checks each is the entity it means.
func TestWITSCountryList(t *testing.T) {
	b, err := os.ReadFile("testdata/wits_countries.csv")
	if err != nil {
		t.Fatal(err)
	}
	var body [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(l, []byte("#")) {
			body = append(body, l)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.Join(body, []byte("\n")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 240 {
		t.Fatalf("%d names: the list is WITS's whole list (over 240 names)", len(recs)-1)
	}
	c := table(t)
	for _, r := range recs[1:] {
		code, name, want := r[0], r[1], r[2]
		got, ok := c.Lookup(Name, name)
		switch {
		case !ok:
			t.Errorf("WITS %s %q: unknown, want %s", code, name, want)
		case got.Code != want:
			t.Errorf("WITS %s %q: read as %s (%s), want %s", code, name, got.Code, got.Name, want)
		}
	}
}
