"""Run the example charms' real `dispatch` scripts against fake hook tools; no controller needed.

Each hook runs the way the spec says a unit agent runs it: working directory
= the charm directory, no arguments, and an environment that is *only* the
hook variables (no HOME), with PATH = tools dir + the standard system dirs.
This checks the charms (hello-ops as `minijuju pack` builds it from source:
charmcraft's dispatch and a real venv) independently of the controller.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from fake_hook_tools import install_fake_tools
from helpers import CHARMS

SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'


class FakeUnit:
    """One unit of a charm, with its hook context kept by the fake tools."""

    def __init__(self, charm_dir: Path, tmp_path: Path, unit: str, *, leader: bool = True):
        self.charm_dir = charm_dir
        self.unit = unit
        self.tools = tmp_path / 'tools'
        install_fake_tools(self.tools)
        self.state_file = tmp_path / 'hook-state.json'
        options = yaml.safe_load((charm_dir / 'config.yaml').read_text())['options']
        self.actions = yaml.safe_load((charm_dir / 'actions.yaml').read_text()) or {}
        self.write({
            'config': {k: v['default'] for k, v in options.items() if 'default' in v},
            'unit-status': ['unknown', ''],
            'is-leader': leader,
            'unit-state': {},
            'leader-settings': {},
            'version': '',
            'action-params': None,
            'log': [],
        })
        self.counter = 0

    def read(self) -> dict[str, Any]:
        return json.loads(self.state_file.read_text())

    def write(self, state: dict[str, Any]) -> None:
        self.state_file.write_text(json.dumps(state))

    def update(self, **changes: Any) -> None:
        state = self.read()
        state.update({k.replace('_', '-'): v for k, v in changes.items()})
        self.write(state)

    def _env(self, name: str) -> dict[str, str]:
        self.counter += 1
        return {
            'PATH': f'{self.tools}:{SYSTEM_PATH}',
            'LANG': 'C.UTF-8',
            'CHARM_DIR': str(self.charm_dir),
            'JUJU_CHARM_DIR': str(self.charm_dir),
            'JUJU_UNIT_NAME': self.unit,
            'JUJU_MODEL_NAME': 'test-model',
            'JUJU_MODEL_UUID': '5f2d1d36-0b35-4b5e-8c1f-6a8f3b1b2c3d',
            'JUJU_MACHINE_ID': '0',
            'JUJU_PRINCIPAL_UNIT': '',
            'JUJU_AVAILABILITY_ZONE': '',
            'JUJU_VERSION': '3.6.14',
            'JUJU_CONTEXT_ID': f'{self.unit}-{name}-{self.counter:032x}',
            'JUJU_AGENT_SOCKET_ADDRESS': '/nonexistent/agent.socket',
            'JUJU_AGENT_SOCKET_NETWORK': 'unix',
            'JUJU_API_ADDRESSES': '127.0.0.1:17070',
            'FAKE_HOOK_STATE': str(self.state_file),
        }

    def _run(self, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.charm_dir / 'dispatch')],
            cwd=self.charm_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def hook(
        self, name: str, *, relation: str | None = None, remote_unit: str = ''
    ) -> subprocess.CompletedProcess[str]:
        env = self._env(name)
        env['JUJU_HOOK_NAME'] = name
        env['JUJU_DISPATCH_PATH'] = f'hooks/{name}'
        if relation is not None:
            endpoint = relation.split(':')[0]
            env.update(
                JUJU_RELATION=endpoint,
                JUJU_RELATION_ID=relation,
                JUJU_REMOTE_UNIT=remote_unit,
                JUJU_REMOTE_APP=remote_unit.split('/')[0] if remote_unit else '',
            )
        return self._run(env)

    def action(self, name: str, params: dict[str, Any] | None = None):
        """Run an action; returns (process, results, log, failure message)."""
        schema = self.actions[name] or {}
        full = {
            k: v['default'] for k, v in (schema.get('params') or {}).items() if 'default' in v
        }
        full.update(params or {})
        self.update(action_params=full, action_results={}, action_log=[], action_failed=None)
        env = self._env(name)
        env.update(
            JUJU_HOOK_NAME='',
            JUJU_DISPATCH_PATH=f'actions/{name}',
            JUJU_ACTION_NAME=name,
            JUJU_ACTION_UUID=str(self.counter),
            JUJU_ACTION_TAG=f'action-{self.counter}',
        )
        proc = self._run(env)
        state = self.read()
        self.update(action_params=None)
        return proc, state['action-results'], state['action-log'], state['action-failed']

    def logs(self, level: str | None = None) -> list[str]:
        return [msg for lvl, msg in self.read()['log'] if level is None or lvl == level]


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f'exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}'
    return proc


# --- hello-shell -------------------------------------------------------------


@pytest.fixture
def shell_unit(tmp_path: Path) -> FakeUnit:
    return FakeUnit(CHARMS / 'hello-shell', tmp_path, 'hello-shell/0')


def test_shell_dispatch_syntax():
    for shell in ('bash', 'sh'):
        subprocess.run([shell, '-n', str(CHARMS / 'hello-shell' / 'dispatch')], check=True)


def test_shell_install(shell_unit: FakeUnit):
    ok(shell_unit.hook('install'))
    state = shell_unit.read()
    assert state['unit-status'] == ['maintenance', 'installing hello-shell']
    assert state['unit-state'] == {'installed': 'true'}
    assert 'private address: 10.0.0.10' in shell_unit.logs()


def test_shell_startup_sequence_as_leader(shell_unit: FakeUnit):
    for hook in ('install', 'leader-elected', 'config-changed', 'start'):
        ok(shell_unit.hook(hook))
    state = shell_unit.read()
    assert state['unit-status'] == ['active', 'greeting: hello']
    assert state['version'] == '0.1.0'
    assert state['leader-settings'] == {'greeting': 'hello'}
    assert state['unit-state']['config-changed-count'] == '1'


def test_shell_config_changed_counts_and_uses_config(shell_unit: FakeUnit):
    ok(shell_unit.hook('config-changed'))
    state = shell_unit.read()
    state['config'].update(greeting='howdy', debug=True, port=9090)
    shell_unit.write(state)
    ok(shell_unit.hook('config-changed'))
    state = shell_unit.read()
    assert state['unit-state']['config-changed-count'] == '2'
    assert state['unit-status'] == ['active', 'greeting: howdy']
    assert state['leader-settings'] == {'greeting': 'howdy'}
    assert any("port=9090 ratio=0.5" in m for m in shell_unit.logs('INFO'))
    assert any(m.startswith('full config: {') for m in shell_unit.logs('DEBUG'))


def test_shell_non_leader_does_not_leader_set(tmp_path: Path):
    unit = FakeUnit(CHARMS / 'hello-shell', tmp_path, 'hello-shell/1', leader=False)
    unit.update(leader_settings={'greeting': 'hello'})
    ok(unit.hook('leader-settings-changed'))
    ok(unit.hook('config-changed'))
    assert unit.read()['leader-settings'] == {'greeting': 'hello'}
    assert "leader settings changed; leader greeting is now 'hello'" in unit.logs()


def test_shell_update_status_restores_active(shell_unit: FakeUnit):
    shell_unit.update(unit_status=['maintenance', 'busy'])
    ok(shell_unit.hook('update-status'))
    assert shell_unit.read()['unit-status'] == ['active', 'greeting: hello']


def test_shell_peer_relation_hook(shell_unit: FakeUnit):
    ok(shell_unit.hook('peers-relation-joined', relation='peers:0', remote_unit='hello-shell/1'))
    assert any("remote unit 'hello-shell/1'" in m for m in shell_unit.logs())


def test_shell_unhandled_hook_is_fine(shell_unit: FakeUnit):
    ok(shell_unit.hook('upgrade-charm'))


def test_shell_greet(shell_unit: FakeUnit):
    proc, results, log, failed = shell_unit.action('greet', {'name': 'bob', 'times': 2})
    ok(proc)
    assert results == {'greeting': 'hello, bob!', 'times': '2', 'unit': 'hello-shell/0'}
    assert log == ['greeting 1 of 2', 'greeting 2 of 2']
    assert proc.stdout == 'hello, bob!\nhello, bob!\n'
    assert failed is None


def test_shell_fail_me(shell_unit: FakeUnit):
    proc, _, _, failed = shell_unit.action('fail-me')
    ok(proc)
    assert failed == 'fail-me always fails'


def test_shell_crash(shell_unit: FakeUnit):
    proc, _, _, _ = shell_unit.action('crash')
    assert proc.returncode == 1
    assert 'crashes on purpose' in proc.stderr


def test_shell_unknown_action_fails(shell_unit: FakeUnit):
    shell_unit.actions['nope'] = {}
    proc, _, _, _ = shell_unit.action('nope')
    assert proc.returncode == 1


# --- hello-ops ---------------------------------------------------------------


@pytest.fixture
def ops_unit(tmp_path: Path, built_charm) -> FakeUnit:
    # A private copy of the built charm: ops keeps its state in <charm dir>/.unit-state.db.
    charm_dir = tmp_path / 'charm'
    shutil.copytree(built_charm('hello-ops'), charm_dir, symlinks=True)
    return FakeUnit(charm_dir, tmp_path, 'hello-ops/0')


def test_ops_built_charm_runs_its_venv(built_charm):
    """The built charm has charmcraft's dispatch and a real venv with ops in it."""
    charm = built_charm('hello-ops')
    assert os.access(charm / 'dispatch', os.X_OK)
    assert (charm / 'venv' / 'pyvenv.cfg').is_file()
    assert list((charm / 'venv' / 'lib').glob('python3*/site-packages/ops/__init__.py'))


