# tradepipe: every Go command goes through here so the duckdb_arrow build tag
# (needed by duckdb-go's Arrow interface) is always set.
GO      ?= go
TAGS    := duckdb_arrow
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/tradepipe
DEMO_DB := .demo/demo.duckdb
FUZZTIME ?= 30s

.PHONY: build test demo fuzz vet clean

build:
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/tradepipe

# The whole suite, fuzz targets included (their seed corpora run as tests).
test:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -count=1 ./...

# Run the bundled sample config's job once (ingest the sample into a fresh
# .demo/demo.duckdb, refresh the config's groups, write reports and Parquet
# to .demo/outputs), show what was loaded and print the headline table.
demo: build
	@rm -rf .demo && mkdir -p .demo
	$(BIN) run --config testdata/sample/tradepipe.yaml
	$(BIN) status --db $(DEMO_DB)
	$(BIN) report regional-shares --db $(DEMO_DB) --dataset sample --group C5

# Run every fuzz target for FUZZTIME each (not part of make test). New inputs are
# minimised for at most 200 runs: the default minute per input starves the
# Comtrade+ target, whose inputs are long.
fuzz:
	@for t in $$($(GO) test -tags $(TAGS) -list 'Fuzz.*' ./ingest/ | grep ^Fuzz); do \
		echo "== $$t"; $(GO) test -tags $(TAGS) -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x ./ingest/ || exit 1; \
	done

vet:
	$(GO) vet -tags $(TAGS) ./...

clean:
	rm -rf bin .demo
