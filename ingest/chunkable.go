package ingest

import "github.com/tradepipe/tradepipe/transform/country"

// The line-per-record layouts parse in parallel chunks, as Comtrade+ does
// (parallelReader): each copy shares the header and options, read only,
// and has its own scanner and scratch space (its own code cache).

func (p *longTradeParser) withScanner(s *scanner) parser {
	q := *p
	q.s, q.resolved = s, map[string]country.Country{}
	return &q
}

func (p *longFXParser) withScanner(s *scanner) parser {
	q := *p
	q.s, q.cache = s, map[string]country.Country{}
	return &q
}

func (p *wdiParser) withScanner(s *scanner) parser {
	q := *p
	q.s = s
	return &q
}

func (p *imfParser) withScanner(s *scanner) parser {
	q := *p
	q.s, q.cache = s, map[string]country.Country{}
	return &q
}
