"""The interface in the user's language (contest.i18n.LANGUAGES): message ids looked up in
the gettext catalogues. The language is the one chosen in this tab, else the signed-in
user's stored choice, else the browser's (Accept-Language, then its own language), else
English."""

from __future__ import annotations

import threading

import streamlit as st

from contest import i18n, labels


def first_visit_language(accept_language: str | None, browser_locale: str | None) -> str | None:
    """The language a browser asks for: its Accept-Language header, else its own language
    (navigator.language); None when neither names a declared language."""
    return i18n.from_accept_language(accept_language) or i18n.normalise_language(browser_locale)


def _browser_language() -> str | None:
    """The language this tab's browser asks for (None without a request: bare runs)."""
    def read(field):
        try:
            value = field(st.context)
        except Exception:  # noqa: BLE001  (AppTest and bare runs have no request)
            return None
        return value if isinstance(value, str) else None

    return first_visit_language(read(lambda c: c.headers.get("Accept-Language")), read(lambda c: c.locale))


# The language found for the script run going on in this thread (each tab's runs happen in a
# thread of its own): every t() and named() asks for it, hundreds of times a run, and reading
# it from session state costs a failed lookup and an exception each time. Worked out again at
# the start of every run (`settle_language`, from the shell) and when the picker changes it.
_this_run = threading.local()


def language() -> str:
    found = getattr(_this_run, "language", None)
    if found is None:
        found = _this_run.language = _resolve_language()
    return found


def settle_language() -> str:
    """The language of the run starting now, worked out afresh (the tab's choice, the
    signed-in user's, the browser's)."""
    _this_run.language = None
    return language()


def _resolve_language() -> str:
    state = st.session_state
    chosen = i18n.normalise_language(state["language"]) if "language" in state else None
    if chosen:
        return chosen
    actor = state["actor"] if "actor" in state else None
    stored = i18n.normalise_language(actor.language) if actor is not None else None
    return stored or _browser_language() or i18n.DEFAULT_LANGUAGE


def language_name(code: str) -> str:
    return i18n.LANGUAGES[code].name


def _picked(key: str) -> None:
    """The picker's on_change: the rerun that follows starts in the new language."""
    st.session_state["language"] = i18n.language_or_default(st.session_state[key])
    _this_run.language = None


def keep_choice(actor) -> None:
    """A language chosen in this tab (before or after signing in) becomes the user's own."""
    chosen = i18n.normalise_language(st.session_state.get("language"))
    if chosen and chosen != i18n.normalise_language(actor.language):
        from contest.ui import context  # the context imports this module
        from contest.services import accounts

        with context.session() as s:
            accounts.set_language(session=s, actor=actor, language=chosen)


def language_picker(key: str) -> None:
    """English, 简体中文, 繁體中文: a change applies to the whole page in the same click."""
    codes = list(i18n.LANGUAGES)
    st.session_state[key] = language()
    st.selectbox(t("common.language"), codes, format_func=language_name, key=key, on_change=_picked, args=(key,))


def named(thing) -> str:
    """An edition's own name (group, category, track, round, sheet, criterion, band, award
    tier: a record, row or Label) in the user's language; English when it has none there."""
    return labels.label_of(thing, language())


def t(text: str | i18n.Message, **values) -> str:
    """A message (id, or Message from a service) in the user's language, with its named
    parameters filled in (parameters that are Messages or edition names render in the
    same language)."""
    if isinstance(text, labels.Label):
        return named(text)
    return i18n.text(text, language(), **values)
