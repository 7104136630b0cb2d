#!/usr/bin/env bash
# Build minijuju: the workspace, then the hook-tool client and minijuju-enter
# again as static binaries placed next to `minijuju`. Every hook-tool call pays the client's
# start-up. Dynamically linked, loading libgcc_s costs ~0.3 ms per call;
# statically linked against glibc it starts as fast as /bin/true, which is
# still ~0.5 ms of CPU on a VM: glibc's start-up probes the CPU's caches
# with cpuid, which traps to the hypervisor. Against musl (no such probe) a
# call costs about half that, so the client is built for the host's musl
# target when rustup has it or can add it, else against glibc.
# crt-static cannot be set workspace-wide (it breaks proc-macro crates when
# host == target), hence the separate --target builds.
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

# Whether rustup has the standard library for target $1, adding it if it can.
have_target() {
    command -v rustup >/dev/null 2>&1 || return 1
    rustup target list --installed 2>/dev/null | grep -qx "$1" && return 0
    rustup target add "$1" >&2
}
# Replace target/$profile/$2 with the static build of it for target $1.
place() {
    cp "target/$1/$profile/$2" "target/$profile/$2.static"
    mv -f "target/$profile/$2.static" "target/$profile/$2"
}

case "$host" in
    *-linux-gnu)
        musl="${host%-gnu}-musl"
        # The client against musl when it is to be had, else statically
        # against glibc together with minijuju-enter (it starts every hook
        # process in its machine's view: static too, for the same reason).
        glibc_client=
        if have_target "$musl" &&
            cargo build -p hook-tools --bin minijuju-hook-tool --target "$musl" "${args[@]}"; then
            place "$musl" minijuju-hook-tool
        else
            echo "build: no $musl target: the hook-tool client is linked against glibc" >&2
            glibc_client=1
        fi
        RUSTFLAGS="-C target-feature=+crt-static" \
            cargo build -p machine-enter ${glibc_client:+-p hook-tools} --bins --target "$host" "${args[@]}"
        place "$host" minijuju-enter
        if [ -n "$glibc_client" ]; then
            place "$host" minijuju-hook-tool
        fi
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
