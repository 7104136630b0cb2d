#!/usr/bin/env python3
"""res-reboot: ops' resource, cloud-spec and reboot APIs, to test minijuju end to end.

Behaviour:

* Every handled hook appends one JSON line to ``events.log`` in the charm
  directory, written at once (not through StoredState, which ops saves only
  when the hook ends, so that a hook killed by ``reboot(now=True)`` is seen
  too): ``event`` (the hook), ``type`` (the ops event class), ``boot`` (the
  machine's boot id), ``uptime`` (seconds, from ``/proc/uptime``), and what
  the hook saw.
* install, upgrade-charm: ``self.model.resources.fetch('conf')`` and its
  content (``conf``), or the ops error (``conf-error``).
* config-changed: ``self.model.get_cloud_spec()``'s type (``cloud``) or the
  ops error (``cloud-error``); then, with config ``reboot`` set to
  ``after:<token>`` or ``now:<token>`` whose token was not acted on yet,
  ``self.unit.reboot()`` or ``self.unit.reboot(now=True)`` (``reboot``:
  ``after``, ``now``, or ``done`` when the token was acted on already).
* Status: active, ``conf: <content>`` or ``no conf``.
* Actions: ``events``, ``cloud-spec``, ``fetch``, ``reboot`` (see actions.yaml;
  ``reboot`` reports the refusal with the error's class and stderr).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import ops
from ops import hookcmds

logger = logging.getLogger(__name__)

EVENTS = Path('events.log')
# The last `reboot` value acted on: a file on the machine's disk survives
# the reboot, unlike what the killed hook would have committed.
REBOOT_TOKEN = Path('reboot-token')


def boot() -> dict[str, Any]:
    """The machine's boot as a process on it sees it."""
    boot_id = Path('/proc/sys/kernel/random/boot_id').read_text().strip()
    uptime = float(Path('/proc/uptime').read_text().split()[0])
    return {'boot': boot_id, 'uptime': uptime}


def error(exc: Exception) -> dict[str, str]:
    return {'error': str(exc).strip(), 'error-type': type(exc).__name__}


class ResRebootCharm(ops.CharmBase):
    """See the module docstring."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.upgrade_charm, self._on_upgrade_charm)
        framework.observe(self.on.events_action, self._on_events)
        framework.observe(self.on.cloud_spec_action, self._on_cloud_spec)
        framework.observe(self.on.fetch_action, self._on_fetch)
        framework.observe(self.on.reboot_action, self._on_reboot)

    def _record(self, event: ops.EventBase, **seen: Any) -> None:
        line = {'event': event.handle.kind, 'type': type(event).__name__, **boot(), **seen}
        logger.info('res-reboot event %s', line)
        with EVENTS.open('a') as f:
            f.write(json.dumps(line) + '\n')

    def _conf(self) -> dict[str, str]:
        try:
            path = self.model.resources.fetch('conf')
        except ops.ModelError as e:
            return {'conf-error': str(e).strip()}
        return {'conf': path.read_text(), 'conf-path': str(path)}

    def _set_status(self, seen: dict[str, str]) -> None:
        if 'conf' in seen:
            self.unit.status = ops.ActiveStatus(f'conf: {seen["conf"].strip()}')
        else:
            self.unit.status = ops.ActiveStatus('no conf')

    # --- hooks ----------------------------------------------------------------

    def _on_install(self, event: ops.InstallEvent) -> None:
        seen = self._conf()
        self._record(event, **seen)
        self._set_status(seen)

    def _on_start(self, event: ops.StartEvent) -> None:
        self._record(event)

    def _on_upgrade_charm(self, event: ops.UpgradeCharmEvent) -> None:
        seen = self._conf()
        self._record(event, **seen)
        self._set_status(seen)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        seen: dict[str, Any] = {}
        try:
            seen['cloud'] = self.model.get_cloud_spec().type
        except ops.ModelError as e:
            seen['cloud-error'] = str(e).strip()
        wanted = str(self.config.get('reboot', ''))
        mode, _, token = wanted.partition(':')
        if mode not in ('after', 'now') or not token:
            self._record(event, **seen)
            return
        if REBOOT_TOKEN.exists() and REBOOT_TOKEN.read_text() == wanted:
            self._record(event, reboot='done', token=token, **seen)
            return
        REBOOT_TOKEN.write_text(wanted)
        self._record(event, reboot=mode, token=token, **seen)
        self.unit.reboot(now=mode == 'now')

    # --- actions --------------------------------------------------------------

    def _on_events(self, event: ops.ActionEvent) -> None:
        event.set_results({'events': EVENTS.read_text() if EVENTS.exists() else ''})

    def _on_cloud_spec(self, event: ops.ActionEvent) -> None:
        try:
            spec = self.model.get_cloud_spec()
        except ops.ModelError as e:
            event.set_results(error(e))
            return
        cred = spec.credential
        event.set_results({
            'type': spec.type,
            'name': spec.name,
            'region': repr(spec.region),
            'endpoint': repr(spec.endpoint),
            'identity-endpoint': repr(spec.identity_endpoint),
            'storage-endpoint': repr(spec.storage_endpoint),
            'auth-type': cred.auth_type if cred else 'none',
            'attributes': json.dumps(cred.attributes if cred else None),
            'redacted': json.dumps(cred.redacted if cred else None),
            'ca-certificates': json.dumps(spec.ca_certificates),
            'skip-tls-verify': str(spec.skip_tls_verify),
            'is-controller-cloud': str(spec.is_controller_cloud),
        })

    def _on_fetch(self, event: ops.ActionEvent) -> None:
        name = event.params['name']
        try:
            path = self.model.resources.fetch(name)
        except (ops.ModelError, NameError) as e:
            event.set_results(error(e))
            return
        event.set_results({'path': str(path), 'content': path.read_text()})

    def _on_reboot(self, event: ops.ActionEvent) -> None:
        try:
            self.unit.reboot()
        except ops.ModelError as e:
            event.set_results(error(e))
            return
        except hookcmds.Error as e:
            # ops 3.9 runs juju-reboot outside its ModelError wrapping, so
            # the refusal arrives as the hook command's own error.
            event.set_results({
                **error(e),
                'tool-stderr': e.stderr.strip(),
                'tool-code': e.returncode,
            })
            return
        event.set_results({'rebooted': 'yes'})


if __name__ == '__main__':  # pragma: nocover
    ops.main(ResRebootCharm)
