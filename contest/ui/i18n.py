"""The interface in the user's language (English or Simplified Chinese).

Texts are written in English in the code and looked up in contest/ui/locales/zh.toml;
a text without a translation shows in English. Dates and numbers follow the locale (Babel).
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import streamlit as st
from babel.dates import format_datetime

from contest import i18n
from contest.services import editions

LANGUAGES = {"en": "English", "zh": "中文"}
_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}
_DIR = Path(__file__).parent / "locales"


@lru_cache(maxsize=None)
def _catalog(language: str) -> dict[str, str]:
    path = _DIR / f"{language}.toml"
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8")).get("texts", {})


def language() -> str:
    chosen = st.session_state.get("language")
    if chosen in LANGUAGES:
        return chosen
    actor = st.session_state.get("actor")
    return actor.language if actor is not None and actor.language in LANGUAGES else "en"


def _edition_labels() -> dict[str, str]:
    """The current edition's own Chinese names (rounds, groups, categories, ...), loaded
    once per browser session and edition."""
    edition_id = st.session_state.get("edition_labels_for")
    labels = st.session_state.get("edition_labels")
    wanted = st.session_state.get("edition_id") or "latest"
    if labels is None or edition_id != wanted:
        from contest.ui import context  # the context imports this module

        edition = context.edition()
        labels = {}
        if edition is not None:
            with context.session(read_only=True) as s:
                labels = editions.chinese_labels(session=s, edition_id=edition.id)
        st.session_state["edition_labels"] = labels
        st.session_state["edition_labels_for"] = wanted
    return labels


def t(text: str | i18n.Message, **values) -> str:
    """A message (id, or Message from a service) in the user's language, with its named
    parameters filled in. Transitional: a text not yet in the catalogue that names an
    edition's round, group, category, ... shows as the edition's Chinese name."""
    lang = language()
    code = i18n.language_or_default(lang)
    if isinstance(text, i18n.Message) or i18n.template_for(text, code) != text or code == "en":
        return i18n.text(text, code, **values)
    translated = _edition_labels().get(text, text) if code == "zh-Hans" and isinstance(text, str) else text
    return translated.format(**values) if values else translated


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_datetime(moment, "medium", tzinfo="Asia/Shanghai", locale=_LOCALES[language()])
