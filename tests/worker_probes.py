"""Functions tests run in a worker process (contest.workers pickles a function by its name,
so it must live in an importable module)."""

from sqlalchemy import inspect

from contest import i18n
from contest.models import Entry, ScoreSheet, User


def first_use_state() -> dict:
    return {"mappers_configured": all(inspect(m).configured for m in (User, Entry, ScoreSheet)),
            "catalogues_read": i18n.catalogue.cache_info().currsize}


def refuse() -> None:
    from contest.services import InvalidInput

    raise InvalidInput("results.no_sheets", round="Preliminary")



def threads_beside_python() -> int:
    """Operating-system threads of this process that Python did not start, after a matrix
    product. A maths library's threads carry the process's own name; threads named apart
    (pyarrow's memory allocator keeps one, "jemalloc_bg_thd") are not counted."""
    import os
    import threading

    import numpy as np

    matrix = np.ones((400, 400))
    matrix @ matrix
    main = open("/proc/self/comm").read().strip()
    unnamed = [t for t in os.listdir("/proc/self/task")
               if open(f"/proc/self/task/{t}/comm").read().strip() == main]
    return len(unnamed) - threading.active_count()
