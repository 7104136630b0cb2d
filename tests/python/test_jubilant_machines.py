"""End to end: Jubilant's machine, constraint, SSH key, ``exec(machine=...)``,
``ssh`` and ``scp`` methods against minijuju, asserting what Jubilant parses.

The tests share one model and run in file order.
"""

from __future__ import annotations

import base64
import json
import pathlib

import jubilant
import pytest

from helpers import DEPLOY_TIMEOUT, TEST_CHARMS

APP = 'sto-ops'
UNIT = 'sto-ops/0'


def ed25519_key(byte: int, comment: str) -> str:
    blob = b'\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20' + bytes([byte]) * 32
    return f'ssh-ed25519 {base64.b64encode(blob).decode()} {comment}'


def test_add_machine_and_status_machines(juju: jubilant.Juju):
    juju.add_machine(num_machines=2, base='ubuntu@22.04', constraints={'mem': '1G', 'cores': 2})
    status = juju.status()
    assert sorted(status.machines) == ['0', '1']
    m = status.machines['0']
    assert m.juju_status.current == 'started'
    assert m.machine_status.current == 'running'
    assert m.base is not None and (m.base.name, m.base.channel) == ('ubuntu', '22.04')
    assert m.constraints == 'cores=2 mem=1024M'
    assert m.hardware.startswith('arch=')
    assert m.dns_name and m.ip_addresses == [m.dns_name]
    assert m.instance_id == 'machine-0'
    info = juju.show_model()
    assert sorted(info.machines) == ['0', '1']


def test_model_constraints(juju: jubilant.Juju):
    assert not juju.model_constraints()
    juju.model_constraints({'mem': '1G', 'cores': 2})
    assert juju.model_constraints() == {'mem': 1024, 'cores': 2}


def test_exec_on_a_machine(juju: jubilant.Juju):
    task = juju.exec('echo hi; echo ${JUJU_UNIT_NAME:-none}', machine=0)
    assert task.success
    assert task.status == 'completed'
    assert task.return_code == 0
    assert task.stdout == 'hi\nnone\n'
    with pytest.raises(jubilant.TaskError) as e:
        juju.exec('echo bad >&2; exit 3', machine='0')
    assert e.value.task.return_code == 3
    assert e.value.task.stderr == 'bad\n'
    with pytest.raises(ValueError):
        juju.exec('true', machine=9)


def test_ssh_to_a_machine(juju: jubilant.Juju):
    assert juju.ssh(0, 'echo', 'hello') == 'hello\n'
    assert juju.ssh('1', 'echo hi from $((40 + 2))', user='ubuntu', ssh_options=['-q']) == 'hi from 42\n'
    assert juju.cli('ssh', '0', 'cat', stdin='foo') == 'foo'
    with pytest.raises(jubilant.CLIError):
        juju.ssh(0, 'false')
    with pytest.raises(jubilant.CLIError) as e:
        juju.ssh(0, 'true', container='charm')
    assert 'kubernetes' in e.value.stderr


def test_ssh_keys(juju: jubilant.Juju):
    key = ed25519_key(5, 'tester@host')
    juju.add_ssh_key(key)
    listed = juju.cli('ssh-keys')
    assert listed.startswith(f'Keys used in model: admin/{juju.model}\n')
    assert '(tester@host)' in listed
    juju.remove_ssh_key('tester@host')
    assert juju.cli('ssh-keys') == ''


def test_ssh_and_scp_reach_storage_written_by_a_hook(juju: jubilant.Juju, tmp_path: pathlib.Path):
    juju.deploy(str(TEST_CHARMS / APP), storage={'data': '1'}, constraints={'mem': '512M'})
    assert juju.cli('constraints', APP) == 'mem=512M\n'
    juju.wait(
        lambda s: jubilant.all_active(s, APP) and jubilant.all_agents_idle(s),
        error=jubilant.any_error,
        timeout=DEPLOY_TIMEOUT,
    )
    where = json.loads(juju.run(UNIT, 'report').results['storages'])
    # Storage ids are model-wide: the data instance is the one named data/N.
    sid, location = next((k, v) for k, v in where.items() if k.startswith('data/'))
    # storage-attached (ops) wrote the note at the location it was told.
    assert juju.ssh(UNIT, 'cat', f'{location}/note') == f'{sid}\n'
    local = tmp_path / 'up.txt'
    local.write_text('uploaded\n')
    juju.scp(local, f'{UNIT}:{location}/up.txt')
    assert juju.ssh(UNIT, f'cat {location}/up.txt') == 'uploaded\n'
    back = tmp_path / 'note'
    juju.scp(f'{UNIT}:{location}/note', back)
    assert back.read_text() == f'{sid}\n'
    tree = tmp_path / 'tree'
    (tree / 'sub').mkdir(parents=True)
    (tree / 'sub' / 'f').write_text('deep\n')
    juju.scp(tree, f'{UNIT}:{location}/', scp_options=['-r'])
    assert juju.ssh(UNIT, 'cat', f'{location}/tree/sub/f') == 'deep\n'


def test_remove_machine(juju: jubilant.Juju):
    machine = juju.status().apps[APP].units[UNIT].machine
    with pytest.raises(jubilant.CLIError) as e:
        juju.cli('remove-machine', machine)
    assert f'machine {machine} has unit "{UNIT}" assigned' in e.value.stderr
    juju.cli('remove-machine', '1')
    assert '1' not in juju.status().machines
