"""End to end: the real jubilant package drives minijuju (as `juju`) with the hello-ops charm.

The tests in this module share one model and run in file order: deploy first,
unit removal last.
"""

from __future__ import annotations

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'hello-ops'
# Must match examples/charms/hello-ops/src/charm.py.
FAIL_MESSAGE = 'the fail action always fails'
RAISE_MESSAGE = 'the raise action raised on purpose'


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
    juju.deploy(charm_path(APP), num_units=2)
    return juju.wait(
        lambda s: jubilant.all_active(s, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )


def test_deploy_two_units_active(juju: jubilant.Juju, deployed: jubilant.Status):
    app = deployed.apps[APP]
    assert sorted(app.units) == [f'{APP}/0', f'{APP}/1']
    assert app.charm_name == APP
    assert app.charm_origin == 'local'
    for unit in app.units.values():
        assert unit.workload_status.current == 'active'
        assert unit.workload_status.message == 'ready: hello'
    # The charm never sets an application status: it is derived from the units.
    assert app.app_status.current == 'active'
    assert app.app_status.message == 'ready: hello'


def test_exactly_one_leader(deployed: jubilant.Status):
    leaders = [name for name, u in deployed.apps[APP].units.items() if u.leader]
    assert len(leaders) == 1, leaders


def test_workload_version(deployed: jubilant.Status):
    assert deployed.apps[APP].version == '1.0.0'


def test_echo_action(juju: jubilant.Juju, deployed: jubilant.Status):
    task = juju.run(f'{APP}/0', 'echo', {'message': 'hi'})
    assert task.success
    assert task.status == 'completed'
    assert task.return_code == 0
    # ops flattens the nested dict to `nested.value=2`; Juju nests it again, as strings.
    assert task.results == {'echo': 'hi', 'unit': f'{APP}/0', 'nested': {'value': '2'}}
    assert any('echoing 2 characters' in line for line in task.log), task.log


def test_echo_on_leader(juju: jubilant.Juju, deployed: jubilant.Status):
    (leader,) = [name for name, u in deployed.apps[APP].units.items() if u.leader]
    task = juju.run(f'{APP}/leader', 'echo', {'message': 'boss'})
    assert task.success
    assert task.results['unit'] == leader


def test_action_fail(juju: jubilant.Juju, deployed: jubilant.Status):
    with pytest.raises(jubilant.TaskError) as excinfo:
        juju.run(f'{APP}/0', 'fail')
    task = excinfo.value.task
    assert task.status == 'failed'
    assert task.message == FAIL_MESSAGE
    assert task.return_code == 0


def test_action_raise(juju: jubilant.Juju, deployed: jubilant.Status):
    with pytest.raises(jubilant.TaskError) as excinfo:
        juju.run(f'{APP}/0', 'raise')
    task = excinfo.value.task
    assert task.status == 'failed'
    assert task.return_code != 0
    assert 'RuntimeError' in task.stderr
    assert RAISE_MESSAGE in task.stderr


def test_undefined_action(juju: jubilant.Juju, deployed: jubilant.Status):
    # Juju 3: nothing on stdout, exit 0 -> Jubilant raises ValueError.
    with pytest.raises(ValueError):
        juju.run(f'{APP}/0', 'no-such-action')


def test_missing_required_param(juju: jubilant.Juju, deployed: jubilant.Status):
    # The exact failure shape for a schema violation is not pinned down by the
    # spec; it must just not succeed.
    with pytest.raises((jubilant.CLIError, jubilant.TaskError, ValueError)):
        juju.run(f'{APP}/0', 'echo', {})


def test_config_get_defaults(juju: jubilant.Juju, deployed: jubilant.Status):
    config = juju.config(APP)
    assert config['greeting'] == 'hello'
    assert config['count'] == 1


def test_config_set_changes_status(juju: jubilant.Juju, deployed: jubilant.Status):
    juju.config(APP, {'greeting': 'yo'})
    status = juju.wait(lambda s: units_say(s, 'ready: yo'), error=jubilant.any_error)
    assert status.apps[APP].app_status.message == 'ready: yo'
    assert juju.config(APP)['greeting'] == 'yo'


def test_debug_log(juju: jubilant.Juju, deployed: jubilant.Status):
    log = juju.debug_log(limit=0)
    assert 'unit-hello-ops-0' in log
    # Written by the charm through ops' juju-log handler.
    assert 'config-changed run' in log


def test_remove_unit(juju: jubilant.Juju, deployed: jubilant.Status):
    juju.remove_unit(f'{APP}/1')
    status = juju.wait(
        lambda s: APP in s.apps and f'{APP}/1' not in s.apps[APP].units,
        timeout=DEPLOY_TIMEOUT,
    )
    assert list(status.apps[APP].units) == [f'{APP}/0']
    assert status.apps[APP].units[f'{APP}/0'].workload_status.current == 'active'
