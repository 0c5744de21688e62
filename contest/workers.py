"""CPU-heavy work in a worker process, so the app keeps answering everyone else.

One app process runs every browser tab's script under one GIL: a rank with 1,000 draws, an
assignment solve, a reliability report, a large export or a workbook or PDF check running
in a tab's own thread stalls every other tab of that process for its whole duration. Such
work goes through `run()`: it executes in a short-lived process forked from a preloaded
fork server (fast to start, nothing shared but the arguments and the result), while the
calling thread waits without holding the GIL, relays progress and enforces a time limit.

    result = workers.run(ranking.rank_entries, ratings, groups=groups, draws=1000,
                         progress=bar.progress, timeout=workers.LONG)

- `progress` (optional) is called in the caller's thread with what the work reported
  (the function receives a stand-in `progress` keyword), so a Streamlit progress bar works.
- An exception raised by the work is raised again in the caller (a ServiceError keeps its
  message id and problems); a worker that dies or overruns its limit is killed and raises
  `WorkFailed` / `WorkTimedOut`; when all slots (CONTEST_WORKER_SLOTS per app process)
  stay taken for the whole limit, `WorkersBusy`.
- If the caller is interrupted (a Streamlit rerun, Ctrl-C), the worker is killed.

Short work (a small rank) goes through `run_short()` instead: the app process's resident
worker, which stays between calls, does it without a new process's start-up costs.

Rules stay pure and know nothing of this: services decide what runs here.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing import forkserver, spawn
from typing import Any, TypeVar

from contest import config
from contest.services import ServiceError

T = TypeVar("T")
log = logging.getLogger(__name__)

# Workers do their maths on one thread each (unless the environment says otherwise). The
# maths library otherwise starts a thread per core in every worker, and on a machine whose
# cores the app processes keep busy the second one only spun: a 10,000-entry rank took the
# same time and half again the CPU. Set here, in the app process, before any worker starts:
# the fork server and the resident worker inherit it before they load the library.
MATHS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _name in MATHS_THREADS:
    os.environ.setdefault(_name, "1")

# Time limits (seconds) for the kinds of work; callers pick one or pass their own.
SHORT = 60.0  # a workbook or a document check
LONG = 600.0  # ranking draws, an assignment solve, a full results workbook

# Imported once by the fork server, so every worker starts with them loaded; the last one
# does the first-use work (ORM mappers, catalogues, numerical code paths) once, there.
PRELOAD = ["contest.workers", "contest.ranking", "contest.reliability", "contest.assignment",
           "contest.excel", "contest.documents", "contest.services.standings", "contest.worker_warmup"]

# What the resident worker imports before its first piece of work: what short work needs
# (a small rank), not the workbooks, documents and solvers long work does.
RESIDENT_PRELOAD = ["contest.services.standings", "contest.worker_warmup"]

_PROGRESS_INTERVAL = 0.05  # seconds between progress messages a worker sends
NICENESS = 19  # the fork server's and the workers' CPU priority: the lowest (Unix nice; 0 is normal)
_context_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
_slots: threading.BoundedSemaphore | None = None
_in_worker = False


class WorkTimedOut(ServiceError):
    """The work ran past its time limit and was stopped; nothing was changed."""

    def __init__(self, seconds: float) -> None:
        super().__init__("workers.timed_out", seconds=f"{seconds:g}")
        self.seconds = seconds


class WorkFailed(ServiceError):
    """The worker stopped without an answer (killed, out of memory, crashed)."""

    def __init__(self) -> None:
        super().__init__("workers.failed")


class WorkersBusy(ServiceError):
    """Every worker slot of this app process stayed busy for the whole time limit."""

    def __init__(self) -> None:
        super().__init__("workers.busy")


def _ctx() -> multiprocessing.context.BaseContext:
    """The fork-server context, started on first use. Forking the app process itself is
    unsafe (its threads may hold locks); the fork server is single-threaded. It runs at a
    lower CPU priority, and so do the workers it forks: on a busy machine the pages people
    are waiting for come first, the long calculations (with their progress bars) second."""
    global _context, _slots
    with _context_lock:
        if _slots is None:  # work running at once (CONTEST_WORKER_SLOTS); the rest waits
            _slots = threading.BoundedSemaphore(config.settings().worker_slots)
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _guard_main_module()
            _launching.active = True
            try:
                forkserver.ensure_running()
            finally:
                _launching.active = False
            _lower_priority(getattr(forkserver._forkserver, "_forkserver_pid", None))
            _context = ctx
        return _context


def _lower_priority(pid: int | None) -> None:
    if pid is None:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, pid, NICENESS)
    except OSError:  # not permitted here: the workers run at normal priority
        log.info("could not lower the priority of the worker fork server")


_launching = threading.local()


def _guard_main_module() -> None:
    """Workers never run the caller's __main__. multiprocessing re-runs the main module in
    every new process, and while a Streamlit script runs, __main__ is the app script itself
    (Streamlit swaps it in), so a worker would run the whole page. Only the preparation data
    of processes started here lose it; other users of multiprocessing are untouched."""
    original = spawn.get_preparation_data
    if getattr(original, "contest_guard", False):
        return

    def get_preparation_data(name):
        data = original(name)
        if getattr(_launching, "active", False):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data.contest_guard = True
    spawn.get_preparation_data = get_preparation_data


def warm_up() -> None:
    """Start the fork server (it imports PRELOAD: a few seconds of CPU at low priority) and
    the resident worker now, so the first heavy or short action does not wait for them."""
    _ctx()
    with _resident_lock:
        _resident_worker()


class _ProgressSender:
    """The stand-in `progress` a worker's function calls: sends at most one message per
    interval to the waiting caller, and always the last one (1.0)."""

    def __init__(self, conn) -> None:
        self._conn = conn
        self._last = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        done = bool(args) and isinstance(args[0], (int, float)) and args[0] >= 1.0
        if now - self._last < _PROGRESS_INTERVAL and not done:
            return
        self._last = now
        self._conn.send(("progress", args, kwargs))


def _child(conn, fn: Callable[..., Any], args: tuple, kwargs: dict, wants_progress: bool) -> None:
    global _in_worker
    _in_worker = True
    try:
        if wants_progress:
            kwargs = {**kwargs, "progress": _ProgressSender(conn)}
        _answer(conn, fn, args, kwargs)
    finally:
        conn.close()


def _answer(conn, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Run the work and send its result, or its exception (raised again in the caller)."""
    try:
        outcome = ("result", fn(*args, **kwargs))
    except BaseException as exc:  # reported to the caller, raised there
        detail = traceback.format_exc()
        try:
            pickle.dumps(exc)
            outcome = ("error", exc, detail)
        except Exception:
            outcome = ("crash", None, detail)
    try:
        conn.send(outcome)
    except Exception:  # a result that cannot be sent is a failure of the work
        conn.send(("crash", None, traceback.format_exc()))


