#!/usr/bin/env python3
"""sec-owner: owns secrets with ops' Secret API, to test minijuju's secrets end to end.

Behaviour:

* ``creds`` endpoint: on relation-joined the leader creates (once) an
  application secret labelled ``creds`` (``password: p1``), grants it to the
  relation and writes its id into the application databag as ``secret-id``.
* ``ring`` peer endpoint: the leader creates (once) an application secret
  labelled ``peer-token``; the ``peer-token`` action reads it by label, which
  any unit of the application may do.
* secret-remove: removes the revision that no consumer tracks any more.
  secret-rotate: a new revision with ``count`` one higher. secret-expired: a new
  revision with ``renewed: after<revision>``. Each is recorded in the ``events`` action.
* actions: ``set-password`` (a new revision; fails with the error on a
  follower), ``grant`` (grant to, or with ``revoke`` revoke from, every
  ``creds`` relation), ``unit-secret`` (a secret owned by this unit,
  granted to every ``creds`` relation, its id in the unit databag as
  ``unit-secret-id``), ``set-info``, ``info``, ``add-timed``, ``remove-all``,
  ``peer-token``, ``relabel`` (get by id with a new owner label),
  ``add-and-fail`` (add_secret, then event.fail() or, with ``crash``, raise),
  ``churn`` (set_content twice in one hook, after add_secret if ``create``), ``events``.
* config ``explode``: config-changed adds a secret with that label, then raises.
"""

from __future__ import annotations

import datetime
import logging

import ops

logger = logging.getLogger(__name__)


