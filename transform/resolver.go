package transform

import "github.com/tradepipe/tradepipe/ingest"

// Resolver adapts the country table to what the ingest readers ask of one.
func (c *Countries) Resolver() ingest.Codes { return resolver{c} }

type resolver struct{ c *Countries }

func (r resolver) Lookup(s ingest.Scheme, code string) (ingest.Country, bool) {
	x, ok := r.c.Lookup(Scheme(s), code)
	if !ok {
		return ingest.Country{}, false
	}
	return ingest.Country{Code: x.Code, Kind: string(x.Kind), Currency: x.Currency}, true
}
