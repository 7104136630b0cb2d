#!/usr/bin/env python3
"""Dumps what the hook's process sees into trace-dir, one JSON file a hook.

Beside each dump, `<dump>.exit` shows what the process's exit did: an
atexit handler appends "atexit", then a file the hook left open is flushed.
With `ballast-mb` set, config-changed keeps that much memory written until
the process exits (its exit then takes a while to tear down).
"""

import atexit
import json
import locale
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import warnings

import ops

import helper

HITS = []
LEFT_OPEN = []
BALLAST = []
# Page faults so far: the charm runs from here on (a warm hook's process
# has taken its request by now, a plain one has imported everything).
FAULTS_AT_START = resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _append(path, text):
    with open(path, "a") as f:
        f.write(text)


def _status_field(name):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split()[1]
    return ""


def _fds():
    """Open descriptors and what each is (pipe and socket ids vary)."""
    out = {}
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            out[fd] = os.readlink(f"/proc/self/fd/{fd}").split(":[")[0]
        except OSError:
            pass
    return out


def _group_leader():
    """Who leads this process's group: itself, or its parent (a plain start
    in a machine's view runs under a waiting parent that leads it)."""
    pgid = os.getpgid(0)
    return {os.getpid(): "self", os.getppid(): "parent"}.get(pgid, "other")


def _dep():
    try:
        import six  # only after a refresh adds it

        return six.__version__
    except ImportError:
        return None


class Probe(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        for e in (self.on.install, self.on.config_changed, self.on.start, self.on.update_status):
            framework.observe(e, self._dump)

    def _dump(self, event):
        HITS.append(1)
        helper.HITS.append(1)
        print(f"probe: {os.environ.get('JUJU_HOOK_NAME')}")
        where = self.config.get("trace-dir")
        if where:
            signals = {
                s.name: str(signal.getsignal(s))
                for s in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGINT, signal.SIGTERM,
                          signal.SIGHUP, signal.SIGXFSZ, signal.SIGUSR1)
            }
            limits = {
                n: resource.getrlimit(getattr(resource, n))
                for n in ("RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_STACK", "RLIMIT_NPROC", "RLIMIT_AS")
            }
            umask = os.umask(0)
            os.umask(umask)
            with open("/proc/sys/kernel/random/boot_id") as f:
                boot_id = f.read().strip()
            info = {
                "env": dict(os.environ),
                "cwd": os.getcwd(),
                "sys_path": sys.path,
                "argv": sys.argv,
                "orig_argv": sys.orig_argv,
                "executable": sys.executable,
                "main_file": __file__,
                "main_name": __name__,
                "main_spec": repr(__spec__),
                "hits": len(HITS),
                "helper_hits": len(helper.HITS),
                "group_leader": _group_leader(),
                "session_is_parents": os.getsid(0) == os.getsid(os.getppid()),
                "threads": threading.active_count(),
                "signals": signals,
                "sig_blocked": _status_field("SigBlk"),
                "sig_ignored": _status_field("SigIgn"),
                "limits": limits,
                "umask": umask,
                "fds": _fds(),
                "stdin": os.readlink("/proc/self/fd/0"),
                "stdout": os.readlink("/proc/self/fd/1").split(":")[0],
                "stderr": os.readlink("/proc/self/fd/2").split(":")[0],
                "encoding": [sys.stdout.encoding, sys.getfilesystemencoding(),
                             locale.getpreferredencoding(False), sys.stdout.line_buffering],
                "flags": repr(sys.flags),
                "boot_id": boot_id,
                "dep": _dep(),
                "ops_file": ops.__file__,
                "ops_code_file": ops.CharmBase.__init__.__code__.co_filename,
                "ops_spec_origin": ops.__spec__.origin,
                "prefix": [sys.prefix, sys.exec_prefix, sys.base_prefix],
                # What the warm interpreter's warm-up (subprocess, logging,
                # YAML, inspect, ops' first steps run before the first fork,
                # those with logging disabled) must not leave.
                "loggers": sorted(logging.root.manager.loggerDict),
                "logging_disabled": logging.root.manager.disable,
                "log_handlers": len(logging._handlerList),
                "no_handler_warned": logging.root.manager.emittedNoHandlerWarning,
                "subprocesses_active": len(subprocess._active),
                "warning_filters": repr(warnings.filters),
                "pid": os.getpid(),
                "priority": os.getpriority(os.PRIO_PROCESS, 0),
                "sched_policy": os.sched_getscheduler(0),
                # Pages copied or filled for the charm's run so far (in a
                # warm hook, those of the server not written ahead).
                "faults_in_hook": resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                - FAULTS_AT_START,
            }
            unit = os.environ["JUJU_UNIT_NAME"].replace("/", "-")
            name = f"{unit}-{os.environ['JUJU_HOOK_NAME']}-{time.time_ns()}.json"
            with open(os.path.join(where, name + ".tmp"), "w") as f:
                json.dump(info, f, indent=1, sort_keys=True)
            os.rename(os.path.join(where, name + ".tmp"), os.path.join(where, name))
            exit_file = os.path.join(where, name + ".exit")
            atexit.register(_append, exit_file, "atexit\n")
            LEFT_OPEN.append(open(exit_file, "a"))
            LEFT_OPEN[-1].write("left open\n")
            ballast = int(self.config.get("ballast-mb") or 0)
            if ballast and isinstance(event, ops.ConfigChangedEvent):
                pages = bytearray(ballast << 20)
                pages[::4096] = b"\1" * (ballast << 8)  # a byte in each 4 KiB page
                BALLAST.append(pages)
            if self.config.get("hang") and isinstance(event, ops.ConfigChangedEvent):
                with open(os.path.join(where, "hanging.pid"), "w") as f:
                    f.write(str(os.getpid()))
                time.sleep(600)
        self.unit.status = ops.ActiveStatus(self.config.get("mark") or "ready")


if __name__ == "__main__":
    ops.main(Probe)
