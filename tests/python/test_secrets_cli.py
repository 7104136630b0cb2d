"""End to end: Jubilant's real secret methods drive minijuju's secret CLI.

A user secret is added, listed, revealed, updated (new revision, rename),
granted to an application whose hook context reads it by URI with
``secret-get``, and removed. Shares one model for the module; tests run in
file order.
"""

from __future__ import annotations

import datetime

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'hello-shell'
UNIT = f'{APP}/0'


@pytest.fixture(scope='module')
def uri(juju: jubilant.Juju) -> jubilant.SecretURI:
    return juju.add_secret('dbpass', {'username': 'admin', 'password': 'hunter2'}, info='DB creds')


def test_add_secret_returns_a_uri(uri: jubilant.SecretURI):
    assert uri.startswith('secret:')
    assert len(uri.unique_identifier) == 20


def test_secrets_lists_the_user_secret(juju: jubilant.Juju, uri: jubilant.SecretURI):
    secrets = juju.secrets()
    assert [s.uri for s in secrets] == [uri]
    s = secrets[0]
    assert s.owner == '<model>'
    assert s.name == 'dbpass'
    assert s.label is None
    assert s.description == 'DB creds'
    assert s.revision == 1
    assert s.created == s.updated
    assert s.created.tzinfo == datetime.timezone.utc


def test_show_secret_reveals_content(juju: jubilant.Juju, uri: jubilant.SecretURI):
    s = juju.show_secret('dbpass', reveal=True)
    assert isinstance(s, jubilant.RevealedSecret)
    assert s.uri == uri
    assert s.content == {'username': 'admin', 'password': 'hunter2'}
    hidden = juju.show_secret(uri)
    assert not isinstance(hidden, jubilant.RevealedSecret)
    assert hidden.name == 'dbpass'


def test_update_secret_makes_a_revision(juju: jubilant.Juju, uri: jubilant.SecretURI):
    juju.update_secret('dbpass', {'password': 'hunter3'}, info='rotated')
    s = juju.show_secret(uri, reveal=True)
    assert s.revision == 2
    assert s.description == 'rotated'
    assert s.content == {'password': 'hunter3'}
    old = juju.show_secret(uri, reveal=True, revision=1)
    assert old.content['password'] == 'hunter2'
    revs = juju.show_secret(uri, revisions=True).revisions
    assert revs is not None
    assert [r.revision for r in revs] == [1, 2]
    # Rename; the new name finds it.
    juju.update_secret(uri, {'password': 'hunter3'}, name='dbcreds')
    assert juju.show_secret('dbcreds').revision == 2


def test_granted_secret_is_read_by_a_hook(juju: jubilant.Juju, uri: jubilant.SecretURI):
    juju.deploy(charm_path(APP))
    juju.wait(lambda s: jubilant.all_active(s, APP), error=jubilant.any_error, timeout=DEPLOY_TIMEOUT)
    with pytest.raises(jubilant.TaskError) as e:
        juju.exec(f'secret-get {uri} password', unit=UNIT)
    # The secret exists but is not granted to the unit: Juju's facade
    # answers permission denied (not found is for an unknown id).
    assert e.value.task.stderr == 'ERROR permission denied\n'
    juju.grant_secret('dbcreds', [APP])
    task = juju.exec(f'secret-get {uri} password', unit=UNIT)
    assert task.stdout == 'hunter3\n'
    access = juju.show_secret(uri).access
    assert access is not None
    assert [a.target for a in access] == [f'application-{APP}']
    assert access[0].role == 'view'


def test_remove_secret(juju: jubilant.Juju, uri: jubilant.SecretURI):
    juju.remove_secret(uri, revision=1)
    revs = juju.show_secret(uri, revisions=True).revisions
    assert revs is not None
    assert [r.revision for r in revs] == [2]
    juju.remove_secret('dbcreds')
    assert juju.secrets() == []
    with pytest.raises(jubilant.CLIError) as e:
        juju.show_secret(uri)
    assert f'secret "{uri.unique_identifier}" not found' in e.value.stderr
