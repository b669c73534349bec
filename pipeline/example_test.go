package pipeline_test

import (
	"fmt"

	"github.com/tradepipe/tradepipe/pipeline"
)

// A config is checked as a whole; every mistake comes with its line and key.
func ExampleParse() {
	_, err := pipeline.Parse("tradepipe.yaml", []byte(`db: trade.duckdb
jobs:
  - name: nightly
    schedule: "*/5 * *"
    steps: [transform, reprot regional-shares]
    retries: -1
`))
	fmt.Println(err)
	// Output:
	// tradepipe.yaml:4: jobs[0].schedule: bad cron spec "*/5 * *": expected 5 fields (minute hour day-of-month month day-of-week), found 3
	// tradepipe.yaml:5: jobs[0].steps[1]: unknown step "reprot" (known: ingest, transform, report, export, brief)
	// tradepipe.yaml:6: jobs[0].retries: want a whole number from 0 to 10, got "-1"
}
