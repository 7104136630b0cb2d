"""Jubilant's resource and trust methods against minijuju.

``juju.deploy(..., resources={...}, trust=True)``, ``juju.trust(app)`` (with
``remove=True`` and ``scope='cluster'``), ``juju.config(app,
app_config=True)`` showing ``trust``, and the commands Jubilant has no
method for run through ``juju.cli``: ``attach-resource`` and ``resources``
(``--format json`` parsed here, as Jubilant leaves it to the caller).
Errors reach Jubilant as ``CLIError`` with Juju's messages. The charm is
``charms/res-reboot`` (its ``fetch`` and ``cloud-spec`` actions show what
a unit sees). One model for the module; tests run in order.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

CHARM = TEST_CHARMS / 'res-reboot'
APP = 'jres'
UNITS = [f'{APP}/0', f'{APP}/1']


def settled(juju: jubilant.Juju) -> None:
    juju.wait(
        lambda s: jubilant.all_active(s, APP) and jubilant.all_agents_idle(s, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )


def resources(juju: jubilant.Juju) -> dict[str, dict[str, Any]]:
    doc = json.loads(juju.cli('resources', APP, '--format', 'json'))
    return {r['name']: r for r in doc['resources']}


def events(juju: jubilant.Juju, unit: str) -> list[dict[str, Any]]:
    text = juju.run(unit, 'events').results.get('events', '')
    return [json.loads(line) for line in text.splitlines()]


def wait_config_changed(juju: jubilant.Juju, counts: dict[str, int]) -> None:
    """Wait until every unit ran one more hook than in `counts`, then settle."""
    deadline = time.monotonic() + 60
    while any(len(events(juju, u)) <= n for u, n in counts.items()):
        assert time.monotonic() < deadline, {u: events(juju, u) for u in counts}
        time.sleep(0.5)
    settled(juju)
    for unit, n in counts.items():
        assert events(juju, unit)[n]['event'] == 'config_changed'


@pytest.fixture(scope='module')
def conf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp('jres-conf')


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju, conf_dir: Path) -> jubilant.Juju:
    v1 = conf_dir / 'one.conf'
    v1.write_text('one\n')
    juju.deploy(CHARM, APP, num_units=2, resources={'conf': str(v1)}, trust=True)
    settled(juju)
    return juju


def test_deploy_with_resources_and_trust(deployed: jubilant.Juju):
    juju = deployed
    assert juju.config(APP, app_config=True) == {'trust': True}
    conf = resources(juju)['conf']
    assert (conf['resourceid'], conf['type'], conf['path']) == (f'{APP}/conf', 'file', 'app.conf')
    assert (conf['origin'], conf['revision'], conf['size']) == ('upload', '1', 4)
    assert conf['used'] is True
    status = juju.status()
    for unit in UNITS:
        assert status.apps[APP].units[unit].workload_status.message == 'conf: one'
        assert juju.run(unit, 'fetch').results['content'] == 'one\n'
        assert juju.run(unit, 'cloud-spec').results['type'] == 'minijuju'
    assert juju.cli('resources', APP).splitlines()[0] == 'Resource  Supplied by  Revision'


def test_trust_remove_and_cluster_scope(deployed: jubilant.Juju):
    juju = deployed
    counts = {u: len(events(juju, u)) for u in UNITS}
    juju.trust(APP, remove=True)
    assert juju.config(APP, app_config=True) == {'trust': False}
    wait_config_changed(juju, counts)
    for unit in UNITS:
        assert juju.run(unit, 'cloud-spec').results['error-type'] == 'ModelError'
    counts = {u: len(events(juju, u)) for u in UNITS}
    juju.trust(APP, scope='cluster')
    assert juju.config(APP, app_config=True) == {'trust': True}
    wait_config_changed(juju, counts)
    for unit in UNITS:
        assert juju.run(unit, 'cloud-spec').results['type'] == 'minijuju'
    # The charm's own settings are untouched by trust.
    assert juju.config(APP) == {'reboot': ''}


def test_attach_resource_through_cli(deployed: jubilant.Juju, conf_dir: Path):
    juju = deployed
    v2 = conf_dir / 'two.conf'
    v2.write_text('two!\n')
    juju.cli('attach-resource', APP, f'conf={v2}')
    conf = resources(juju)['conf']
    assert (conf['revision'], conf['size']) == ('2', 5)
    juju.wait(
        lambda s: all(
            u.workload_status.message == 'conf: two!' for u in s.apps[APP].units.values()
        )
        and jubilant.all_agents_idle(s, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    for unit in UNITS:
        upgrades = [e for e in events(juju, unit) if e['event'] == 'upgrade_charm']
        assert [e['conf'] for e in upgrades] == ['two!\n'], unit


def test_errors_reach_jubilant_as_cli_errors(deployed: jubilant.Juju, conf_dir: Path):
    juju = deployed
    v1 = conf_dir / 'one.conf'
    with pytest.raises(jubilant.CLIError) as exc:
        juju.deploy(CHARM, 'other', resources={'nope': str(v1)})
    assert exc.value.stderr == 'ERROR unrecognized resource "nope"\n'
    assert 'other' not in juju.status().apps
    with pytest.raises(jubilant.CLIError) as exc:
        juju.cli('attach-resource', APP, f'nope={v1}')
    assert exc.value.stderr == (
        'ERROR failed to upload resource "nope": unrecognized resource "nope"\n'
    )
    with pytest.raises(jubilant.CLIError) as exc:
        juju.trust('missing')
    assert exc.value.stderr == 'ERROR application "missing" not found\n'
    assert resources(juju)['conf']['revision'] == '2', 'nothing new was stored'
