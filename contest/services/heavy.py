"""Long calculations in services, run so that nobody waits for them but their own user.

A service reads its inputs in a short read, computes with `compute()` and writes in a short
transaction. `compute()` first ends the session's transaction if it wrote nothing (no lock
and no snapshot is held while computing: on SQLite an open write transaction stops every
other writer), then runs the pure calculation in a worker process (contest.workers): the app
process keeps answering every other tab meanwhile, and the caller's progress bar moves.

    result = heavy.compute(ranking.rank_entries, ratings, session=session, progress=bar,
                           draws=1000, ...)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

from contest import db, workers

T = TypeVar("T")


def compute(fn: Callable[..., T], /, *args: Any, session: Session | None = None, heavy: bool = True,
            progress: Callable[..., Any] | None = None, timeout: float = workers.LONG,
            **kwargs: Any) -> T:
    """fn(*args, **kwargs) on inputs already read: in a worker process when `heavy`, else
    here (small work, where starting a worker would cost more than the work). fn must be a
    module-level function of a pure module (contest.ranking, contest.assignment, ...)."""
    if session is not None:
        db.release(session)
    if not heavy:
        if progress is not None:
            kwargs["progress"] = progress
        return fn(*args, **kwargs)
    return workers.run(fn, *args, progress=progress, timeout=timeout, **kwargs)
