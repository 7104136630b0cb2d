"""End to end: Jubilant's methods over the everyday commands (expose in status,
show-status-log, actions, show-application and cancel-task through ``cli``,
``version``, ``show_unit``, ``exec``), asserting what Jubilant parses.

Shares one model for the module; tests run in file order.
"""

from __future__ import annotations

import json

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'hello-shell'
UNIT = f'{APP}/0'


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju) -> jubilant.Status:
    juju.deploy(charm_path(APP))
    return juju.wait(
        lambda s: jubilant.all_active(s, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )


def test_expose_shows_in_parsed_status(juju: jubilant.Juju, deployed: jubilant.Status):
    assert deployed.apps[APP].exposed is False
    juju.cli('expose', APP)
    assert juju.status().apps[APP].exposed is True
    info = json.loads(juju.cli('show-application', APP, '--format', 'json'))
    assert info[APP]['exposed-endpoints'] == {'': {'expose-to-cidrs': ['0.0.0.0/0', '::/0']}}
    juju.cli('unexpose', APP)
    assert juju.status().apps[APP].exposed is False


def test_status_log_over_config_changes(juju: jubilant.Juju, deployed: jubilant.Status):
    for word in ('one', 'two'):
        juju.config(APP, {'greeting': word})
        juju.wait(
            lambda s, w=word: s.apps[APP].units[UNIT].workload_status.message == f'greeting: {w}'
            and s.apps[APP].units[UNIT].juju_status.current == 'idle',
            error=jubilant.any_error,
        )
    history = json.loads(
        juju.cli('show-status-log', UNIT, '--type', 'workload', '--format', 'json')
    )
    messages = [h.get('message', '') for h in history]
    assert messages[-3:] == ['greeting: hello', 'greeting: one', 'greeting: two']
    assert all(h['type'] == 'workload' for h in history)


def test_actions_listed(juju: jubilant.Juju, deployed: jubilant.Status):
    actions = json.loads(juju.cli('actions', APP, '--format', 'json'))
    assert set(actions) == {'greet', 'fail-me', 'crash'}
    assert 'Arguments' in juju.cli('show-action', APP, 'greet')


def test_version_parses(juju: jubilant.Juju):
    v = juju.version()
    assert v.major == 3
    assert str(v) == juju.cli('version', include_model=False).strip()
    assert juju.cli('--version', include_model=False).strip() == str(v)


def test_show_unit_and_exec(juju: jubilant.Juju, deployed: jubilant.Status):
    unit = juju.show_unit(UNIT)
    assert unit.leader is True
    assert unit.life == 'alive'
    task = juju.exec('status-get', unit=UNIT)
    assert task.success
    assert task.stdout.strip() == 'active'


def test_cancel_task_of_a_finished_task(juju: jubilant.Juju, deployed: jubilant.Status):
    task = juju.run(UNIT, 'greet', {'name': 'x'})
    out = json.loads(juju.cli('cancel-task', task.id, '--format', 'json'))
    assert out['actions'][0]['status'] == 'completed'
