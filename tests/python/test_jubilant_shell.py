"""End to end: the real jubilant package drives minijuju (as `juju`) with the hello-shell charm.

Shares one model for the module; tests run in file order.
"""

from __future__ import annotations

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'hello-shell'
UNIT = f'{APP}/0'


def unit_says(status: jubilant.Status, message: str) -> bool:
    app = status.apps.get(APP)
    unit = app.units.get(UNIT) if app else None
    return (
        unit is not None
        and unit.workload_status.current == 'active'
        and unit.workload_status.message == message
    )


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju) -> jubilant.Status:
    juju.deploy(charm_path(APP))
    return juju.wait(
        lambda s: jubilant.all_active(s, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )


def test_deployed_active(deployed: jubilant.Status):
    app = deployed.apps[APP]
    assert list(app.units) == [UNIT]
    unit = app.units[UNIT]
    assert unit.workload_status.message == 'greeting: hello'
    assert unit.leader
    assert app.version == '0.1.0'


def test_peer_relation_in_status(deployed: jubilant.Status):
    peers = deployed.apps[APP].relations.get('peers')
    assert peers, deployed.apps[APP].relations
    assert peers[0].related_app == APP
    assert peers[0].interface == 'hello-peers'


def test_greet(juju: jubilant.Juju, deployed: jubilant.Status):
    task = juju.run(UNIT, 'greet', {'name': 'bob', 'times': 2})
    assert task.success
    assert task.results == {'greeting': 'hello, bob!', 'times': '2', 'unit': UNIT}
    assert task.stdout == 'hello, bob!\nhello, bob!\n'
    assert len(task.log) == 2
    assert task.log[0].endswith('greeting 1 of 2')


def test_greet_default_times(juju: jubilant.Juju, deployed: jubilant.Status):
    task = juju.run(UNIT, 'greet', {'name': 'ann'})
    assert task.results['times'] == '1'
    assert task.stdout == 'hello, ann!\n'


def test_greet_rejects_unknown_param(juju: jubilant.Juju, deployed: jubilant.Status):
    # additionalProperties is false for greet.
    with pytest.raises((jubilant.CLIError, jubilant.TaskError, ValueError)):
        juju.run(UNIT, 'greet', {'name': 'bob', 'colour': 'red'})


def test_fail_me(juju: jubilant.Juju, deployed: jubilant.Status):
    with pytest.raises(jubilant.TaskError) as excinfo:
        juju.run(UNIT, 'fail-me')
    task = excinfo.value.task
    assert task.status == 'failed'
    assert task.message == 'fail-me always fails'
    assert task.return_code == 0


def test_crash(juju: jubilant.Juju, deployed: jubilant.Status):
    with pytest.raises(jubilant.TaskError) as excinfo:
        juju.run(UNIT, 'crash')
    task = excinfo.value.task
    assert task.status == 'failed'
    assert task.return_code == 1
    assert 'crashes on purpose' in task.stderr


def test_config_round_trip(juju: jubilant.Juju, deployed: jubilant.Status):
    assert juju.config(APP) == {'greeting': 'hello', 'port': 8080, 'debug': False, 'ratio': 0.5}

    juju.config(APP, {'greeting': 'hey', 'debug': True, 'port': 9090})
    juju.wait(lambda s: unit_says(s, 'greeting: hey'), error=jubilant.any_error)
    assert juju.config(APP) == {'greeting': 'hey', 'port': 9090, 'debug': True, 'ratio': 0.5}

    juju.config(APP, reset=['debug', 'port'])
    config = juju.config(APP)
    assert config['debug'] is False
    assert config['port'] == 8080


def test_debug_log_has_charm_output(juju: jubilant.Juju, deployed: jubilant.Status):
    log = juju.debug_log(limit=0)
    assert 'unit-hello-shell-0' in log
    assert 'config-changed run 1' in log
    assert "leader: published greeting 'hello'" in log
