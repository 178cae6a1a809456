# square-oauth-edge — every target installs what it needs first (scripts/setup.sh, idempotent).
#   make package   build the npm package into pkg/
#   make test      run every test (the README's test command; .ci/run calls it)
#   make demo      run the demo on the built-in fake Square
#   make bench     run the benchmarks (not part of make test)
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner


.PHONY: setup package test demo bench lint test-native test-props test-js test-types test-wasm-node test-wasm-browser test-suites

setup:
	@scripts/setup.sh

package: setup
	@scripts/build-package.sh

lint: setup
	cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --lib --examples -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --features js --lib -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --features tokens --lib -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --target wasm32-unknown-unknown

test-native: setup
	cargo test --quiet

# Property tests at full scale (1,040,000 generated cases; `cargo test` alone runs 1% of them).
test-props: setup
	cargo test --release --test props -- --nocapture

test-js: package
	node --test tests/fake-square/ tests/js/

test-types: package
	tests/types/run.sh

test-wasm-node: setup
	$(WASM_RUNNER) scripts/with-fake.sh cargo test --target wasm32-unknown-unknown --tests

test-wasm-browser: setup
	WASM_BINDGEN_USE_BROWSER=1 $(WASM_RUNNER) scripts/with-fake.sh cargo test --target wasm32-unknown-unknown --tests

# Suites contributed by the runtime matrix, contract and package checks; each has a run.sh.
test-suites: package
	@for s in tests/package tests/runtimes tests/contract tests/reliability tests/demo tests/tokens tests/rust-worker; do \
	  if [ -x $$s/run.sh ]; then echo "== $$s"; $$s/run.sh || exit 1; fi; \
	done

test:
	@scripts/run-tests.sh

# The demo installs only what it needs: the Rust target, wasm-bindgen, and the JS tools of the
# build and the demo (scripts/setup.sh's `rust demo` groups; not Chromium, Prism, Vite, the other
# runtimes or the type tools). The exported target-specific variable reaches the `setup` that
# `package` runs for it.
demo: export SETUP_GROUPS = rust demo
demo: package
	@scripts/demo.sh

bench: package
	@bench/run.sh
