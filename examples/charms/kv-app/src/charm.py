#!/usr/bin/env python3
"""kv-app: the requiring side of a relation test pair (see kv-db), used to test minijuju.

Behaviour:

* The leader writes ``wanted`` (config ``want``) into this application's
  databag on the ``db`` relation (interface ``kv``, limit 1) whenever the
  relation or the config changes, or it becomes leader.
* Every unit is ``blocked`` with ``waiting for db`` until the provider's
  application databag has ``host``, then ``active`` with
  ``db at <host>/<database>``.
* relation-departed: logs the departing unit and stores how many provider
  units remain (``remaining_db_units``) and who left last (``last_departed``).
* relation-broken: ``blocked`` with ``db relation removed`` (kept until a new
  ``db`` relation is created).
* update-status: re-reads and re-sets the unit's status (``status-get`` then
  ``status-set``), the stand-in for a workload health check. kv-rust does
  exactly the same, which is what the ``rust-vs-python`` benchmark compares.
* action ``db-info``: ``host``, ``database`` and ``units`` (the provider units
  this unit sees, sorted and comma-joined).
"""

from __future__ import annotations

import logging

import ops

logger = logging.getLogger(__name__)

WORKLOAD_VERSION = '1.1.0'
DB_ENDPOINT = 'db'
WAITING_MESSAGE = 'waiting for db'
REMOVED_MESSAGE = 'db relation removed'


class KvAppCharm(ops.CharmBase):
    """Asks kv-db for something and reports where the database is."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(relation_removed=False, remaining_db_units=-1, last_departed='')
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.start, self._refresh)
        framework.observe(self.on.config_changed, self._refresh)
        framework.observe(self.on.leader_elected, self._refresh)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on[DB_ENDPOINT].relation_created, self._on_db_created)
        framework.observe(self.on[DB_ENDPOINT].relation_joined, self._on_db_relation)
        framework.observe(self.on[DB_ENDPOINT].relation_changed, self._on_db_relation)
        framework.observe(self.on[DB_ENDPOINT].relation_departed, self._on_db_departed)
        framework.observe(self.on[DB_ENDPOINT].relation_broken, self._on_db_broken)
        framework.observe(self.on.db_info_action, self._on_db_info_action)

    # --- helpers --------------------------------------------------------------

    @property
    def _want(self) -> str:
        return str(self.config.get('want') or 'everything')

    def _relation(self) -> ops.Relation | None:
        return self.model.get_relation(DB_ENDPOINT)

    @staticmethod
    def _provider_data(relation: ops.Relation) -> dict[str, str]:
        if relation.app is None:
            return {}
        return dict(relation.data[relation.app])

    def _publish(self, relation: ops.Relation) -> None:
        if not self.unit.is_leader():
            return
        bag = relation.data[self.app]
        if bag.get('wanted') != self._want:
            bag['wanted'] = self._want
            logger.info('asked for %r on relation %d', self._want, relation.id)

    def _set_status(self, relation: ops.Relation | None) -> None:
        self.unit.set_workload_version(WORKLOAD_VERSION)
        if relation is None:
            message = REMOVED_MESSAGE if self._stored.relation_removed else WAITING_MESSAGE
            self.unit.status = ops.BlockedStatus(message)
            return
        data = self._provider_data(relation)
        host = data.get('host')
        if not host:
            self.unit.status = ops.BlockedStatus(WAITING_MESSAGE)
            return
        self.unit.status = ops.ActiveStatus(f'db at {host}/{data.get("database", "")}')

    def _refresh(self, event: ops.EventBase | None = None) -> None:
        relation = self._relation()
        if relation is not None:
            self._publish(relation)
        self._set_status(relation)

    # --- hooks ----------------------------------------------------------------

    def _on_install(self, event: ops.InstallEvent) -> None:
        self.unit.set_workload_version(WORKLOAD_VERSION)
        self.unit.status = ops.BlockedStatus(WAITING_MESSAGE)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        # One status-get and one status-set: the status is left as it was.
        self.unit.status = self.unit.status

    def _on_db_created(self, event: ops.RelationCreatedEvent) -> None:
        self._stored.relation_removed = False
        self._publish(event.relation)
        self._set_status(event.relation)

    def _on_db_relation(self, event: ops.RelationEvent) -> None:
        self._publish(event.relation)
        self._set_status(event.relation)

    def _on_db_departed(self, event: ops.RelationDepartedEvent) -> None:
        departing = event.departing_unit.name if event.departing_unit else '?'
        remaining = len(event.relation.units)
        self._stored.remaining_db_units = remaining
        self._stored.last_departed = departing
        logger.info(
            '%s departed from db relation %d; %d db unit(s) remain',
            departing,
            event.relation.id,
            remaining,
        )
        self._set_status(event.relation)

    def _on_db_broken(self, event: ops.RelationBrokenEvent) -> None:
        self._stored.relation_removed = True
        self._stored.remaining_db_units = 0
        logger.info('db relation %d removed', event.relation.id)
        self.unit.set_workload_version(WORKLOAD_VERSION)
        self.unit.status = ops.BlockedStatus(REMOVED_MESSAGE)

    # --- actions --------------------------------------------------------------

    def _on_db_info_action(self, event: ops.ActionEvent) -> None:
        relation = self._relation()
        if relation is None:
            event.fail('no db relation')
            return
        data = self._provider_data(relation)
        event.set_results({
            'host': data.get('host', ''),
            'database': data.get('database', ''),
            'units': ','.join(sorted(u.name for u in relation.units)),
        })


if __name__ == '__main__':  # pragma: nocover
    ops.main(KvAppCharm)
