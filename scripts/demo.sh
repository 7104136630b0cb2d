#!/usr/bin/env bash
# The main job: build minijuju, start a controller in ./.demo-home, create a
# `demo` model, deploy the two example charms (shell and Python ops) with two
# units each, wait for them to become active, run an action on each, and
# print the status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

scripts/setup-python.sh
scripts/build.sh --release

export MINIJUJU_HOME="${MINIJUJU_HOME:-$repo/.demo-home}"
mj="$repo/target/release/minijuju"
py="$repo/.venv/bin/python"

"$mj" controller stop >/dev/null 2>&1 || true
rm -rf "$MINIJUJU_HOME"

say() { printf '\n$ minijuju %s\n' "$*"; "$mj" "$@"; }

say add-model demo
say deploy ./examples/charms/hello-shell -n 2 --config greeting=hi
say deploy ./examples/charms/hello-ops -n 2

printf '\nwaiting for every unit to be active and idle...\n'
for _ in $(seq 1 600); do
    if "$mj" status --format json | "$py" -c '
import json, sys
s = json.load(sys.stdin)
units = [u for a in s["applications"].values() for u in a.get("units", {}).values()]
ok = len(units) == 4 and all(u["workload-status"]["current"] == "active" and u["juju-status"]["current"] == "idle" for u in units)
sys.exit(0 if ok else 1)'; then
        break
    fi
    sleep 0.2
done

say run hello-shell/leader greet name=world times=2
say run hello-ops/0 echo message=hello --format json
say config hello-shell greeting=bonjour
sleep 1
say status
printf '\nThe controller keeps running (MINIJUJU_HOME=%s).\n' "$MINIJUJU_HOME"
printf 'Try: MINIJUJU_HOME=%s %s debug-log --replay | tail\n' "$MINIJUJU_HOME" "$mj"
printf 'Stop it with: MINIJUJU_HOME=%s %s controller stop\n' "$MINIJUJU_HOME" "$mj"
