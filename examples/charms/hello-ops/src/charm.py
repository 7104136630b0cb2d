#!/usr/bin/env python3
"""hello-ops: a minimal machine charm on the ops framework, used to test minijuju.

Behaviour, hook by hook:

* install: MaintenanceStatus while "installing", then WaitingStatus until start.
* config-changed / start: ActiveStatus("ready: <greeting>") and workload version 1.0.0;
  config-changed also counts its runs in stored state.
* actions: ``echo`` returns the message, the unit name and a nested result;
  ``fail`` fails through ``event.fail``; ``raise`` raises an uncaught RuntimeError.
"""

from __future__ import annotations

import logging

import ops

logger = logging.getLogger(__name__)

WORKLOAD_VERSION = '1.0.0'
FAIL_MESSAGE = 'the fail action always fails'
RAISE_MESSAGE = 'the raise action raised on purpose'


class HelloOpsCharm(ops.CharmBase):
    """Sets its status from config and answers three actions."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(config_changed_runs=0)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.echo_action, self._on_echo_action)
        framework.observe(self.on.fail_action, self._on_fail_action)
        framework.observe(self.on.raise_action, self._on_raise_action)

    @property
    def _greeting(self) -> str:
        return str(self.config.get('greeting', 'hello'))

    def _set_ready(self) -> None:
        self.unit.set_workload_version(WORKLOAD_VERSION)
        self.unit.status = ops.ActiveStatus(f'ready: {self._greeting}')

    def _on_install(self, event: ops.InstallEvent) -> None:
        self.unit.status = ops.MaintenanceStatus('installing')
        logger.info('installing hello-ops on %s', self.unit.name)
        self.unit.status = ops.WaitingStatus('installed, waiting for start')

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        self._stored.config_changed_runs += 1
        logger.info(
            'config-changed run %d: greeting=%r count=%r',
            self._stored.config_changed_runs,
            self._greeting,
            self.config.get('count'),
        )
        self._set_ready()

    def _on_start(self, event: ops.StartEvent) -> None:
        self._set_ready()

    def _on_leader_elected(self, event: ops.LeaderElectedEvent) -> None:
        logger.info('%s is now the leader', self.unit.name)

    def _on_echo_action(self, event: ops.ActionEvent) -> None:
        message = str(event.params['message'])
        event.log(f'echoing {len(message)} characters')
        event.set_results({
            'echo': message,
            'unit': self.unit.name,
            'nested': {'value': len(message)},
        })

    def _on_fail_action(self, event: ops.ActionEvent) -> None:
        event.fail(FAIL_MESSAGE)

    def _on_raise_action(self, event: ops.ActionEvent) -> None:
        raise RuntimeError(RAISE_MESSAGE)


if __name__ == '__main__':  # pragma: nocover
    ops.main(HelloOpsCharm)
