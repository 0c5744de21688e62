"""Functions a test runs in a worker process (contest.workers pickles a function by its name,
so it must live in an importable module): what a fresh worker finds already done."""

from sqlalchemy import inspect

from contest import i18n
from contest.models import Entry, ScoreSheet, User


def first_use_state() -> dict:
    return {"mappers_configured": all(inspect(m).configured for m in (User, Entry, ScoreSheet)),
            "catalogues_read": i18n.catalogue.cache_info().currsize}
