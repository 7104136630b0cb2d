"""End to end: the web-k8s sidecar example (ops, unchanged) against a real
Pebble per workload container, driven through Jubilant.

Deployed with a free port, it goes active once Pebble serves its page (a
``python3 -m http.server`` service run by Pebble), which we fetch; then
actions go through ops' Pebble API (``push``, ``pull``, ``exec``) and we
assert what Jubilant returns (``Task.results``, ``Task.status``), and
``juju ssh --container`` (Jubilant's ``ssh(container=...)``) sees the file
ops pushed in the container's own root. Last, ``refresh`` with a changed
copy of the charm replaces the pod: the new layer's page is served and
the file pushed into the old container is gone.
"""

from __future__ import annotations

import pathlib
import shutil
import socket
import time
import urllib.request

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'web'
UNIT = 'web/0'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def page(address: str, port: int) -> str | None:
    try:
        with urllib.request.urlopen(f'http://{address}:{port}/', timeout=10) as r:
            return r.read().decode()
    except OSError:
        return None


@pytest.fixture(scope='module')
def port(juju: jubilant.Juju) -> int:
    p = free_port()
    juju.deploy(charm_path('web-k8s'), APP, config={'port': p})
    juju.wait(
        lambda s: jubilant.all_active(s, APP) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    return p


def test_active_and_serving_its_page(juju: jubilant.Juju, port: int):
    status = juju.status()
    unit = status.apps[APP].units[UNIT]
    assert unit.workload_status.message == f'serving on {port}'
    # The charm serves on its unit's own address.
    with urllib.request.urlopen(f'http://{unit.public_address}:{port}/', timeout=10) as r:
        assert r.read().decode() == 'hello from web/0\n'


def test_push_pull_exec_through_ops_pebble_api(juju: jubilant.Juju, port: int):
    task = juju.run(UNIT, 'push', {'path': '/srv/data/note.txt', 'content': 'from jubilant'})
    assert task.status == 'completed'
    assert juju.run(UNIT, 'pull', {'path': '/srv/data/note.txt'}).results == {
        'content': 'from jubilant'
    }
    ran = juju.run(UNIT, 'run', {'command': 'cat /srv/data/note.txt; echo oops >&2; exit 4'})
    assert ran.results == {'out': 'from jubilant', 'err': 'oops\n', 'code': '4'}  # action-set values are strings, as in Juju
    ok = juju.run(UNIT, 'run', {'command': 'cat /proc/1/comm'})
    assert ok.results == {'out': 'pebble\n', 'err': '', 'code': '0'}
    # The pushed file is in the container, seen by ssh --container.
    assert juju.ssh(UNIT, 'cat', '/srv/data/note.txt', container='web') == 'from jubilant'


def test_pull_of_a_missing_file_fails_the_action(juju: jubilant.Juju, port: int):
    with pytest.raises(jubilant.TaskError) as e:
        juju.run(UNIT, 'pull', {'path': '/srv/data/missing'})
    assert e.value.task.status == 'failed'


def test_refresh_replaces_the_pod(
    juju: jubilant.Juju, port: int, tmp_path: pathlib.Path
):
    # Runs last: the file pushed by the test above is in the old container.
    assert juju.ssh(UNIT, 'cat', '/srv/data/note.txt', container='web') == 'from jubilant'
    charm = tmp_path / 'web-k8s'
    shutil.copytree(charm_path('web-k8s'), charm, symlinks=True)
    code = charm / 'src' / 'charm.py'
    old = "f\"{self.config['greeting']} from {self.unit.name}\\n\""
    assert old in code.read_text()
    code.write_text(code.read_text().replace(old, 'f"v2 " + ' + old))
    juju.refresh(APP, path=charm)
    status = juju.wait(
        lambda s: s.apps[APP].charm_rev == 1
        and jubilant.all_active(s, APP)
        and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    assert status.apps[APP].units[UNIT].workload_status.message == f'serving on {port}'
    # The agents may show idle before they act on the refresh: wait for
    # the new pod's page (and the status it sets with it).
    deadline = time.monotonic() + DEPLOY_TIMEOUT
    address = status.apps[APP].units[UNIT].public_address
    while page(address, port) != 'v2 hello from web/0\n':
        assert time.monotonic() < deadline, page(address, port)
        time.sleep(0.2)
    juju.wait(
        lambda s: jubilant.all_active(s, APP) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    # A new container: what the old one held is gone.
    with pytest.raises(jubilant.CLIError):
        juju.ssh(UNIT, 'cat', '/srv/data/note.txt', container='web')
