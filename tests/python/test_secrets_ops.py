"""End to end: two real ops charms use ops' Secret API, unchanged, on minijuju.

sec-owner (2 units, peer relation ``ring``) creates an application secret per
``creds`` relation, grants it to the relation and publishes its id there;
sec-consumer reads it by id (setting its own label), then by label, follows a
new revision with secret-changed, peeks and refreshes; the owner removes the
revision nobody tracks on secret-remove. Also: set_info/get_info, unit-owned
secrets, revoke, relation removal, a follower
reading the peer secret by label, remove_all_revisions, rotation and expiry
with the model's ``minijuju-secret-time-scale``, and a hook that raises after
add_secret leaving no secret. One model for the module; tests run in order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

OWNER = 'sec-owner'
CONSUMER = 'sec-consumer'
SETTLE = 45.0

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


def leader(juju: jubilant.Juju, app: str) -> str:
    (name,) = [n for n, u in juju.status().apps[app].units.items() if u.leader]
    return name


def follower(juju: jubilant.Juju, app: str) -> str:
    return next(n for n, u in juju.status().apps[app].units.items() if not u.leader)


def secrets_json(juju: jubilant.Juju) -> dict[str, Any]:
    return json.loads(juju.cli('secrets', '--format', 'json'))


def by_label(juju: jubilant.Juju, label: str) -> list[dict[str, Any]]:
    return [s for s in secrets_json(juju).values() if s.get('label') == label]


def events(juju: jubilant.Juju, unit: str) -> list[str]:
    got = juju.run(unit, 'events').results.get('events', '')
    return got.split(',') if got else []


def info(juju: jubilant.Juju, label: str) -> dict[str, str]:
    return juju.run(leader(juju, OWNER), 'info', {'label': label}).results


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju) -> jubilant.Juju:
    juju.deploy(str(TEST_CHARMS / OWNER), num_units=2)
    juju.deploy(str(TEST_CHARMS / CONSUMER))
    juju.integrate(f'{OWNER}:creds', f'{CONSUMER}:creds')
    juju.wait(
        lambda s: jubilant.all_active(s, OWNER, CONSUMER) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    return juju


def test_consumer_reads_the_granted_secret_by_id(deployed: jubilant.Juju):
    juju = deployed
    status = juju.status()
    assert status.apps[CONSUMER].units[f'{CONSUMER}/0'].workload_status.message == 'password p1'
    (creds,) = by_label(juju, 'creds')
    assert creds['owner'] == OWNER
    assert creds['revision'] == 1
    assert creds['description'] == 'credentials for the consumer'


def test_get_info_and_set_info(deployed: jubilant.Juju):
    juju = deployed
    got = info(juju, 'creds')
    assert got['label'] == 'creds'
    assert got['revision'] == '1'
    assert got['description'] == 'credentials for the consumer'
    assert got['id'].startswith('secret:')
    juju.run(leader(juju, OWNER), 'set-info', {'description': 'renamed creds'})
    assert info(juju, 'creds')['description'] == 'renamed creds'
    assert info(juju, 'creds')['revision'] == '1', 'set_info makes no revision'
    (creds,) = by_label(juju, 'creds')
    assert creds['description'] == 'renamed creds'
    # set_info with a rotation policy: get_info shows it and when it is due.
    juju.run(leader(juju, OWNER), 'set-info', {'description': 'daily creds', 'rotate': 'daily'})
    got = info(juju, 'creds')
    assert (got['rotation'], got['description'], got['revision']) == ('daily', 'daily creds', '1')
    assert got['rotates'] != ''
    juju.run(leader(juju, OWNER), 'set-info', {'description': 'daily creds', 'rotate': 'never'})


def test_new_revision_changed_peek_refresh_and_remove(deployed: jubilant.Juju):
    juju = deployed
    consumer = f'{CONSUMER}/0'
    juju.run(leader(juju, OWNER), 'set-password', {'password': 'p2'})
    assert info(juju, 'creds')['revision'] == '2'
    # secret-changed reaches the consumer, whose peek sees the new revision.
    poll(lambda: events(juju, consumer), lambda e: e == ['changed:creds-in:p2'])
    # get stays on the tracked revision; peek does not move it; refresh does.
    assert juju.run(consumer, 'read', {'mode': 'get'}).results['password'] == 'p1'
    assert juju.run(consumer, 'read', {'mode': 'peek'}).results['password'] == 'p2'
    assert juju.run(consumer, 'read', {'mode': 'get'}).results['password'] == 'p1'
    assert juju.run(consumer, 'read', {'mode': 'refresh'}).results['password'] == 'p2'
    assert juju.run(consumer, 'read', {'mode': 'get'}).results['password'] == 'p2'
    # Nobody tracks revision 1 any more: the owner's leader gets secret-remove
    # for it and removes it.
    poll(lambda: events(juju, leader(juju, OWNER)), lambda e: 'remove:creds:1' in e)
    uri = info(juju, 'creds')['id']
    revs = poll(
        lambda: juju.show_secret(uri, revisions=True).revisions or [],
        lambda r: [x.revision for x in r] == [2],
    )
    assert [x.revision for x in revs] == [2]
    assert events(juju, consumer) == ['changed:creds-in:p2'], 'no second secret-changed'


def test_follower_reads_the_peer_secret_by_label(deployed: jubilant.Juju):
    juju = deployed
    unit = follower(juju, OWNER)
    assert juju.run(unit, 'peer-token').results == {'token': 'shared-among-peers'}


def test_unit_owned_secrets(deployed: jubilant.Juju):
    juju = deployed
    units = sorted(juju.status().apps[OWNER].units)
    ids = {u: juju.run(u, 'unit-secret').results['id'] for u in units}
    assert len(set(ids.values())) == 2
    # Each unit owns its own secret under the same label.
    for u in units:
        assert juju.run(u, 'info', {'label': 'mine'}).results['id'] == ids[u]
    mine = {s['owner'] for s in by_label(juju, 'mine')}
    assert mine == set(units)
    got = poll(
        lambda: juju.run(f'{CONSUMER}/0', 'unit-secrets').results,
        lambda r: len(r) == 2,
    )
    assert got == {u.replace('/', '-'): u.replace('/', '-') for u in units}


def test_a_follower_cannot_change_the_application_secret(deployed: jubilant.Juju):
    juju = deployed
    with pytest.raises(jubilant.TaskError) as e:
        juju.run(follower(juju, OWNER), 'set-password', {'password': 'nope'})
    assert 'cannot set:' in e.value.task.message
    assert info(juju, 'creds')['revision'] == '2'


def test_every_consumer_unit_must_move_on_before_secret_remove(deployed: jubilant.Juju):
    juju = deployed
    juju.add_unit(CONSUMER)
    new = f'{CONSUMER}/1'
    juju.wait(
        lambda s: jubilant.all_active(s, CONSUMER) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    # The new unit's first read (by id, in relation-changed) is the latest.
    assert juju.status().apps[CONSUMER].units[new].workload_status.message == 'password p2'
    owner = leader(juju, OWNER)
    juju.run(owner, 'set-password', {'password': 'p3'})
    for unit in (f'{CONSUMER}/0', new):
        poll(lambda: events(juju, unit), lambda e: 'changed:creds-in:p3' in e)
    juju.run(f'{CONSUMER}/0', 'read', {'mode': 'refresh'})
    time.sleep(2)
    assert 'remove:creds:2' not in events(juju, owner), f'{new} still tracks revision 2'
    juju.run(new, 'read', {'mode': 'refresh'})
    poll(lambda: events(juju, owner), lambda e: 'remove:creds:2' in e)
    assert events(juju, owner).count('remove:creds:2') == 1


def test_revoke_and_grant_again(deployed: jubilant.Juju):
    juju = deployed
    consumer = f'{CONSUMER}/0'
    juju.run(leader(juju, OWNER), 'grant', {'revoke': True})
    with pytest.raises(jubilant.TaskError) as e:
        juju.run(consumer, 'read', {'mode': 'get'})
    assert 'cannot read:' in e.value.task.message
    juju.run(leader(juju, OWNER), 'grant')
    assert juju.run(consumer, 'read', {'mode': 'get'}).results['password'] == 'p3'


def test_refresh_inside_secret_changed(deployed: jubilant.Juju):
    """The usual charm pattern: secret-changed itself moves to the new revision."""
    juju = deployed
    juju.config(CONSUMER, {'auto-refresh': True})
    owner = leader(juju, OWNER)
    juju.run(owner, 'set-password', {'password': 'p4'})
    juju.wait(
        lambda s: all(
            u.workload_status.message == 'password p4' for u in s.apps[CONSUMER].units.values()
        ),
        error=jubilant.any_error,
        timeout=SETTLE,
    )
    poll(lambda: events(juju, owner), lambda e: 'remove:creds:3' in e)
    juju.wait(jubilant.all_agents_idle, timeout=SETTLE)
    for unit in juju.status().apps[CONSUMER].units:
        assert events(juju, unit).count('changed:creds-in:p4') == 1
    uri = info(juju, 'creds')['id']
    revs = poll(
        lambda: juju.show_secret(uri, revisions=True).revisions or [],
        lambda r: [x.revision for x in r] == [4],
    )
    assert [x.revision for x in revs] == [4]


def test_one_hook_makes_at_most_one_revision(deployed: jubilant.Juju):
    """As in Juju, a hook's updates of a secret are merged: add then set is
    revision 1, two sets are one new revision, holding the last content."""
    juju = deployed
    owner = leader(juju, OWNER)
    juju.run(owner, 'churn', {'create': True})
    got = info(juju, 'churn')
    assert got['revision'] == '1'
    uri = got['id']
    assert juju.show_secret(uri, reveal=True).content == {'count': '2'}
    juju.run(owner, 'churn')
    assert info(juju, 'churn')['revision'] == '2'
    assert juju.show_secret(uri, reveal=True).content == {'count': '4'}
    # Nobody tracks revision 1: the owner is told to remove it, once.
    poll(lambda: events(juju, owner), lambda e: 'remove:churn:1' in e)
    assert not [e for e in events(juju, owner) if e.startswith('remove:churn:') and e != 'remove:churn:1']
    juju.run(owner, 'remove-all', {'label': 'churn'})


def test_an_action_keeps_its_secrets_unless_it_crashes(deployed: jubilant.Juju):
    """As Juju: a hook tool's changes are committed when the process exits 0,
    even if the action called action-fail; a crashing action commits none."""
    juju = deployed
    owner = leader(juju, OWNER)
    with pytest.raises(jubilant.TaskError) as e:
        juju.run(owner, 'add-and-fail', {'label': 'crashed', 'crash': True})
    assert e.value.task.status == 'failed'
    assert by_label(juju, 'crashed') == []
    with pytest.raises(jubilant.TaskError) as e:
        juju.run(owner, 'add-and-fail', {'label': 'kept'})
    assert e.value.task.message == "failed after adding secret 'kept'"
    assert len(by_label(juju, 'kept')) == 1
    juju.run(owner, 'remove-all', {'label': 'kept'})
    assert by_label(juju, 'kept') == []


def test_rotation_fires_repeatedly(deployed: jubilant.Juju):
    juju = deployed
    juju.cli('model-config', 'minijuju-secret-time-scale=0.001')  # hourly = 3.6 s
    try:
        owner = leader(juju, OWNER)
        juju.run(owner, 'add-timed', {'label': 'rot', 'rotate': 'hourly'})
        assert info(juju, 'rot')['rotation'] == 'hourly'
        got = poll(
            lambda: [e for e in events(juju, owner) if e.startswith('rotate:')],
            lambda e: len(e) >= 2,
        )
        assert got[:2] == ['rotate:rot:0', 'rotate:rot:1']
        assert int(info(juju, 'rot')['revision']) >= 3
        # A unit-owned secret rotates on its owner unit, leader or not.
        other = follower(juju, OWNER)
        juju.run(other, 'add-timed', {'label': 'unitrot', 'rotate': 'hourly', 'unit-owned': True})
        got = poll(
            lambda: [e for e in events(juju, other) if e.startswith('rotate:')],
            lambda e: len(e) >= 2,
        )
        assert got[:2] == ['rotate:unitrot:0', 'rotate:unitrot:1']
        assert not [e for e in events(juju, owner) if 'unitrot' in e]
    finally:
        juju.cli('model-config', '--reset', 'minijuju-secret-time-scale')
    juju.run(leader(juju, OWNER), 'remove-all', {'label': 'rot'})
    assert by_label(juju, 'rot') == []
    juju.run(follower(juju, OWNER), 'remove-all', {'label': 'unitrot'})
    assert by_label(juju, 'unitrot') == []


def test_expiry_fires_until_a_new_revision(deployed: jubilant.Juju):
    juju = deployed
    owner = leader(juju, OWNER)
    juju.run(owner, 'add-timed', {'label': 'exp', 'expire-seconds': 2})
    assert info(juju, 'exp')['expires'] != ''
    poll(lambda: events(juju, owner), lambda e: 'expired:exp:1' in e)
    poll(lambda: info(juju, 'exp')['revision'], lambda r: r == '2')
    time.sleep(3)
    assert [e for e in events(juju, owner) if e.startswith('expired:')] == ['expired:exp:1']
    # set_info(expire=...) gives the current revision an expiry of its own.
    juju.run(owner, 'set-info', {'label': 'exp', 'description': 'again', 'expire-seconds': 2})
    poll(lambda: events(juju, owner), lambda e: 'expired:exp:2' in e)
    poll(lambda: info(juju, 'exp')['revision'], lambda r: r == '3')


def test_remove_all_revisions(deployed: jubilant.Juju):
    juju = deployed
    juju.run(leader(juju, OWNER), 'remove-all', {'label': 'exp'})
    assert by_label(juju, 'exp') == []


def test_failed_hook_leaves_no_secret(deployed: jubilant.Juju):
    juju = deployed
    juju.cli('model-config', 'automatically-retry-hooks=false')
    juju.config(OWNER, {'explode': 'doomed'})
    juju.wait(lambda s: jubilant.any_error(s, OWNER), timeout=SETTLE)
    assert by_label(juju, 'doomed') == []
    juju.config(OWNER, reset='explode')
    for name, unit in juju.status().apps[OWNER].units.items():
        if unit.workload_status.current == 'error':
            juju.cli('resolve', name)
    juju.wait(lambda s: jubilant.all_active(s, OWNER), error=None, timeout=SETTLE)
    assert by_label(juju, 'doomed') == []
    assert sorted(s['label'] for s in secrets_json(juju).values()) == ['creds', 'mine', 'mine', 'peer-token']


def test_removing_a_lagging_consumer_unit_frees_its_revision(deployed: jubilant.Juju):
    juju = deployed
    juju.config(CONSUMER, reset='auto-refresh')
    owner = leader(juju, OWNER)
    juju.run(owner, 'set-password', {'password': 'p5'})
    for unit in (f'{CONSUMER}/0', f'{CONSUMER}/1'):
        poll(lambda: events(juju, unit), lambda e: 'changed:creds-in:p5' in e)
    juju.run(f'{CONSUMER}/0', 'read', {'mode': 'refresh'})
    time.sleep(2)
    assert 'remove:creds:4' not in events(juju, owner)
    # consumer/1 still tracks revision 4; once it is gone nobody does.
    juju.remove_unit(f'{CONSUMER}/1')
    juju.wait(lambda s: list(s.apps[CONSUMER].units) == [f'{CONSUMER}/0'], timeout=SETTLE)
    poll(lambda: events(juju, owner), lambda e: 'remove:creds:4' in e)


def test_a_new_owner_leader_takes_over(deployed: jubilant.Juju):
    juju = deployed
    old = leader(juju, OWNER)
    juju.remove_unit(old)
    juju.wait(
        lambda s: old not in s.apps[OWNER].units
        and any(u.leader for u in s.apps[OWNER].units.values()),
        timeout=SETTLE,
    )
    new = leader(juju, OWNER)
    # The removed unit's own secret went with it; the application's stay.
    assert [s['owner'] for s in by_label(juju, 'mine')] == [new]
    assert len(by_label(juju, 'creds')) == 1
    juju.run(new, 'set-password', {'password': 'p6'})
    poll(lambda: events(juju, f'{CONSUMER}/0'), lambda e: 'changed:creds-in:p6' in e)
    juju.run(f'{CONSUMER}/0', 'read', {'mode': 'refresh'})
    # The new leader is the one told that revision 5 is unused.
    poll(lambda: events(juju, new), lambda e: 'remove:creds:5' in e)


def test_awkward_content_round_trips(deployed: jubilant.Juju):
    juju = deployed
    consumer = f'{CONSUMER}/0'
    weird = '-x=1 "q" \'s\' $HOME ünïcödé\nsecond line\n'
    juju.run(leader(juju, OWNER), 'set-password', {'password': weird})
    got = poll(
        lambda: juju.run(consumer, 'read', {'mode': 'peek'}).results,
        lambda r: r.get('password') == weird,
    )
    assert got == {'username': 'admin', 'password': weird}
    uri = info(juju, 'creds')['id']
    assert juju.show_secret(uri, reveal=True).content['password'] == weird


def test_relabel_from_both_sides(deployed: jubilant.Juju):
    juju = deployed
    consumer = f'{CONSUMER}/0'
    owner = leader(juju, OWNER)
    assert juju.run(consumer, 'relabel', {'label': 'creds-v2'}).results['username'] == 'admin'
    assert juju.run(consumer, 'read', {'mode': 'get', 'label': 'creds-v2'}).results['username'] == 'admin'
    with pytest.raises(jubilant.TaskError):
        juju.run(consumer, 'read', {'mode': 'get', 'label': 'creds-in'})
    juju.run(consumer, 'relabel', {'label': 'creds-in'})
    # The owner's label is the one `juju secrets` shows.
    juju.run(owner, 'relabel', {'old': 'creds', 'new': 'creds-owned'})
    assert len(by_label(juju, 'creds-owned')) == 1
    assert by_label(juju, 'creds') == []
    assert info(juju, 'creds-owned')['label'] == 'creds-owned'
    juju.run(owner, 'relabel', {'old': 'creds-owned', 'new': 'creds'})
    assert len(by_label(juju, 'creds')) == 1


def test_removing_the_relation_ends_the_grant(deployed: jubilant.Juju):
    juju = deployed
    juju.remove_relation(f'{OWNER}:creds', f'{CONSUMER}:creds')
    juju.wait(lambda s: not s.apps[CONSUMER].relations, timeout=SETTLE)
    with pytest.raises(jubilant.TaskError) as e:
        juju.run(f'{CONSUMER}/0', 'read', {'mode': 'get'})
    assert 'cannot read:' in e.value.task.message
