#!/usr/bin/env bash
# Build the pinned Pebble (Canonical's workload manager, Go module
# github.com/canonical/pebble) that minijuju runs in every workload
# container of a sidecar charm. Safe to run again: a binary already built
# for the pinned version is kept.
#
# Needs Go (the version Pebble's go.mod asks for, or newer) and the Go
# module proxy. The version and every dependency's checksum are pinned by
# scripts/pebble/go.mod and go.sum (a module that only requires Pebble), so
# the build asks the proxy for exact versions only. The build is static (CGO_ENABLED=0) and takes about a
# minute on two cores, once. The binary lands in <repo>/target/pebble/
# (git-ignored); minijuju finds it there, or wherever MINIJUJU_PEBBLE
# points, or as `pebble` on PATH.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(awk '$1 == "require" && $2 == "github.com/canonical/pebble" { print $3 }' "$repo/scripts/pebble/go.mod")"
[ -n "$version" ] || { echo "setup-pebble: error: no pebble version in scripts/pebble/go.mod" >&2; exit 1; }
dir="$repo/target/pebble/$version"
bin="$dir/pebble"

say() { printf 'setup-pebble: %s\n' "$*"; }
die() { printf 'setup-pebble: error: %s\n' "$*" >&2; exit 1; }

if [ -x "$bin" ] && "$bin" version --client >/dev/null 2>&1; then
    say "pebble $version already built: $bin"
else
    command -v go >/dev/null 2>&1 || die "no 'go' on PATH: install Go to build Pebble"
    mkdir -p "$dir"
    tmp="$(mktemp -d "$dir/.build.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    say "building github.com/canonical/pebble/cmd/pebble $version with $(go version | cut -d' ' -f3) (about a minute, once)"
    (cd "$repo/scripts/pebble" && CGO_ENABLED=0 GOFLAGS=-mod=readonly \
        go build -trimpath -o "$tmp/pebble" github.com/canonical/pebble/cmd/pebble) \
        || die "building github.com/canonical/pebble/cmd/pebble $version failed"
    mv "$tmp/pebble" "$bin"
    say "built $bin"
fi
# The one the tests and the controller find without configuration.
ln -sfn "$version/pebble" "$repo/target/pebble/pebble"
say "$("$bin" version --client 2>/dev/null | head -1)"
