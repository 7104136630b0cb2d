"""End to end: relations between kv-db (provider, 2 then 3 units) and kv-app (requirer, 3 units).

The real jubilant package drives minijuju (as `juju`). The tests share one
model and run in file order: deploy, integrate, inspect, scale, bad input,
remove the relation, integrate again.

What the charms do is pinned down without minijuju in test_kv_charms_units.py;
in short: kv-db's leader publishes ``host``/``database`` in its application
databag and every kv-db unit ``unit-ready: yes`` in its unit databag; kv-app's
leader publishes ``wanted``; kv-db units show ``serving <wanted>``, kv-app units
``db at <host>/<database>``. Relation data and membership reach the other side
asynchronously, so anything read through an action or show-unit is polled.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

DB = 'kv-db'
APP = 'kv-app'
HOST_RE = re.compile(r'^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$')
# How long relation data / membership may take to reach the other side, in seconds.
SETTLE_TIMEOUT = 90.0

T = TypeVar('T')


def poll(fetch: Callable[[], T], ok: Callable[[T], bool], timeout: float = SETTLE_TIMEOUT) -> T:
    """Call fetch() until ok(value) holds; fail with the last value after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f'still not as expected after {timeout:.0f}s; last value: {value!r}')
        time.sleep(1)


def units_say(status: jubilant.Status, app: str, current: str, message: str) -> bool:
    """Every unit of app (at least one) has this workload status and message."""
    info = status.apps.get(app)
    if info is None or not info.units:
        return False
    return all(
        u.workload_status.current == current and u.workload_status.message == message
        for u in info.units.values()
    )


def host_in_message(message: str) -> str:
    """The host from kv-app's 'db at <host>/<database>' status message."""
    assert message.startswith('db at '), message
    return message.removeprefix('db at ').rsplit('/', 1)[0]


def leader_of(status: jubilant.Status, app: str) -> str:
    (leader,) = [name for name, u in status.apps[app].units.items() if u.leader]
    return leader


def current_db_leaders(juju: jubilant.Juju) -> set[str]:
    """The current kv-db leader, as a one-element set (empty if none is shown)."""
    return {name for name, u in juju.status().apps[DB].units.items() if u.leader}


def relations_summary(status: jubilant.Status) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """app -> endpoint -> [(related app, interface)], to compare before/after."""
    return {
        name: {
            endpoint: sorted((r.related_app, r.interface) for r in rels)
            for endpoint, rels in app.relations.items()
        }
        for name, app in status.apps.items()
    }


def db_info(juju: jubilant.Juju, unit: str = f'{APP}/0') -> dict[str, object]:
    task = juju.run(unit, 'db-info')
    assert task.success, task
    return dict(task.results)


def peers(juju: jubilant.Juju, unit: str) -> str:
    task = juju.run(unit, 'peers')
    assert task.success, task
    return str(task.results['peers'])


def relation_entry(info: jubilant.UnitInfo, endpoint: str) -> jubilant.unittypes.RelationData | None:
    """The show-unit relation-info entry for one local endpoint, or None."""
    for rel in info.relation_info:
        if rel.endpoint == endpoint:
            return rel
    return None


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju) -> jubilant.Status:
    juju.deploy(charm_path(DB), num_units=2)
    juju.deploy(charm_path(APP), num_units=3)
    # Before the relation: the provider is ready, the requirer waits for it.
    return juju.wait(
        lambda s: jubilant.all_active(s, DB) and units_say(s, APP, 'blocked', 'waiting for db'),
        error=lambda s: jubilant.any_error(s, DB, APP),
        timeout=DEPLOY_TIMEOUT,
    )


@pytest.fixture(scope='module')
def related(juju: jubilant.Juju, deployed: jubilant.Status) -> jubilant.Status:
    juju.integrate(APP, DB)  # endpoints inferred: kv-app:db <-> kv-db:db
    return juju.wait(
        lambda s: jubilant.all_active(s, APP, DB),
        error=lambda s: jubilant.any_error(s, DB, APP),
        timeout=120,
    )


