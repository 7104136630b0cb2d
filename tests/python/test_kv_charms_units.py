"""Unit tests of the kv-db and kv-app charms with ops.testing (Scenario); no minijuju needed.

They pin down what the two relation charms do with their databags, so that a
failure in test_relations.py can be blamed on minijuju rather than on a charm.
A last group runs each charm's built ``dispatch`` script (``minijuju pack``)
in a hook-like environment.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ops
import pytest
import yaml
from ops import testing

from fake_hook_tools import install_fake_tools
from helpers import CHARMS


def _load_charm_module(charm: str):
    name = charm.replace('-', '_') + '_charm'
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, CHARMS / charm / 'src' / 'charm.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running it so that Scenario finds the charm directory
    # (metadata.yaml, config.yaml, actions.yaml) from the class.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


kv_db = _load_charm_module('kv-db')
kv_app = _load_charm_module('kv-app')

DB_HOST = '127.1.0.7'


@pytest.fixture
def db_ctx() -> testing.Context:
    return testing.Context(kv_db.KvDbCharm)


@pytest.fixture
def app_ctx() -> testing.Context:
    return testing.Context(kv_app.KvAppCharm)


def db_network() -> testing.Network:
    return testing.Network(
        'db',
        [testing.BindAddress([testing.Address(DB_HOST)])],
        ingress_addresses=[DB_HOST],
        egress_subnets=[f'{DB_HOST}/32'],
    )


# --- metadata -------------------------------------------------------------------


def test_kv_db_metadata():
    meta = ops.CharmMeta.from_charm_root(CHARMS / 'kv-db')
    assert meta.name == 'kv-db'
    assert meta.provides['db'].interface_name == 'kv'
    assert meta.peers['replicas'].interface_name == 'kv-replicas'
    assert not meta.requires
    assert sorted(meta.actions) == ['leader-data', 'peers']
    assert meta.config['database-name'].default == 'kv'


def test_kv_app_metadata():
    meta = ops.CharmMeta.from_charm_root(CHARMS / 'kv-app')
    assert meta.name == 'kv-app'
    assert meta.requires['db'].interface_name == 'kv'
    assert meta.requires['db'].limit == 1
    assert not meta.provides and not meta.peers
    assert sorted(meta.actions) == ['db-info']
    assert meta.config['want'].default == 'everything'


@pytest.mark.parametrize('charm', ['kv-db', 'kv-app'])
def test_packaging_like_hello_ops(charm: str):
    """requirements.txt and charmcraft.yaml (the build) are hello-ops' (up to its name)."""
    hello = CHARMS / 'hello-ops'
    here = CHARMS / charm
    assert (here / 'requirements.txt').read_text() == (hello / 'requirements.txt').read_text()
    build = (here / 'charmcraft.yaml').read_text()
    assert build == (hello / 'charmcraft.yaml').read_text().replace('hello-ops', charm)
    assert not (here / 'dispatch').exists(), "charmcraft (and minijuju) write the dispatch"


# --- kv-db: the db endpoint --------------------------------------------------


def test_db_leader_publishes_host_and_database(db_ctx: testing.Context):
    rel = testing.Relation('db', interface='kv', remote_app_name='kv-app')
    state = testing.State(leader=True, relations={rel}, networks={db_network()})
    out = db_ctx.run(db_ctx.on.relation_joined(rel, remote_unit=0), state)
    rel_out = out.get_relation(rel.id)
    assert rel_out.local_app_data == {'host': DB_HOST, 'database': 'kv'}
    assert rel_out.local_unit_data['unit-ready'] == 'yes'
    assert out.unit_status == testing.ActiveStatus('ready')
    assert out.workload_version == kv_db.WORKLOAD_VERSION


def test_db_database_name_from_config(db_ctx: testing.Context):
    rel = testing.Relation('db', interface='kv', remote_app_name='kv-app')
    state = testing.State(
        leader=True, relations={rel}, networks={db_network()}, config={'database-name': 'cache'}
    )
    out = db_ctx.run(db_ctx.on.relation_changed(rel, remote_unit=0), state)
    assert out.get_relation(rel.id).local_app_data['database'] == 'cache'


