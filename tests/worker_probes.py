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
