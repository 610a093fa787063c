# fsgate — two commands do everything on a fresh machine with Go and git:
#   make validate   validate every request under providers/
#   make test       all tests, go vet, staticcheck, workflow lint
GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT    := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: validate test vet lint build bench fmt-check

validate:
	$(GO) run ./cmd/fsgate validate

test: vet lint
	$(GO) test ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(ACTIONLINT) -no-color

build:
	$(GO) build -o bin/fsgate ./cmd/fsgate

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
