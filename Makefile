# Refinery: the README's two commands are `make demo` and `make test`.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CONFIG ?= release
# The tests build scaffolded Swift plugins with `swift`: keep the toolchain on PATH.
export PATH := $(dir $(SWIFT)):$(PATH)
BIN = .build/$(CONFIG)

.PHONY: demo test build deps bench bench-simulate bench-bpt bench-heldout bench-provenance bench-archive bench-limits bench-pipeline bench-cluster bench-validate clean

deps:
	@sh scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

## The main job: the end-to-end demo on workspaces/tt2l.
demo: build
	$(BIN)/refinery demo --workspace workspaces/tt2l

## The tests (what CI runs).
test: deps
	$(SWIFT) test -c $(CONFIG)

## Benchmarks print figures; they never fail on a timing.
bench: bench-simulate bench-bpt bench-heldout bench-provenance bench-archive bench-limits bench-pipeline bench-cluster bench-validate

bench-simulate: build
	$(BIN)/refinery-bench simulate

bench-bpt: build
	$(BIN)/refinery-bench bpt

## What the loss on held-out events costs per tree, as a fraction of the tree (docs/closure.md).
bench-heldout: build
	$(BIN)/refinery-bench bpt --only heldout

bench-provenance: build
	$(BIN)/refinery-bench provenance

bench-archive: build
	$(BIN)/refinery-bench archive --megabytes 1024

## simulate + train of tt2l at paper scale (EVENTS, TREES to change it; KEEP=DIR keeps the workspace): wall, peak RSS, overhead.
EVENTS ?= 1200000
TREES ?= 300
bench-pipeline: build
	@test -x /usr/bin/time || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
	python3 scripts/bench_pipeline.py $(BIN)/refinery $(EVENTS) $(TREES)

## Asimov limits at paper scale, against numpy + iminuit (scripts/asimov_numpy.py).
bench-limits: build
	@python3 -c 'import iminuit' 2>/dev/null || python3 -m pip install -q iminuit
	$(BIN)/refinery-bench limits

## submit -> dependent job end on a one-node Slurm cluster vs local train (docs/cluster.md).
bench-cluster: build
	bash scripts/bench-cluster.sh $(BIN)

## The classifier two-sample test: one surrogate at paper scale, and the whole validate of
## workspaces/tt2l (run `make demo` first for the second part).
bench-validate: build
	$(BIN)/refinery-bench validate

clean:
	rm -rf .build
