# tradepipe: every Go command goes through here so the duckdb_arrow build tag
# (needed by duckdb-go's Arrow interface) is always set.
GO      ?= go
TAGS    := duckdb_arrow
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/tradepipe
DEMO_DB := .demo/demo.duckdb
FUZZTIME ?= 30s

.PHONY: build test test-full demo fuzz vet lint race clean bench man

build:
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/tradepipe

# The man page, from the same kong definitions as the flags.
man: build
	$(BIN) man > bin/tradepipe.1

# The whole suite, fuzz targets included (their seed corpora run as tests),
# with -short: the seeded property tests run 2 seeds instead of 6, the
# member-view check one basis a dataset in turn, the files the crash tests
# kill loads and exports in are a quarter of their size, and the real
# brief's report-by-report check is left to test-full. That keeps it under 4
# minutes on 2 cores; .ci/run runs test-full after it.
test:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -count=1 -short ./...

# The suite without -short: every seed, basis and real-data check.
test-full:
	$(GO) test -tags $(TAGS) -count=1 ./...

# Run the bundled sample config's job once (ingest the sample into a fresh
# .demo/demo.duckdb, refresh the config's groups, write reports and Parquet
# to .demo/outputs, the brief among them), show what was loaded, print the
# headline table and where the brief is.
demo: build
	@rm -rf .demo && mkdir -p .demo
	$(BIN) run --config testdata/sample/tradepipe.yaml
	$(BIN) status --db $(DEMO_DB)
	$(BIN) report regional-shares --db $(DEMO_DB) --dataset sample --group C5
	@echo "the brief (the claims beside the figures): .demo/outputs/reports/brief.html and brief.md"

# Run every fuzz target for FUZZTIME each (not part of make test). New inputs are
# minimised for at most 200 runs: the default minute per input starves the
# Comtrade+ target, whose inputs are long.
fuzz:
	@for t in $$($(GO) test -tags $(TAGS) -list 'Fuzz.*' ./ingest/ | grep ^Fuzz); do \
		echo "== $$t"; $(GO) test -tags $(TAGS) -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x ./ingest/ || exit 1; \
	done

# The benchmark (issues 6 and 16), not part of make test: generates its data once into
# BENCH_DIR (default: the system temp dir's tradepipe-bench; never inside the
# repository), then runs each target and its DuckDB-native baseline
# alternately, BENCH_PAIRS times, and prints medians, ratios, peak RSS and the
# machine. BENCH_ARGS passes more flags (e.g. -targets ingest,report -sizes 1000000).
# docs/performance.md holds the results.
BENCH_PAIRS ?= 3
bench: build
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o bin/bench ./bench
	bin/bench -tradepipe $(BIN) -pairs $(BENCH_PAIRS) $(if $(BENCH_DIR),-dir $(BENCH_DIR)) $(BENCH_ARGS)

vet:
	$(GO) vet -tags $(TAGS) ./...

# staticcheck, at a fixed version, fetched through the module proxy (not a
# dependency of the module).
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...

# The race detector on the packages that run goroutines of their own: the
# parallel readers (ingest), the loads one at a time (sql/store), the
# scheduler and its jobs (pipeline).
RACE_PKGS ?= ./ingest/ ./sql/store/ ./pipeline/
race:
	$(GO) test -race -tags $(TAGS) -count=1 $(RACE_PKGS)

clean:
	rm -rf bin .demo