def _resident_loop(conn, modules: list[str]) -> None:
    """The resident worker: imports what the fork server would (the first-use work included),
    says so, then does one piece of work after another until the app process goes."""
    global _in_worker
    _in_worker = True
    _answer(conn, _prepare_resident, (modules,), {})
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        _answer(conn, fn, args, kwargs)


def in_worker() -> bool:
    """True in a worker process (work there runs in place)."""
    return _in_worker


def run(fn: Callable[..., T], /, *args: Any, timeout: float = LONG,
        progress: Callable[..., Any] | None = None, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in a worker process, its result returned here; see the module
    docstring. fn must be importable by name (a module-level function)."""
    if _in_worker:  # already in a worker (work that calls other work): run it here
        if progress is not None:
            kwargs["progress"] = progress
        return fn(*args, **kwargs)
    deadline = time.monotonic() + timeout
    ctx = _ctx()
    if not _slots.acquire(timeout=timeout):  # waiting for a slot counts in the limit
        raise WorkersBusy()
    try:
        return _run_in_worker(ctx, fn, args, kwargs, progress, deadline, timeout)
    finally:
        _slots.release()


class _Resident:
    """A worker process that stays between calls (see run_short). Started afresh (spawn), not
    forked from the fork server, so that it runs at the app's own CPU priority: someone is
    waiting for its answer. At the fork server's lowest priority it got no CPU while the app
    and the browsers' load kept both cores busy (31 tabs: a small rank's p95 was 326 ms there,
    161-192 ms at normal priority)."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        _guard_main_module()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_resident_loop, args=(child, RESIDENT_PRELOAD), daemon=True,
                                   name="contest-worker:resident")
        _launching.active = True
        try:
            self.process.start()
        finally:
            _launching.active = False
        child.close()
        try:  # its first answer: the modules imported and the first-use work done
            if not self.conn.poll(SHORT):
                raise WorkFailed()
            _outcome(_prepare_resident, self.conn.recv())
        except BaseException as exc:
            self.stop()
            _raise_as_failure(exc)

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


