#!/usr/bin/env bash
# Set up the Python side of minijuju's tests. Safe to run again: steps that
# are already done are skipped.
#
#  1. <repo>/.venv: a virtualenv with the test tooling from
#     tests/python/requirements.txt (ops[testing], jubilant, pytest, PyYAML).
#  2. For every Python test charm (tests/python/charms) that is not a
#     charmcraft project (sec-owner, sec-consumer, res-reboot, sto-ops: a
#     requirements.txt and a dispatch of their own): its runtime
#     dependencies into <charm>/venv with `pip install --target`,
#     and the absolute path of the interpreter they were installed for into
#     <charm>/.python, which the charm's dispatch script reads (hooks run
#     without the user's environment, so python3 may not be on their PATH).
#     The example charms and ops2-unified are charmcraft projects (a
#     charmcraft.yaml with parts): minijuju builds them from source when
#     they are deployed or packed, so they get nothing here.
#
# Needs python3 (3.10 or newer) with the venv module and network access to
# PyPI. Set PYTHON to use another interpreter than `python3` from PATH.
# All of .venv, venv/, lib/ and .python are git-ignored.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
venv="$repo/.venv"
test_requirements="$repo/tests/python/requirements.txt"
# The PATH a hook gets besides the unit's tools dir.
hook_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

say() { printf 'setup-python: %s\n' "$*"; }
die() { printf 'setup-python: error: %s\n' "$*" >&2; exit 1; }

pip_quiet=(--disable-pip-version-check --no-input --quiet)

# --- the interpreter ---------------------------------------------------------
command -v "$python" >/dev/null 2>&1 || die "no '$python' on PATH (set PYTHON=/path/to/python3)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || die "$("$python" -V 2>&1) is too old: ops needs Python 3.10 or newer"
say "using $("$python" -V 2>&1) from $(command -v "$python")"

# --- 1. the test virtualenv --------------------------------------------------
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "virtualenv $venv already exists"
else
    rm -rf "$venv"
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        die "'$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
    say "created virtualenv $venv"
fi
vpy="$venv/bin/python"

if "$vpy" -m pip install "${pip_quiet[@]}" -r "$test_requirements"; then
    say "test requirements installed in .venv:"
    "$vpy" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null \
        | grep -iE '^(ops|ops-scenario|jubilant|pytest|pyyaml)==' | sed 's/^/    /'
else
    die "pip could not install $test_requirements"
fi

# The interpreter the virtualenv is built on. Charms get this one rather than
# .venv/bin/python so that they only see what is in their own venv/.
base_python="$("$vpy" -c 'import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))')"
[ -x "$base_python" ] || die "cannot find the base interpreter of $venv (got '$base_python')"
base_version="$("$base_python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
say "charms will run $base_python (Python $base_version)"

# --- 2. charm dependencies ----------------------------------------------------
for charm in "$repo"/examples/charms/*/ "$repo"/tests/python/charms/*/; do
    charm="${charm%/}"
    name="$(basename "$charm")"
    [ -f "$charm/requirements.txt" ] || continue
    if [ -f "$charm/charmcraft.yaml" ] && grep -q '^parts:' "$charm/charmcraft.yaml"; then
        rm -rf "$charm/venv" "$charm/.python"
        say "$name: a charmcraft project, built from source by minijuju (nothing to do)"
        continue
    fi

    target="$charm/venv"
    # What the current venv/ was built from; a change of either forces a rebuild.
    stamp="requirements sha256 $(sha256sum < "$charm/requirements.txt" | cut -d' ' -f1); python $base_python $base_version"
    if [ -f "$target/.minijuju-stamp" ] && [ "$(cat "$target/.minijuju-stamp")" = "$stamp" ] \
        && (cd "$charm" && PYTHONPATH=lib:venv "$base_python" -c 'import ops' >/dev/null 2>&1); then
        say "$name: venv/ is up to date"
    else
        rm -rf "$target.new"
        "$vpy" -m pip install "${pip_quiet[@]}" --no-warn-conflicts --target "$target.new" -r "$charm/requirements.txt" \
            || die "$name: pip install --target failed"
        printf '%s\n' "$stamp" > "$target.new/.minijuju-stamp"
        rm -rf "$target"
        mv "$target.new" "$target"
        say "$name: installed $(tr '\n' ' ' < "$charm/requirements.txt")into venv/"
    fi

    printf '%s\n' "$base_python" > "$charm/.python"
    say "$name: wrote .python -> $base_python"

    # Check the way a hook would run: empty environment, system PATH only.
    if ops_version="$(cd "$charm" && env -i PATH="$hook_path" PYTHONPATH=lib:venv \
            "$(cat .python)" -c 'import ops; print(ops.__version__)' 2>&1)"; then
        say "$name: ops $ops_version imports in a hook-like environment"
    else
        die "$name: ops does not import in a hook-like environment: $ops_version"
    fi
done

say "done. Run the tests with: .venv/bin/python -m pytest tests/python"
