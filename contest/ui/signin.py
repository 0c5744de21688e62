"""Sign-in, sign-out and the first-organiser screen, and the cookie hand-over."""

from __future__ import annotations

import json

import streamlit as st

from contest import auth, config
from contest.services import ServiceError, accounts
from contest.ui import context
from contest.ui.i18n import LANGUAGES, language, t


def cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(auth.SESSION_COOKIE)
    except Exception:  # AppTest and bare script runs have no request context
        return None
    return value if isinstance(value, str) and value else None


def current_actor():
    """The actor of this tab's sign-in, else of the browser's session cookie."""
    idle = config.settings().session_idle_minutes
    # A read on every rerun; a short write only when the session is over a minute stale,
    # so page loads never queue behind other users' saves (SQLite has one writer).
    for token in (st.session_state.get("auth_token"), cookie_token()):
        if not token:
            continue
        with context.session(read_only=True) as s:
            found, stale = accounts.session_status(session=s, token=token, idle_minutes=idle)
        if found is not None:
            if stale:
                with context.session() as s:
                    accounts.touch_session(session=s, token=token)
            return found
    return None


def run_pending_browser_actions() -> None:
    """Cookie work left by the previous run (set after sign-in, cleared after sign-out)."""
    ticket = st.session_state.pop("cookie_ticket", None)
    if ticket:
        body = json.dumps(f"ticket={ticket}")
        st.html(
            "<script>fetch('/auth/cookie',{method:'POST',credentials:'same-origin',"
            f"headers:{{'Content-Type':'application/x-www-form-urlencoded'}},body:{body}}});</script>",
            unsafe_allow_javascript=True,
        )
    if st.session_state.pop("clear_cookie", False):
        st.html(
            "<script>fetch('/auth/signout',{method:'POST',credentials:'same-origin'});</script>",
            unsafe_allow_javascript=True,
        )


def start_session(email: str, password: str) -> None:
    """Sign in through accounts.sign_in and keep this tab's token and the cookie ticket (the
    next run hands the ticket to the browser). A ServiceError is left to the caller."""
    with context.session() as s:
        _user, token = accounts.sign_in(session=s, email=email, password=password)
        ticket = accounts.issue_cookie_ticket(session=s, token=token)
    st.session_state["auth_token"] = token
    st.session_state["cookie_ticket"] = ticket


def _choose_language() -> None:
    """Only an explicit choice overrides the language stored for the user."""
    st.session_state["language"] = st.session_state["signin_language"]


def sign_in_page() -> None:
    st.title(t("Sign in"))
    with st.form("sign_in"):
        email = st.text_input(t("Email"))
        password = st.text_input(t("Password"), type="password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    st.selectbox(t("Language"), list(LANGUAGES), index=list(LANGUAGES).index(language()), format_func=LANGUAGES.get,
                 key="signin_language", on_change=_choose_language)
    if submitted:
        try:
            start_session(email, password)
        except ServiceError as exc:
            st.error(t(str(exc)))
            return
        st.rerun()


def sign_out() -> None:
    with context.session() as s:
        for token in (st.session_state.get("auth_token"), cookie_token()):
            accounts.sign_out(session=s, token=token)
    language = st.session_state.get("language")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if language:
        st.session_state["language"] = language
    st.session_state["clear_cookie"] = True
    st.rerun()


def first_organiser_page() -> None:
    st.title(t("Welcome: create the first organiser"))
    st.write(t("This database is new. The first account is the contest office's organiser."))
    with st.form("first_organiser"):
        name = st.text_input(t("Your name"))
        email = st.text_input(t("Email"))
        password = st.text_input(t("Password (at least 10 characters)"), type="password")
        submitted = st.form_submit_button(t("Create organiser"), type="primary")
    if submitted:
        try:
            with context.session() as s:
                accounts.create_first_organiser(session=s, email=email, name=name, password=password)
            start_session(email, password)
        except ServiceError as exc:
            st.error(str(exc))
            return
        st.rerun()
