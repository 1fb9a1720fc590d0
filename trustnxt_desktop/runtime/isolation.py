"""A small process pool for parsing untrusted files: a crash, hang or memory blow-up costs one worker, not the app.

Why not concurrent.futures.ProcessPoolExecutor: once one of its workers dies the whole executor is
broken (BrokenProcessPool) and every queued call fails. Here each call borrows one worker over its own
pipe; if that worker dies, overruns its time limit or runs out of memory, only that call fails
(WorkerFailure), the worker is killed and a fresh one is started for the next call. For batches,
imap() keeps a couple of calls queued on each worker's pipe, so a worker goes straight on to its next
file instead of waiting for the caller to take an answer and send the next call; the per-call limits
and the one-call-per-failure rule stay the same.

- Workers start with "forkserver" on Linux (a clean, single-threaded server that has already imported
  c2pa and Pillow forks them in milliseconds) and "spawn" elsewhere; never a fork of the caller, which
  may hold Qt or other threads.
- Memory: RLIMIT_AS caps each worker's address space on Linux (and other POSIX systems that enforce
  it). On Windows each worker puts itself in a Job Object with JOB_OBJECT_LIMIT_PROCESS_MEMORY
  (runtime/win_job.py), which caps its committed memory. macOS does not enforce RLIMIT_AS (and recent
  versions are reported to refuse setting it), so workers there do not try and run without a
  memory cap. The time limit and crash isolation hold everywhere.
- Time: the caller waits at most `seconds` for an answer, then kills the worker. The worker also arms
  a SIGALRM of its own (default action: terminate), so it cannot outlive a stuck parse if the caller
  itself is gone.
- Answers are plain data: a worker replies with JSON bytes (send_bytes), which the caller parses with
  json and checks for the one shape an answer has; it never unpickles anything a worker sends. A worker
  that a hostile file took over can therefore send the app nothing but data to be validated (the tasks
  module turns it into domain types and refuses anything else; engine.untrusted). Calls to a worker are
  still pickled: they go from the app to the worker, never the other way.
- Environment: on POSIX the fork server (and each "spawn" worker) is started with a copy of the
  environment without the session bus address, the runtime folder, agents' sockets, the display, and
  every variable whose name or value looks like a credential (worker_environment()), so neither a
  worker nor a library inside it finds the keyring's session or an API key. Windows workers remove
  the same variables from their own environment as they start.
- Lifetime: workers ignore Ctrl-C (SIGINT is the app's to handle), and on POSIX the fork server and
  its workers run in a process group of their own, so a terminal's Ctrl-C or Ctrl-Z reaches only the
  app. A worker ends, quietly and at once, when the app is gone: Linux kills it when its parent (the
  fork server, which exits with the app) dies (PR_SET_PDEATHSIG), and a thread in each worker ends it
  when the app's end of its pipe closes, even in the middle of a parse. A worker never prints a
  traceback: whatever ends it is the app's to report. close() kills busy workers too, and when the app
  exits the whole process group is killed.

Test hook (honoured only inside a worker, never by the calling process): the environment variable
TRUSTNXT_TEST_WORKER_FAULT=abort:<text> | hang:<text> | oom:<text> makes a worker call os.abort(),
sleep forever, or allocate without bound when a task's argument contains <text>. The caller's value is
handed to each worker as it starts, so a test may set it at any time.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import multiprocessing
import multiprocessing.spawn
import multiprocessing.util
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from queue import SimpleQueue
from typing import Any, TypeVar, overload

FAULT_ENV = "TRUSTNXT_TEST_WORKER_FAULT"
DEFAULT_MEMORY_BYTES = 2 * 1024 ** 3
DEFAULT_SECONDS = 30.0
_MAX_SHARED = 8  # shared values (e.g. trust configurations) a worker keeps
PIPELINE_DEPTH = 2  # calls imap() keeps queued on each worker
# Single calls (previews, thumbnails) may use one worker more than the pool's size: a batch holding
# every worker through imap() must not leave the picture of the file someone just selected waiting.
INTERACTIVE_EXTRA = 1
_WORKER_NAME = "trustnxt-parser"
# A worker's answer is parsed only up to this size (a report with a big manifest store is a few MB).
MAX_ANSWER_BYTES = 256 * 1024 ** 2
_STATUSES = frozenset({"ok", "error", "memory"})
_ABANDON_CHECK = 0.1  # seconds between looks at imap's `abandon` while waiting for an answer


class WorkerFailure(Exception):
    """The worker died, overran its time limit, ran out of memory, or answered with something that is
    not an answer (then it is killed: it may be in a hostile file's hands) while handling one call."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # "crash" | "timeout" | "memory" | "answer"
        self.detail = detail


class TaskError(RuntimeError):
    """The task raised an ordinary exception (its text is the message); the worker is fine."""


class PoolClosedError(RuntimeError):
    pass


class _Abandoned(Exception):
    """The caller set imap's `abandon`: the call under way is dropped."""


# Turns a task's plain-data result into the caller's types; raises ValueError, TypeError or KeyError otherwise.
Decoder = Callable[[Any], Any]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Limits:
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES  # address space per worker; None: unlimited
    seconds: float = DEFAULT_SECONDS  # per call
    max_calls: int = 1000  # a worker is replaced after this many calls (bounds slow leaks)


def memory_limit_enforced() -> bool:
    """Whether the operating system holds a worker to Limits.memory_bytes (see the module docstring)."""
    return sys.platform != "darwin"


def default_start_method() -> str:
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def start_fork_server(tasks_module: str) -> None:
    """Start now the fork server that the workers of IsolatedPool(tasks_module) come from (Linux; elsewhere
    nothing): it imports tasks_module once, most of a first worker's start-up, while the caller goes on
    with its own set-up. It starts as a pool starts it (clean environment, own process group); a pool
    created later uses it."""
    if default_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([__name__, tasks_module])
    with _starting_workers():
        forkserver.ensure_running()


@dataclass
class PoolStats:
    calls: int = 0
    started: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    peak_rss_bytes: int = 0  # highest resident size any worker reported
    sent: dict[str, int] = field(default_factory=dict)  # calls sent to a worker, per task name


class _Worker:
    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.calls = 0
        self.shared: list[str] = []  # keys this worker holds, oldest first

    def kill(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class IsolatedPool:
    """Thread-safe: call() from any number of threads; at most `size` workers run at once.

    `tasks_module` names a module whose TASKS dict maps task names to functions; it is imported by
    each worker (and preloaded by the fork server), never executed in the caller for these calls. It
    may define worker_init() (run once per worker) and prepare_shared(value) (see call()).
    """

    def __init__(self, tasks_module: str, size: int = 2, limits: Limits | None = None,
                 start_method: str | None = None) -> None:
        self.tasks_module = tasks_module
        self.size = max(1, size)
        self.limits = limits or Limits()
        self.stats = PoolStats()
        method = start_method or default_start_method()
        self._ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # Modules the fork server imports once, so each new worker starts warm.
            self._ctx.set_forkserver_preload([__name__, tasks_module])
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()  # every live worker, idle or busy: close() ends them all
        self._busy = 0
        self._cond = threading.Condition()
        self._closed = False

    # -- calling ----------------------------------------------------------------------------------
    @overload
    def call(self, task: str, *args: Any, shared: tuple[str, Any] | None = None,
             seconds: float | None = None, decode: Callable[[Any], _T]) -> _T: ...

    @overload
    def call(self, task: str, *args: Any, shared: tuple[str, Any] | None = None,
             seconds: float | None = None, decode: None = None) -> Any: ...

    def call(self, task: str, *args: Any, shared: tuple[str, Any] | None = None,
             seconds: float | None = None, decode: Decoder | None = None) -> Any:
        """Run TASKS[task](*args) in a worker; with `shared=(key, value)` the worker first receives
        value once (it keeps a few) and the task is called as TASKS[task](prepared_value, *args).

        The result is the task's plain-data (JSON) result, passed through `decode` when given: a decoder
        turns it into the caller's types and raises ValueError, TypeError or KeyError for anything else,
        which counts as a bad answer (WorkerFailure "answer"; the worker is killed).

        Raises WorkerFailure for a crash, a hang, memory exhaustion or a bad answer; raises TaskError (a
        RuntimeError with the original text) for an ordinary exception the task raised.
        """
        seconds = seconds or self.limits.seconds
        deadline = time.monotonic() + seconds
        worker = self._acquire(extra=INTERACTIVE_EXTRA)
        healthy = False
        try:
            try:
                self._send(worker, task, args, shared, seconds)
                result = self._receive(worker, deadline, seconds, decode)
            except TaskError:
                healthy = True  # the task failed, the worker is fine
                raise
            healthy = True
            return result
        except (EOFError, OSError) as e:  # the worker was gone before it got the call
            raise self._crashed(worker, e) from None
        finally:
            self._release(worker, healthy and worker.calls < self.limits.max_calls)

    def imap(self, task: str, calls: Sequence[tuple[Any, ...]], *, shared: tuple[str, Any] | None = None,
             seconds: Callable[[tuple[Any, ...]], float] | None = None, slots: int | None = None,
             depth: int = PIPELINE_DEPTH, gather: float = 0.0,
             stop: threading.Event | None = None, decode: Decoder | None = None,
             abandon: threading.Event | None = None) -> Iterator[list[tuple[int, Any]]]:
        """TASKS[task](*args) for every args in `calls`, on up to `slots` workers at once (default: the
        pool's size). Yields lists of (index into calls, result) as calls complete: everything that
        completed since the previous yield, so a caller can handle results in groups. A call that
        failed has a WorkerFailure or TaskError as its result. With `gather` (seconds), a group also
        collects whatever completes within that long after its first result (fewer, bigger groups).

        Each worker is sent up to `depth` calls ahead, so it starts the next file while the caller is
        still busy with the last answer. The guarantees of call() hold for every call: its own time
        limit (`seconds(args)`, counted from when its worker starts it), the memory cap, and a crash,
        hang or blow-up costs only the call that caused it; the calls queued behind it are handed to
        a fresh worker. Closing the iterator early, or setting `stop`, lets the calls already sent
        finish and sends no more. Setting `abandon` (e.g. on Ctrl-C) sends no more either, and also drops
        the calls under way at once: their workers are killed and their results never come.
        `decode` is applied to each result as in call().
        """
        todo = deque(enumerate(calls))
        done: SimpleQueue[tuple[int, Any] | BaseException | None] = SimpleQueue()
        stop = stop or threading.Event()  # a caller's own event stops sending at once, from any thread
        lock = threading.Lock()
        limit = seconds or (lambda _args: self.limits.seconds)

        def halted() -> bool:
            return stop.is_set() or (abandon is not None and abandon.is_set())

        def take() -> tuple[int, tuple[Any, ...]] | None:
            with lock:
                return todo.popleft() if todo and not halted() else None

        def give_back(items: list[tuple[int, tuple[Any, ...]]]) -> None:
            with lock:
                todo.extendleft(reversed(items))

        def slot() -> None:
            try:
                while not halted():
                    with lock:
                        if not todo:
                            return
                    self._pipeline(self._acquire(), task, shared, limit, depth, take, give_back, done.put, decode,
                                   abandon)
            except BaseException as e:  # noqa: BLE001 - e.g. PoolClosedError: handed to the caller
                done.put(e)
            finally:
                done.put(None)

        count = max(1, min(slots or self.size, self.size, len(calls)))
        threads = [threading.Thread(target=slot, name="trustnxt-pipeline", daemon=True) for _ in range(count)]
        for t in threads:
            t.start()
        running = count
        try:
            while running:
                group = []
                item = done.get()
                if gather:
                    time.sleep(gather)  # not woken per result: the slots just queue theirs meanwhile
                while True:
                    if item is None:
                        running -= 1
                    elif isinstance(item, BaseException):
                        raise item
                    else:
                        group.append(item)
                    if done.empty():
                        break
                    item = done.get()
                if group:
                    yield group
        finally:
            stop.set()
            for t in threads:
                t.join()

    def _pipeline(self, worker: _Worker, task: str, shared: tuple[str, Any] | None,
                  limit: Callable[[tuple[Any, ...]], float], depth: int,
                  take: Callable[[], tuple[int, tuple[Any, ...]] | None],
                  give_back: Callable[[list[tuple[int, tuple[Any, ...]]]], None],
                  put: Callable[[tuple[int, Any]], None], decode: Decoder | None,
                  abandon: threading.Event | None = None) -> None:
        """Keep up to `depth` calls queued on one worker until there is nothing left to take."""
        sent: deque[tuple[int, tuple[Any, ...], float, float]] = deque()  # index, args, seconds, sent at
        healthy = False
        last_answer = 0.0
        try:
            while True:
                while len(sent) < depth and worker.calls + len(sent) < self.limits.max_calls:
                    item = take()
                    if item is None:
                        break
                    seconds = limit(item[1])
                    try:
                        self._send(worker, task, item[1], shared, seconds)
                    except (EOFError, OSError) as e:
                        if sent:  # the worker died on an earlier call: that one is reported below
                            give_back([item])
                            break
                        put((item[0], self._crashed(worker, e)))
                        return
                    sent.append((*item, seconds, time.monotonic()))
                if not sent:
                    healthy = worker.calls < self.limits.max_calls
                    return
                index, args, seconds, sent_at = sent[0]
                # A worker takes its calls in order: this one started when the previous answer came.
                deadline = max(sent_at, last_answer) + seconds
                try:
                    result = self._receive(worker, deadline, seconds, decode, abandon)
                except _Abandoned:
                    return  # the worker is killed on release; nobody waits for these calls any more
                except TaskError as e:
                    result = e
                except WorkerFailure as e:  # the worker is dead; the calls behind this one never started
                    sent.popleft()
                    give_back([(i, a) for i, a, _, _ in sent])
                    put((index, e))
                    return
                last_answer = time.monotonic()
                sent.popleft()
                put((index, result))
        finally:
            self._release(worker, healthy)

    def _send(self, worker: _Worker, task: str, args: tuple[Any, ...], shared: tuple[str, Any] | None,
              seconds: float) -> None:
        key = None
        if shared is not None:
            key = shared[0]
            if key not in worker.shared:
                worker.conn.send(("share", key, shared[1]))
                worker.shared.append(key)
                del worker.shared[:-_MAX_SHARED]
        worker.conn.send(("call", task, args, key, seconds))
        self.stats.sent[task] = self.stats.sent.get(task, 0) + 1

    def _receive(self, worker: _Worker, deadline: float, seconds: float, decode: Decoder | None = None,
                 abandon: threading.Event | None = None) -> Any:
        """The answer to the oldest call sent to `worker`, waiting until `deadline` (time.monotonic), or
        until `abandon` is set (then raises _Abandoned)."""
        step = _ABANDON_CHECK if abandon is not None else float("inf")
        try:
            while not worker.conn.poll(max(0.0, min(deadline - time.monotonic(), step))):
                if time.monotonic() >= deadline:
                    raise self._failure(worker, "timeout", f"did not finish within {seconds:g} s")
                if abandon is not None and abandon.is_set():
                    raise _Abandoned
            data = worker.conn.recv_bytes(MAX_ANSWER_BYTES)  # bytes only: never unpickled
        except (EOFError, OSError) as e:
            if "bad message length" in str(e) and not self._closed:  # multiprocessing's words for "too long"
                raise self._failure(worker, "answer", f"sent an answer larger than {_size(MAX_ANSWER_BYTES)}") \
                    from None
            raise self._crashed(worker, e) from None
        answer = parse_answer(data)
        if answer is None:
            raise self._failure(worker, "answer", "sent something that is not a plain-data answer")
        status, payload, rss = answer
        self.stats.calls += 1
        self.stats.peak_rss_bytes = max(self.stats.peak_rss_bytes, rss)
        worker.calls += 1
        if status == "ok":
            if decode is None:
                return payload
            try:
                return decode(payload)
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as e:
                why = str(e) if len(str(e)) < 200 else str(e)[:197] + "..."
                raise self._failure(worker, "answer", f"sent an answer that is not what its task gives ({why})") \
                    from None
        if status == "memory":
            raise self._failure(worker, "memory", f"needed more than the {_size(self.limits.memory_bytes)} "
                                                  "of memory a parser may use")
        raise TaskError(payload)  # an ordinary exception inside the task: the worker is fine

    def _crashed(self, worker: _Worker, cause: BaseException) -> BaseException:
        if self._closed:
            return PoolClosedError("the worker pool was shut down")
        return self._failure(worker, "crash", self._death(worker))

    def _failure(self, worker: _Worker, kind: str, detail: str) -> WorkerFailure:
        worker.kill()
        self.stats.failures[kind] = self.stats.failures.get(kind, 0) + 1
        return WorkerFailure(kind, detail)

    @staticmethod
    def _death(worker: _Worker) -> str:
        worker.process.join(2)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"crashed ({name})"
        return f"exited unexpectedly (code {code})" if code is not None else "stopped answering"

    # -- workers ----------------------------------------------------------------------------------
    def _acquire(self, extra: int = 0) -> _Worker:
        """A worker, waiting while `size + extra` are busy."""
        with self._cond:
            while True:
                if self._closed:
                    raise PoolClosedError("the worker pool was shut down")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.process.is_alive():
                        self._busy += 1
                        return worker
                    worker.kill()  # died while idle (killed from outside): replace it quietly
                if self._busy < self.size + extra:
                    self._busy += 1
                    break
                self._cond.wait()
        try:
            return self._start()  # outside the lock: other callers may use idle workers meanwhile
        except BaseException:
            with self._cond:
                self._busy -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            self._busy -= 1
            kept = healthy and not self._closed
            if kept:
                self._idle.append(worker)
            self._cond.notify()
        if not kept:
            worker.kill()

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        # typeshed's BaseContext lacks Process; every context get_context() returns has it.
        process = self._ctx.Process(  # type: ignore[attr-defined]  # see above
            target=_worker_main, name=_WORKER_NAME, args=(child, self.tasks_module, self.limits,
                                                          os.environ.get(FAULT_ENV)), daemon=True)
        with _starting_workers():
            process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._cond:
            closed = self._closed
            if not closed:
                self._workers = {w for w in self._workers if w.process.exitcode is None}
                self._workers.add(worker)
        if closed:  # close() ran while this one was starting
            worker.kill()
            raise PoolClosedError("the worker pool was shut down")
        self.stats.started += 1
        return worker

    def warm_up(self, count: int | None = None) -> None:
        """Start workers ahead of the first call (e.g. while the user picks files)."""
        started = []
        for _ in range(min(self.size, count or self.size)):
            with self._cond:
                if self._closed or self._busy + len(self._idle) >= self.size:
                    break
                self._busy += 1
            try:
                started.append(self._start())
            except PoolClosedError:
                break
            finally:
                with self._cond:
                    self._busy -= 1
        with self._cond:
            self._idle.extend(started)
            self._cond.notify_all()

    def close(self) -> None:
        """End every worker: idle ones are asked to stop, busy ones are killed (their callers get
        PoolClosedError). Safe to call more than once and from any thread."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = [w for w in self._workers if w not in idle]
            self._workers = set()
            self._cond.notify_all()
        for worker in busy:  # only the process: the thread using its pipe sees it close and cleans up
            with contextlib.suppress(OSError, AssertionError):
                if worker.process.is_alive():
                    worker.process.kill()
        for worker in idle:
            try:
                worker.conn.send(None)
            except OSError:
                pass
            worker.process.join(1)
            worker.kill()

    def __enter__(self) -> IsolatedPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# -- how workers are started --------------------------------------------------------------------------

# Variables a parser never needs and that open the user's session to whoever controls the process: the
# session bus (the keyring's Secret Service, KWallet), the runtime folder (where the bus socket lives on
# systemd desktops), agents, the display. Plus anything named or shaped like a credential.
_SESSION_VARIABLES = frozenset({"DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "XDG_RUNTIME_DIR",
                                "SSH_AUTH_SOCK", "SSH_AGENT_PID", "GPG_AGENT_INFO", "GNOME_KEYRING_CONTROL",
                                "GNOME_KEYRING_PID", "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "KRB5CCNAME",
                                "SESSION_MANAGER"})
_SECRET_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSW|PASSPHRASE|CREDENTIAL|AUTH|COOKIE|PRIVATE", re.IGNORECASE)
# TrustNXT keys and secrets, bearer tokens, and URLs with a user name or password (proxies, say).
_SECRET_VALUE = re.compile(r"tnxt_(?:live|secret)_|\bBearer\s|://[^/\s@]+@", re.IGNORECASE)


def _private(name: str, value: str) -> bool:
    return name.upper() in _SESSION_VARIABLES or bool(_SECRET_NAME.search(name) or _SECRET_VALUE.search(value))


def worker_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a worker starts with: `environ` without session access or anything secret-looking
    (see the module docstring), and with PYTHONSAFEPATH=1: workers start as `python -c ...`, which would
    put the current folder first on sys.path, and run from a folder of received files a planted
    `multiprocessing.py` would be imported (PYTHONSAFEPATH, Python 3.11+, leaves it out)."""
    env = {k: v for k, v in environ.items() if not _private(k, v)}
    env["PYTHONSAFEPATH"] = "1"
    return env


_starting = threading.local()  # set while this thread starts one of our workers
_group_leaders: list[subprocess.Popen[bytes]] = []  # fork servers we started, each leading its process group
# typeshed types spawnv_passfds(path: bytes, args: Sequence[ConvertibleToInt], ...); CPython's callers pass the
# executable and the command line as str, which is what this module's replacement takes.
_SpawnvPassfds = Callable[[str, Sequence[str], Sequence[int]], int]
_spawnv_passfds: _SpawnvPassfds = multiprocessing.util.spawnv_passfds  # type: ignore[assignment]  # see above


class _Detached(subprocess.Popen[bytes]):
    """A process multiprocessing reaps itself (or never, like its own): no warning when the object goes."""

    def __del__(self, *_: object, **__: object) -> None:
        pass


def _spawn_in_own_group(path: str, args: Sequence[str], passfds: Sequence[int]) -> int:
    """multiprocessing.util.spawnv_passfds, for the fork server and "spawn" workers we start: the clean
    environment of worker_environment(), and a process group of its own (a terminal's Ctrl-C reaches
    the app, not its parsers; one killpg ends the fork server and all its workers)."""
    if not getattr(_starting, "active", False):
        return _spawnv_passfds(path, args, passfds)
    proc = _Detached(list(args), executable=path, pass_fds=tuple(sorted(map(int, passfds))), close_fds=True,
                     env=worker_environment(os.environ), restore_signals=False, process_group=0)
    if any("multiprocessing.forkserver" in str(a) for a in args):
        _group_leaders.append(proc)
    return proc.pid


if os.name == "posix" and getattr(multiprocessing.util.spawnv_passfds, "__name__", "") != "_spawn_in_own_group":
    multiprocessing.util.spawnv_passfds = _spawn_in_own_group  # type: ignore[assignment]  # see _SpawnvPassfds


def _end_worker_groups() -> None:
    """At exit: kill the fork servers' process groups, so no parser (of any pool) outlives the app."""
    for proc in _group_leaders:
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)


atexit.register(_end_worker_groups)  # registered after multiprocessing's own exit handler: runs before it


@contextlib.contextmanager
def _starting_workers() -> Iterator[None]:
    """Around Process.start(). POSIX: the fork server (started on first use) and "spawn" workers get the
    clean environment (_spawn_in_own_group). Windows starts processes another way: there PYTHONSAFEPATH
    is set for the moment (inherited by the worker started now; harmless to anything else), and workers
    remove private variables from their own environment as they start (_forget_private_environment)."""
    if os.name == "posix":
        _starting.active = True
        try:
            yield
        finally:
            _starting.active = False
        return
    if os.environ.get("PYTHONSAFEPATH"):
        yield
        return
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        os.environ.pop("PYTHONSAFEPATH", None)


def _size(n: int | None) -> str:
    if n is None:
        return "unlimited amount"
    return f"{n / 1024 ** 3:g} GiB" if n >= 1024 ** 3 else f"{n // 1024 ** 2} MiB"


# multiprocessing makes every spawned or forkserver child import the caller's main module first. Our
# workers need nothing from it, and the GUI's would drag Qt into every parser process: leave it out
# for our workers only (the process name marks them).
_preparation_data = multiprocessing.spawn.get_preparation_data


def _without_main(name: str) -> dict[str, Any]:
    data = _preparation_data(name)
    if name == _WORKER_NAME:
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


if getattr(multiprocessing.spawn.get_preparation_data, "__name__", "") != "_without_main":
    multiprocessing.spawn.get_preparation_data = _without_main


# -- inside the worker process ---------------------------------------------------------------------

def _confine(limits: Limits) -> None:
    if limits.memory_bytes and sys.platform == "win32":
        from .win_job import limit_own_memory

        limit_own_memory(limits.memory_bytes)  # False: Windows refused; the worker runs without the cap
    elif limits.memory_bytes and memory_limit_enforced():
        import resource

        with contextlib.suppress(ValueError, OSError):  # a lower hard limit set from outside stays in force
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent, even mid-parse
        except (OSError, AttributeError):
            pass


def _rss_bytes() -> int:
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB
    except ImportError:
        return 0


def _test_fault(fault: str | None, args: tuple[Any, ...]) -> None:
    if not fault or ":" not in fault:
        return
    action, _, needle = fault.partition(":")
    if not needle or not any(isinstance(a, str) and needle in a for a in args):
        return
    if action == "abort":
        os.abort()
    elif action == "hang":
        while True:
            time.sleep(3600)
    elif action == "oom":
        hog = []
        while True:
            hog.append(bytearray(64 * 1024 * 1024))


def encode_answer(status: str, result: Any, rss: int) -> bytes:
    """A worker's answer as the bytes it sends: JSON {"status": "ok" | "error" | "memory", "result": any
    JSON value (for "error", the exception's text), "rss": peak resident bytes}. A task that returned
    something JSON cannot hold (an object, bytes) gets an "error" answer instead: tasks return plain data."""
    try:
        return json.dumps({"status": status, "result": result, "rss": rss}, separators=(",", ":")).encode()
    except (TypeError, ValueError, RecursionError) as e:
        text = f"TypeError: the task's result is not plain data ({type(e).__name__})"
        return json.dumps({"status": "error", "result": text, "rss": rss}).encode()


def parse_answer(data: bytes) -> tuple[str, Any, int] | None:
    """(status, result, rss) from the bytes a worker sent; None for anything that is not exactly the shape
    encode_answer() gives (not JSON, other keys or types, a pickle, …). The caller then kills the worker."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(value, dict) or set(value) != {"status", "result", "rss"}:
        return None
    status, result, rss = value["status"], value["result"], value["rss"]
    if status not in _STATUSES or type(rss) is not int or (status == "error" and not isinstance(result, str)):
        return None
    return status, result, rss


def _forget_private_environment() -> None:
    """Drop what worker_environment() leaves out, should this worker have inherited it (Windows, or a fork
    server someone else started)."""
    for name in [k for k, v in os.environ.items() if _private(k, v)]:
        os.environ.pop(name, None)


def _watch_app(conn: Connection) -> None:
    """End this worker at once, quietly, when the app's end of the pipe closes (the app exited or was
    killed), also in the middle of a parse. POSIX (poll); Linux reports the closing as POLLRDHUP."""
    if not hasattr(select, "poll"):
        return
    ended = select.POLLHUP | select.POLLERR | select.POLLNVAL | getattr(select, "POLLRDHUP", 0)
    fd = conn.fileno()

    def watch() -> None:
        poller = select.poll()
        poller.register(fd, getattr(select, "POLLRDHUP", 0))  # never POLLIN: calls waiting to be read are not an end
        while True:
            if any(events & ended for _, events in poller.poll()):
                os._exit(0)

    threading.Thread(target=watch, name="trustnxt-app-watch", daemon=True).start()


def _worker_main(conn: Connection, tasks_module: str, limits: Limits, fault: str | None) -> None:
    """A worker's whole life. It never prints a traceback: when the app closed the pipe or is gone it ends
    quietly, and whatever else ends it is the app's to report ("exited unexpectedly (code 70)")."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle, not a parser's
        _confine(limits)
        _forget_private_environment()
        _watch_app(conn)
        _serve(conn, tasks_module, fault)
    except (EOFError, OSError):
        pass  # the app's end of the pipe closed: it exited, was killed, or closed the pool
    except BaseException:  # noqa: BLE001 - a bug here, or a library ending the process: the app reports it
        code = 70
    os._exit(code)


