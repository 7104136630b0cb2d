"""minijuju's warm Python interpreter for one charm (see unit-agent/src/warm.rs).

Started by the unit agent exactly as a hook's interpreter would be (the
charm's venv interpreter, the dispatch's PYTHONPATH, the hook environment
without its per-hook JUJU_* variables, the charm directory as cwd, stdin
from /dev/null, in the machine's view), it imports `ops` and nothing of the
charm, then forks one child per request and reports the child's pid and
wait status. The child becomes what a fresh `dispatch` process would be:
the request's environment, cwd, argv and sys.path, stdio from the passed
descriptors, its own process group, default SIGCHLD, no descriptor of the
server (those it inherited itself are kept, as a plain start gets them), and the entry point run as `__main__` from source.

Protocol, on the SOCK_SEQPACKET socket whose descriptor is argv[1]:
  server -> agent, once: b"ready <pid>" or b"error <reason>"
  agent -> server, per hook: a JSON request with four descriptors
    (SCM_RIGHTS): a reply socket, stdin, stdout, stderr
  server -> reply socket: b"pid <pid>\n", later b"exit <wait status>\n"
    (or b"error <reason>\n" when nothing was started)
The request is read by the server's spare (the child forked ahead of it,
`_fork_spare`) while there is one, else by the server; the spare hands
the reply socket to the server, which answers on it as above. End of
file on the control socket (the controller went away) ends the server
and its spare; children already running are left to the agent's orphan
rules.
No thread ever runs here, so every fork is safe.

Run as `server.py 3 template`, the process is a template: it imports `ops`
once for every unit of a charm revision (the unit it was started for is
its origin) and serves one request: a JSON {"unit": ...} with three
descriptors (a control socket, stdout, stderr), for which it forks a
server for that unit. The fork becomes what a server started for the unit
would be: its environment and cwd, every path of the origin unit's
directory (its charm dir) in the interpreter (sys.path, sys.prefix, sys.executable, the
preloaded modules' files, specs, loaders and code objects) moved to the
unit's, its own process group, the unit's machine view entered
(`libminijuju_enter.so`, the code `minijuju-enter` runs), and the signal
dispositions Python's start-up gives. Then it serves hooks on the control
socket as above, answering b"ready <pid> <process group>".
"""

import os

# Descriptors the controller leaked to this process also reach a plain
# start: children keep them (and only them) beside stdio.
def _open_fds():
    listed = [int(fd) for fd in os.listdir("/proc/self/fd")]
    out = set()
    for fd in listed:  # the listing's own descriptor is closed by now
        try:
            os.fstat(fd)
            out.add(fd)
        except OSError:
            pass
    return out


_INHERITED = _open_fds() - {0, 1, 2, 3}

import array  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import select  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402

_BASE_PATH = list(sys.path[1:])  # what PYTHONPATH, the stdlib and site gave


class _Child(BaseException):
    """Raised in a forked child to leave the server's loop."""


class _Spare(BaseException):
    """Raised in a child forked ahead of a request to leave the loop."""


class _NewServer(BaseException):
    """Raised in a template's forked child to leave the template's loop."""


class _State:
    ctl = None
    sel = None
    wake = None
    replies = {}
    # Where a child reports its end before the kernel tears its memory
    # down (an abstract datagram socket; the sender's pid comes from the
    # kernel's credentials, so only the child itself can report).
    ends = None
    end_name = None
    # The child the next hook will become, forked ahead of its request
    # (its pid; it waits on the control socket), whether the server reads
    # the control socket (only when no spare does), and the entry point
    # last run.
    spare = None
    reading = False
    last_main = None
    # Pages a hook writes (learned from a hook's own page map), which a
    # spare writes ahead (through the library's `minijuju_touch`), so the
    # hook then runs without copying them; the hooks served so far.
    touch = None
    hot = None
    # The server's private writable mappings when it forked this process
    # (only pages in them are worth writing ahead: a spare has exactly
    # those), and whether this hook writes nothing ahead (`_note_regions`).
    regions = ()
    exact = False
    hooks = 0
    launched = set()
    # Whether this process (a forked child) has let go of the server's
    # descriptors already.
    shed = False


