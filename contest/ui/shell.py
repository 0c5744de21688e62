"""The app shell: database check, sign-in, role navigation, sidebar."""

from __future__ import annotations

import streamlit as st

from contest import config, db
from contest.services import accounts, editions
from contest.services import judges
from contest.ui import context, navigation, signin, widgets
from contest.ui.i18n import keep_choice, language_picker, settle_language, t


_READY: set[str] = set()  # database URLs found migrated by this process
_PEOPLE: set[str] = set()  # database URLs found holding a user (accounts are never all removed)


def _database_ready() -> bool:
    """Checked until the database is found migrated, then not again on every rerun."""
    url = config.settings().database_url
    if url in _READY:
        return True
    try:
        db.ensure_ready(context.engine())
    except db.DatabaseNotReady as exc:
        st.error(str(exc))
        return False
    _READY.add(url)
    return True


def _has_people() -> bool:
    """Whether anyone has an account (else the first organiser is asked to make one); once
    true, not asked of the database again on every rerun."""
    url = config.settings().database_url
    if url in _PEOPLE:
        return True
    with context.session(read_only=True) as s:
        if not accounts.has_any_user(session=s):
            return False
    _PEOPLE.add(url)
    return True


def _edition_picker(found: list) -> None:
    """With several editions, choose the one to work on (newest first)."""
    if len(found) > 1:
        names = {e.id: e.name for e in found}
        st.selectbox(t("shell.edition"), list(names), format_func=names.get, key="edition_id")


def main() -> None:
    if not _database_ready():
        st.stop()
    settle_language()
    context.forget_edition()
    signin.run_pending_browser_actions()
    if not _has_people():
        st.navigation([st.Page(signin.first_organiser_page, title=t("shell.welcome"), url_path="welcome"),
                       *navigation.stand_ins(signin.first_organiser_page)], position="hidden").run()
        return
    # Who is signed in, the editions, the one worked on and whether a judge still owes the
    # undertaking: one short read for all the shell needs on every rerun (each session costs
    # PostgreSQL round trips: a ping, BEGIN, the queries, the end).
    found_editions, unacknowledged = [], False
    with context.session(read_only=True) as s:
        actor = signin.current_actor(s)
        if actor is not None:
            found_editions = editions.list_editions(session=s)
            context.edition(s)  # its time zone, for every date and time the page shows
            unacknowledged = judges.needs_confidentiality_ack(session=s, actor=actor)
    st.session_state["actor"] = actor
    settle_language()  # the signed-in user's own, unless this tab chose another
    if actor is not None:
        keep_choice(actor)
    if actor is None:
        public = [signin.sign_in_page_entry()]
        public += navigation.public_pages()
        public += navigation.stand_ins(signin.sign_in_page)  # sign in, then land on the page asked for
        st.navigation(public, position="top").run()
        return
    with st.sidebar:
        st.caption(f"{t('shell.signed_in_as')} **{widgets.plain(actor.name)}**  \n{widgets.plain(actor.email)}")
        language_picker("language_picker")
        if st.button(t("shell.sign_out"), icon=":material/logout:", key="sign_out"):
            signin.sign_out()
        _edition_picker(found_editions)
    if unacknowledged:  # a judge's first sign-in: the undertaking before anything else
        undertaking = navigation.PAGES_DIR / "confidentiality.py"
        st.navigation([st.Page(undertaking, title=t("common.confidentiality"), url_path="confidentiality"),
                       *navigation.stand_ins(undertaking)], position="hidden").run()
        return
    # Every page listed: a collapsed menu ends in Streamlit's own "View N more", in English
    # whatever the reader's language.
    st.navigation(navigation.pages_for(actor.roles), expanded=True).run()
