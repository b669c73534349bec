package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/tradepipe/tradepipe/transform/country"
)

// sdmxERHeader is the IMF data portal's SDMX-CSV 1.0 answer for IMF.STA:ER,
// its 41 columns as the real excerpt in ../shared/realdata/imf_sdmx has them.
const sdmxERHeader = "DATAFLOW,COUNTRY,INDICATOR,TYPE_OF_TRANSFORMATION,FREQUENCY,TIME_PERIOD,OBS_VALUE,SCALE,PRECISION," +
	"DECIMALS_DISPLAYED,EXRATE,STATISTICAL_MEASURES,TRANSFORMATION,DERIVATION_TYPE,OVERLAP,IFS_FLAG,STATUS,DOI," +
	"FULL_DESCRIPTION,PUBLISHER,DEPARTMENT,CONTACT_POINT,TOPIC,TOPIC_DATASET,KEYWORDS,KEYWORDS_DATASET,LANGUAGE," +
	"PUBLICATION_DATE,UPDATE_DATE,METHODOLOGY,METHODOLOGY_NOTES,ACCESS_SHARING_LEVEL,ACCESS_SHARING_NOTES," +
	"SECURITY_CLASSIFICATION,SOURCE,SHORT_SOURCE_CITATION,FULL_SOURCE_CITATION,LICENSE,SUGGESTED_CITATION,KEY_INDICATOR,SERIES_NAME\n"

// sdmxERTail is what the portal repeats after the value on every row.
const sdmxERTail = `,0,,,,,,R,OL,true,,,"This dataset contains historical exchange rate data between the US Dollar, ` +
	`Special Drawing Rights (SDR), Euro, and various national currencies. It includes both period average and ` +
	`end-of-period exchange rates.",IMF,STA,help@data.imf.org,,"F31_ER,IFS",,,EN,2026-09-19T05:24:40.641560800Z,` +
	`2026-09-19T05:24:40.722357100Z,,,PUBLIC_OPEN,,PUB,,,,,,,` + "\n"

// WriteSDMXER writes an IMF exchange-rate answer in SDMX-CSV 1.0
// (IMF.STA:ER): o.Rows monthly period averages per US dollar (XDC_USD,
// PA_RT), each country of the table with a currency for every month from
// January 1900 on, one country after another, with the portal's metadata
// on every row.
func WriteSDMXER(w io.Writer, o Options) error {
	c, err := country.Load()
	if err != nil {
		return err
	}
	var codes []string
	for _, x := range c.All() {
		if x.Kind == country.KindCountry && len(x.Currency) == 3 {
			codes = append(codes, x.Code)
		}
	}
	slices.Sort(codes)
	if len(codes) == 0 {
		return fmt.Errorf("no countries")
	}
	perCountry := (o.Rows + len(codes) - 1) / len(codes)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(sdmxERHeader)
	rng := rand.New(rand.NewPCG(o.ValueSeed, 8))
	var b []byte
	for n := 0; n < o.Rows; n++ {
		code, m := codes[n/perCountry], n%perCountry
		b = append(b[:0], "IMF.STA:ER(4.0.1),"...)
		b = append(b, code...)
		b = append(b, ",XDC_USD,PA_RT,M,"...)
		b = strconv.AppendInt(b, int64(1900+m/12), 10)
		b = append(b, "-M"...)
		if m%12 < 9 {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, int64(m%12+1), 10)
		b = append(b, ',')
		b = appendMilli(b, 1+rng.Int64N(1_000_000))
		b = append(b, sdmxERTail...)
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
