"""End to end: a real ops machine charm uses ops' resource, cloud-spec and reboot APIs.

``charms/res-reboot`` is deployed twice: ``res`` with its file resource
``conf`` and ``--trust``, ``plain`` with neither, each on its own machine.
The charm appends one line per hook to a log in its charm directory (at
once, so a hook killed by ``reboot(now=True)`` is seen too) with the ops
event class, the machine's boot id and ``/proc/uptime``; the ``events``
action returns it.

Checked: ``self.model.resources.fetch`` returns the unit's copy (and ops'
``ModelError`` when nothing was supplied); ``attach-resource`` runs
``upgrade-charm`` (``UpgradeCharmEvent``) once, which fetches the new
content; ``self.model.get_cloud_spec()`` gives the CloudSpec ops parses when
trusted and raises ``ModelError`` when not, and follows ``trust``;
``self.unit.reboot()`` from config-changed commits the hook, then ``start``
runs in a new boot whose uptime starts again from zero; with ``now=True``
the hook is killed and runs again in the new boot before ``start``; in an
action the reboot is refused. One model for the module; tests run in order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

CHARM = TEST_CHARMS / 'res-reboot'
RES = 'res'
PLAIN = 'plain'
SETTLE = 60.0
# How old a machine's boot is made before a reboot, in seconds: the new
# boot's uptime must be seen to start again below it.
AGE = 5.0

T = TypeVar('T')


def poll(fetch: Callable[[], T], ok: Callable[[T], bool], timeout: float = SETTLE) -> T:
    """Call fetch() until ok(value) holds; fail with the last value after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f'still not as expected after {timeout:.0f}s; last value: {value!r}')
        time.sleep(0.5)


def events(juju: jubilant.Juju, unit: str) -> list[dict[str, Any]]:
    text = juju.run(unit, 'events').results.get('events', '')
    return [json.loads(line) for line in text.splitlines()]


def settled(juju: jubilant.Juju) -> None:
    juju.wait(
        lambda s: jubilant.all_active(s, RES, PLAIN) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )


@pytest.fixture(scope='module')
def conf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp('res-conf')


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju, conf_dir: Path) -> jubilant.Juju:
    v1 = conf_dir / 'v1.conf'
    v1.write_text('hello v1\n')
    juju.deploy(CHARM, RES, resources={'conf': str(v1)}, trust=True)
    juju.deploy(CHARM, PLAIN)
    settled(juju)
    return juju


def test_install_fetches_the_resource_or_gets_model_error(deployed: jubilant.Juju):
    juju = deployed
    install = events(juju, f'{RES}/0')[0]
    assert (install['event'], install['type']) == ('install', 'InstallEvent')
    assert install['conf'] == 'hello v1\n'
    assert install['conf-path'].endswith('/unit-res-0/resources/conf/app.conf')
    status = juju.status()
    assert status.apps[RES].units[f'{RES}/0'].workload_status.message == 'conf: hello v1'
    fetched = juju.run(f'{RES}/0', 'fetch').results
    assert fetched == {'path': install['conf-path'], 'content': 'hello v1\n'}
    # Never supplied: ops raises ModelError with the tool's message.
    install = events(juju, f'{PLAIN}/0')[0]
    assert install['conf-error'] == (
        'ERROR could not download resource: resource#plain/conf not found'
    )
    assert juju.run(f'{PLAIN}/0', 'fetch').results == {
        'error': 'ERROR could not download resource: resource#plain/conf not found',
        'error-type': 'ModelError',
    }
    # A name the charm does not declare never reaches the tool.
    got = juju.run(f'{RES}/0', 'fetch', {'name': 'nope'}).results
    assert got['error-type'] == 'NameError'


def test_attach_resource_runs_upgrade_charm_once(deployed: jubilant.Juju, conf_dir: Path):
    juju = deployed
    v2 = conf_dir / 'v2.conf'
    v2.write_text('second\n')
    juju.cli('attach-resource', RES, f'conf={v2}')
    got = poll(
        lambda: events(juju, f'{RES}/0'),
        lambda e: any(x['event'] == 'upgrade_charm' for x in e)
        and e[-1]['event'] == 'config_changed',
    )
    upgrades = [x for x in got if x['event'] == 'upgrade_charm']
    assert len(upgrades) == 1, got
    assert upgrades[0]['type'] == 'UpgradeCharmEvent'
    assert upgrades[0]['conf'] == 'second\n', 'the new revision, at the same path'
    assert upgrades[0]['conf-path'] == got[0]['conf-path']
    settled(juju)
    status = juju.status()
    assert status.apps[RES].units[f'{RES}/0'].workload_status.message == 'conf: second'
    assert juju.run(f'{RES}/0', 'fetch').results['content'] == 'second\n'
    assert not any(x['event'] == 'upgrade_charm' for x in events(juju, f'{PLAIN}/0'))


