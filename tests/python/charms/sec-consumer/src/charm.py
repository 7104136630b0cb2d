#!/usr/bin/env python3
"""sec-consumer: reads a secret shared over a relation with ops' Secret API, to test minijuju.

Behaviour:

* ``creds`` endpoint, relation-changed: reads ``secret-id`` from the related
  application's databag, gets the secret by id giving it the consumer label
  ``creds-in``, and shows ``password <password>`` as its status.
* secret-changed: records ``changed:<label>:<password>`` with the peeked
  (latest) content; it refreshes (and shows the new password) only when
  config ``auto-refresh`` is true. The ``read`` action gets, peeks or
  refreshes by label, so a test can see what each does.
* ``relabel`` action: gets the secret by id with a new consumer label.
* ``unit-secrets`` action: reads by its bare unique id every ``unit-secret-id`` that a
  related unit published, returning its ``owner`` key per unit.
"""

from __future__ import annotations

import logging

import ops

logger = logging.getLogger(__name__)

LABEL = 'creds-in'


class SecConsumerCharm(ops.CharmBase):
    """The consuming side; see the module docstring."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(events=[])
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on['creds'].relation_changed, self._on_creds_changed)
        framework.observe(self.on.secret_changed, self._on_secret_changed)
        framework.observe(self.on.read_action, self._on_read)
        framework.observe(self.on.unit_secrets_action, self._on_unit_secrets)
        framework.observe(self.on.relabel_action, self._on_relabel)
        framework.observe(self.on.events_action, self._on_events)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.status = ops.WaitingStatus('no secret yet')

    def _on_creds_changed(self, event: ops.RelationChangedEvent) -> None:
        secret_id = event.relation.data[event.relation.app].get('secret-id')
        if not secret_id:
            return
        content = self.model.get_secret(id=secret_id, label=LABEL).get_content()
        self.unit.status = ops.ActiveStatus(f'password {content["password"]}')

    def _on_secret_changed(self, event: ops.SecretChangedEvent) -> None:
        latest = event.secret.peek_content()
        self._stored.events.append(f'changed:{event.secret.label}:{latest.get("password")}')
        if self.config.get('auto-refresh'):
            content = event.secret.get_content(refresh=True)
            self.unit.status = ops.ActiveStatus(f'password {content["password"]}')

    def _on_read(self, event: ops.ActionEvent) -> None:
        mode = event.params['mode']
        try:
            secret = self.model.get_secret(label=event.params.get('label', LABEL))
            if mode == 'peek':
                content = secret.peek_content()
            else:
                content = secret.get_content(refresh=mode == 'refresh')
        except ops.ModelError as e:
            event.fail(f'cannot read: {e}')
            return
        event.set_results(content)

    def _on_unit_secrets(self, event: ops.ActionEvent) -> None:
        results = {}
        for relation in self.model.relations['creds']:
            for unit in relation.units:
                secret_id = relation.data[unit].get('unit-secret-id')
                if secret_id:
                    # By the bare unique id, which ops turns into the
                    # secret://<model-uuid>/<id> form.
                    bare = secret_id.rsplit('/', 1)[-1].rsplit(':', 1)[-1]
                    content = self.model.get_secret(id=bare).get_content()
                    results[unit.name.replace('/', '-')] = content['owner']
        event.set_results(results)

    def _on_relabel(self, event: ops.ActionEvent) -> None:
        (relation,) = self.model.relations['creds']
        secret_id = relation.data[relation.app]['secret-id']
        content = self.model.get_secret(id=secret_id, label=event.params['label']).get_content()
        event.set_results(content)

    def _on_events(self, event: ops.ActionEvent) -> None:
        event.set_results({'events': ','.join(self._stored.events)})


if __name__ == '__main__':  # pragma: nocover
    ops.main(SecConsumerCharm)