_resident: _Resident | None = None
_resident_lock = threading.Lock()


def _resident_worker() -> _Resident:
    """The resident worker, started if there is none or it died (the caller holds the lock)."""
    global _resident
    if _resident is None or not _resident.process.is_alive():
        _resident = None
        _resident = _Resident()
    return _resident


def run_short(fn: Callable[..., T], /, *args: Any, timeout: float = SHORT, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in this app process's resident worker: a process that stays, so
    short work (a small rank, tens of milliseconds) neither holds this process's GIL against
    every other tab nor pays a fresh worker's start (a new process's first database session,
    queries and pages of memory cost it more than the work itself). It runs at the app's own
    CPU priority (someone is waiting), not the long work's lowest. One piece of work at a
    time; the next caller waits its turn within its own time limit. Work that overruns the
    limit, or a worker that dies, is stopped and a new one starts with the next call. No
    progress reports: work that needs a progress bar is long, and goes through run()."""
    if _in_worker:
        return fn(*args, **kwargs)
    global _resident
    deadline = time.monotonic() + timeout
    if not _resident_lock.acquire(timeout=timeout):
        raise WorkersBusy()
    try:
        worker = _resident_worker()
        try:
            worker.conn.send((fn, args, kwargs))
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkTimedOut(timeout)
                if worker.conn.poll(min(remaining, 0.25)):
                    message = worker.conn.recv()
                    break
                if not worker.process.is_alive():
                    raise WorkFailed()
        except BaseException as exc:  # timed out, died or interrupted: no answer may reach the next caller
            _resident = None
            worker.stop()
            _raise_as_failure(exc)
    finally:
        _resident_lock.release()
    return _outcome(fn, message)


def _raise_as_failure(exc: BaseException):
    """Raise `exc` again; a broken pipe to the worker (it died) as WorkFailed."""
    if isinstance(exc, (EOFError, OSError)):
        raise WorkFailed() from None
    raise exc


def _prepare_resident(modules: list[str]) -> None:
    for name in modules:
        importlib.import_module(name)


def _outcome(fn, message: tuple):
    kind = message[0]
    if kind == "result":
        return message[1]
    if kind == "error":  # the work's own exception, e.g. InvalidInput
        log.debug("worker %s raised:\n%s", getattr(fn, "__name__", fn), message[2])
        raise message[1]
    log.error("worker %s failed:\n%s", getattr(fn, "__name__", fn), message[2])
    raise WorkFailed()


def _run_in_worker(ctx, fn, args, kwargs, progress, deadline: float, timeout: float):
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, fn, args, kwargs, progress is not None),
                          daemon=True, name=f"contest-worker:{getattr(fn, '__name__', 'work')}")
    _launching.active = True
    try:
        process.start()
    finally:
        _launching.active = False
    sender.close()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkTimedOut(timeout)
            if not receiver.poll(min(remaining, 0.25)):
                if not process.is_alive() and not receiver.poll(0):
                    raise WorkFailed()
                continue
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                raise WorkFailed() from None
            if message[0] == "progress":
                if progress is not None:
                    progress(*message[1], **message[2])
                continue
            return _outcome(fn, message)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
