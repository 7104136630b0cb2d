#!/usr/bin/env python3
"""kv-db: the providing side of a relation test pair (see kv-app), used to test minijuju.

Behaviour:

* ``db`` endpoint (interface ``kv``), on relation-joined and relation-changed:
  the leader writes ``host`` (this unit's ingress address for the relation,
  from ``network-get``) and ``database`` (config ``database-name``) into the
  application databag; every unit writes ``unit-ready: yes`` into its unit
  databag. Each unit reads the related application's ``wanted`` key and shows
  ``serving <wanted>`` as its (active) status, or ``ready`` when nothing is
  wanted yet. The leader also republishes on leader-elected and config-changed.
* ``replicas`` peer endpoint (interface ``kv-replicas``): every unit writes
  ``peer-id: <unit name>`` into its unit databag; the leader writes ``leader``
  and ``database`` into the peer application databag.
* actions: ``peers`` returns the other peer units, sorted and comma-joined;
  ``leader-data`` returns the peer application databag.

Databags are only written when a value actually changes, so that the two
sides never keep each other busy with relation-changed hooks.
"""

from __future__ import annotations

import logging

import ops

logger = logging.getLogger(__name__)

WORKLOAD_VERSION = '2.1.0'
DB_ENDPOINT = 'db'
PEER_ENDPOINT = 'replicas'


def _update_bag(bag: ops.RelationDataContent, values: dict[str, str]) -> bool:
    """Write only the keys whose value differs; return whether anything was written."""
    changed = False
    for key, value in values.items():
        if bag.get(key) != value:
            bag[key] = value
            changed = True
    return changed


class KvDbCharm(ops.CharmBase):
    """Publishes its address on `db` and its name on the `replicas` peer relation."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.start, self._refresh)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on[DB_ENDPOINT].relation_joined, self._on_db_relation)
        framework.observe(self.on[DB_ENDPOINT].relation_changed, self._on_db_relation)
        framework.observe(self.on[DB_ENDPOINT].relation_broken, self._on_db_relation_broken)
        framework.observe(self.on[PEER_ENDPOINT].relation_created, self._on_peer_relation)
        framework.observe(self.on[PEER_ENDPOINT].relation_joined, self._on_peer_relation)
        framework.observe(self.on[PEER_ENDPOINT].relation_changed, self._on_peer_relation)
        framework.observe(self.on[PEER_ENDPOINT].relation_departed, self._on_peer_departed)
        framework.observe(self.on.peers_action, self._on_peers_action)
        framework.observe(self.on.leader_data_action, self._on_leader_data_action)

    # --- helpers --------------------------------------------------------------

    @property
    def _database(self) -> str:
        return str(self.config.get('database-name') or 'kv')

    def _host_for(self, relation: ops.Relation) -> str | None:
        """This unit's ingress address as seen by the relation (None when unknown)."""
        address = self.model.get_binding(relation).network.ingress_address
        return None if address is None else str(address)

    def _publish_db(self, relation: ops.Relation) -> None:
        """Write this unit's data, and the application's data when leader, to one relation."""
        if _update_bag(relation.data[self.unit], {'unit-ready': 'yes'}):
            logger.info('%s: marked %s ready on relation %d', DB_ENDPOINT, self.unit.name, relation.id)
        if not self.unit.is_leader():
            return
        app_data = {'database': self._database}
        host = self._host_for(relation)
        if host is not None:
            app_data['host'] = host
        else:
            logger.warning('no ingress address for relation %d yet', relation.id)
        if _update_bag(relation.data[self.app], app_data):
            logger.info('published %s on relation %d', app_data, relation.id)

    def _publish_peer(self) -> None:
        relation = self.model.get_relation(PEER_ENDPOINT)
        if relation is None:
            return
        _update_bag(relation.data[self.unit], {'peer-id': self.unit.name})
        if self.unit.is_leader():
            _update_bag(
                relation.data[self.app], {'leader': self.unit.name, 'database': self._database}
            )

    def _wanted(self, exclude: ops.Relation | None = None) -> list[str]:
        """What the related applications want, one entry per relation that says."""
        wanted: list[str] = []
        for relation in self.model.relations[DB_ENDPOINT]:
            if exclude is not None and relation.id == exclude.id:
                continue
            if relation.app is None:
                continue
            value = relation.data[relation.app].get('wanted')
            if value:
                wanted.append(value)
        return sorted(wanted)

    def _set_status(self, exclude: ops.Relation | None = None) -> None:
        self.unit.set_workload_version(WORKLOAD_VERSION)
        wanted = self._wanted(exclude)
        if wanted:
            self.unit.status = ops.ActiveStatus(f'serving {", ".join(wanted)}')
        else:
            self.unit.status = ops.ActiveStatus('ready')

    def _refresh(self, event: ops.EventBase | None = None) -> None:
        """Republish everything this unit is responsible for and recompute the status."""
        for relation in self.model.relations[DB_ENDPOINT]:
            self._publish_db(relation)
        self._publish_peer()
        self._set_status()

    # --- hooks ----------------------------------------------------------------

    def _on_install(self, event: ops.InstallEvent) -> None:
        self.unit.status = ops.MaintenanceStatus('installing')
        self.unit.set_workload_version(WORKLOAD_VERSION)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        logger.info('config-changed: database-name=%r', self._database)
        self._refresh()

    def _on_leader_elected(self, event: ops.LeaderElectedEvent) -> None:
        logger.info('%s is now the leader', self.unit.name)
        self._refresh()

    def _on_db_relation(self, event: ops.RelationEvent) -> None:
        remote = event.unit.name if event.unit else (event.app.name if event.app else '?')
        logger.info('%s on relation %d from %s', event.handle.kind, event.relation.id, remote)
        self._publish_db(event.relation)
        self._set_status()

    def _on_db_relation_broken(self, event: ops.RelationBrokenEvent) -> None:
        logger.info('db relation %d is gone', event.relation.id)
        self._set_status(exclude=event.relation)

    def _on_peer_relation(self, event: ops.RelationEvent) -> None:
        self._publish_peer()

    def _on_peer_departed(self, event: ops.RelationDepartedEvent) -> None:
        departing = event.departing_unit.name if event.departing_unit else '?'
        logger.info('peer %s left %s', departing, PEER_ENDPOINT)

    # --- actions --------------------------------------------------------------

    def _on_peers_action(self, event: ops.ActionEvent) -> None:
        relation = self.model.get_relation(PEER_ENDPOINT)
        names = [] if relation is None else sorted(u.name for u in relation.units)
        event.set_results({'peers': ','.join(names)})

    def _on_leader_data_action(self, event: ops.ActionEvent) -> None:
        relation = self.model.get_relation(PEER_ENDPOINT)
        if relation is None:
            event.fail(f'no {PEER_ENDPOINT} relation yet')
            return
        event.set_results(dict(relation.data[self.app]))


if __name__ == '__main__':  # pragma: nocover
    ops.main(KvDbCharm)
