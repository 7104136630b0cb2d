#!/usr/bin/env bash
# Build minijuju: the workspace, then the hook-tool client again as a static
# binary placed next to `minijuju`. Every hook-tool call pays the client's
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
            cargo build -p hook-tools --target "$host" "${args[@]}"
        cp "target/$host/$profile/minijuju-hook-tool" "target/$profile/minijuju-hook-tool.static"
        mv -f "target/$profile/minijuju-hook-tool.static" "target/$profile/minijuju-hook-tool"
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