def _threads():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _fds(ancdata):
    fds = array.array("i")
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - (len(data) % fds.itemsize)
            fds.frombytes(data[:usable])
    return list(fds)


def _ended():
    """What children sent: a spare's taking of a request (with its reply
    socket), a child's own report of its end (answer its agent now), a
    child's page report."""
    while True:
        try:
            msg, anc, _flags, _addr = _State.ends.recvmsg(
                1 << 20, socket.CMSG_SPACE(struct.calcsize("3i")) + socket.CMSG_SPACE(4)
            )
        except BlockingIOError:
            return
        pid = None
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("3i", data[: struct.calcsize("3i")])[0]
        if msg[:1] == b"T":
            _took(pid, os.fsdecode(msg[1:]), _fds(anc))
            continue
        if msg[:1] == b"P":
            if pid in _State.launched:
                hot = array.array("Q")
                hot.frombytes(msg[1 : 1 + (len(msg) - 1) // 8 * 8])
                _State.hot = hot
            continue
        reply = _State.replies.pop(pid, None)
        if reply is None:
            continue
        try:
            reply.sendall(b"exit %d\n" % int(msg))
        except (OSError, ValueError):
            pass
        reply.close()


def _private_regions():
    """This process's private writable mappings: the heap, unnamed ones,
    and the data of the interpreter and of the libraries it loaded (their
    statically allocated objects, interned strings and caches are written
    by every hook as much as the heap is). Not the stack."""
    out = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            f = line.split()
            if len(f) < 2 or f[1] != "rw-p":
                continue
            if len(f) > 5 and f[5].startswith("[") and f[5] != "[heap]":
                continue
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            out.append((lo, hi))
    return out


def _note_regions():
    """Before a fork: the mappings the child's page report is about, when
    it will report, and whether it is a hook that writes nothing ahead.

    A report counts the pages a spare wrote ahead as written, so the list
    only grows (by the few pages whose objects the server moved since);
    every 256th hook then runs without writing ahead, and its report,
    exactly what it wrote, replaces the list."""
    hooks = _State.hooks
    reports = _State.touch is not None and (_State.hot is None or not hooks % 16)
    _State.regions = _private_regions() if reports else ()
    _State.exact = reports and _State.hot is not None and not hooks % 256


def _written_pages(regions):
    """The pages of `regions` (the server's private writable mappings, as this
    process had them at its fork) that this process has written since
    (present and no longer shared with the server)."""
    pages = array.array("Q")
    with open("/proc/self/pagemap", "rb", buffering=0) as pm:
        for lo, hi in regions:
            pm.seek((lo >> 12) * 8)
            data = pm.read(((hi - lo) >> 12) * 8)
            entries = array.array("Q")
            entries.frombytes(data[: len(data) // 8 * 8])
            pages.extend(
                lo + (i << 12) for i, e in enumerate(entries) if e >> 63 and (e >> 56) & 1
            )
    return pages


def _reap():
    if _State.ends is not None:
        # What children sent before they ended (a spare's taking of its
        # request, a page report) is queued by now: take it while their
        # pids are still known as ours.
        _ended()
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid == _State.spare:
            _spare_gone()
            continue
        _State.launched.discard(pid)
        reply = _State.replies.pop(pid, None)
        if reply is not None:
            try:
                reply.sendall(b"exit %d\n" % status)
            except OSError:
                pass
            reply.close()


# The entry point's code by path, with the source it was compiled from:
# compiling is deterministic, so a child given the code compiled here from
# the same bytes runs what it would have compiled itself.
_CODE = {}


def _compiled(main):
    """The code of `main` as it is now, or None (the child then compiles it
    itself and reports any error as the interpreter would)."""
    try:
        with open(main, "rb") as f:
            source = f.read()
    except OSError:
        return None
    hit = _CODE.get(main)
    if hit is not None and hit[0] == source:
        return hit[1]
    try:
        code = compile(source, main, "exec", dont_inherit=True)
    except Exception:  # noqa: BLE001 - the child reports it
        _CODE.pop(main, None)
        return None
    _CODE[main] = (source, code)
    return code


def _fork_spare():
    """Fork the child the next request will become, ahead of the request:
    the fork's cost is then paid while the agent does its own work. The
    spare reads the next request from the control socket itself (the
    server stops reading it meanwhile), so that a request reaches the
    process that runs it without passing through the server; it is a
    process group of its own from the start. Without a spare (the fork
    failed), the server reads requests and forks for each."""
    if _State.spare is None and _State.ends is not None and _threads() == 1:
        if _State.last_main is not None:
            _compiled(_State.last_main)
        _note_regions()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            pid = None
        if pid == 0:
            raise _Spare()
        if pid is not None:
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass
            _State.spare = pid
    _read_requests(_State.spare is None)


def _read_requests(on):
    """Whether the server reads the control socket (only while no spare
    waits on it: one reader at a time)."""
    if on and not _State.reading:
        _State.sel.register(_State.ctl, selectors.EVENT_READ)
    elif not on and _State.reading:
        _State.sel.unregister(_State.ctl)
    _State.reading = on


def _took(pid, main, fds):
    """A spare took a request from the control socket and passed its
    reply socket on: it is the hook now; the next spare is forked."""
    if pid != _State.spare or len(fds) != 1:
        for fd in fds:
            os.close(fd)
        return
    _State.spare = None
    reply = socket.socket(fileno=fds[0])
    _State.replies[pid] = reply
    _State.launched.add(pid)
    _State.hooks += 1
    _State.last_main = main
    try:
        reply.sendall(b"pid %d\n" % pid)
    except OSError:
        pass
    _fork_spare()


def _spare_gone():
    """The spare ended before taking a request: the agent closed the
    control socket (then the server ends too), or something killed it."""
    _State.spare = None
    poll = select.poll()
    poll.register(_State.ctl, select.POLLRDHUP)
    if any(ev & (select.POLLHUP | select.POLLRDHUP | select.POLLERR) for _, ev in poll.poll(0)):
        os._exit(0)
    _fork_spare()


def _touch_hot():
    """In a spare: take the copies of the pages hooks write, ahead.

    A few milliseconds of CPU, taken while the hook before runs: in
    batches of 64 pages (~0.2 ms), giving the CPU up after each
    (`sched_yield`), so that a process waiting for it (the agent answering
    that hook's tool calls, a tool, the hook itself) runs within a batch
    instead of after the spare's whole time slice (measured with
    `perf sched timehist`: the agent waited ~2.4 ms per hook for a CPU)."""
    hot, touch = _State.hot, _State.touch
    if hot is None or touch is None or not len(hot) or _State.exact:
        return
    import ctypes

    buf = (ctypes.c_size_t * len(hot)).from_buffer(hot)
    base = ctypes.addressof(buf)
    size = ctypes.sizeof(ctypes.c_size_t)
    step = 64
    for start in range(0, len(hot), step):
        touch(ctypes.c_void_p(base + start * size), min(step, len(hot) - start))
        os.sched_yield()


def _await_request():
    """In a spare: wait for the request on the control socket, pass its
    reply socket to the server (which tells the agent the pid and, later,
    the end), then go on as a forked child."""
    ctl = _State.ctl
    _State.ctl = None
    _shed_server(keep=(ctl.fileno(),))
    try:
        _touch_hot()
    except Exception:  # noqa: BLE001 - only an optimisation
        pass
    # What the child does before running the entry point, done ahead:
    # nothing imports in between, so the import system's directory
    # listings are read afresh by the hook's first import all the same.
    import importlib

    importlib.invalidate_caches()
    msg, anc, flags, _addr = ctl.recvmsg(1 << 20, socket.CMSG_SPACE(4 * 4))
    fds = _fds(anc)
    ctl.close()
    if len(fds) != 4 or flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
        # End of file (the agent closed the socket), or not a request.
        os._exit(0)
    reply = fds[0]
    try:
        req = json.loads(msg)
        main = req["main"]
        took = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        took.sendmsg(
            [b"T" + os.fsencode(main)],
            [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [reply]))],
            0,
            _State.end_name,
        )
        took.close()
    except Exception as e:  # noqa: BLE001 - told to the agent, which starts it plain
        try:
            os.write(reply, b"error the warm interpreter is gone: " + repr(e).encode() + b"\n")
        except OSError:
            pass
        os._exit(0)
    os.close(reply)
    req["code"] = _compiled(main)
    return req, None, fds[1:]


def _request(msg, fds):
    if len(fds) != 4:
        for fd in fds:
            os.close(fd)
        return
    reply = socket.socket(fileno=fds[0])
    try:
        # No spare waits on the control socket (forking one failed): fork
        # the hook's process now.
        req = json.loads(msg)
        _State.last_main = req["main"]
        if _threads() != 1:
            raise RuntimeError("the warm interpreter runs threads")
        req["code"] = _compiled(req["main"])
        _note_regions()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
    except Exception as e:  # noqa: BLE001 - reported to the agent
        for fd in fds[1:]:
            os.close(fd)
        try:
            reply.sendall(b"error " + repr(e).encode() + b"\n")
        except OSError:
            pass
        reply.close()
        return
    if pid == 0:
        raise _Child(req, reply, fds[1:])
    try:
        # Also done by the child: the pid is a process group before the
        # agent hears of it, so killing the group never misses it.
        os.setpgid(pid, pid)
    except OSError:
        pass
    for fd in fds[1:]:
        os.close(fd)
    _State.replies[pid] = reply
    _State.launched.add(pid)
    _State.hooks += 1
    try:
        reply.sendall(b"pid %d\n" % pid)
    except OSError:
        pass
    _fork_spare()


def _new_server(msg, fds):
    """In a template: fork a server for the unit the request names."""
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return
    try:
        req = json.loads(msg)
        if _threads() != 1:
            raise RuntimeError("the warm interpreter runs threads")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
    except Exception as e:  # noqa: BLE001 - reported on the new control socket
        try:
            os.write(fds[0], b"error " + repr(e).encode())
        except OSError:
            pass
        for fd in fds:
            os.close(fd)
        return
    if pid == 0:
        raise _NewServer(req, fds)
    for fd in fds:
        os.close(fd)


def _warm_up():
    """Run, before the first fork, standard-library paths every ops hook
    runs, so that children inherit them specialised.

    Python quickens a function's code only after several calls and
    specialises each instruction as it runs: in a fresh child every line
    of `subprocess` (ops runs each hook tool through `subprocess.run`),
    of `logging` (ops logs through `juju-log`), of the YAML loader (ops
    reads the charm's metadata) and of `inspect.signature` (ops checks
    each observer) would run generic and write to its code objects,
    copying their pages; so would the first steps of `ops.main` itself
    (`_ops_steps`). Only modules the preload imported are used, nothing
    is imported, and nothing is left that a program can see: `true`'s
    processes are reaped, the logger is not registered with `logging` (a
    program finds no new logger, handler or warning), ops' steps run with
    warnings ignored and logging disabled (`_quiet`), the objects made are
    garbage.
    """
    modules = sys.modules
    steps = []
    subprocess = modules.get("subprocess")
    true = next((p for p in ("/usr/bin/true", "/bin/true") if os.access(p, os.X_OK)), None)
    if subprocess is not None and true is not None:
        steps.append(
            lambda: subprocess.run([true], capture_output=True, check=True, encoding="utf-8")
        )
    yaml = modules.get("yaml")
    if yaml is not None:

        def load():
            document = "a: {b: [1, 'c', 2.5, true, null]}\nd: |\n  e\n"
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(document)
            try:
                loader.get_single_data()
            finally:
                loader.dispose()

        steps.append(load)
    inspect = modules.get("inspect")
    if inspect is not None:

        class Sample:
            def observer(self, event):
                pass

        steps.append(lambda: inspect.signature(Sample().observer, follow_wrapped=False))
    logging = modules.get("logging")
    if logging is not None:
        steps.append(lambda: _log_once(logging))
    steps.extend(_quiet(step, logging) for step in _ops_steps(modules))
    for _ in range(_WARM_UP_RUNS):
        for step in list(steps):
            try:
                step()
            except Exception:  # noqa: BLE001 - only an optimisation: drop the step
                steps.remove(step)


def _ops_steps(modules):
    """What `ops.main` does first in every hook and that reads nothing but
    files: load the charm's metadata, actions and config (from this
    charm's own files: the working directory is its charm directory) and
    read the hook's context from an environment (a sample)."""
    steps = []
    ops = modules.get("ops")
    meta = getattr(getattr(ops, "CharmMeta", None), "from_charm_root", None)
    if meta is not None:
        root = os.getcwd()
        steps.append(lambda: meta(root))
    context = getattr(
        getattr(modules.get("ops.jujucontext"), "JujuContext", None), "_from_dict", None
    )
    if context is not None:
        sample = {
            "JUJU_CHARM_DIR": os.getcwd(),
            "JUJU_DISPATCH_PATH": "hooks/update-status",
            "JUJU_HOOK_NAME": "update-status",
            "JUJU_MODEL_NAME": "model",
            "JUJU_MODEL_UUID": "00000000-0000-4000-8000-000000000000",
            "JUJU_UNIT_NAME": "app/0",
            "JUJU_VERSION": "3.6.0",
        }
        steps.append(lambda: context(sample))
    return steps


def _quiet(step, logging):
    """`step`, leaving no trace in `warnings` or `logging`: any warning is
    ignored (leaving the filters, their version bumped, so that no module's
    record of warnings shown counts what it met here) and no record is
    emitted (no handler runs, not even the last-resort one)."""
    import warnings

    def run():
        disabled = logging.root.manager.disable if logging is not None else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if logging is not None:
                logging.disable(logging.CRITICAL)
            try:
                step()
            finally:
                if logging is not None:
                    logging.disable(disabled)

    return run


def _log_once(logging):
    """One record through a logger of its own, formatted and dropped."""

    class Discard(logging.Handler):
        def emit(self, record):
            self.format(record)

    # Made directly, the logger is no child of the root and unknown to
    # the manager; with a handler, `logging` has nothing to warn about.
    logger = logging.Logger("minijuju-warm-up")
    logger.propagate = False
    handler = Discard()
    logger.addHandler(handler)
    try:
        logger.debug("warming %s", "up")
    finally:
        logger.removeHandler(handler)
        handler.close()


# More than the calls after which Python quickens a function's code.
_WARM_UP_RUNS = 16


def _serve(ctl_fd, template=False, preloaded=False):
    ctl = socket.socket(fileno=ctl_fd)
    ctl.set_inheritable(False)
    _State.ctl = ctl
    preload_error = None
    if not preloaded:
        try:
            import ops  # noqa: F401 - the point of this process
            if template:
                import ctypes  # noqa: F401 - used by the servers it forks
                import linecache  # noqa: F401
                import types  # noqa: F401
        except Exception as e:  # noqa: BLE001 - reported to the agent
            preload_error = repr(e)
        if preload_error is None and _threads() != 1:
            preload_error = "importing ops started threads"
    if preload_error is not None:
        ctl.send(b"error " + preload_error.encode())
        os._exit(1)
    if not preloaded:
        _warm_up()
    # Everything preloaded lives as long as the server: move it out of the
    # cyclic collector's reach. A child's collections (during the hook and
    # the full one at interpreter exit) then visit only what the hook
    # created, instead of writing to every preloaded object's header and
    # so copying nearly every page of the server (measured: the exit of a
    # forked child costs ~30 ms without this, ~16 ms with it).
    gc.collect()
    gc.freeze()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    _State.wake = (wake_r, wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    sel = selectors.DefaultSelector()
    _State.sel = sel
    _State.reading = False
    _read_requests(True)
    sel.register(wake_r, selectors.EVENT_READ)
    if not template:
        ends = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ends.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        name = b"\0minijuju-warm-%d-%s" % (os.getpid(), os.urandom(8).hex().encode())
        ends.bind(name)
        ends.setblocking(False)
        _State.ends, _State.end_name = ends, name
        sel.register(ends, selectors.EVENT_READ)
    ctl.send(b"ready %d %d" % (os.getpid(), os.getpgid(0)))
    if not template:
        _fork_spare()
    while True:
        for key, _ in sel.select():
            if key.fileobj is ctl:
                if not _State.reading:
                    continue  # a spare forked since reads it
                try:
                    msg, anc, flags, _addr = ctl.recvmsg(
                        1 << 20, socket.CMSG_SPACE(4 * 4), socket.MSG_DONTWAIT
                    )
                except BlockingIOError:
                    continue
                if not msg and not anc:
                    os._exit(0)
                fds = _fds(anc)
                if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
                    for fd in fds:
                        os.close(fd)
                    continue
                if template:
                    _new_server(msg, fds)
                else:
                    _request(msg, fds)
            elif key.fileobj is _State.ends:
                _ended()
            else:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
        _reap()


def _moved(old, new):
    """A function moving paths under `old` to `new` (others unchanged)."""
    prefix = old + "/"

    def move(p):
        if isinstance(p, str) and (p == old or p.startswith(prefix)):
            return new + p[len(old):]
        return p

    return move


def _retarget(old, new):
    """Every path under the origin unit's directory (its charm dir, its
    tools) in this interpreter: the unit's."""
    import importlib
    import linecache
    import types

    if old == new:
        return
    move = _moved(old, new)
    sys.path[:] = [move(p) for p in sys.path]
    _BASE_PATH[:] = [move(p) for p in _BASE_PATH]
    sys.prefix = move(sys.prefix)
    sys.exec_prefix = move(sys.exec_prefix)
    sys.executable = move(sys.executable)
    for module in list(sys.modules.values()):
        for attr in ("__file__", "__cached__"):
            value = getattr(module, attr, None)
            if isinstance(value, str):
                try:
                    setattr(module, attr, move(value))
                except (AttributeError, TypeError):
                    pass
        path = getattr(module, "__path__", None)
        if isinstance(path, list):
            path[:] = [move(p) for p in path]
        spec = getattr(module, "__spec__", None)
        loaders = [getattr(module, "__loader__", None)]
        if spec is not None:
            loaders.append(spec.loader)
            try:
                if isinstance(spec.origin, str):
                    cached = spec.cached
                    spec.origin = move(spec.origin)
                    if isinstance(cached, str):
                        spec.cached = move(cached)
            except (AttributeError, TypeError):
                pass
            locations = spec.submodule_search_locations
            if isinstance(locations, list):
                locations[:] = [move(p) for p in locations]
        for loader in loaders:
            if isinstance(getattr(loader, "path", None), str):
                try:
                    loader.path = move(loader.path)
                except (AttributeError, TypeError):
                    pass

    done = {}

    def code(c):
        if id(c) in done:
            return done[id(c)][1]
        consts = tuple(code(k) if isinstance(k, types.CodeType) else k for k in c.co_consts)
        name = move(c.co_filename)
        if name is c.co_filename and all(a is b for a, b in zip(consts, c.co_consts)):
            out = c
        else:
            out = c.replace(co_filename=name, co_consts=consts)
        done[id(c)] = (c, out)
        return out

    gc.unfreeze()
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType):
            obj.__code__ = code(obj.__code__)
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    linecache.clearcache()


def _become_server(req, fds):
    """In a template's child: become the server a unit would have started."""
    import ctypes

    ctl_fd, out, err = fds
    os.setpgid(0, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    # It lets go of the template's signal handling and descriptors as a
    # hook's child does, keeping its control socket; but it is a server,
    # whose children shed what it holds in turn.
    _shed_server(keep=(ctl_fd,))
    _State.shed = False
    os.environ.clear()
    for k, v in req["env"]:
        os.environ[k] = v
    os.chdir(req["cwd"])
    # The view first: with a time namespace its entry forks, and the
    # process left waiting then holds nothing written after this point.
    if req.get("view"):
        lib = ctypes.CDLL(req["library"])
        lib.minijuju_enter.argtypes = [ctypes.c_char_p]
        lib.minijuju_enter.restype = ctypes.c_int
        rc = lib.minijuju_enter(req["view"].encode())
        if rc != 0:
            os.write(ctl_fd, b"error entering the machine view: " + os.strerror(rc).encode())
            os._exit(1)
        # The entry resets every signal, as `minijuju-enter` does before a
        # plain start execs the interpreter; then what the interpreter's
        # own start-up sets. (Not what the template had: it inherited the
        # controller's, such as SIGHUP ignored under `nohup`, which a
        # plain start in the view does not get.)
        _interpreter_signals()
    _retarget(req["origin"], req["unit"])
    try:
        touch = ctypes.CDLL(req["library"]).minijuju_touch
        touch.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        touch.restype = ctypes.c_size_t
        _State.touch = touch
    except (OSError, AttributeError):
        _State.touch = None
    return ctl_fd


def _interpreter_signals():
    """The dispositions Python's start-up gives a process whose signals are
    all at their defaults: SIGPIPE and SIGXFSZ ignored, SIGINT raising
    KeyboardInterrupt."""
    for name in ("SIGPIPE", "SIGXFSZ"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _shed_server(keep=()):
    """In a forked child: let go of the server's signal handling and of
    every descriptor but stdio, `keep` and those the controller leaked to
    the server (its sockets, selector and wake-up pipe among them). A
    spare does it before its request arrives, off the hook's path."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for other in _State.replies.values():
        other.close()
    _State.replies.clear()
    for owned in (_State.sel, _State.ctl, _State.ends):
        if owned is not None:
            owned.close()
    for fd in _State.wake:
        os.close(fd)
    _State.ctl = _State.ends = _State.sel = None
    _State.wake = ()
    for fd in _open_fds():
        if fd > 2 and fd not in keep and fd not in _INHERITED:
            try:
                os.close(fd)
            except OSError:
                pass
    _State.shed = True


def _become(req, reply, stdio):
    """In the child: become the process `dispatch` would have started."""
    spare = _State.shed
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    if reply is not None:
        reply.close()
    for target, fd in enumerate(stdio):
        os.dup2(fd, target)
    if spare:
        # Only the descriptors the request brought are left.
        for fd in stdio:
            if fd > 2 and fd not in _INHERITED:
                os.close(fd)
    else:
        _shed_server()
    os.chdir(req["cwd"])
    # Deleting each variable is twice as fast as `clear()` (which looks
    # each one up again); either leaves the C environment empty, so that
    # the request's variables follow in the order a plain start has them.
    for k in list(os.environ):
        del os.environ[k]
    for k, v in req["env"]:
        os.environ[k] = v
    main = req["main"]
    sys.argv = [main]
    sys.orig_argv = [req["executable"], main]
    sys.path[:] = [os.path.dirname(os.path.realpath(main))] + _BASE_PATH
    if not spare:
        # (A spare did it before its request.)
        import importlib

        importlib.invalidate_caches()
    return main, req.get("code")


def _run_main(main, code):
    import builtins
    import types
    from importlib.machinery import SourceFileLoader

    module = types.ModuleType("__main__")
    module.__file__ = main
    module.__cached__ = None
    module.__loader__ = SourceFileLoader("__main__", main)
    module.__builtins__ = builtins
    module.__package__ = None
    module.__spec__ = None
    sys.modules["__main__"] = module
    if code is None:
        # As the interpreter reports a script it cannot open or compile.
        try:
            with open(main, "rb") as f:
                source = f.read()
        except OSError as e:
            print(
                f"{sys.orig_argv[0]}: can't open file {main!r}: [Errno {e.errno}] {e.strerror}",
                file=sys.stderr,
            )
            return 2
        try:
            code = compile(source, main, "exec", dont_inherit=True)
        except Exception as e:  # noqa: BLE001 - printed as the interpreter would
            # Nothing of this file's frames: the display reads the
            # exception's own traceback.
            e.__traceback__ = None
            sys.excepthook(type(e), e, None)
            return 1
    try:
        exec(code, module.__dict__)
    except SystemExit as e:
        return _exit_status(e.code)
    except BaseException as e:  # noqa: BLE001 - printed as the interpreter would
        tb = e.__traceback__.tb_next if e.__traceback__ else None
        e.__traceback__ = tb
        sys.excepthook(type(e), e, tb)
        return 1
    return 0


def _exit_status(code):
    """The status the interpreter exits with for `SystemExit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        print(code, file=sys.stderr)
    except Exception:  # noqa: BLE001 - as the interpreter: best effort
        pass
    return 1


def _finish(status):
    """Exit the child as the interpreter's shutdown would, minus the teardown.

    What a program can see of a normal exit, in the interpreter's order:
    non-daemon threads joined, atexit handlers (logging's flush and close
    among them), stdout/stderr flushed (exit status 120 when that fails),
    a full collection (finalizers of the hook's garbage cycles). Files the
    hook left open are flushed, as their deallocation would. Then the
    process ends without deallocating every module, which in a forked
    child is most of its run time (it writes to every preloaded object,
    copying the server's pages); the language never promised `__del__`
    for objects still alive at exit.
    """
    import _io
    import atexit

    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except BaseException as e:  # noqa: BLE001 - as the interpreter
            sys.excepthook(type(e), e, e.__traceback__)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and not stream.closed:
                stream.flush()
        except Exception:  # noqa: BLE001 - the interpreter's rule
            status = 120
    gc.collect()
    # Every file object derives from the C base of `io.IOBase`: checking
    # for it in C is several times faster than the ABC's own check.
    for obj in filter(_io._IOBase.__instancecheck__, gc.get_objects()):
        try:
            if not obj.closed:
                obj.flush()
        except Exception:  # noqa: BLE001 - a file's close would ignore it too
            pass
    _report_end(status)
    _report_pages()
    os._exit(status)


def _report_pages():
    """After the end is reported (off the agent's path): tell the server
    which of its pages this hook wrote, on the first hooks and every 16th
    (what hooks of a charm write changes little; `_note_regions` decided
    before the fork). The server keeps the list as it comes: only pages of
    its own mappings are in it."""
    if _State.end_name is None or not _State.regions:
        return
    try:
        pages = _written_pages(_State.regions)
        report = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        report.sendto(b"P" + pages.tobytes(), _State.end_name)
    except Exception:  # noqa: BLE001 - only an optimisation
        pass


def _report_end(status):
    """Tell the server how this process ends, before it ends.

    What the process holds that anyone can see goes first: every
    descriptor is closed (the agent reads end of file on stdout and stderr,
    locks are released). The kernel's teardown of the memory shared with
    the server (a few milliseconds, most of an exit) then overlaps with
    the agent's next step instead of delaying it. For that the process
    then gives way: the report wakes the agent (through the server) on
    this CPU, where it would wait behind the teardown while the other CPU
    may be idle (seen with `perf sched timehist`: 2.7 ms once); at the
    lowest priority (nice 19, which any process may take; it is not
    inherited by anything, the process only exits now) the agent runs
    first and the teardown takes what CPU is left. It then also takes the
    idle scheduling policy (SCHED_IDLE, also open to any process; leaving
    it needs privilege, and nothing here leaves it): the kernel
    counts a CPU running only such a task as idle when it places a waking
    task, and the woken task preempts it at once. With nice 19 alone, the
    server woken by the next hook waited ~2.5 ms for the hook's CPU while
    the other one tore this process down (`perf sched timehist`).
    """
    name = _State.end_name
    if name is None:
        return
    try:
        os.closerange(0, 1 << 20)
        report = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        report.sendto(b"%d" % ((status & 0xFF) << 8), name)
    except Exception:  # noqa: BLE001 - the server then reports the reaped status
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, 0, 19)
    except OSError:
        pass
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (OSError, AttributeError):
        pass


try:
    try:
        _serve(int(sys.argv[1]), template=sys.argv[2:] == ["template"])
    except _NewServer as new_server:
        _serve(_become_server(*new_server.args), preloaded=True)
except _Child as child:
    _job = child.args
except _Spare as spare:
    _job = _await_request(*spare.args)
_finish(_run_main(*_become(*_job)))
