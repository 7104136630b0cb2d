"""End to end: Jubilant's ``refresh`` against minijuju, with a copy of the hello-ops charm.

The copy is changed between refreshes (a new config option, new code), so each
refresh must put the new charm on every unit, run it, and bump the revision.
The tests share one model and run in file order.
"""

from __future__ import annotations

import pathlib
import shutil

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, charm_path

APP = 'hello-ops'


def messages(status: jubilant.Status) -> set[str]:
    return {u.workload_status.message for u in status.apps[APP].units.values()}


@pytest.fixture(scope='module')
def charm(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    dest = tmp_path_factory.mktemp('refresh') / 'hello-ops'
    shutil.copytree(charm_path(APP), dest, symlinks=True)
    return dest


@pytest.fixture(scope='module')
def deployed(juju: jubilant.Juju, charm: pathlib.Path) -> jubilant.Status:
    juju.deploy(charm, num_units=2)
    return juju.wait(
        lambda s: jubilant.all_active(s, APP), error=jubilant.any_error, timeout=DEPLOY_TIMEOUT
    )


def test_refresh_runs_the_new_charm_with_its_config(
    juju: jubilant.Juju, charm: pathlib.Path, deployed: jubilant.Status
):
    assert deployed.apps[APP].charm_rev == 0
    config = (charm / 'config.yaml').read_text()
    (charm / 'config.yaml').write_text(
        config + '  extra:\n    type: string\n    default: added\n    description: new\n'
    )
    code = (charm / 'src' / 'charm.py').read_text()
    (charm / 'src' / 'charm.py').write_text(
        code.replace("f'ready: {self._greeting}'", "f'v2: {self.config.get(\"extra\")}'")
    )
    juju.refresh(APP, path=charm, config={'extra': 'given'}, trust=True)
    status = juju.wait(
        lambda s: messages(s) == {'v2: given'}, error=jubilant.any_error, timeout=DEPLOY_TIMEOUT
    )
    app = status.apps[APP]
    assert app.charm == 'local:hello-ops-1'
    assert app.charm_rev == 1
    cfg = juju.config(APP)
    assert cfg['extra'] == 'given'
    assert juju.config(APP, app_config=True)['trust'] is True


def test_refresh_to_the_same_charm_bumps_the_revision(juju: jubilant.Juju, charm: pathlib.Path):
    # force=True passes --force --force-base --force-units.
    juju.refresh(APP, path=str(charm), force=True, config={'extra': 'again'})
    status = juju.wait(
        lambda s: messages(s) == {'v2: again'}, error=jubilant.any_error, timeout=DEPLOY_TIMEOUT
    )
    assert status.apps[APP].charm_rev == 2


def test_refresh_to_another_charm_is_refused(juju: jubilant.Juju):
    with pytest.raises(jubilant.CLIError) as exc:
        juju.refresh(APP, path=charm_path('hello-shell'))
    assert 'cannot refresh "hello-ops" to "hello-shell"' in exc.value.stderr