def test_ops_startup_sequence(ops_unit: FakeUnit):
    ok(ops_unit.hook('install'))
    assert ops_unit.read()['unit-status'] == ['waiting', 'installed, waiting for start']
    for hook in ('leader-elected', 'config-changed', 'start'):
        ok(ops_unit.hook(hook))
    state = ops_unit.read()
    assert state['unit-status'] == ['active', 'ready: hello']
    assert state['version'] == '1.0.0'
    assert any('config-changed run 1' in m for m in ops_unit.logs())
    assert (ops_unit.charm_dir / '.unit-state.db').exists()


def test_ops_config_changed_counts_in_stored_state(ops_unit: FakeUnit):
    ok(ops_unit.hook('config-changed'))
    ops_unit.update(config={'greeting': 'yo', 'count': 3})
    ok(ops_unit.hook('config-changed'))
    assert ops_unit.read()['unit-status'] == ['active', 'ready: yo']
    assert any("config-changed run 2: greeting='yo' count=3" in m for m in ops_unit.logs())


def test_ops_echo(ops_unit: FakeUnit):
    proc, results, log, failed = ops_unit.action('echo', {'message': 'hi'})
    ok(proc)
    assert results == {'echo': 'hi', 'unit': 'hello-ops/0', 'nested': {'value': '2'}}
    assert log == ['echoing 2 characters']
    assert failed is None


def test_ops_fail(ops_unit: FakeUnit):
    proc, _, _, failed = ops_unit.action('fail')
    ok(proc)
    assert failed == 'the fail action always fails'


def test_ops_raise(ops_unit: FakeUnit):
    proc, _, _, _ = ops_unit.action('raise')
    assert proc.returncode != 0
    assert 'RuntimeError' in proc.stderr
    assert 'the raise action raised on purpose' in proc.stderr
