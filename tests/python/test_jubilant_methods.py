"""End to end: the ``jubilant.Juju`` methods no other module covers
(``model_config`` get/set/reset, ``remove_application``), and a check that
every public method of ``jubilant.Juju`` is exercised by some Jubilant test
here, or is one README lists as needing Charmhub or Kubernetes.

Shares one model for the module; tests run in file order.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import jubilant

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'hello-shell'

# Methods whose every use needs Charmhub or a Kubernetes cluster: none. The
# Charmhub and Kubernetes *options* of the methods (``channel``,
# ``revision``, ``--container``...) are listed in README instead.
NEEDS_CHARMHUB_OR_K8S: set[str] = set()


def test_every_method_has_a_test():
    methods = {
        name
        for name, _ in inspect.getmembers(jubilant.Juju, predicate=inspect.isfunction)
        if not name.startswith('_')
    }
    here = Path(__file__).parent
    text = '\n'.join(p.read_text() for p in here.glob('test_*.py'))
    called = set(re.findall(r'\.([a-z_]+)\(', text))
    missing = sorted(methods - called - NEEDS_CHARMHUB_OR_K8S)
    assert not missing, f'jubilant.Juju methods without a test: {missing}'


def test_model_config_get_set_reset(juju: jubilant.Juju):
    config = juju.model_config()
    assert config['update-status-hook-interval'] == '5m'
    assert config['automatically-retry-hooks'] is True
    assert config['max-status-history-age'] == '336h'
    assert config['max-status-history-size'] == '5G'
    juju.model_config({'update-status-hook-interval': '10s', 'max-status-history-size': '1G'})
    config = juju.model_config()
    assert config['update-status-hook-interval'] == '10s'
    assert config['max-status-history-size'] == '1G'
    juju.model_config(reset=['update-status-hook-interval', 'max-status-history-size'])
    config = juju.model_config()
    assert config['update-status-hook-interval'] == '5m'
    assert config['max-status-history-size'] == '5G'
    juju.model_config({'automatically-retry-hooks': False}, reset='update-status-hook-interval')
    assert juju.model_config()['automatically-retry-hooks'] is False


def test_remove_application(juju: jubilant.Juju):
    juju.deploy(charm_path(APP), num_units=2)
    juju.wait(lambda s: jubilant.all_active(s, APP), error=jubilant.any_error, timeout=DEPLOY_TIMEOUT)
    juju.remove_application(APP, destroy_storage=True)
    status = juju.wait(lambda s: APP not in s.apps, timeout=DEPLOY_TIMEOUT)
    assert status.apps == {}
    # Removing it again fails as Juju's does.
    try:
        juju.remove_application(APP)
    except jubilant.CLIError as exc:
        assert 'not found' in exc.stderr
    else:
        raise AssertionError('removing a removed application succeeded')