# --- before the relation -----------------------------------------------------


def test_deployed_without_relation(deployed: jubilant.Status):
    assert sorted(deployed.apps[DB].units) == [f'{DB}/0', f'{DB}/1']
    assert sorted(deployed.apps[APP].units) == [f'{APP}/0', f'{APP}/1', f'{APP}/2']
    assert deployed.apps[APP].app_status.current == 'blocked'
    assert deployed.apps[APP].app_status.message == 'waiting for db'
    for unit in deployed.apps[DB].units.values():
        assert unit.workload_status.message == 'ready'
    # No db relation yet; the peer relation exists from the start.
    assert 'db' not in deployed.apps[APP].relations
    assert 'db' not in deployed.apps[DB].relations
    assert deployed.apps[DB].version == '2.1.0'
    assert deployed.apps[APP].version == '1.1.0'


def test_peer_relation_in_status(deployed: jubilant.Status):
    (peer,) = deployed.apps[DB].relations['replicas']
    assert peer.related_app == DB
    assert peer.interface == 'kv-replicas'
    assert peer.scope == 'global'


def test_peers_action_sees_the_other_unit(juju: jubilant.Juju, deployed: jubilant.Status):
    assert poll(lambda: peers(juju, f'{DB}/0'), lambda p: p == f'{DB}/1') == f'{DB}/1'
    assert poll(lambda: peers(juju, f'{DB}/1'), lambda p: p == f'{DB}/0') == f'{DB}/0'


def test_leader_data_on_peer_relation(juju: jubilant.Juju, deployed: jubilant.Status):
    leader = leader_of(deployed, DB)
    follower = next(name for name in deployed.apps[DB].units if name != leader)

    def fetch() -> dict[str, object]:
        task = juju.run(follower, 'leader-data')
        assert task.success, task
        return dict(task.results)

    assert poll(fetch, lambda r: r.get('leader') == leader) == {'leader': leader, 'database': 'kv'}


# --- integrate -------------------------------------------------------------------


def test_integrate_makes_app_active(related: jubilant.Status):
    leader = leader_of(related, DB)
    for name, unit in related.apps[APP].units.items():
        message = unit.workload_status.message
        assert message.endswith('/kv'), (name, message)
        host = host_in_message(message)
        assert HOST_RE.match(host), (name, message)
        # The host is the kv-db leader's ingress address: its machine's address.
        leader_address = related.apps[DB].units[leader].public_address
        if leader_address:
            assert host == leader_address
    assert related.apps[APP].app_status.current == 'active'


def test_relation_in_status(related: jubilant.Status):
    (db_rel,) = related.apps[APP].relations['db']
    assert db_rel.related_app == DB
    assert db_rel.interface == 'kv'
    assert db_rel.scope == 'global'
    (back,) = related.apps[DB].relations['db']
    assert back.related_app == APP
    assert back.interface == 'kv'
    # The peer relation is still listed next to it.
    assert [r.related_app for r in related.apps[DB].relations['replicas']] == [DB]


def test_db_units_serve_what_app_wants(juju: jubilant.Juju, related: jubilant.Status):
    juju.wait(
        lambda s: units_say(s, DB, 'active', 'serving everything'),
        error=jubilant.any_error,
        timeout=SETTLE_TIMEOUT,
    )


def test_db_info_action(juju: jubilant.Juju, related: jubilant.Status):
    expected_units = f'{DB}/0,{DB}/1'
    info = poll(lambda: db_info(juju), lambda r: r.get('units') == expected_units)
    host = host_in_message(related.apps[APP].units[f'{APP}/0'].workload_status.message)
    assert info == {'host': host, 'database': 'kv', 'units': expected_units}


def test_config_change_reaches_provider(juju: jubilant.Juju, related: jubilant.Status):
    juju.config(APP, {'want': 'news'})
    status = juju.wait(
        lambda s: units_say(s, DB, 'active', 'serving news'),
        error=jubilant.any_error,
        timeout=SETTLE_TIMEOUT,
    )
    assert status.apps[DB].app_status.message == 'serving news'
    # The requirer is unaffected.
    assert jubilant.all_active(status, APP)