def test_db_non_leader_writes_only_unit_data(db_ctx: testing.Context):
    rel = testing.Relation('db', interface='kv', remote_app_name='kv-app')
    state = testing.State(leader=False, relations={rel}, networks={db_network()})
    out = db_ctx.run(db_ctx.on.relation_joined(rel, remote_unit=0), state)
    rel_out = out.get_relation(rel.id)
    assert rel_out.local_app_data == {}
    assert rel_out.local_unit_data['unit-ready'] == 'yes'


def test_db_reflects_wanted(db_ctx: testing.Context):
    rel = testing.Relation(
        'db', interface='kv', remote_app_name='kv-app', remote_app_data={'wanted': 'news'}
    )
    state = testing.State(leader=False, relations={rel}, networks={db_network()})
    out = db_ctx.run(db_ctx.on.relation_changed(rel), state)
    assert out.unit_status == testing.ActiveStatus('serving news')


def test_db_config_changed_republishes(db_ctx: testing.Context):
    rel = testing.Relation(
        'db',
        interface='kv',
        remote_app_name='kv-app',
        local_app_data={'host': DB_HOST, 'database': 'kv'},
        remote_app_data={'wanted': 'everything'},
    )
    state = testing.State(
        leader=True, relations={rel}, networks={db_network()}, config={'database-name': 'other'}
    )
    out = db_ctx.run(db_ctx.on.config_changed(), state)
    assert out.get_relation(rel.id).local_app_data == {'host': DB_HOST, 'database': 'other'}
    assert out.unit_status == testing.ActiveStatus('serving everything')


def test_db_broken_goes_back_to_ready(db_ctx: testing.Context):
    rel = testing.Relation(
        'db', interface='kv', remote_app_name='kv-app', remote_app_data={'wanted': 'news'}
    )
    state = testing.State(leader=True, relations={rel}, networks={db_network()})
    out = db_ctx.run(db_ctx.on.relation_broken(rel), state)
    assert out.unit_status == testing.ActiveStatus('ready')


def test_db_start_without_relations(db_ctx: testing.Context):
    out = db_ctx.run(db_ctx.on.start(), testing.State(leader=True))
    assert out.unit_status == testing.ActiveStatus('ready')
    assert out.workload_version == kv_db.WORKLOAD_VERSION


# --- kv-db: the replicas peer endpoint ------------------------------------------


def test_peer_created_writes_peer_id_and_leader_data(db_ctx: testing.Context):
    peer = testing.PeerRelation('replicas', interface='kv-replicas', peers_data={})
    out = db_ctx.run(db_ctx.on.relation_created(peer), testing.State(leader=True, relations={peer}))
    peer_out = out.get_relation(peer.id)
    assert peer_out.local_unit_data['peer-id'] == 'kv-db/0'
    assert peer_out.local_app_data == {'leader': 'kv-db/0', 'database': 'kv'}


def test_peer_joined_non_leader(db_ctx: testing.Context):
    peer = testing.PeerRelation(
        'replicas', interface='kv-replicas', peers_data={1: {'peer-id': 'kv-db/1'}}
    )
    out = db_ctx.run(
        db_ctx.on.relation_joined(peer, remote_unit=1), testing.State(leader=False, relations={peer})
    )
    peer_out = out.get_relation(peer.id)
    assert peer_out.local_unit_data['peer-id'] == 'kv-db/0'
    assert peer_out.local_app_data == {}


def test_peers_action_lists_other_units_sorted(db_ctx: testing.Context):
    peer = testing.PeerRelation(
        'replicas', interface='kv-replicas', peers_data={2: {}, 1: {}, 10: {}}
    )
    db_ctx.run(db_ctx.on.action('peers'), testing.State(relations={peer}))
    assert db_ctx.action_results == {'peers': 'kv-db/1,kv-db/10,kv-db/2'}


def test_peers_action_alone(db_ctx: testing.Context):
    peer = testing.PeerRelation('replicas', interface='kv-replicas', peers_data={})
    db_ctx.run(db_ctx.on.action('peers'), testing.State(relations={peer}))
    assert db_ctx.action_results == {'peers': ''}


def test_leader_data_action_on_follower(db_ctx: testing.Context):
    peer = testing.PeerRelation(
        'replicas',
        interface='kv-replicas',
        local_app_data={'leader': 'kv-db/1', 'database': 'kv'},
        peers_data={1: {'peer-id': 'kv-db/1'}},
    )
    db_ctx.run(db_ctx.on.action('leader-data'), testing.State(leader=False, relations={peer}))
    assert db_ctx.action_results == {'leader': 'kv-db/1', 'database': 'kv'}


