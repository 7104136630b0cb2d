"""Small helpers shared by the Python tests (imported by conftest and test modules)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHARMS = REPO / 'examples' / 'charms'
# Charms that exist only for the tests (their venv/ comes from scripts/setup-python.sh).
TEST_CHARMS = REPO / 'tests' / 'python' / 'charms'

# How long a wait() for a freshly deployed application may take, in seconds.
DEPLOY_TIMEOUT = 120.0


def charm_path(name: str) -> str:
    """Absolute path of an example charm directory, as Jubilant wants it (starts with '/')."""
    path = CHARMS / name
    assert (path / 'metadata.yaml').is_file(), f'no charm at {path}'
    return str(path)
