package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusEncodingVintage: status says what each file was read as, and
// its release, in the table and in JSON.
func TestStatusEncodingVintage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	wits := filepath.Join(dir, "wits.csv") // Windows-1252, values illustrative
	os.WriteFile(wits, []byte("Reporter Name,Partner Name,Trade Flow,Product Group,Indicator,2018\r\nUnited States,Cura\xe7ao,Import,  All Products,Import (US$ Thousand),1.5\r\n"), 0o644)
	baci := filepath.Join(dir, "BACI_HS17_Y2019_V202401b.csv")
	os.WriteFile(baci, []byte("t,i,j,k,v,q\n2019,398,156,010121,1.5,\n"), 0o644)
	if code, _, stderr := tp(t, "ingest", "--db", db, wits, baci); code != 0 {
		t.Fatalf("ingest: %d %s", code, stderr)
	}
	code, stdout, stderr := tp(t, "status", "--db", db)
	if code != 0 {
		t.Fatalf("status: %d %s", code, stderr)
	}
	lines := strings.Split(stdout, "\n")
	var head, w, b string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "id "):
			head = l
		case strings.Contains(l, "wits.csv"):
			w = l
		case strings.Contains(l, "BACI_HS17"):
			b = l
		}
	}
	last2 := func(l string) string {
		f := strings.Fields(l)
		if len(f) < 2 {
			return ""
		}
		return strings.Join(f[len(f)-2:], " ")
	}
	if last2(head) != "encoding vintage" || last2(w) != "windows-1252 -" || last2(b) != "utf-8 V202401b" {
		t.Errorf("status table:\n%s", stdout)
	}
	_, stdout, _ = tp(t, "status", "--db", db, "-o", "json")
	var st struct {
		Files []struct {
			Format, Encoding, Vintage string
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 2 || st.Files[0].Encoding != "windows-1252" || st.Files[0].Vintage != "" ||
		st.Files[1].Encoding != "utf-8" || st.Files[1].Vintage != "V202401b" {
		t.Errorf("status json files %+v", st.Files)
	}
}