def test_leader_data_action_without_peer_relation(db_ctx: testing.Context):
    with pytest.raises(testing.ActionFailed):
        db_ctx.run(db_ctx.on.action('leader-data'), testing.State())


# --- kv-app ---------------------------------------------------------------------


def test_app_install_is_blocked(app_ctx: testing.Context):
    out = app_ctx.run(app_ctx.on.install(), testing.State(leader=True))
    assert out.unit_status == testing.BlockedStatus('waiting for db')
    assert out.workload_version == kv_app.WORKLOAD_VERSION


def test_app_start_without_relation_is_blocked(app_ctx: testing.Context):
    out = app_ctx.run(app_ctx.on.start(), testing.State(leader=True))
    assert out.unit_status == testing.BlockedStatus('waiting for db')


def test_app_leader_writes_wanted_and_waits_for_host(app_ctx: testing.Context):
    rel = testing.Relation('db', interface='kv', remote_app_name='kv-db')
    out = app_ctx.run(app_ctx.on.relation_created(rel), testing.State(leader=True, relations={rel}))
    assert out.get_relation(rel.id).local_app_data == {'wanted': 'everything'}
    assert out.unit_status == testing.BlockedStatus('waiting for db')


def test_app_non_leader_does_not_write(app_ctx: testing.Context):
    rel = testing.Relation('db', interface='kv', remote_app_name='kv-db')
    out = app_ctx.run(
        app_ctx.on.relation_joined(rel, remote_unit=0), testing.State(leader=False, relations={rel})
    )
    assert out.get_relation(rel.id).local_app_data == {}


def test_app_active_once_host_is_published(app_ctx: testing.Context):
    rel = testing.Relation(
        'db',
        interface='kv',
        remote_app_name='kv-db',
        remote_app_data={'host': DB_HOST, 'database': 'kv'},
    )
    out = app_ctx.run(app_ctx.on.relation_changed(rel), testing.State(leader=False, relations={rel}))
    assert out.unit_status == testing.ActiveStatus(f'db at {DB_HOST}/kv')
    assert out.workload_version == kv_app.WORKLOAD_VERSION


def test_app_config_changed_updates_wanted(app_ctx: testing.Context):
    rel = testing.Relation(
        'db',
        interface='kv',
        remote_app_name='kv-db',
        local_app_data={'wanted': 'everything'},
        remote_app_data={'host': DB_HOST, 'database': 'kv'},
    )
    state = testing.State(leader=True, relations={rel}, config={'want': 'news'})
    out = app_ctx.run(app_ctx.on.config_changed(), state)
    assert out.get_relation(rel.id).local_app_data == {'wanted': 'news'}
    assert out.unit_status == testing.ActiveStatus(f'db at {DB_HOST}/kv')


def test_app_departed_logs_and_counts(app_ctx: testing.Context):
    # relation-list in a departed hook no longer includes the departing unit.
    rel = testing.Relation(
        'db',
        interface='kv',
        remote_app_name='kv-db',
        remote_app_data={'host': DB_HOST, 'database': 'kv'},
        remote_units_data={0: {'unit-ready': 'yes'}, 2: {'unit-ready': 'yes'}},
    )
    out = app_ctx.run(
        app_ctx.on.relation_departed(rel, remote_unit=1, departing_unit=1),
        testing.State(leader=False, relations={rel}),
    )
    stored = out.get_stored_state('_stored', owner_path='KvAppCharm')
    assert stored.content['remaining_db_units'] == 2
    assert stored.content['last_departed'] == 'kv-db/1'
    assert any(
        'kv-db/1 departed from db relation' in log.message and '2 db unit(s) remain' in log.message
        for log in app_ctx.juju_log
    ), app_ctx.juju_log
    assert out.unit_status == testing.ActiveStatus(f'db at {DB_HOST}/kv')