def _serve(conn: Connection, tasks_module: str, fault: str | None) -> None:
    module = importlib.import_module(tasks_module)
    getattr(module, "worker_init", lambda: None)()
    tasks: dict[str, Callable[..., Any]] = module.TASKS
    prepare: Callable[[Any], Any] = getattr(module, "prepare_shared", lambda value: value)
    shared: dict[str, Any] = {}
    alarm = hasattr(signal, "setitimer")
    while True:
        message = conn.recv()  # calls come from the app, which this worker trusts
        if message is None:
            return
        if message[0] == "share":
            _, key, value = message
            shared[key] = prepare(value)
            while len(shared) > _MAX_SHARED:
                shared.pop(next(iter(shared)))
            continue
        _, task, args, key, seconds = message
        if alarm:  # a second line of defence: the default SIGALRM action ends this process
            signal.setitimer(signal.ITIMER_REAL, seconds + 5)
        try:
            _test_fault(fault, args)
            fn = tasks[task]
            status, result = "ok", fn(shared[key], *args) if key is not None else fn(*args)
        except MemoryError:
            status, result = "memory", None
        except Exception as e:  # noqa: BLE001 - reported to the caller; the worker stays usable
            status, result = "error", f"{type(e).__name__}: {e}"
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            answer = encode_answer(status, result, _rss_bytes())
        except MemoryError:
            status, answer = "memory", encode_answer("memory", None, _rss_bytes())
        del result
        conn.send_bytes(answer)
        if status == "memory":
            return  # a heap that just hit its cap is not worth keeping
