"""First-use work done once in the workers' fork server, not again in every worker.

Imported last by the fork server (contest.workers.PRELOAD), and by the resident worker before
its first piece of work (RESIDENT_PRELOAD). Each worker is a fresh fork of that server, so
whatever the server has done, every worker starts with; whatever it has not, every worker
repeats. Measured on a 60-entry rank sent to a worker: the work itself took
about 60 ms, and the worker spent another 170 ms on first-use work (configuring the ORM's
mappers, reading the message catalogues, SciPy's and pandas's lazily loaded parts). Only
pure work is done here: no database connection and no thread, which a fork must not share.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sqlalchemy.orm import configure_mappers

from contest import i18n, ranking
from contest import models  # noqa: F401  (every table's mapper, configured below)


def warm() -> None:
    try:
        _warm()
    except Exception:  # a worker that starts cold still works; a fork server that fails does not
        logging.getLogger(__name__).exception("warming the workers' fork server failed")


def _warm() -> None:
    configure_mappers()
    for code in i18n.LANGUAGES:
        i18n.catalogue(code)
    # a tiny rank of each method, with draws: the numerical code paths a real rank takes
    rng = np.random.default_rng(0)
    entries, judges = 6, 3
    ratings = pd.DataFrame([(e, j, float(rng.uniform(40, 90)), float(rng.uniform(40, 90)))
                            for e in range(entries) for j in range(judges)],
                           columns=["entry", "judge", "y", "heaviest"])
    for method in ranking.METHODS:
        ranking.rank_entries(ratings, groups={e: "g" for e in range(entries)}, method=method,
                             cut=2, draws=3)


warm()