def test_app_broken_blocks_and_stays_blocked(app_ctx: testing.Context):
    rel = testing.Relation(
        'db',
        interface='kv',
        remote_app_name='kv-db',
        remote_app_data={'host': DB_HOST, 'database': 'kv'},
    )
    out = app_ctx.run(app_ctx.on.relation_broken(rel), testing.State(leader=True, relations={rel}))
    assert out.unit_status == testing.BlockedStatus('db relation removed')
    # Later hooks, with the relation gone, keep saying why.
    after = dataclasses.replace(out, relations=set())
    out2 = app_ctx.run(app_ctx.on.config_changed(), after)
    assert out2.unit_status == testing.BlockedStatus('db relation removed')
    # A new relation clears it.
    new_rel = testing.Relation('db', interface='kv', remote_app_name='kv-db')
    out3 = app_ctx.run(
        app_ctx.on.relation_created(new_rel), dataclasses.replace(out2, relations={new_rel})
    )
    assert out3.unit_status == testing.BlockedStatus('waiting for db')
    assert out3.get_relation(new_rel.id).local_app_data == {'wanted': 'everything'}


def test_db_info_action(app_ctx: testing.Context):
    rel = testing.Relation(
        'db',
        interface='kv',
        remote_app_name='kv-db',
        remote_app_data={'host': DB_HOST, 'database': 'kv'},
        remote_units_data={1: {}, 0: {}, 2: {}},
    )
    app_ctx.run(app_ctx.on.action('db-info'), testing.State(relations={rel}))
    assert app_ctx.action_results == {
        'host': DB_HOST,
        'database': 'kv',
        'units': 'kv-db/0,kv-db/1,kv-db/2',
    }


def test_db_info_action_without_relation(app_ctx: testing.Context):
    with pytest.raises(testing.ActionFailed) as excinfo:
        app_ctx.run(app_ctx.on.action('db-info'), testing.State())
    assert excinfo.value.message == 'no db relation'


# --- the real dispatch scripts --------------------------------------------------

SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'


@pytest.mark.parametrize(
    ('charm', 'status'),
    [('kv-db', ['active', 'ready']), ('kv-app', ['blocked', 'waiting for db'])],
)
def test_dispatch_start_in_hook_environment(
    charm: str, status: list[str], tmp_path: Path, built_charm
):
    """`start` through the built dispatch: no HOME, system PATH, fake tools, no relations."""
    charm_dir = tmp_path / 'charm'
    shutil.copytree(built_charm(charm), charm_dir, symlinks=True)
    tools = tmp_path / 'tools'
    install_fake_tools(tools)
    # The charms ask for their relations; with none, relation-ids prints an empty list.
    relation_ids = tools / 'relation-ids'
    relation_ids.write_text('#!/bin/sh\necho "[]"\n')
    relation_ids.chmod(0o755)
    state_file = tmp_path / 'hook-state.json'
    options = yaml.safe_load((charm_dir / 'config.yaml').read_text())['options']
    defaults = {k: v['default'] for k, v in options.items()}
    state_file.write_text(
        json.dumps({
            'config': defaults,
            'unit-status': ['unknown', ''],
            'is-leader': True,
            'unit-state': {},
            'leader-settings': {},
            'version': '',
            'action-params': None,
            'log': [],
        })
    )
    env = {
        'PATH': f'{tools}:{SYSTEM_PATH}',
        'LANG': 'C.UTF-8',
        'CHARM_DIR': str(charm_dir),
        'JUJU_CHARM_DIR': str(charm_dir),
        'JUJU_UNIT_NAME': f'{charm}/0',
        'JUJU_MODEL_NAME': 'test-model',
        'JUJU_MODEL_UUID': '5f2d1d36-0b35-4b5e-8c1f-6a8f3b1b2c3d',
        'JUJU_MACHINE_ID': '0',
        'JUJU_PRINCIPAL_UNIT': '',
        'JUJU_AVAILABILITY_ZONE': '',
        'JUJU_VERSION': '3.6.14',
        'JUJU_CONTEXT_ID': f'{charm}/0-start-{0:032x}',
        'JUJU_AGENT_SOCKET_ADDRESS': '/nonexistent/agent.socket',
        'JUJU_AGENT_SOCKET_NETWORK': 'unix',
        'JUJU_API_ADDRESSES': '127.0.0.1:17070',
        'JUJU_HOOK_NAME': 'start',
        'JUJU_DISPATCH_PATH': 'hooks/start',
        'FAKE_HOOK_STATE': str(state_file),
    }
    proc = subprocess.run(
        [str(charm_dir / 'dispatch')],
        cwd=charm_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f'stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}'
    result = json.loads(state_file.read_text())
    assert result['unit-status'] == status
    assert result['version'] == (kv_db if charm == 'kv-db' else kv_app).WORKLOAD_VERSION
