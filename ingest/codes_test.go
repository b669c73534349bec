package ingest

import (
	"strings"

	"github.com/tradepipe/tradepipe/transform/country"
)

// testCodes is a tiny country table for reader tests; the real one lives in
// package transform/country (and is exercised by the real-file tests).
type testCodes struct{}

var testCountries = []struct {
	code, kind, cur, a2, num, name string
}{
	{"KAZ", "country", "KZT", "KZ", "398", "kazakhstan"},
	{"KGZ", "country", "KGS", "KG", "417", "kyrgyz republic"},
	{"CHN", "country", "CNY", "CN", "156", "china"},
	{"RUS", "country", "RUB", "RU", "643", "russian federation"},
	{"UZB", "country", "UZS", "UZ", "860", "uzbekistan"},
	{"USA", "country", "USD", "US", "842", "united states"},
	{"WLD", "world", "", "", "0", "world"},
	{"XNS", "nes", "", "", "899", "unspecified"},
	{"EAS", "aggregate", "", "", "", "east asia & pacific"},
	{"EUU", "aggregate", "", "", "97", "eu-28"},
}

func (testCodes) Lookup(s country.Scheme, code string) (country.Country, bool) {
	code = strings.TrimLeft(strings.TrimSpace(code), " ")
	for _, c := range testCountries {
		var k string
		switch s {
		case country.Alpha3:
			k = c.code
		case country.Alpha2:
			k = c.a2
		case country.Numeric, country.Comtrade:
			k = c.num
			code = strings.TrimLeft(code, "0")
			if code == "" {
				code = "0"
			}
		case country.Name:
			k = c.name
			code = strings.ToLower(code)
		}
		if k != "" && k == code {
			return country.Country{Code: c.code, Name: c.name, Kind: country.Kind(c.kind), Currency: c.cur}, true
		}
	}
	return country.Country{}, false
}
