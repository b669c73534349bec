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

func (p *witsParser) withScanner(s *scanner) parser {
	q := *p
	q.s, q.pending = s, nil
	return &q
}

func (p *sdmxParser) withScanner(s *scanner) parser {
	q := *p
	q.s, q.skipped = s, 0
	q.cache, q.mappers = map[string]country.Country{}, map[string]sdmxMapper{}
	return &q
}

// The time series layouts make a row per year column.
func (p *witsParser) rowsPerRecord() int { return max(1, len(p.years)) }
func (p *wdiParser) rowsPerRecord() int  { return max(1, len(p.years)) }
