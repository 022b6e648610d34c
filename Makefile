# MetaTune — the two set-up commands are `make demo` and `make test`; both install what they need.
SWIFT ?= swift
RELEASE_BIN := .build/release/metatune

.PHONY: deps build release demo test bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product metatune

# A TPE study on a benchmark problem with a live progress line, then the best result.
demo: release
	$(RELEASE_BIN) demo --problem nn_hpo --trials 200

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

# The sampler-quality benchmark of BENCHMARKS.md (release build; takes a few minutes).
bench: release
	$(RELEASE_BIN) bench --problem all --sampler all --trials 100 --seeds 10

clean:
	rm -rf .build
