"""End to end: a real ops charm (sto-ops) uses ops' storage API, unchanged,
on minijuju, driven through Jubilant.

``deploy(storage={'data': '2'})`` (Jubilant's ``--storage``): both data
instances and the single cache instance are attached before install, with
the real ops ``StorageAttachedEvent`` and ``model.storages``;
``model.storages.request`` (``storage-add``) from an action and ``add-storage`` attach more later;
over the range's maximum ``add-storage`` fails as Juju does (a
``jubilant.CLIError``); ``detach-storage`` runs ``StorageDetachingEvent``;
``juju storage --format json`` shows it all. One model for the module;
tests run in order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

APP = 'sto-ops'
UNIT = 'sto-ops/0'

T = TypeVar('T')


def poll(fetch: Callable[[], T], ok: Callable[[T], bool], timeout: float = 45.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f'still not as expected after {timeout:.0f}s; last value: {value!r}')
        time.sleep(0.5)


def report(juju: jubilant.Juju) -> tuple[list[str], dict[str, str]]:
    r = juju.run(UNIT, 'report').results
    return r['events'].splitlines(), json.loads(r['storages'])


def storage(juju: jubilant.Juju) -> dict[str, Any]:
    return json.loads(juju.cli('storage', '--format', 'json'))


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju) -> jubilant.Juju:
    juju.deploy(str(TEST_CHARMS / APP), storage={'data': '2'})
    juju.wait(
        lambda s: jubilant.all_active(s, APP) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    return juju


def test_storage_is_attached_before_install(deployed: jubilant.Juju):
    juju = deployed
    events, where = report(juju)
    # Ids are model-wide, made store by store (cache, then data).
    assert sorted(events[:3]) == [
        'attached cache/0 cache 0',
        'attached data/1 data 1',
        'attached data/2 data 2',
    ]
    assert events[3] == 'install cache/0,data/1,data/2'
    assert set(where) == {'cache/0', 'data/1', 'data/2'}
    assert juju.status().apps[APP].units[UNIT].workload_status.message == 'data=2'
    s = storage(juju)['storage']
    assert {k: v['status']['current'] for k, v in s.items()} == {
        'cache/0': 'attached',
        'data/1': 'attached',
        'data/2': 'attached',
    }
    assert s['data/1']['attachments']['units'][UNIT]['location'] == '/srv/sto/data/1'
    assert s['cache/0']['attachments']['units'][UNIT]['location'] == '/var/lib/juju/storage/cache/0'


def test_unit_add_storage_attaches_later(deployed: jubilant.Juju):
    juju = deployed
    assert juju.run(UNIT, 'add-data', {'count': 1}).results == {'asked': '1'}
    events, where = poll(lambda: report(juju), lambda r: 'data/3' in r[1])
    assert events[-1] == 'attached data/3 data 3'


def test_add_storage_over_the_maximum_is_refused(deployed: jubilant.Juju):
    juju = deployed
    with pytest.raises(jubilant.CLIError) as err:
        juju.cli('add-storage', UNIT, 'data=1')
    assert err.value.returncode == 1
    assert (
        'failed to add storage "data" to sto-ops/0: adding "data" storage to sto-ops/0: '
        'attaching 1 storage instance brings the total to 4, exceeding the maximum of 3'
    ) in err.value.stderr


def test_detach_storage_runs_storage_detaching(deployed: jubilant.Juju):
    juju = deployed
    juju.cli('detach-storage', 'data/1')
    poll(lambda: report(juju)[0], lambda ev: 'detaching data/1' in ev)
    poll(lambda: storage(juju)['storage']['data/1']['status']['current'], lambda s: s == 'detached')
    _, where = report(juju)
    assert 'data/1' not in where
