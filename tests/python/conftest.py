"""Shared fixtures for minijuju's Python tests.

Two kinds of tests live here:

* tests that need no controller (``test_charm_units.py``, ``test_charm_dispatch.py``);
  those that run an example charm's real ``dispatch`` use the ``built_charm``
  fixture, which builds it from source with ``minijuju pack``;
* end-to-end tests that drive the built ``minijuju`` binary through the real
  ``jubilant`` package (``test_jubilant*.py``). They use the ``juju`` fixture
  below, which depends on the session-wide ``minijuju`` fixture.

Jubilant always runs ``juju`` from PATH (``temp_model()`` never passes a
binary), so the ``minijuju`` fixture puts a ``juju`` symlink to our binary at
the front of PATH and points ``MINIJUJU_HOME`` at a fresh directory for the
session. At the end of the session it runs ``minijuju controller stop``.

Environment:

* ``MINIJUJU_BIN``: the binary to test (default ``<repo>/target/debug/minijuju``).
  When it is not set and the default binary is missing, the end-to-end tests
  are skipped; when it is set and missing, they fail.
* ``MINIJUJU_BUILD_CACHE``: where charms built from source keep their venvs
  (default ``<repo>/target/build-cache``, shared with the Rust tests).
* ``MINIJUJU_KEEP_HOME=1``: keep the session's MINIJUJU_HOME afterwards (it is
  also kept, and its path printed, when a test failed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Generator
from pathlib import Path

import jubilant
import pytest

from helpers import CHARMS, DEPLOY_TIMEOUT, REPO


def _binary_path() -> tuple[Path, bool]:
    explicit = os.environ.get('MINIJUJU_BIN')
    if explicit:
        return Path(explicit), True
    return REPO / 'target' / 'debug' / 'minijuju', False


def _build_cache() -> str:
    return os.environ.get('MINIJUJU_BUILD_CACHE') or str(REPO / 'target' / 'build-cache')


def _checked_binary() -> Path:
    binary, explicit = _binary_path()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        msg = f'minijuju binary not found at {binary}'
        if explicit:
            pytest.fail(f'{msg} (from MINIJUJU_BIN)')
        pytest.skip(f'{msg}: run `cargo build` first or set MINIJUJU_BIN')
    return binary.resolve()


def _unzip(archive: Path, dest: Path) -> None:
    """Unpack a .charm keeping modes and symlinks (zipfile alone keeps neither)."""
    import stat
    import zipfile

    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            mode = info.external_attr >> 16
            target = dest / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif stat.S_ISLNK(mode):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(z.read(info).decode())
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(info))
                target.chmod(stat.S_IMODE(mode) or 0o644)


@pytest.fixture(scope='session')
def built_charm(tmp_path_factory: pytest.TempPathFactory):
    """``build(name)``: example charm ``name`` as minijuju builds it from source
    (``minijuju pack``, unpacked), once per session. Copy it before running it."""
    binary = _checked_binary()
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            work = tmp_path_factory.mktemp(f'built-{name}')
            archive = work / f'{name}.charm'
            env = dict(
                os.environ, MINIJUJU_HOME=str(work / 'home'), MINIJUJU_BUILD_CACHE=_build_cache()
            )
            proc = subprocess.run(
                [str(binary), 'pack', str(CHARMS / name), '-o', str(archive)],
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
            )
            assert proc.returncode == 0, f'minijuju pack {name} failed:\n{proc.stderr}'
            _unzip(archive, work / 'charm')
            built[name] = work / 'charm'
        return built[name]

    return build


@pytest.fixture(scope='session')
def minijuju(request: pytest.FixtureRequest) -> Generator[Path]:
    """The minijuju binary, installed as ``juju`` at the front of PATH for the session."""
    binary, explicit = _binary_path()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        msg = f'minijuju binary not found at {binary}'
        if explicit:
            pytest.fail(f'{msg} (from MINIJUJU_BIN)')
        pytest.skip(f'{msg}: run `cargo build` first or set MINIJUJU_BIN')
    binary = binary.resolve()

    # Short paths under /tmp: the unit agents may put Unix sockets under
    # MINIJUJU_HOME, and socket paths are limited to 108 bytes.
    bin_dir = Path(tempfile.mkdtemp(prefix='mjbin-'))
    home = Path(tempfile.mkdtemp(prefix='mjhome-'))
    juju_link = bin_dir / 'juju'
    juju_link.symlink_to(binary)

    # Jubilant switches to snap workarounds when the juju it finds has /snap/ in its path.
    for p in (juju_link, juju_link.resolve()):
        assert '/snap/' not in str(p), f'{p} must not contain /snap/'

    mp = pytest.MonkeyPatch()
    mp.setenv('PATH', f'{bin_dir}{os.pathsep}{os.environ.get("PATH", "")}')
    mp.setenv('MINIJUJU_HOME', str(home))
    mp.setenv('MINIJUJU_BUILD_CACHE', _build_cache())
    found = shutil.which('juju')
    assert found == str(juju_link), f'`juju` on PATH is {found}, expected {juju_link}'

    try:
        yield binary
    finally:
        try:
            stop = subprocess.run(
                [str(binary), 'controller', 'stop'],
                capture_output=True,
                text=True,
                timeout=120,
            )
            if stop.returncode != 0:
                print(
                    f'\n`minijuju controller stop` exited {stop.returncode}:\n'
                    f'{stop.stdout}{stop.stderr}',
                    file=sys.stderr,
                )
        except subprocess.TimeoutExpired:
            print('\n`minijuju controller stop` timed out', file=sys.stderr)
        finally:
            mp.undo()
            shutil.rmtree(bin_dir, ignore_errors=True)
            if os.environ.get('MINIJUJU_KEEP_HOME') or request.session.testsfailed:
                print(f'\nMINIJUJU_HOME kept at {home}', file=sys.stderr)
            else:
                shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope='module')
def juju(minijuju: Path, request: pytest.FixtureRequest) -> Generator[jubilant.Juju]:
    """A fresh temporary model per test module, destroyed afterwards."""
    with jubilant.temp_model() as juju:
        juju.wait_timeout = DEPLOY_TIMEOUT
        yield juju
        if request.session.testsfailed:
            try:
                print(juju.debug_log(limit=1000), end='', file=sys.stderr)
            except jubilant.CLIError as exc:
                print(f'debug-log failed: {exc}\n{exc.stderr}', file=sys.stderr)
