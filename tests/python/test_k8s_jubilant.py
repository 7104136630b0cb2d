"""End to end: a Kubernetes (``caas``) model driven through Jubilant.

``juju.add_model(name, 'minijuju-k8s')`` makes a model on minijuju's
built-in Kubernetes cloud. What Jubilant's and ops' own Kubernetes tests
read is checked: ``status.model.type == 'caas'``, ``show_model().type ==
'kubernetes'``, units with ``address`` and ``provider_id``, ``exec`` on a
machine raising ``CLIError``, ``ssh --container charm`` with stdin; then the
web-k8s sidecar example is scaled with ``scale-application`` and ``wait``.
"""

from __future__ import annotations

import secrets
import socket
import urllib.request
from collections.abc import Generator

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'web'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def k8s(minijuju) -> Generator[jubilant.Juju]:
    juju = jubilant.Juju()
    name = f'k8s-{secrets.token_hex(4)}'
    juju.add_model(name, 'minijuju-k8s')
    juju.wait_timeout = DEPLOY_TIMEOUT
    try:
        yield juju
    finally:
        juju.destroy_model(name, destroy_storage=True, force=True)


@pytest.fixture(scope='module')
def port(k8s: jubilant.Juju) -> int:
    p = free_port()
    k8s.deploy(charm_path('web-k8s'), APP, config={'port': p})
    k8s.wait(
        lambda s: jubilant.all_active(s, APP) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
    )
    return p


def page(address: str, port: int) -> str:
    with urllib.request.urlopen(f'http://{address}:{port}/', timeout=10) as r:
        return r.read().decode()


def test_the_model_is_a_kubernetes_model(k8s: jubilant.Juju, port: int):
    status = k8s.status()
    assert status.model.type == 'caas'
    assert status.model.cloud == 'minijuju-k8s'
    assert status.machines == {}
    assert k8s.show_model().type == 'kubernetes'
    assert k8s.show_model().model_type == 'caas'
    app = status.apps[APP]
    assert app.scale == 1
    assert app.address.startswith('127.')
    unit = app.units[f'{APP}/0']
    assert unit.provider_id == f'{APP}-0'
    assert unit.address.startswith('127.')
    assert unit.machine == ''
    assert page(unit.address, port) == f'hello from {APP}/0\n'


def test_machines_cannot_be_targeted(k8s: jubilant.Juju, port: int):
    with pytest.raises(jubilant.CLIError) as e:
        k8s.exec('echo foo', machine=0)
    assert 'unable to target machines with a k8s controller' in e.value.stderr


def test_ssh_into_the_charm_container_with_input(k8s: jubilant.Juju, port: int):
    out = k8s.cli('ssh', '--container', 'charm', f'{APP}/0', 'cat', stdin='foo')
    assert out == 'foo'
    out = k8s.ssh(f'{APP}/0', 'cat', '/srv/www/index.html', container='web')
    assert out == f'hello from {APP}/0\n'


def test_scale_application_up_and_down(k8s: jubilant.Juju, port: int):
    k8s.cli('scale-application', APP, '2')
    status = k8s.wait(
        lambda s: len(s.apps[APP].units) == 2 and jubilant.all_active(s, APP)
        and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
    )
    assert status.apps[APP].scale == 2
    unit = status.apps[APP].units[f'{APP}/1']
    assert unit.provider_id == f'{APP}-1'
    assert page(unit.address, port + 1) == f'hello from {APP}/1\n'

    k8s.remove_unit(APP, num_units=1)
    status = k8s.wait(lambda s: list(s.apps[APP].units) == [f'{APP}/0'])
    assert status.apps[APP].scale == 1
