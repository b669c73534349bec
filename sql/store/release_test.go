package store

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/ingest"
)

// A BACI release as it ships: one zip with a trade file per year, the
// release's country codes and its product descriptions. Values are
// illustrative.
var releaseFiles = []struct{ name, text string }{
	{"BACI_HS17_Y2019_V202401b.csv", "t,i,j,k,v,q\n2019,398,156,010121,1234.5,2\n2019,417,398,270900,0.5,\n"},
	{"country_codes_V202401b.csv", "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n398,Kazakhstan,KZ,KAZ\n" +
		"417,Kyrgyzstan,KG,KGZ\n490,\"Other Asia, nes\",,S19\n810,USSR (...1990),SU,SUN\n"},
	{"product_codes_HS17_V202401b.csv", "code,description\n010121,\"Horses: live, pure-bred breeding animals\"\n270900,\"Petroleum oils, crude\"\n"},
}

func writeZip(t *testing.T, dir, name string, files []struct{ name, text string }) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return write(t, dir, name, b.Bytes())
}

func TestBACIRelease(t *testing.T) {
	s := openTest(t)
	p := writeZip(t, t.TempDir(), "BACI_HS17_V202401b.zip", releaseFiles)
	res := loadFile(t, s, p, LoadOptions{})
	want := []struct {
		format  string
		rows    int64
		vintage string
	}{{"baci", 2, "V202401b"}, {"baci-countries", 5, "V202401b"}, {"baci-products", 2, "V202401b"}}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i, r := range res {
		if r.Status != Loaded || r.Format != want[i].format || r.Rows != want[i].rows || r.Vintage != want[i].vintage || r.Encoding != ingest.EncodingUTF8 {
			t.Errorf("%s: %s %s %d rows vintage %q encoding %q (%v), want loaded %s %d rows vintage %s",
				r.Source.Entry, r.Status, r.Format, r.Rows, r.Vintage, r.Encoding, r.Err, want[i].format, want[i].rows, want[i].vintage)
		}
	}
	if !strings.HasSuffix(res[0].ReleaseCodes, "!country_codes_V202401b.csv") {
		t.Errorf("the trade file was read with %q, want the release's country_codes_V202401b.csv", res[0].ReleaseCodes)
	}
	ctx := context.Background()
	var got string
	q := `SELECT string_agg(reporter || '>' || partner || ':' || product || '=' || value, ' ' ORDER BY line) FROM trade`
	if err := s.db.QueryRowContext(ctx, q).Scan(&got); err != nil || got != "KAZ>CHN:010121=1234500.0 KGZ>KAZ:270900=500.0" {
		t.Errorf("trade %q (%v)", got, err)
	}
	q = `SELECT string_agg(classification || ' ' || code || ' ' || description, '; ' ORDER BY code) FROM product_descriptions`
	if err := s.db.QueryRowContext(ctx, q).Scan(&got); err != nil || got != "HS17 010121 Horses: live, pure-bred breeding animals; HS17 270900 Petroleum oils, crude" {
		t.Errorf("product_descriptions %q (%v)", got, err)
	}
	q = `SELECT string_agg(vintage || ' ' || code || ' ' || iso3 || ' ' || country, '; ' ORDER BY code) FROM release_countries`
	if err := s.db.QueryRowContext(ctx, q).Scan(&got); err != nil || got != "V202401b 156 CHN CHN; V202401b 398 KAZ KAZ; V202401b 417 KGZ KGZ; V202401b 490 S19 S19; V202401b 810 SUN SUN" {
		t.Errorf("release_countries %q (%v)", got, err)
	}
	ds, err := s.Datasets(ctx)
	if err != nil || len(ds) != 3 || ds[1].Name != "baci-countries" || ds[1].Kind != "reference" || ds[1].Rows != 5 || ds[2].Rows != 2 {
		t.Errorf("datasets %+v (%v)", ds, err)
	}
	files, err := s.Files(ctx)
	if err != nil || len(files) != 3 || files[0].Vintage != "V202401b" || files[0].Encoding != "utf-8" {
		t.Errorf("ledger %+v (%v)", files, err)
	}
	// Forgetting the files takes their reference rows with them.
	for _, f := range files {
		if _, err := s.Forget(ctx, []int64{f.FileID}); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM product_descriptions) + (SELECT count(*) FROM release_countries)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d reference rows left after forget (%v)", n, err)
	}
}

// TestBACIReleaseCodesRule: the release's own codes read i and j, from the
// zip or the folder of the trade file; a code the release does not list is
// unknown even where tradepipe's table knows it.
func TestBACIReleaseCodesRule(t *testing.T) {
	trade := "t,i,j,k,v,q\n2019,398,156,010121,1,\n2019,398,643,010121,1,\n" // 643 is not in the release's list
	for _, inZip := range []bool{true, false} {
		s := openTest(t)
		dir := t.TempDir()
		var p string
		if inZip {
			p = writeZip(t, dir, "r.zip", []struct{ name, text string }{{"BACI_HS17_Y2019_V202401.csv", trade}, {"country_codes_V202401.csv", releaseFiles[1].text}})
		} else {
			write(t, dir, "country_codes_V202401.csv", []byte(releaseFiles[1].text))
			p = write(t, dir, "BACI_HS17_Y2019_V202401.csv", []byte(trade))
		}
		r := loadFile(t, s, p, LoadOptions{})[0]
		if r.Status != Failed || !errors.Is(r.Err, ingest.ErrUnknownCountry) || !strings.Contains(r.Err.Error(), "BACI_HS17_Y2019_V202401.csv:3:") {
			t.Errorf("in zip %v: %s %v, want 643 unknown at line 3", inZip, r.Status, r.Err)
		}
	}
	// Without the release's file, tradepipe's table reads the codes.
	s := openTest(t)
	p := write(t, t.TempDir(), "BACI_HS17_Y2019_V202401.csv", []byte(trade))
	if r := loadFile(t, s, p, LoadOptions{})[0]; r.Status != Loaded || r.Rows != 2 {
		t.Errorf("no release file: %s %d rows (%v)", r.Status, r.Rows, r.Err)
	}
}

// TestRealBACICountryCodes loads the real excerpt of a release's country
// file: every one of its codes is read, and the iso3 each row gives is the
// country stored (the raw file's fourth column).
func TestRealBACICountryCodes(t *testing.T) {
	p := filepath.Join(realData(t), "baci_release", "country_codes_V202501_EXCERPT.csv")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := openTest(t)
	r := loadFile(t, s, p, LoadOptions{})[0]
	if r.Status != Loaded || r.Format != "baci-countries" || r.Vintage != "V202501" {
		t.Fatalf("%s %s vintage %q: %v", r.Status, r.Format, r.Vintage, r.Err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:]
	if r.Rows != int64(len(lines)) {
		t.Errorf("%d rows, the file has %d", r.Rows, len(lines))
	}
	for _, l := range lines {
		f := strings.Split(strings.TrimSpace(l), ",")
		code, iso3 := f[0], f[len(f)-1]
		var got string
		if err := s.db.QueryRow(`SELECT country FROM release_countries WHERE vintage = 'V202501' AND code = ?`, code).Scan(&got); err != nil || got != iso3 {
			t.Errorf("code %s: %q (%v), want %s", code, got, err, iso3)
		}
	}
}
