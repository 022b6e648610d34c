# MetaTune — the two set-up commands are `make demo` and `make test`; both install what they need.
SWIFT ?= swift
RELEASE_BIN := .build/release/metatune

.PHONY: deps build release demo test bench bench-meta clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product metatune

# Tune an MLP on the bundled digits with MetaTune's own engine (about a minute, live progress),
# then print the best configuration and its validation accuracy; then the meta-learning payoff:
# cold-start GP against --meta auto on digits, with digits left out of the shipped knowledge base.
# Then multi-fidelity and population-based scheduling: Hyperband (45 trials for a third of the
# epochs full training would take) and PBT (8 members whose hyperparameters change while they train).
demo: release
	$(RELEASE_BIN) tune --dataset digits --model mlp --trials 150 --epochs 30 --storage memory:
	$(RELEASE_BIN) meta compare --dataset digits --method auto --exclude sklearn_digits --trials 20
	$(RELEASE_BIN) tune --dataset digits --model mlp --trials 45 --epochs 27 --scheduler hyperband --storage memory:
	$(RELEASE_BIN) tune --dataset digits --model mlp --trials 8 --epochs 27 --scheduler pbt --pbt-interval 3 --storage memory:

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

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
	rm -rf .build