def test_add_unit_joins_both_relations(juju: jubilant.Juju, related: jubilant.Status):
    juju.add_unit(DB)
    juju.wait(
        lambda s: f'{DB}/2' in s.apps[DB].units and jubilant.all_active(s, DB, APP),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    all_db = f'{DB}/0,{DB}/1,{DB}/2'
    for unit in (f'{APP}/0', f'{APP}/2'):
        info = poll(lambda u=unit: db_info(juju, u), lambda r: r.get('units') == all_db)
        assert info['units'] == all_db
    poll(lambda: peers(juju, f'{DB}/0'), lambda p: p == f'{DB}/1,{DB}/2')
    poll(lambda: peers(juju, f'{DB}/2'), lambda p: p == f'{DB}/0,{DB}/1')
    # The new unit also sees what kv-app wants.
    juju.wait(
        lambda s: units_say(s, DB, 'active', 'serving news'),
        error=jubilant.any_error,
        timeout=SETTLE_TIMEOUT,
    )


def test_show_unit_relation_info_on_requirer(juju: jubilant.Juju, related: jubilant.Status):
    db_units = {f'{DB}/0', f'{DB}/1', f'{DB}/2'}

    def settled(info: jubilant.UnitInfo) -> bool:
        rel = relation_entry(info, 'db')
        return (
            rel is not None
            and set(rel.related_units) == db_units
            and all(u.data.get('unit-ready') == 'yes' for u in rel.related_units.values())
            and 'host' in rel.app_data
        )

    info = poll(lambda: juju.show_unit(f'{APP}/0'), settled)
    rel = relation_entry(info, 'db')
    assert rel.related_endpoint == 'db'
    assert isinstance(rel.relation_id, int)
    # application-data is the *related* application's databag (kv-db's).
    assert HOST_RE.match(rel.app_data['host']), rel.app_data
    assert rel.app_data['database'] == 'kv'
    for name, unit in rel.related_units.items():
        assert unit.in_scope, name
        # Juju adds the unit's address to its bag when it enters the relation.
        assert HOST_RE.match(unit.data.get('ingress-address', '')), (name, unit.data)

    # The same thing in the raw JSON, as juju prints it.
    raw = juju.cli('show-unit', f'{APP}/0', '--format', 'json')
    assert '"related-units"' in raw and '"application-data"' in raw
    assert f'"{DB}/2"' in raw


def test_show_unit_relation_info_on_provider(juju: jubilant.Juju, related: jubilant.Status):
    def settled(info: jubilant.UnitInfo) -> bool:
        db_rel = relation_entry(info, 'db')
        peer_rel = relation_entry(info, 'replicas')
        return (
            db_rel is not None
            and db_rel.app_data.get('wanted') == 'news'
            and len(db_rel.related_units) == 3
            and peer_rel is not None
            and {f'{DB}/1', f'{DB}/2'} <= set(peer_rel.related_units)
            and all('peer-id' in u.data for u in peer_rel.related_units.values())
        )

    info = poll(lambda: juju.show_unit(f'{DB}/0'), settled)
    db_rel = relation_entry(info, 'db')
    assert set(db_rel.related_units) == {f'{APP}/0', f'{APP}/1', f'{APP}/2'}
    peer_rel = relation_entry(info, 'replicas')
    assert peer_rel.related_endpoint == 'replicas'
    # For a peer relation the unit's own bag is split out as local-unit.
    assert set(peer_rel.related_units) == {f'{DB}/1', f'{DB}/2'}
    for name, unit in peer_rel.related_units.items():
        assert unit.in_scope and unit.data.get('peer-id') == name, (name, unit)
    assert peer_rel.local_unit is not None
    assert peer_rel.local_unit.data.get('peer-id') == f'{DB}/0'
    # The peer application databag, written by the leader.
    assert peer_rel.app_data.get('leader') in current_db_leaders(juju)


# --- bad input (while related) --------------------------------------------------


def test_integrate_unknown_app_fails(juju: jubilant.Juju, related: jubilant.Status):
    before = relations_summary(juju.status())
    with pytest.raises(jubilant.CLIError):
        juju.integrate(APP, 'no-such-app')
    with pytest.raises(jubilant.CLIError):
        juju.integrate('no-such-app:db', f'{DB}:db')
    assert relations_summary(juju.status()) == before


def test_integrate_incompatible_endpoints_fails(juju: jubilant.Juju, related: jubilant.Status):
    before = relations_summary(juju.status())
    # A peer endpoint of another interface.
    with pytest.raises(jubilant.CLIError):
        juju.integrate(f'{APP}:db', f'{DB}:replicas')
    # An endpoint the charm does not have.
    with pytest.raises(jubilant.CLIError):
        juju.integrate(f'{APP}:no-such-endpoint', DB)
    status = juju.status()
    assert relations_summary(status) == before
    assert jubilant.all_active(status, APP, DB)


def test_integrate_twice_fails(juju: jubilant.Juju, related: jubilant.Status):
    before = relations_summary(juju.status())
    with pytest.raises(jubilant.CLIError) as excinfo:
        juju.integrate(APP, DB)
    assert 'already exists' in excinfo.value.stderr
    # Spelled out and the other way round, it is still the same relation.
    with pytest.raises(jubilant.CLIError) as excinfo:
        juju.integrate(f'{DB}:db', f'{APP}:db')
    assert 'already exists' in excinfo.value.stderr
    assert relations_summary(juju.status()) == before


# --- scaling down and removing the relation --------------------------------------


def test_remove_unit_departs(juju: jubilant.Juju, related: jubilant.Status):
    juju.remove_unit(f'{DB}/1')
    juju.wait(
        lambda s: f'{DB}/1' not in s.apps[DB].units and jubilant.all_active(s, APP, DB),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    remaining = f'{DB}/0,{DB}/2'
    for unit in (f'{APP}/0', f'{APP}/1'):
        poll(lambda u=unit: db_info(juju, u), lambda r: r.get('units') == remaining)
    poll(lambda: peers(juju, f'{DB}/0'), lambda p: p == f'{DB}/2')
    # kv-app logged the departure (ops' juju-log handler -> debug-log).
    log = poll(
        lambda: juju.debug_log(limit=0),
        lambda text: f'{DB}/1 departed from db relation' in text,
    )
    assert '2 db unit(s) remain' in log


def test_remove_relation(juju: jubilant.Juju, related: jubilant.Status):
    juju.remove_relation(APP, DB)
    status = juju.wait(
        lambda s: (
            units_say(s, APP, 'blocked', 'db relation removed')
            and 'db' not in s.apps[APP].relations
            and 'db' not in s.apps[DB].relations
        ),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    assert status.apps[APP].app_status.current == 'blocked'
    assert status.apps[APP].app_status.message == 'db relation removed'
    # The peer relation is untouched.
    assert list(status.apps[DB].relations) == ['replicas']
    # kv-db no longer serves anyone.
    juju.wait(
        lambda s: units_say(s, DB, 'active', 'ready'),
        error=jubilant.any_error,
        timeout=SETTLE_TIMEOUT,
    )
    with pytest.raises(jubilant.TaskError) as excinfo:
        juju.run(f'{APP}/0', 'db-info')
    assert excinfo.value.task.message == 'no db relation'
    info = juju.show_unit(f'{APP}/0')
    assert relation_entry(info, 'db') is None


def test_integrate_again(juju: jubilant.Juju, related: jubilant.Status):
    juju.integrate(f'{APP}:db', f'{DB}:db')
    status = juju.wait(
        lambda s: jubilant.all_active(s, APP, DB) and units_say(s, DB, 'active', 'serving news'),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    for unit in status.apps[APP].units.values():
        assert unit.workload_status.message.endswith('/kv')
    poll(lambda: db_info(juju), lambda r: r.get('units') == f'{DB}/0,{DB}/2')
