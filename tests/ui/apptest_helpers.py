"""Helpers for AppTest: start the app and sign in through its form."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
PAGES = Path(__file__).resolve().parents[2] / "contest" / "ui" / "pages"


def start_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    inputs = at.text_input
    inputs[0].input(email)
    inputs[1].input(password)
    at.button[0].click()
    at.run()
    return at


def page_text(at: AppTest) -> str:
    """Every text the page shows (titles, markdown, captions, text, metrics, tables)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "error", "warning",
                 "success"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)
