#!/usr/bin/env python3
"""sto-ops: storage through ops' API (model.storages, StorageAttachedEvent,
StorageDetachingEvent, model.storages.request: storage-add), for minijuju's tests.

Every storage event is recorded (``<event> <full id>``) in a file inside the
charm directory (the unit's own), and storage-attached writes a note into the
instance's location; install records which notes it can read, so a test sees
that storage was attached before install.
"""

from __future__ import annotations

import json
import pathlib

import ops

LOG = pathlib.Path('events.log')


def record(line: str) -> None:
    with LOG.open('a') as f:
        f.write(line + '\n')


class StoCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.data_storage_attached, self._on_attached)
        framework.observe(self.on.cache_storage_attached, self._on_attached)
        framework.observe(self.on.data_storage_detaching, self._on_detaching)
        framework.observe(self.on.cache_storage_detaching, self._on_detaching)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.add_data_action, self._on_add_data)
        framework.observe(self.on.report_action, self._on_report)

    def _on_attached(self, event: ops.StorageAttachedEvent):
        s = event.storage
        (s.location / 'note').write_text(f'{s.full_id}\n')
        record(f'attached {s.full_id} {s.name} {s.index}')

    def _on_detaching(self, event: ops.StorageDetachingEvent):
        record(f'detaching {event.storage.full_id}')

    def _on_install(self, event: ops.InstallEvent):
        notes = sorted(
            (s.location / 'note').read_text().strip()
            for name in ('data', 'cache')
            for s in self.model.storages[name]
        )
        record('install ' + ','.join(notes))

    def _on_start(self, event: ops.StartEvent):
        self.unit.status = ops.ActiveStatus(f'data={len(self.model.storages["data"])}')

    def _on_add_data(self, event: ops.ActionEvent):
        self.model.storages.request('data', event.params['count'])
        event.set_results({'asked': event.params['count']})

    def _on_report(self, event: ops.ActionEvent):
        where = {
            s.full_id: str(s.location)
            for name in ('data', 'cache')
            for s in self.model.storages[name]
        }
        event.set_results({
            'events': LOG.read_text() if LOG.exists() else '',
            'storages': json.dumps(where, sort_keys=True),
        })


if __name__ == '__main__':
    ops.main(StoCharm)
