"""Unit tests of the hello-ops charm with ops.testing (Scenario); no minijuju needed.

They pin down what the charm itself does, so that a failure in the end-to-end
tests can be blamed on minijuju rather than on the charm.
"""

from __future__ import annotations

import importlib.util
import sys

import ops
import pytest
from ops import testing

from helpers import CHARMS

_CHARM_FILE = CHARMS / 'hello-ops' / 'src' / 'charm.py'


def _load_charm_module():
    name = 'hello_ops_charm'
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _CHARM_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running it so that Scenario can find the charm's
    # directory (and metadata.yaml, config.yaml, actions.yaml) from the class.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


charm_module = _load_charm_module()
HelloOpsCharm = charm_module.HelloOpsCharm


@pytest.fixture
def ctx() -> testing.Context:
    return testing.Context(HelloOpsCharm)


def test_install(ctx: testing.Context):
    state = ctx.run(ctx.on.install(), testing.State())
    assert ctx.unit_status_history[-1] == testing.MaintenanceStatus('installing')
    assert state.unit_status == testing.WaitingStatus('installed, waiting for start')


def test_config_changed_defaults(ctx: testing.Context):
    state = ctx.run(ctx.on.config_changed(), testing.State())
    assert state.unit_status == testing.ActiveStatus('ready: hello')
    assert state.workload_version == '1.0.0'


def test_config_changed_counts_runs(ctx: testing.Context):
    state = ctx.run(ctx.on.config_changed(), testing.State(config={'greeting': 'yo'}))
    assert state.unit_status == testing.ActiveStatus('ready: yo')
    state = ctx.run(ctx.on.config_changed(), state)
    stored = state.get_stored_state('_stored', owner_path='HelloOpsCharm')
    assert stored.content['config_changed_runs'] == 2


def test_start(ctx: testing.Context):
    state = ctx.run(ctx.on.start(), testing.State(config={'greeting': 'hi'}))
    assert state.unit_status == testing.ActiveStatus('ready: hi')
    assert state.workload_version == '1.0.0'


def test_echo_action(ctx: testing.Context):
    ctx.run(ctx.on.action('echo', params={'message': 'hi'}), testing.State())
    # Types are kept in Scenario; through Juju every leaf comes back as a string.
    assert ctx.action_results == {'echo': 'hi', 'unit': 'hello-ops/0', 'nested': {'value': 2}}
    assert ctx.action_logs == ['echoing 2 characters']


def test_fail_action(ctx: testing.Context):
    with pytest.raises(testing.ActionFailed) as excinfo:
        ctx.run(ctx.on.action('fail'), testing.State())
    assert excinfo.value.message == charm_module.FAIL_MESSAGE


def test_raise_action(ctx: testing.Context):
    with pytest.raises(testing.errors.UncaughtCharmError) as excinfo:
        ctx.run(ctx.on.action('raise'), testing.State())
    assert isinstance(excinfo.value.__cause__, RuntimeError)
    assert charm_module.RAISE_MESSAGE in str(excinfo.value.__cause__)


def test_metadata_matches_actions():
    """The action names the charm observes are the ones actions.yaml declares."""
    meta = ops.CharmMeta.from_charm_root(CHARMS / 'hello-ops')
    assert sorted(meta.actions) == ['echo', 'fail', 'raise']
    assert meta.actions['echo'].parameters['message']['type'] == 'string'
