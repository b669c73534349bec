package report

import (
	"context"
	dsql "database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/tradepipe/tradepipe/sql/sqlfile"
	"github.com/tradepipe/tradepipe/sql/store"
	"github.com/tradepipe/tradepipe/transform"
	"github.com/tradepipe/tradepipe/transform/country"
)

// Group is a group defined for one report run only: NAME=A,B,C on the
// command line (--group, --compare) or in a config's report step. Its
// members count in every year; nothing is written to the database.
type Group struct {
	Name    string
	Members []string // codes as given: KAZ, kaz, 398 ... (resolved by Run)
}

// ParseGroups reads a --group value and --compare values, each a group's
// name or a definition NAME=A,B,C (a --compare value without "=" may name
// several groups, comma separated). It returns the group's name, the
// comparison groups comma separated (as Params.Compare takes them) and
// the definitions.
func ParseGroups(group string, compare []string) (string, string, []Group, error) {
	var defs []Group
	def := func(s string) (string, error) {
		name, members, ok := strings.Cut(s, "=")
		if !ok {
			return s, nil
		}
		name = strings.TrimSpace(name)
		if err := transform.CheckGroupName(name); err != nil {
			return "", fmt.Errorf("%w: group %q: %w", ErrUsage, s, err)
		}
		g := Group{Name: name}
		for _, m := range strings.Split(members, ",") {
			if m = strings.TrimSpace(m); m != "" {
				g.Members = append(g.Members, m)
			}
		}
		if len(g.Members) == 0 {
			return "", fmt.Errorf("%w: group %q: list its members after '=', such as %s=KAZ,KGZ", ErrUsage, s, name)
		}
		for _, d := range defs {
			if strings.EqualFold(d.Name, name) {
				return "", fmt.Errorf("%w: group %q is defined twice", ErrUsage, name)
			}
		}
		defs = append(defs, g)
		return name, nil
	}
	g, err := def(group)
	if err != nil {
		return "", "", nil, err
	}
	var names []string
	for _, c := range compare {
		if strings.Contains(c, "=") {
			n, err := def(c)
			if err != nil {
				return "", "", nil, err
			}
			names = append(names, n)
			continue
		}
		names = append(names, c)
	}
	return g, strings.Join(names, ","), defs, nil
}

// addGroups puts the run's own groups on conn (store.AddTempGroups).
func addGroups(ctx context.Context, conn *dsql.Conn, defs []Group) error {
	if len(defs) == 0 {
		return nil
	}
	codes, err := country.Load()
	if err != nil {
		return err
	}
	var ms []transform.Member
	for _, g := range defs {
		for _, m := range g.Members {
			c, err := transform.MemberCountry(codes, strings.ToUpper(m))
			if err != nil {
				return fmt.Errorf("%w: group %s: %w", ErrUsage, g.Name, err)
			}
			if slices.ContainsFunc(ms, func(x transform.Member) bool { return x.Group == g.Name && x.Country == c }) {
				return fmt.Errorf("%w: group %s lists %s twice", ErrUsage, g.Name, c)
			}
			ms = append(ms, transform.Member{Group: g.Name, Country: c})
		}
	}
	if err := store.AddTempGroups(ctx, conn, ms); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return nil
}

// canonicalGroup is the name of a known group that name means, compared
// without regard to case (c5 is C5), or name itself.
func canonicalGroup(known []string, name string) string {
	if slices.Contains(known, name) {
		return name
	}
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// ParamFlags are the parameters a caller can set by flag, named as the
// reports' headers name them (the command line's --min-reporters is
// min_reporters); Params.Given holds those set.
var ParamFlags = []string{"dataset", "group", "compare", "partners", "from", "to", "basis", "membership", "cif_fob", "top", "flows",
	"min_reporters", "partial", "coverage", "min_world_share", "min_partner_share"}

// takes tells whether report f takes the parameter a flag sets: the
// membership flag sets fixed_year (a report may declare either), the
// coverage flag world.
func takes(f sqlfile.File, param string) bool {
	names := f.ParamNames()
	switch param {
	case "membership":
		return slices.Contains(names, "membership") || slices.Contains(names, "fixed_year")
	case "coverage":
		return slices.Contains(names, "world")
	}
	return slices.Contains(names, param)
}

// Takes tells whether the report named takes the parameter (one of
// ParamFlags).
func Takes(name, param string) bool {
	f, ok, err := reportFile(name)
	return err == nil && ok && takes(f, param)
}

// Taken returns those of given that the report named takes.
func Taken(name string, given []string) []string {
	var out []string
	for _, g := range given {
		if Takes(name, g) {
			out = append(out, g)
		}
	}
	return out
}

// oneCompare lists the reports that show one comparison group beside the
// group (group-compare shows them all).
var oneCompare = map[string]bool{"regional-shares": true}

// CheckGiven says, for the report named, what of the parameters given it
// does not take: a flag that would change nothing is a mistake, not
// silence. compare is Params.Compare as given. Run calls it; the config
// checks its report steps with it before anything runs.
func CheckGiven(name string, given []string, compare string) error {
	f, ok, err := reportFile(name)
	if err != nil || !ok {
		return err
	}
	for _, g := range given {
		if takes(f, g) {
			continue
		}
		var others []string
		fs, _ := reportFiles()
		for _, o := range fs {
			if takes(o, g) {
				others = append(others, o.Name)
			}
		}
		who := "no report takes it"
		if len(others) > 0 {
			who = strings.Join(others, ", ") + " take it"
			if len(others) == 1 {
				who = others[0] + " takes it"
			}
		}
		return fmt.Errorf("%w: report %s does not take --%s (%s)", ErrUsage, name, strings.ReplaceAll(g, "_", "-"), who)
	}
	if oneCompare[name] {
		var cs []string
		for _, c := range strings.Split(compare, ",") {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
		if len(cs) > 1 {
			return fmt.Errorf("%w: report %s shows one comparison group beside the group, not %d (%s): use group-compare for several",
				ErrUsage, name, len(cs), strings.Join(cs, ", "))
		}
	}
	return nil
}
