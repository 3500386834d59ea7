# aiwasm: build the proxy-wasm modules and run every test.
#
#   make build   every plugins/<name>/ into out/<name>.wasm (and the host's test plugins into
#                out/testdata/), reproducibly
#   make test    gofmt check, go vet (native and wasip1), all Go tests (native, wasm under the
#                wazero host, and - as they land - e2e against a real Envoy)
#   make bench   the wazero host benchmarks
#   make demo    the gateway in front of the fake LLM (arrives with the Envoy test bed)
#   make clean   remove out/ and the caches the repo owns

SHELL := /bin/bash

# Standard Go 1.24: the go command fetches this toolchain from the module proxy when the
# installed go is another version, so every machine builds with the same compiler.
export GOTOOLCHAIN := go1.24.13
export GOFLAGS := -buildvcs=false
GO ?= go

# -trimpath drops local paths; with the toolchain pinned the same source gives the same bytes.
WASM_BUILD := GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 $(GO) build -trimpath -buildmode=c-shared

PLUGINS := $(patsubst plugins/%/main.go,%,$(wildcard plugins/*/main.go))
TESTDATA := $(patsubst sdkwrap/wasmhost/testdata/%/main.go,%,$(wildcard sdkwrap/wasmhost/testdata/*/main.go))

.PHONY: all build test vet fmt-check go-test bench demo clean deps redis checksums

all: build

build:
	@mkdir -p out/testdata
	@for p in $(PLUGINS); do \
	  echo "build plugins/$$p -> out/$$p.wasm"; \
	  (cd plugins/$$p && $(WASM_BUILD) -o ../../out/$$p.wasm .) || exit 1; \
	done
	@for p in $(TESTDATA); do \
	  (cd sdkwrap/wasmhost/testdata/$$p && $(WASM_BUILD) -o ../../../../out/testdata/$$p.wasm .) || exit 1; \
	done
	@cd out && sha256sum $$(ls *.wasm testdata/*.wasm 2>/dev/null) > SHA256SUMS && cat SHA256SUMS

deps:
	$(GO) mod download

# redis-server backs the tests of Higress's Redis host functions (and, later, the rate
# limiters). Installed from Debian when missing.
redis:
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server (Debian)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null; }

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./sdkwrap/bridge/ $(addprefix ./plugins/,$(PLUGINS)) \
	  $(addprefix ./sdkwrap/wasmhost/testdata/,$(TESTDATA))

go-test:
	AIWASM_REQUIRE_REDIS=1 $(GO) test -count=1 -timeout 20m ./...

test: deps redis build fmt-check vet go-test

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 200000x -count 5 ./sdkwrap/wasmhost/ | tee out/bench.txt
	$(GO) test -run '^$$' -bench MemoryAfterRequests -benchtime 1x ./sdkwrap/wasmhost/

demo:
	@echo "make demo arrives with the Envoy test bed (the Envoy + fake LLM issue)."; exit 1

clean:
	rm -rf out
