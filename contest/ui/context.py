"""What every page needs: the engine, the signed-in actor and the current edition."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import streamlit as st

from contest import config, db
from contest.auth import Actor
from contest.models import Edition
from contest.services import ServiceError, editions
from contest.ui import widgets
from contest.ui.i18n import t


def engine():
    return db.engine_for(config.settings().database_url)


def session(*, read_only: bool = False):
    return db.session_scope(engine(), read_only=read_only)


def actor() -> Actor | None:
    return st.session_state.get("actor")


def require_actor() -> Actor:
    current = actor()
    if current is None:
        st.stop()
    return current


_this_run = threading.local()  # the edition found for the script run in this thread


def forget_edition() -> None:
    """At the start of a run (the shell): the edition is read again, once."""
    _this_run.edition = None


def edition(reading=None) -> Edition | None:
    """The edition the user works on: the one chosen in the sidebar, else the newest (read
    once per run, in `reading` when the caller has a session open: the shell and the page
    both ask). Its time zone is kept for the dates and times the pages show (formats.when)."""
    chosen = st.session_state.get("edition_id")
    kept = getattr(_this_run, "edition", None)
    if kept is not None and kept[0] == chosen:
        return kept[1]
    if reading is None:
        with session(read_only=True) as s:
            found = _read_edition(s, chosen)
    else:
        found = _read_edition(reading, chosen)
    _this_run.edition = (chosen, found)
    return found


def _read_edition(s, chosen: int | None) -> Edition | None:
    found = s.get(Edition, chosen) if chosen is not None else None
    if found is None:
        found = editions.latest_edition(session=s)
    if found is not None:
        st.session_state["time_zone"] = found.time_zone
    return found


@contextmanager
def user_errors():
    """Show a service's message instead of a traceback."""
    try:
        yield
    except ServiceError as exc:
        show_error(exc)


def show_error(exc: ServiceError, where=st) -> None:
    """A service's refusal as the user reads it: its message, and each problem when several."""
    problems = getattr(exc, "problems", None)
    shown = t(widgets.markdown_safe(exc.message))  # the user's text inside it never renders as Markdown
    if problems and len(problems) > 1:
        where.error(shown if len(shown) < 200 else t("common.please_correct_following"))
        for p in problems:
            where.text(f"• {t(p)}")
    else:
        where.error(shown)
