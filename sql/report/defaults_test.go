package report

import (
	"reflect"
	"testing"
)

// TestDefaults: every parameter the command line, the config's steps and
// the pipeline leave to the reports has one default, declared in one
// report header (Defaults fails on a second), and Params takes them.
func TestDefaults(t *testing.T) {
	t.Parallel()
	d, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"group": "C5", "compare": "ASEAN", "from": "1900", "to": "2100", "basis": "reporter",
		"membership": "as-of", "cif_fob": "1.06", "min_reporters": "100", "top": "5", "flows": "all", "partial": "omit",
		"min_world_share": "90", "min_partner_share": "95", "partners": "EAEU"}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Defaults() = %v\nwant %v", d, want)
	}
	p, err := Params{Group: "ASEAN", Top: 3}.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if w := (Params{Group: "ASEAN", Compare: "ASEAN", Partners: "EAEU", From: 1900, To: 2100, Membership: "as-of", CIFFOB: 1.06, Top: 3,
		MinReporters: 100, Flows: "all", Partial: "omit", MinWorldShare: 90, MinPartnerShare: 95}); !reflect.DeepEqual(p, w) {
		t.Errorf("WithDefaults: %+v\nwant %+v", p, w)
	}
}
