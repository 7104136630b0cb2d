#!/usr/bin/env bash
# Run every test minijuju has: formatting, lints, Rust unit and end-to-end
# tests, and the Python tests that drive the real `ops` and `jubilant`
# packages against our binary. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "python test environment (.venv, example charm venvs)"
scripts/setup-python.sh

step "pebble for sidecar charms (built once from the Go module proxy)"
scripts/setup-pebble.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "build (workspace + static hook-tool client)"
scripts/build.sh

step "cargo test"
cargo test --workspace

step "python tests (ops, jubilant) against target/debug/minijuju, warm Python starts (the default)"
MINIJUJU_BIN="$PWD/target/debug/minijuju" .venv/bin/python -m pytest tests/python -q
step "python tests again with warm Python starts off (every hook a plain dispatch process)"
MINIJUJU_WARM_PYTHON=off MINIJUJU_BIN="$PWD/target/debug/minijuju" .venv/bin/python -m pytest tests/python -q

step "all tests passed"
