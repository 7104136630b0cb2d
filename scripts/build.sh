#!/usr/bin/env bash
# Build minijuju: the workspace, then the hook-tool client again as a static
# binary placed next to `minijuju`. Every hook-tool call pays the client's
# start-up; statically linked it starts as fast as /bin/true (dynamically
# linked, loading libgcc_s costs ~0.3 ms per call). crt-static cannot be set
# workspace-wide (it breaks proc-macro crates when host == target), hence the
# separate --target build.
#   scripts/build.sh            debug build  -> target/debug
#   scripts/build.sh --release  release build -> target/release
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
