package report

import (
	"fmt"
	"strconv"
)

// Defaults returns the default of every report parameter that has one, as
// the reports' headers declare it: "(default X)" at the end of the
// parameter's line, in one header only (the headline's, regional-shares,
// for the parameters the reports share). The command line, the config's
// report steps, the pipeline and the export all take their defaults from
// here.
func Defaults() (map[string]string, error) {
	fs, err := reportFiles()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	where := map[string]string{}
	for _, f := range fs {
		for _, p := range f.Parameters {
			if p.Default == "" {
				continue
			}
			if prev, dup := where[p.Name]; dup {
				return nil, fmt.Errorf("%s: $%s's default is declared in %s too: declare it once", f.Path, p.Name, prev)
			}
			out[p.Name], where[p.Name] = p.Default, f.Path
		}
	}
	return out, nil
}

// fill gives each zero field of p its default.
func (p *Params) fill(d map[string]string) error {
	str := func(v *string, name string) {
		if *v == "" {
			*v = d[name]
		}
	}
	num := func(v *int, name string) error {
		if *v != 0 {
			return nil
		}
		n, err := strconv.Atoi(d[name])
		if err != nil {
			return fmt.Errorf("report headers: $%s's default %q is not a whole number", name, d[name])
		}
		*v = n
		return nil
	}
	str(&p.Group, "group")
	str(&p.Compare, "compare")
	str(&p.Partners, "partners")
	str(&p.Membership, "membership")
	str(&p.Flows, "flows")
	str(&p.Partial, "partial")
	for _, n := range []struct {
		v    *int
		name string
	}{{&p.From, "from"}, {&p.To, "to"}, {&p.Top, "top"}, {&p.MinReporters, "min_reporters"}} {
		if err := num(n.v, n.name); err != nil {
			return err
		}
	}
	for _, n := range []struct {
		v    *float64
		name string
	}{{&p.CIFFOB, "cif_fob"}, {&p.MinWorldShare, "min_world_share"}, {&p.MinPartnerShare, "min_partner_share"}} {
		if *n.v != 0 {
			continue
		}
		f, err := strconv.ParseFloat(d[n.name], 64)
		if err != nil {
			return fmt.Errorf("report headers: $%s's default %q is not a number", n.name, d[n.name])
		}
		*n.v = f
	}
	return nil
}

// WithDefaults returns p with each zero field given its default, as Run
// gives them before it checks the parameters against the database.
func (p Params) WithDefaults() (Params, error) {
	d, err := Defaults()
	if err != nil {
		return p, err
	}
	err = p.fill(d)
	return p, err
}
