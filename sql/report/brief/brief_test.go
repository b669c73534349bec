package brief_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradepipe/tradepipe/sql/report"
	"github.com/tradepipe/tradepipe/sql/report/brief"
	"github.com/tradepipe/tradepipe/sql/store/storetest"
)

func TestClaimsFile(t *testing.T) {
	t.Parallel()
	c, err := brief.DefaultClaims()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Claims) != 6 || c.Founded["C5"] != 1993 || c.Founded["ASEAN"] != 1967 {
		t.Errorf("bundled claims: %d claims, founded %v", len(c.Claims), c.Founded)
	}
	ok := "claims:\n  - {id: a, kind: intra, quote: q}\n"
	for _, tc := range []struct{ name, text, want string }{
		{"unknown kind", "claims:\n  - {id: a, kind: vibes, quote: q}\n", `kind "vibes"`},
		{"no quote", "claims:\n  - {id: a, kind: intra}\n", "quote the claim"},
		{"id twice", ok + "  - {id: a, kind: intra, quote: q}\n", "used twice"},
		{"partner missing", "claims:\n  - {id: a, kind: top, quote: q}\n", "needs a partner"},
		{"milestone year", "claims:\n  - {id: a, kind: milestone, quote: q, partner: CHN, within: SCO, year: 201, window: 5}\n", "year from 1900"},
		{"window", "claims:\n  - {id: a, kind: milestone, quote: q, partner: CHN, within: SCO, year: 2001}\n", "window 0"},
		{"event", "claims:\n  - {id: a, kind: blocs, quote: q, window: 5, events: [{bloc: EAEU, year: 2015}]}\n", "members that joined"},
		{"unknown key", "claims:\n  - {id: a, kind: intra, quote: q, colour: red}\n", "colour"},
		{"factor", ok + "sensitivity: {cif_fob: [0.9]}\n", "outside 1-2"},
		{"founded", ok + "founded: {C5: 93}\n", "C5 93"},
	} {
		path := filepath.Join(t.TempDir(), "claims.yaml")
		os.WriteFile(path, []byte(tc.text), 0o644)
		_, err := brief.LoadClaims(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want one naming the file and %q", tc.name, err, tc.want)
		}
	}
}

func FuzzClaims(f *testing.F) {
	b := brief.DefaultClaimsFile()
	f.Add(b)
	f.Add([]byte("claims:\n  - {id: a, kind: intra, quote: q}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(path, b, 0o644)
		c, err := brief.LoadClaims(path)
		if err == nil && c == nil {
			t.Fatal("no claims and no error")
		}
	})
}

func section(t *testing.T, b *brief.Brief, id string) brief.Section {
	t.Helper()
	for _, s := range b.Sections {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no section %s", id)
	return brief.Section{}
}

// The sample covers 2017-2020 only: the sections that need earlier years
// say what is missing and what to load instead of disappearing, and an
// incomplete year's figure is marked, never plain.
func TestSampleBrief(t *testing.T) {
	t.Parallel()
	s := storetest.Sample(t)
	b, err := brief.Build(context.Background(), s, brief.Options{Dataset: "sample"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Sections) != 7 {
		t.Fatalf("%d sections", len(b.Sections))
	}
	for _, id := range []string{"sco", "customs-union"} {
		sec := section(t, b, id)
		if !strings.Contains(sec.Missing, "cannot answer") || !strings.Contains(sec.Missing, "Load trade data covering") {
			t.Errorf("section %s: missing = %q", id, sec.Missing)
		}
	}
	if m := section(t, b, "sco").Missing; !strings.Contains(m, "1996-2005") || !strings.Contains(m, "KAZ, KGZ, TJK, UZB") {
		t.Errorf("sco: %q", m)
	}
	head, err := report.Run(context.Background(), s, "regional-shares", report.Params{Dataset: "sample"})
	if err != nil {
		t.Fatal(err)
	}
	intra := section(t, b, "minimal-intra")
	rows := map[string][]string{}
	for _, r := range intra.Tables[0].Rows {
		rows[r[0]] = r
	}
	// 2019 complete: the plain figure; 2020 (a member with no row for a
	// partner) marked.
	if got := rows["2019"][1]; got != "8.0" {
		t.Errorf("2019 intra %q, want 8.0 (regional-shares: %v)", got, head.Rows[2])
	}
	if got := rows["2020"][1]; !strings.HasSuffix(got, brief.Incomplete) {
		t.Errorf("2020 intra %q: incomplete (TJK has no row for TKM) but not marked", got)
	}
	if !strings.Contains(strings.Join(intra.Answer, " "), "In 2019 the members of C5 traded 8.0%") {
		t.Errorf("answer: %v", intra.Answer)
	}
	var md strings.Builder
	if err := brief.WriteMarkdown(&md, b, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "![") {
		t.Error("Markdown without a chart writer links charts")
	}
}

// The claims file points the brief at another region: ASEAN first, the
// C5 beside, with the file's own bases and factors.
func TestBriefOtherRegion(t *testing.T) {
	t.Parallel()
	s := storetest.Sample(t)
	c, err := brief.LoadClaims(filepath.Join("testdata", "asean_first.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := brief.Build(context.Background(), s, brief.Options{Dataset: "sample", Group: "ASEAN", Compare: "C5", Claims: c})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Sections) != 4 || b.Group != "ASEAN" || b.Compare != "C5" {
		t.Fatalf("%d sections, group %s beside %s", len(b.Sections), b.Group, b.Compare)
	}
	sens := section(t, b, "sensitivity")
	if cols := sens.Tables[0].Columns; strings.Join(cols, ",") != "year,reporter,average,low,high" {
		t.Errorf("sensitivity columns %v", cols)
	}
	path := section(t, b, "path")
	if len(path.Tables) == 0 || path.Tables[0].Columns[2] != "C5" || path.Tables[0].Columns[4] != "ASEAN" {
		t.Errorf("stage table %+v", path.Tables)
	}
	if !strings.Contains(strings.Join(section(t, b, "intra").Answer, " "), "the members of ASEAN traded") {
		t.Errorf("intra answer %v", section(t, b, "intra").Answer)
	}
}
