package transform

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// WorldYear is one year of world merchandise trade, in US dollars: the
// yardstick a mirror is measured against (a mirror is complete only when
// the dataset's reporters cover enough of it).
type WorldYear struct {
	Year             int
	Exports, Imports float64 // FOB and CIF
	Source           string
}

// World merchandise trade by year, as published: seed/world_trade.csv
// (year,exports_usd,imports_usd,source). The figures 1960-2020 are the
// IMF's Direction of Trade Statistics, World as reporter: exports FOB to
// World and imports CIF from World, USD millions written as whole USD
// (data.imf.org export DOTS_221.xlsx). A year that is not here cannot
// make a mirror complete; add it, with its source, to extend the table.
//
//go:embed seed/world_trade.csv
var worldSeed []byte

// WorldTrade parses the world trade seed.
func WorldTrade() ([]WorldYear, error) {
	recs, err := csv.NewReader(bytes.NewReader(worldSeed)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("seed/world_trade.csv: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "year,exports_usd,imports_usd,source" {
		return nil, fmt.Errorf("seed/world_trade.csv: want the header year,exports_usd,imports_usd,source")
	}
	var out []WorldYear
	for i, r := range recs[1:] {
		line := i + 2
		y, err1 := strconv.Atoi(r[0])
		x, err2 := strconv.ParseFloat(r[1], 64)
		m, err3 := strconv.ParseFloat(r[2], 64)
		switch {
		case err1 != nil || y < 1900 || y > 2100:
			return nil, fmt.Errorf("seed/world_trade.csv:%d: year %q", line, r[0])
		case err2 != nil || x <= 0, err3 != nil || m <= 0:
			return nil, fmt.Errorf("seed/world_trade.csv:%d: want positive values, got %q and %q", line, r[1], r[2])
		case r[3] == "":
			return nil, fmt.Errorf("seed/world_trade.csv:%d: no source", line)
		case len(out) > 0 && y <= out[len(out)-1].Year:
			return nil, fmt.Errorf("seed/world_trade.csv:%d: years must rise", line)
		}
		out = append(out, WorldYear{y, x, m, r[3]})
	}
	return out, nil
}
