"""End to end: a charm described only by charmcraft.yaml, running on ops 2.x.

ops 2.x reads metadata.yaml and actions.yaml (never charmcraft.yaml), so the
charm works only if the deployed copy carries the classic files that
`charmcraft pack` would have generated: tests/python/charms/ops2-unified has
none of them, and its requirements.txt pins ops 2.17 (minijuju builds it from
source at deploy: it is a charmcraft project with a `charm` part).
"""

from __future__ import annotations

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

APP = 'unified'
CHARM = TEST_CHARMS / 'ops2-unified'


def units_say(status: jubilant.Status, message: str) -> bool:
    app = status.apps.get(APP)
    if app is None or not app.units:
        return False
    return all(
        u.workload_status.current == 'active' and u.workload_status.message == message
        for u in app.units.values()
    )


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju) -> jubilant.Status:
    for name in ('metadata.yaml', 'config.yaml', 'actions.yaml', 'manifest.yaml'):
        assert not (CHARM / name).exists(), f'the fixture charm must not have {name}'
    juju.deploy(str(CHARM), APP, num_units=2, config={'greeting': 'bonjour'})
    return juju.wait(
        lambda s: jubilant.all_active(s, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )


def test_hooks_succeed_on_ops2_with_config_from_charmcraft_yaml(deployed: jubilant.Status):
    app = deployed.apps[APP]
    assert app.charm_name == 'ops2-unified'
    assert app.base is not None and app.base.name == 'ubuntu' and app.base.channel == '24.04'
    assert sorted(app.units) == [f'{APP}/0', f'{APP}/1']
    # `repeat` keeps its default from charmcraft.yaml's config.options.
    for unit in app.units.values():
        assert unit.workload_status.current == 'active'
        assert unit.workload_status.message.startswith('ops 2.17.')
        assert unit.workload_status.message.endswith(': bonjour x3')


def test_ops2_sees_metadata_actions_and_config(juju: jubilant.Juju, deployed: jubilant.Status):
    task = juju.run(f'{APP}/0', 'describe', {'suffix': '!'})
    assert task.success, task
    assert task.results == {
        'name': 'ops2-unified',
        'summary': "A charmcraft.yaml-only charm on ops 2.x, for minijuju's tests.",
        # links.contact becomes maintainers, as charmcraft writes it.
        'maintainers': 'minijuju developers',
        'peers': 'cluster',
        'actions': 'describe',
        'options': 'greeting,repeat',
        'greeting': 'bonjour!',
    }


def test_config_changes_reach_the_ops2_charm(juju: jubilant.Juju, deployed: jubilant.Status):
    juju.config(APP, {'repeat': 5})
    status = juju.wait(
        lambda s: all(
            u.workload_status.message.endswith(': bonjour x5')
            for u in s.apps[APP].units.values()
        ),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    assert all(u.workload_status.current == 'active' for u in status.apps[APP].units.values())
