package brief

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The default claims: the commentary's, for the C5 beside ASEAN.
//
//go:embed claims.yaml
var defaultClaims []byte

// Claims is the data file the brief is made from: the claims, the
// founding years the stage-aligned comparison counts from, and the
// bases and CIF/FOB factors of the closing sensitivity section.
type Claims struct {
	Founded     map[string]int `yaml:"founded"`
	Sensitivity struct {
		Bases  []string  `yaml:"bases"`
		CIFFOB []float64 `yaml:"cif_fob"`
	} `yaml:"sensitivity"`
	Claims []Claim `yaml:"claims"`
}

// Claim is one claim and what measures it (see claims.yaml for the kinds).
type Claim struct {
	ID          string  `yaml:"id"`
	Kind        string  `yaml:"kind"`
	Title       string  `yaml:"title"`
	Quote       string  `yaml:"quote"`
	NotMeasured string  `yaml:"not_measured"`
	Partner     string  `yaml:"partner"`
	Top         int     `yaml:"top"`
	Within      string  `yaml:"within"`
	Year        int     `yaml:"year"`
	Window      int     `yaml:"window"`
	Events      []Event `yaml:"events"`
	Marks       []int   `yaml:"marks"`
}

// Event is a bloc a member joined in a year.
type Event struct {
	Bloc   string   `yaml:"bloc"`
	Year   int      `yaml:"year"`
	Joined []string `yaml:"joined"`
}

// Kinds are the kinds of claim the brief measures.
var Kinds = []string{"intra", "top", "milestone", "blocs", "partner", "stage"}

// DefaultClaims returns the bundled claims.
func DefaultClaims() (*Claims, error) { return parseClaims("claims.yaml", defaultClaims) }

// LoadClaims reads a claims file.
func LoadClaims(path string) (*Claims, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseClaims(path, b)
}

func parseClaims(name string, b []byte) (*Claims, error) {
	var c Claims
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

func (c *Claims) check() error {
	year := func(y int) bool { return y >= 1900 && y <= 2100 }
	seen := map[string]bool{}
	for i, cl := range c.Claims {
		where := fmt.Sprintf("claim %d (%s)", i+1, cl.ID)
		switch {
		case cl.ID == "" || strings.ContainsAny(cl.ID, " \t\n/"):
			return fmt.Errorf("%s: give it an id of one word", where)
		case seen[cl.ID]:
			return fmt.Errorf("%s: the id is used twice", where)
		case !slices.Contains(Kinds, cl.Kind):
			return fmt.Errorf("%s: kind %q (known: %s)", where, cl.Kind, strings.Join(Kinds, ", "))
		case cl.Quote == "":
			return fmt.Errorf("%s: quote the claim", where)
		case (cl.Kind == "top" || cl.Kind == "milestone" || cl.Kind == "partner") && cl.Partner == "":
			return fmt.Errorf("%s: kind %s needs a partner (CHN, say)", where, cl.Kind)
		case cl.Kind == "milestone" && (cl.Within == "" || !year(cl.Year)):
			return fmt.Errorf("%s: kind milestone needs within (a group) and a year from 1900 to 2100", where)
		case (cl.Kind == "milestone" || cl.Kind == "blocs") && (cl.Window < 1 || cl.Window > 30):
			return fmt.Errorf("%s: window %d: years before and after, 1 to 30", where, cl.Window)
		case cl.Kind == "blocs" && len(cl.Events) == 0:
			return fmt.Errorf("%s: kind blocs needs events (bloc, year, joined)", where)
		case cl.Top < 0 || cl.Top > 50:
			return fmt.Errorf("%s: top %d: 1 to 50 partners", where, cl.Top)
		}
		for _, e := range cl.Events {
			if e.Bloc == "" || !year(e.Year) || len(e.Joined) == 0 {
				return fmt.Errorf("%s: an event needs a bloc, a year from 1900 to 2100 and the members that joined", where)
			}
		}
		for _, m := range cl.Marks {
			if !year(m) {
				return fmt.Errorf("%s: mark %d is not a year from 1900 to 2100", where, m)
			}
		}
		seen[cl.ID] = true
	}
	for g, y := range c.Founded {
		if !year(y) {
			return fmt.Errorf("founded: %s %d is not a year from 1900 to 2100", g, y)
		}
	}
	for _, f := range c.Sensitivity.CIFFOB {
		if !(f >= 1 && f <= 2) {
			return fmt.Errorf("sensitivity: cif/fob factor %g outside 1-2", f)
		}
	}
	return nil
}

// DefaultClaimsFile is the bundled claims file as it is written.
func DefaultClaimsFile() []byte { return slices.Clone(defaultClaims) }
