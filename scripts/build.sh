#!/usr/bin/env bash
# Build minijuju: the workspace, then the hook-tool client and minijuju-enter
# again as static binaries placed next to `minijuju`. Every hook-tool call pays the client's
# start-up; statically linked it starts as fast as /bin/true (dynamically
# linked, loading libgcc_s costs ~0.3 ms per call). crt-static cannot be set
# workspace-wide (it breaks proc-macro crates when host == target), hence the
# separate --target build.
# Then it assembles the Rust example charms into deployable charm
# directories: target/charms/<name> = the charm's metadata.yaml, config.yaml
# and actions.yaml from examples/charms/<name>, plus its binary (same
# profile) as `dispatch`.
#   scripts/build.sh            debug build  -> target/debug, target/charms
#   scripts/build.sh --release  release build -> target/release, target/charms
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=debug
args=()
if [ "${1:-}" = "--release" ]; then
    profile=release
    args=(--release)
fi

cargo build --workspace "${args[@]}"

host="$(rustc -vV | sed -n 's/^host: //p')"
case "$host" in
    *-linux-gnu)
        RUSTFLAGS="-C target-feature=+crt-static" \
            cargo build -p hook-tools -p machine-enter --bins --target "$host" "${args[@]}"
        # minijuju-enter starts every hook process in its machine's view:
        # static too, for the same reason.
        for bin in minijuju-hook-tool minijuju-enter; do
            cp "target/$host/$profile/$bin" "target/$profile/$bin.static"
            mv -f "target/$profile/$bin.static" "target/$profile/$bin"
        done
        ;;
    *)
        echo "build: $host: keeping the dynamically linked hook-tool client" >&2
        ;;
esac

# --- Rust example charms -----------------------------------------------------
assemble_charm() {
    local name="$1"
    local src="examples/charms/$name" out="target/charms/$name"
    rm -rf "$out"
    mkdir -p "$out"
    local f
    for f in metadata.yaml config.yaml actions.yaml; do
        if [ -f "$src/$f" ]; then
            cp "$src/$f" "$out/$f"
        fi
    done
    cp "target/$profile/$name" "$out/dispatch"
    chmod 0755 "$out/dispatch"
    echo "build: charm $out ($profile)" >&2
}
assemble_charm kv-rust
assemble_charm web-rust-k8s
