# tiny-agents for Go. `make test` is what CI runs (.ci/run).
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 30s
# go test's default 10m timeout would end a long fuzz run as a failure.
FUZZTIMEOUT ?= 2h
BIN         := bin

.PHONY: all build test lint fmt-check vet staticcheck tidy-check cross-check bench bench-stream fuzz generate generate-check conformance integration clean

all: build test

build:
	$(GO) build -o $(BIN)/ ./cmd/tiny-agents ./examples/... ./internal/cmd/...

test:
	$(GO) test -race -count=1 ./...
	cd third_party/santhosh-tekuri/jsonschema && $(GO) test -race -count=1 ./...

lint: fmt-check vet staticcheck tidy-check cross-check

# The module builds for macOS, Windows and the BSDs, and its tests compile on
# macOS (the pseudo-terminal tests skip there).
cross-check:
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	GOOS=freebsd $(GO) vet ./...
	GOOS=windows $(GO) build ./...

# go.mod and go.sum as `go mod tidy` would write them.
tidy-check:
	$(GO) mod tidy -diff

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

# Go benchmarks: stream decoding and a turn's events, per chunk, with allocations.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./inference/... ./mcpclient/

# The client reading ../shared/bench/fakellm's 100,000-chunk stream, against curl.
bench-stream:
	python3 scripts/bench_stream.py --chunks 100000 --runs 7

# Every fuzz target, FUZZTIME each: stream chunks and their strings, SSE streams, the
# accumulator, embeddings, the JSON string encoder, Retry-After, server
# messages, agent.json with input substitution, tool results, fsserver paths.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeChunk$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzChunkString$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzAccumulator$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzParseEmbeddings$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzAppendJSONString$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzChatStream$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzRetryAfter$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzServerMessage$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./inference/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./agent/
	$(GO) test -run '^$$' -fuzz '^FuzzFlattenResult$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./mcpclient/
	$(GO) test -run '^$$' -fuzz '^FuzzParseChallenges$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./mcpclient/
	$(GO) test -run '^$$' -fuzz '^FuzzResolvePath$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./internal/fsserver/

# Regenerate the task types from the pinned @huggingface/tasks specs (npm),
# and the support tables from the registry.
generate:
	cd inference && $(GO) generate ./...
	$(GO) test ./inference -run SupportTables -update-support-table

# Fails if the committed generated files differ from a fresh generation.
generate-check: generate
	git diff --exit-code -- inference/tasks_gen.go inference/doc.go README.md

# The official MCP conformance suite's client scenarios against
# examples/conformance-client (installs the suite and Node 22 under .cache/).
conformance:
	./scripts/conformance.sh

# The agent against the real npm MCP servers (installed under .cache/).
integration:
	./scripts/integration.sh

clean:
	rm -rf $(BIN)
