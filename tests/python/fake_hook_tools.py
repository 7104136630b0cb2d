"""A stand-in for Juju's hook tools, for running charm dispatch scripts without minijuju.

``install_fake_tools(tools_dir)`` writes one executable and links every tool
name to it. The executable picks the tool from ``basename(argv[0])`` and keeps
the whole hook context in a JSON file named by ``$FAKE_HOOK_STATE``:

    config, unit-status, is-leader, unit-state, leader-settings, version,
    action-params, action-results, action-log, action-failed, log, calls

Only the behaviour the example charms rely on is implemented (smart and JSON
output, ``--`` handling, the flags ops passes). Anything else exits 1 with an
``ERROR`` line, so an unexpected call shows up as a hook failure.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

TOOLS = [
    'action-fail',
    'action-get',
    'action-log',
    'action-set',
    'application-version-set',
    'config-get',
    'is-leader',
    'juju-log',
    'leader-get',
    'leader-set',
    'state-delete',
    'state-get',
    'state-set',
    'status-get',
    'status-set',
    'unit-get',
]

# The program every tool name links to. It is written out with the running
# interpreter in its #! line, so it works on a PATH without python3.
_PROGRAM = r'''
import json, os, sys

def smart(value):
    if value is None or value == '' or value == [] or value == {}:
        return ''
    if isinstance(value, bool):
        return 'True\n' if value else 'False\n'
    if isinstance(value, str):
        return value + '\n'
    if isinstance(value, (int, float)):
        return f'{value}\n'
    return json.dumps(value, sort_keys=True) + '\n'

def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    path = os.environ['FAKE_HOOK_STATE']
    with open(path) as f:
        st = json.load(f)
    st.setdefault('calls', []).append([tool, *args])

    fmt = 'smart'
    flags = {}
    pos = []
    rest = False
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if rest or not a.startswith('-') or a == '-':
            pos.append(a)
        elif a == '--':
            rest = True
        elif a.startswith('--format='):
            fmt = a.split('=', 1)[1]
        elif a == '--format':
            fmt = args[i]
            i += 1
        elif a in ('--log-level', '-l'):
            flags['log-level'] = args[i]
            i += 1
        elif '=' in a:
            k, v = a[2:].split('=', 1)
            flags[k] = v
        else:
            flags[a.lstrip('-')] = True

    def out(value):
        sys.stdout.write(json.dumps(value) + '\n' if fmt == 'json' else smart(value))

    def need_action():
        if st.get('action-params') is None:
            raise SystemExit('ERROR not running an action')

    def pairs():
        result = {}
        for p in pos:
            if '=' not in p:
                raise SystemExit(f'ERROR argument "{p}" must be of the form key=value')
            k, v = p.split('=', 1)
            result[k] = v
        return result

    if tool == 'juju-log':
        level = 'DEBUG' if flags.get('debug') else str(flags.get('log-level', 'INFO')).upper()
        st.setdefault('log', []).append([level, ' '.join(pos)])
    elif tool == 'config-get':
        out(st['config'].get(pos[0]) if pos else st['config'])
    elif tool == 'status-set':
        if not pos or pos[0] not in ('maintenance', 'blocked', 'waiting', 'active'):
            raise SystemExit('ERROR invalid status')
        st['unit-status'] = [pos[0], pos[1] if len(pos) > 1 else '']
    elif tool == 'status-get':
        current, message = st['unit-status']
        if fmt == 'smart' and 'include-data' not in flags:
            out(current)
        else:
            out({'status': current, 'message': message, 'status-data': {}})
    elif tool == 'is-leader':
        out(bool(st['is-leader']))
    elif tool == 'state-get':
        out(st['unit-state'].get(pos[0], '') if pos and pos[0] != '-' else st['unit-state'])
    elif tool == 'state-set':
        st['unit-state'].update(pairs())
    elif tool == 'state-delete':
        for k in pos:
            st['unit-state'].pop(k, None)
    elif tool == 'leader-get':
        out(st['leader-settings'].get(pos[0]) if pos and pos[0] != '-' else st['leader-settings'])
    elif tool == 'leader-set':
        if not st['is-leader']:
            raise SystemExit('ERROR cannot write leadership settings: not the leader')
        for k, v in pairs().items():
            if v == '':
                st['leader-settings'].pop(k, None)
            else:
                st['leader-settings'][k] = v
    elif tool == 'unit-get':
        out('10.0.0.10' if pos == ['private-address'] else None)
    elif tool == 'application-version-set':
        st['version'] = pos[0] if pos else ''
    elif tool == 'action-get':
        need_action()
        value = st['action-params']
        if pos:
            for part in pos[0].split('.'):
                value = value.get(part) if isinstance(value, dict) else None
        out(value)
    elif tool == 'action-set':
        need_action()
        for k, v in pairs().items():
            node = st.setdefault('action-results', {})
            *parents, leaf = k.split('.')
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = v
    elif tool == 'action-log':
        need_action()
        st.setdefault('action-log', []).append(' '.join(pos))
    elif tool == 'action-fail':
        need_action()
        st['action-failed'] = (
            pos[0] if pos else 'action failed without reason given, check action for errors'
        )
    else:
        raise SystemExit(f'ERROR unknown tool {tool}')

    with open(path, 'w') as f:
        json.dump(st, f)

main()
'''


def install_fake_tools(tools_dir: Path) -> None:
    tools_dir.mkdir(parents=True, exist_ok=True)
    program = tools_dir / 'fake-hook-tool'
    program.write_text(f'#!{sys.executable}\n{_PROGRAM}')
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    for name in TOOLS:
        link = tools_dir / name
        if not link.exists():
            os.symlink(program.name, link)
