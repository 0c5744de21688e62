"""Short work (a small rank) runs in the app process's resident worker: a process that stays
between calls, so it costs neither this process's GIL nor a new process's start. It answers
like a fresh worker would (results, refusals), and a stuck or dead one is replaced."""

from __future__ import annotations

import os
import time

import pytest

from contest import workers
from contest.services import InvalidInput
from tests import worker_probes


def test_the_resident_worker_is_another_process_that_stays_between_calls():
    first = workers.run_short(os.getpid)
    assert first != os.getpid()
    assert workers.run_short(os.getpid) == first


def test_a_refusal_raised_there_reaches_the_caller_whole_and_the_worker_stays():
    before = workers.run_short(os.getpid)
    with pytest.raises(InvalidInput) as refused:
        workers.run_short(worker_probes.refuse)
    assert refused.value.message.id == "results.no_sheets"
    assert workers.run_short(os.getpid) == before


def test_work_that_overruns_its_limit_is_stopped_and_the_next_call_gets_a_new_worker():
    stuck = workers.run_short(os.getpid)
    started = time.monotonic()
    with pytest.raises(workers.WorkTimedOut):
        workers.run_short(time.sleep, 30, timeout=0.5)
    assert time.monotonic() - started < 10
    fresh = workers.run_short(os.getpid)
    assert fresh != stuck and fresh != os.getpid()
    assert workers.run_short(sum, [1, 2, 3]) == 6


def test_a_worker_that_dies_is_reported_and_replaced():
    dead = workers.run_short(os.getpid)
    with pytest.raises(workers.WorkFailed):
        workers.run_short(os._exit, 3)
    assert workers.run_short(os.getpid) not in (dead, os.getpid())


def test_it_runs_at_the_app_processes_priority_not_the_long_works_lowest():
    """Someone is waiting for its answer; at nice 19 it got no CPU while the app kept the
    cores busy."""
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert workers.run_short(os.getpriority, os.PRIO_PROCESS, 0) == mine < workers.NICENESS
    assert workers.run(os.getpriority, os.PRIO_PROCESS, 0) == workers.NICENESS


def test_a_worker_does_its_maths_on_one_thread():
    """On a machine where the app processes keep the cores busy, a second maths thread in a
    rank's worker only spun: the 10,000-entry rank took the same time and 50 % more CPU."""
    assert workers.run(worker_probes.threads_beside_python) == 0
    assert workers.run_short(worker_probes.threads_beside_python) == 0
