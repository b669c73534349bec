package ingest_test

import (
	"fmt"
	"strings"

	"github.com/tradepipe/tradepipe/ingest"
	"github.com/tradepipe/tradepipe/transform/country"
)

func Example() {
	csv := "t,i,j,k,v,q\n2019,398,156,270900,1234.5,\n2019,842,417,870323,0.5,12.25\n"
	f, r, err := ingest.Detect("sample.csv", strings.NewReader(csv))
	if err != nil {
		panic(err)
	}
	cs, _ := country.Load()
	rr, err := f.NewReader(r, ingest.WithName("sample.csv"), ingest.WithCodes(cs))
	if err != nil {
		panic(err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		fmt.Println(f.Name, rec.NumRows(), "rows")
		fmt.Println(rec.Column(4), rec.Column(6), rec.Column(14))
	}
	if err := rr.Err(); err != nil {
		panic(err)
	}
	// Output:
	// baci 2 rows
	// ["KAZ" "USA"] ["CHN" "KGZ"] [1.2345e+06 500]
}

func ExampleParseError() {
	csv := "year,month,reporter,partner,flow,product,value,currency\n2019,,KGZ,KAZ,X,TOTAL,12,5x,KGS\n"
	f, r, _ := ingest.Detect("nso.csv", strings.NewReader(csv))
	cs, _ := country.Load()
	rr, _ := f.NewReader(r, ingest.WithName("nso.csv"), ingest.WithCodes(cs))
	defer rr.Release()
	for rr.Next() {
	}
	fmt.Println(rr.Err())
	// Output:
	// nso.csv:2:29: wrong number of fields: got 9, want 8
}