class SecOwnerCharm(ops.CharmBase):
    """The owning side; see the module docstring."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(events=[])
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.leader_elected, self._ensure_peer_secret)
        framework.observe(self.on['ring'].relation_created, self._ensure_peer_secret)
        framework.observe(self.on['creds'].relation_joined, self._on_creds_joined)
        framework.observe(self.on.secret_remove, self._on_secret_remove)
        framework.observe(self.on.secret_rotate, self._on_secret_rotate)
        framework.observe(self.on.secret_expired, self._on_secret_expired)
        framework.observe(self.on.set_password_action, self._on_set_password)
        framework.observe(self.on.grant_action, self._on_grant)
        framework.observe(self.on.unit_secret_action, self._on_unit_secret)
        framework.observe(self.on.set_info_action, self._on_set_info)
        framework.observe(self.on.info_action, self._on_info)
        framework.observe(self.on.add_timed_action, self._on_add_timed)
        framework.observe(self.on.remove_all_action, self._on_remove_all)
        framework.observe(self.on.peer_token_action, self._on_peer_token)
        framework.observe(self.on.relabel_action, self._on_relabel)
        framework.observe(self.on.churn_action, self._on_churn)
        framework.observe(self.on.add_and_fail_action, self._on_add_and_fail)
        framework.observe(self.on.events_action, self._on_events)

    def _record(self, event: str) -> None:
        logger.info('secret event %s', event)
        self._stored.events.append(event)

    def _secret(self, label: str) -> ops.Secret | None:
        try:
            return self.model.get_secret(label=label)
        except ops.SecretNotFoundError:
            return None

    # --- hooks ----------------------------------------------------------------

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        label = str(self.config.get('explode') or '')
        self.unit.status = ops.ActiveStatus()
        if label:
            self.app.add_secret({'doomed': 'yes'}, label=label)
            raise RuntimeError(f'exploding after adding secret {label!r}')

    def _ensure_peer_secret(self, event: ops.EventBase) -> None:
        if self.unit.is_leader() and self._secret('peer-token') is None:
            self.app.add_secret({'token': 'shared-among-peers'}, label='peer-token')

    def _on_creds_joined(self, event: ops.RelationJoinedEvent) -> None:
        if not self.unit.is_leader():
            return
        secret = self._secret('creds')
        if secret is None:
            secret = self.app.add_secret(
                {'username': 'admin', 'password': 'p1'},
                label='creds',
                description='credentials for the consumer',
            )
        secret.grant(event.relation)
        event.relation.data[self.app]['secret-id'] = secret.get_info().id

    def _on_secret_remove(self, event: ops.SecretRemoveEvent) -> None:
        self._record(f'remove:{event.secret.label}:{event.revision}')
        event.remove_revision()

    def _on_secret_rotate(self, event: ops.SecretRotateEvent) -> None:
        n = int(event.secret.get_content().get('count', '0'))
        self._record(f'rotate:{event.secret.label}:{n}')
        event.secret.set_content({'count': str(n + 1)})

    def _on_secret_expired(self, event: ops.SecretExpiredEvent) -> None:
        self._record(f'expired:{event.secret.label}:{event.revision}')
        event.secret.set_content({'renewed': f'after{event.revision}'})

    # --- actions --------------------------------------------------------------

    def _required(self, event: ops.ActionEvent, label: str) -> ops.Secret:
        secret = self._secret(label)
        if secret is None:
            event.fail(f'no secret labelled {label}')
            raise SystemExit(0)
        return secret

    def _on_set_password(self, event: ops.ActionEvent) -> None:
        secret = self._required(event, 'creds')
        content = secret.get_content()
        content['password'] = event.params['password']
        try:
            secret.set_content(content)
        except ops.ModelError as e:
            event.fail(f'cannot set: {e}')

    def _on_grant(self, event: ops.ActionEvent) -> None:
        secret = self._required(event, 'creds')
        for relation in self.model.relations['creds']:
            if event.params['revoke']:
                secret.revoke(relation)
            else:
                secret.grant(relation)

    def _on_set_info(self, event: ops.ActionEvent) -> None:
        rotate = event.params.get('rotate')
        seconds = event.params.get('expire-seconds')
        self._required(event, event.params.get('label', 'creds')).set_info(
            description=event.params['description'],
            rotate=ops.SecretRotate(rotate) if rotate else None,
            expire=datetime.timedelta(seconds=seconds) if seconds else None,
        )

    def _on_unit_secret(self, event: ops.ActionEvent) -> None:
        secret = self.unit.add_secret({'owner': self.unit.name.replace('/', '-')}, label='mine')
        for relation in self.model.relations['creds']:
            secret.grant(relation)
            relation.data[self.unit]['unit-secret-id'] = secret.get_info().id
        event.set_results({'id': secret.get_info().id})

    def _on_info(self, event: ops.ActionEvent) -> None:
        try:
            info = self._required(event, event.params['label']).get_info()
        except ops.ModelError as e:
            event.fail(f'cannot get info: {e}')
            return
        event.set_results({
            'id': info.id,
            'label': info.label or '',
            'revision': str(info.revision),
            'description': info.description or '',
            'rotation': info.rotation.value if info.rotation else '',
            'rotates': info.rotates.isoformat() if info.rotates else '',
            'expires': info.expires.isoformat() if info.expires else '',
        })

    def _on_add_timed(self, event: ops.ActionEvent) -> None:
        rotate = event.params.get('rotate')
        seconds = event.params.get('expire-seconds')
        owner = self.unit if event.params.get('unit-owned') else self.app
        secret = owner.add_secret(
            {'count': '0'},
            label=event.params['label'],
            description=f'timed secret {event.params["label"]}',
            expire=datetime.timedelta(seconds=seconds) if seconds else None,
            rotate=ops.SecretRotate(rotate) if rotate else None,
        )
        event.set_results({'id': secret.id or ''})

    def _on_remove_all(self, event: ops.ActionEvent) -> None:
        self._required(event, event.params['label']).remove_all_revisions()

    def _on_peer_token(self, event: ops.ActionEvent) -> None:
        event.set_results(self._required(event, 'peer-token').get_content())

    def _on_relabel(self, event: ops.ActionEvent) -> None:
        secret_id = self._required(event, event.params['old']).get_info().id
        self.model.get_secret(id=secret_id, label=event.params['new']).get_content()

    def _on_churn(self, event: ops.ActionEvent) -> None:
        if event.params['create']:
            secret = self.app.add_secret({'count': '0'}, label='churn')
        else:
            secret = self._required(event, 'churn')
        n = int(secret.get_content(refresh=True)['count'])
        secret.set_content({'count': str(n + 1)})
        secret.set_content({'count': str(n + 2)})

    def _on_add_and_fail(self, event: ops.ActionEvent) -> None:
        label = event.params['label']
        self.app.add_secret({'doomed': 'maybe'}, label=label)
        if event.params['crash']:
            raise RuntimeError(f'crashing after adding secret {label!r}')
        event.fail(f'failed after adding secret {label!r}')

    def _on_events(self, event: ops.ActionEvent) -> None:
        event.set_results({'events': ','.join(self._stored.events)})


if __name__ == '__main__':  # pragma: nocover
    ops.main(SecOwnerCharm)