def test_get_cloud_spec_trusted_and_not(deployed: jubilant.Juju):
    juju = deployed
    trusted = {
        'type': 'minijuju',
        'name': 'localhost',
        'region': "'default'",
        'endpoint': 'None',
        'identity-endpoint': 'None',
        'storage-endpoint': 'None',
        'auth-type': 'empty',
        'attributes': '{}',
        'redacted': '[]',
        'ca-certificates': '[]',
        'skip-tls-verify': 'False',
        'is-controller-cloud': 'True',
    }
    assert juju.run(f'{RES}/0', 'cloud-spec').results == trusted
    denied = {
        'error': 'ERROR cannot access cloud credentials: permission denied',
        'error-type': 'ModelError',
    }
    assert juju.run(f'{PLAIN}/0', 'cloud-spec').results == denied
    # config-changed saw the same, each time trust changed.
    assert events(juju, f'{RES}/0')[1]['cloud'] == 'minijuju'
    assert events(juju, f'{PLAIN}/0')[1]['cloud-error'] == denied['error']
    n = len(events(juju, f'{PLAIN}/0'))
    juju.trust(PLAIN)
    got = poll(lambda: events(juju, f'{PLAIN}/0'), lambda e: len(e) > n)
    assert (got[n]['event'], got[n].get('cloud')) == ('config_changed', 'minijuju')
    assert juju.run(f'{PLAIN}/0', 'cloud-spec').results == trusted
    juju.trust(PLAIN, remove=True)
    got = poll(lambda: events(juju, f'{PLAIN}/0'), lambda e: len(e) > n + 1)
    assert got[n + 1].get('cloud-error') == denied['error']
    assert juju.run(f'{PLAIN}/0', 'cloud-spec').results == denied
    settled(juju)


def age_the_boot(juju: jubilant.Juju, unit: str) -> dict[str, Any]:
    """Wait until the machine of `unit` has been up for AGE seconds; its last event."""
    last = events(juju, unit)[-1]
    time.sleep(AGE)
    return last


def test_reboot_from_config_changed_then_start_in_a_new_boot(deployed: jubilant.Juju):
    juju = deployed
    unit = f'{RES}/0'
    before = events(juju, unit)
    old_boot = age_the_boot(juju, unit)['boot']
    other = events(juju, f'{PLAIN}/0')
    juju.config(RES, {'reboot': 'after:t1'})
    poll(lambda: events(juju, unit), lambda e: len(e) >= len(before) + 2)
    settled(juju)
    new = events(juju, unit)[len(before) :]
    assert [(x['event'], x.get('reboot')) for x in new] == [
        ('config_changed', 'after'),
        ('start', None),
    ], new
    asked, start = new
    assert asked['boot'] == old_boot and asked['uptime'] >= AGE, new
    assert start['type'] == 'StartEvent'
    assert start['boot'] != old_boot, 'a new boot id'
    assert start['uptime'] < AGE and start['uptime'] < asked['uptime'], (
        f'the uptime starts again from zero: {new}'
    )
    # The other machine did not reboot.
    assert events(juju, f'{PLAIN}/0') == other
    status = juju.status()
    assert status.apps[RES].units[unit].juju_status.current == 'idle'


def test_reboot_now_kills_the_hook_which_runs_again_after_the_reboot(deployed: jubilant.Juju):
    juju = deployed
    unit = f'{PLAIN}/0'
    before = events(juju, unit)
    old_boot = age_the_boot(juju, unit)['boot']
    juju.config(PLAIN, {'reboot': 'now:t1'})
    poll(lambda: events(juju, unit), lambda e: len(e) >= len(before) + 3)
    settled(juju)
    new = events(juju, unit)[len(before) :]
    assert [(x['event'], x.get('reboot')) for x in new] == [
        ('config_changed', 'now'),
        ('config_changed', 'done'),
        ('start', None),
    ], new
    killed, rerun, start = new
    assert killed['boot'] == old_boot and killed['uptime'] >= AGE
    assert rerun['boot'] == start['boot'] != old_boot, new
    assert rerun['uptime'] < AGE and rerun['uptime'] <= start['uptime'], new
    log = juju.debug_log(limit=2000)
    assert 'hook "config-changed" asked for a reboot now' in log


def test_reboot_is_refused_in_an_action(deployed: jubilant.Juju):
    juju = deployed
    before = events(juju, f'{RES}/0')
    got = juju.run(f'{RES}/0', 'reboot').results
    assert got['tool-stderr'] == 'ERROR juju-reboot is not supported when running an action.'
    assert got['tool-code'] == '1'
    # ops 3.9 raises the hook command's error here (its docstring says ModelError).
    assert got['error-type'] in ('Error', 'ModelError')
    time.sleep(2)
    assert events(juju, f'{RES}/0') == before, 'no reboot, no start'
