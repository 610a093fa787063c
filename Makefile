# fsgate — two commands do everything on a fresh machine with Go and git:
#   make validate   validate every request under providers/
#   make test       all tests, go vet, staticcheck, workflow lint
GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT    := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: validate test vet lint fmt-check build bench

validate:
	$(GO) run ./cmd/fsgate validate

test: vet lint fmt-check
	$(GO) test ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(ACTIONLINT) -no-color

# Request files in canonical form (key order, indentation, block lists).
fmt-check:
	$(GO) run ./cmd/fsgate fmt --check

build:
	$(GO) build -o bin/fsgate ./cmd/fsgate

# Benchmarks (not part of make test): one request loaded and validated,
# each stage at N = 100, 1,000 and 10,000 generated files, the whole
# fsgate validate and fsgate export processes (wall time, CPU, peak
# memory). Results and machine: docs/performance.md.
bench:
	$(GO) test -run '^$$' -bench 'LoadAndSchema' -benchmem ./internal/validate
	$(GO) test -run '^$$' -bench 'ParseRequest' -benchmem ./internal/load
	$(GO) test -run '^$$' -bench 'Stages|Validate1000' -benchmem -benchtime 3x ./internal/validate
	$(GO) test -run '^$$' -bench 'Process' -benchtime 5x ./cmd/fsgate
	$(GO) test -run '^$$' -bench 'Export10000|BuildWrite10000' -benchtime 3x ./internal/export
	$(GO) test -run '^$$' -bench 'PullRequestOneFileIn1000' -benchtime 5x ./internal/action
