"""Jubilant's cloud, credential and bootstrap methods against minijuju.

``juju.add_cloud`` / ``juju.update_cloud`` (client and controller, from a
mapping and from a file), ``juju.add_credential`` (client and controller),
``juju.add_model(name, cloud, credential=...)`` with ``juju.show_model``
showing them, and ``juju.bootstrap``; the raw calls Jubilant's own
integration tests make (``show-cloud``, ``remove-cloud``, ``credentials
--format json``). A trusted ops charm (``charms/res-reboot``, its
``cloud-spec`` action) then reads its model's cloud and credential through
``self.model.get_cloud_spec()``. Nothing contacts a cloud.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Generator
from pathlib import Path

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

CHARM = TEST_CHARMS / 'res-reboot'


def definition(name: str, endpoint: str) -> dict:
    return {
        'clouds': {
            name: {
                'type': 'openstack',
                'auth-types': ['userpass'],
                'regions': {'dev-region': {'endpoint': endpoint}},
            }
        }
    }


def test_add_and_update_cloud_client(juju: jubilant.Juju):
    name = 'jc-client'
    juju.add_cloud(name, definition(name, 'https://add.local:5000/v3'), client=True)
    try:
        assert 'https://add.local:5000/v3' in juju.cli(
            'show-cloud', '--client', name, include_model=False
        )
        juju.update_cloud(name, definition(name, 'https://update.local:5000/v3'), client=True)
        assert 'https://update.local:5000/v3' in juju.cli(
            'show-cloud', '--client', name, include_model=False
        )
    finally:
        juju.cli('remove-cloud', '--client', name, include_model=False)
    with pytest.raises(jubilant.CLIError) as e:
        juju.cli('show-cloud', '--client', name, include_model=False)
    assert e.value.stderr == f'ERROR cloud {name} not found on this client\n'


def test_add_and_update_cloud_controller_from_files(juju: jubilant.Juju, tmp_path: Path):
    controller = juju.show_model().controller_name
    name = 'jc-ctl'
    first = tmp_path / 'first.yaml'
    first.write_text(json.dumps(definition(name, 'https://add-ctl.local:5000/v3')))
    second = tmp_path / 'second.yaml'
    second.write_text(json.dumps(definition(name, 'https://update-ctl.local:5000/v3')))
    juju.add_cloud(name, first, controller=controller)
    try:
        show = juju.cli('show-cloud', '--controller', controller, name, include_model=False)
        assert 'https://add-ctl.local:5000/v3' in show
        juju.update_cloud(name, second, controller=controller)  # Jubilant sends -f
        show = juju.cli('show-cloud', '--controller', controller, name, include_model=False)
        assert 'https://update-ctl.local:5000/v3' in show
    finally:
        juju.cli('remove-cloud', '--controller', controller, name, include_model=False)
    with pytest.raises(jubilant.CLIError):
        juju.add_cloud(name, first, controller='no-such-controller')


def test_add_credential_client(juju: jubilant.Juju):
    juju.add_credential(
        'aws',
        {
            'credentials': {
                'aws': {
                    'jcred': {
                        'auth-type': 'access-key',
                        'access-key': 'fake-access-key',
                        'secret-key': 'fake-secret-key',
                    }
                }
            }
        },
        client=True,
    )
    result = json.loads(juju.cli('credentials', '--format', 'json', include_model=False))
    creds = result['client-credentials']['aws']['cloud-credentials']['jcred']
    assert creds['details'] == {'access-key': 'fake-access-key'}
    juju.cli('remove-credential', 'aws', 'jcred', '--client', include_model=False)


@pytest.fixture(scope='module')
def on_cloud(juju: jubilant.Juju) -> Generator[jubilant.Juju]:
    """A model on cloud ``jos`` (region ``dev-region``) with credential
    ``jc1``, the trusted res-reboot charm deployed in it."""
    controller = juju.show_model().controller_name
    juju.add_cloud('jos', definition('jos', 'https://jos.local:5000/v3'), controller=controller)
    juju.add_credential(
        'jos',
        {'credentials': {'jos': {'jc1': {'auth-type': 'userpass', 'username': 'bob',
                                          'password': 'pw1'}}}},
        controller=controller,
    )
    model = jubilant.Juju(wait_timeout=DEPLOY_TIMEOUT)
    model.add_model('jubilant-on-jos', 'jos/dev-region', credential='jc1')
    try:
        model.deploy(CHARM, 'jspec', trust=True)
        model.wait(lambda s: jubilant.all_active(s, 'jspec'), error=jubilant.any_error)
        yield model
    finally:
        juju.destroy_model('jubilant-on-jos', force=True)
        juju.cli('remove-cloud', '--controller', controller, 'jos', include_model=False)


def test_show_model_names_the_cloud_and_credential(on_cloud: jubilant.Juju):
    info = on_cloud.show_model()
    assert (info.cloud, info.region, info.type) == ('jos', 'dev-region', 'openstack')
    assert info.credential is not None
    assert (info.credential.name, info.credential.cloud) == ('jc1', 'jos')
    status = on_cloud.status()
    assert (status.model.cloud, status.model.region) == ('jos', 'dev-region')


def test_get_cloud_spec_answers_the_models_cloud(on_cloud: jubilant.Juju):
    spec = on_cloud.run('jspec/0', 'cloud-spec').results
    assert spec['type'] == 'openstack'
    assert spec['name'] == 'jos'
    assert spec['region'] == "'dev-region'"
    assert spec['endpoint'] == "'https://jos.local:5000/v3'"
    assert spec['auth-type'] == 'userpass'
    assert json.loads(spec['attributes']) == {'username': 'bob', 'password': 'pw1'}
    assert spec['is-controller-cloud'] == 'False'


def test_bootstrap_names_a_controller_once(minijuju: Path):
    """In a data directory of its own: bootstrap renames the session's
    controller otherwise."""
    home = tempfile.mkdtemp(prefix='mjboot-')
    mp = pytest.MonkeyPatch()
    mp.setenv('MINIJUJU_HOME', home)
    try:
        juju = jubilant.Juju()
        juju.bootstrap('localhost', 'jctl', config={'k': 'v'}, model_defaults={'a': 'b'})
        controllers = json.loads(juju.cli('controllers', '--format', 'json', include_model=False))
        assert controllers['current-controller'] == 'jctl'
        with pytest.raises(jubilant.CLIError) as e:
            juju.bootstrap('localhost', 'jctl')
        assert e.value.stderr == 'ERROR controller "jctl" already exists\n'
        juju.add_model('jm', controller='jctl')
        assert juju.model == 'jctl:jm'
        assert juju.show_model().controller_name == 'jctl'
    finally:
        subprocess.run(
            [str(minijuju), 'controller', 'stop'],
            capture_output=True,
            env=dict(os.environ),
            timeout=120,
        )
        mp.undo()
