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
  (engine/win_job.py), which caps its committed memory. macOS does not enforce RLIMIT_AS (and recent
  versions are reported to refuse setting it), so workers there do not try and run without a
  memory cap. The time limit and crash isolation hold everywhere.
- Time: the caller waits at most `seconds` for an answer, then kills the worker. The worker also arms
  a SIGALRM of its own (default action: terminate), so it cannot outlive a stuck parse if the caller
  itself is gone, and asks Linux to kill it when its parent dies.

Test hook (honoured only inside a worker, never by the calling process): the environment variable
TRUSTNXT_TEST_WORKER_FAULT=abort:<text> | hang:<text> | oom:<text> makes a worker call os.abort(),
sleep forever, or allocate without bound when a task's argument contains <text>. The caller's value is
handed to each worker as it starts, so a test may set it at any time.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import multiprocessing.spawn
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from queue import SimpleQueue
from typing import Any

FAULT_ENV = "TRUSTNXT_TEST_WORKER_FAULT"
DEFAULT_MEMORY_BYTES = 2 * 1024 ** 3
DEFAULT_SECONDS = 30.0
_MAX_SHARED = 8  # shared values (e.g. trust configurations) a worker keeps
PIPELINE_DEPTH = 2  # calls imap() keeps queued on each worker
# Single calls (previews, thumbnails) may use one worker more than the pool's size: a batch holding
# every worker through imap() must not leave the picture of the file someone just selected waiting.
INTERACTIVE_EXTRA = 1
_WORKER_NAME = "trustnxt-parser"


class WorkerFailure(Exception):
    """The worker died, overran its time limit or ran out of memory while handling one call."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # "crash" | "timeout" | "memory"
        self.detail = detail


class TaskError(RuntimeError):
    """The task raised an ordinary exception (its text is the message); the worker is fine."""


class PoolClosedError(RuntimeError):
    pass


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


@dataclass
class PoolStats:
    calls: int = 0
    started: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    peak_rss_bytes: int = 0  # highest resident size any worker reported


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
        self._busy = 0
        self._cond = threading.Condition()
        self._closed = False

    # -- calling ----------------------------------------------------------------------------------
    def call(self, task: str, *args: Any, shared: tuple[str, Any] | None = None,
             seconds: float | None = None) -> Any:
        """Run TASKS[task](*args) in a worker; with `shared=(key, value)` the worker first receives
        value once (it keeps a few) and the task is called as TASKS[task](prepared_value, *args).

        Raises WorkerFailure for a crash, a hang or memory exhaustion; raises TaskError (a RuntimeError
        with the original text) for an ordinary exception the task raised.
        """
        seconds = seconds or self.limits.seconds
        deadline = time.monotonic() + seconds
        worker = self._acquire(extra=INTERACTIVE_EXTRA)
        healthy = False
        try:
            try:
                self._send(worker, task, args, shared, seconds)
                result = self._receive(worker, deadline, seconds)
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
             stop: threading.Event | None = None) -> Iterator[list[tuple[int, Any]]]:
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
        finish and sends no more.
        """
        todo = deque(enumerate(calls))
        done: SimpleQueue[tuple[int, Any] | BaseException | None] = SimpleQueue()
        stop = stop or threading.Event()  # a caller's own event stops sending at once, from any thread
        lock = threading.Lock()
        limit = seconds or (lambda _args: self.limits.seconds)

        def take() -> tuple[int, tuple[Any, ...]] | None:
            with lock:
                return todo.popleft() if todo and not stop.is_set() else None

        def give_back(items: list[tuple[int, tuple[Any, ...]]]) -> None:
            with lock:
                todo.extendleft(reversed(items))

        def slot() -> None:
            try:
                while not stop.is_set():
                    with lock:
                        if not todo:
                            return
                    self._pipeline(self._acquire(), task, shared, limit, depth, take, give_back, done.put)
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
                  put: Callable[[tuple[int, Any]], None]) -> None:
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
                    result = self._receive(worker, deadline, seconds)
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

    def _receive(self, worker: _Worker, deadline: float, seconds: float) -> Any:
        """The answer to the oldest call sent to `worker`, waiting until `deadline` (time.monotonic)."""
        try:
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise self._failure(worker, "timeout", f"did not finish within {seconds:g} s")
            status, payload, rss = worker.conn.recv()
        except (EOFError, OSError) as e:
            raise self._crashed(worker, e) from None
        self.stats.calls += 1
        self.stats.peak_rss_bytes = max(self.stats.peak_rss_bytes, rss)
        worker.calls += 1
        if status == "ok":
            return payload
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
            if healthy and not self._closed:
                self._idle.append(worker)
                worker = None  # type: ignore[assignment]
            self._cond.notify()
        if worker is not None:
            worker.kill()

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, name=_WORKER_NAME,
                                    args=(child, self.tasks_module, self.limits, os.environ.get(FAULT_ENV)),
                                    daemon=True)
        with _safe_import_path():
            process.start()
        child.close()
        self.stats.started += 1
        return _Worker(process, parent)

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
            finally:
                with self._cond:
                    self._busy -= 1
        with self._cond:
            self._idle.extend(started)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
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


@contextlib.contextmanager
def _safe_import_path() -> Iterator[None]:
    """The fork server and spawned workers start as `python -c ...`, which would put the current
    directory first on sys.path: run from a folder of received files, a planted `multiprocessing.py`
    would be imported. PYTHONSAFEPATH (3.11+) leaves the current directory out."""
    if os.environ.get("PYTHONSAFEPATH"):
        yield
        return
    os.environ["PYTHONSAFEPATH"] = "1"  # inherited by the process started now; harmless to any other
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


def _worker_main(conn: Connection, tasks_module: str, limits: Limits, fault: str | None) -> None:
    _confine(limits)
    module = importlib.import_module(tasks_module)
    getattr(module, "worker_init", lambda: None)()
    tasks: dict[str, Callable[..., Any]] = module.TASKS
    prepare: Callable[[Any], Any] = getattr(module, "prepare_shared", lambda value: value)
    shared: dict[str, Any] = {}
    alarm = hasattr(signal, "setitimer")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
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
            result = fn(shared[key], *args) if key is not None else fn(*args)
            reply: tuple[str, Any, int] = ("ok", result, 0)
        except MemoryError:
            reply = ("memory", None, 0)
        except Exception as e:  # noqa: BLE001 - reported to the caller; the worker stays usable
            reply = ("error", f"{type(e).__name__}: {e}", 0)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            conn.send((reply[0], reply[1], _rss_bytes()))
        except MemoryError:
            conn.send(("memory", None, _rss_bytes()))
        if reply[0] == "memory":
            return  # a heap that just hit its cap is not worth keeping
