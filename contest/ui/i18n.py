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


def t(text: str, **values) -> str:
    """The text in the user's language, with {placeholders} filled in."""
    translated = _catalog(language()).get(text, text)
    return translated.format(**values) if values else translated


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_datetime(moment, "medium", tzinfo="Asia/Shanghai", locale=_LOCALES[language()])
