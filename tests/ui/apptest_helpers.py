"""Helpers for AppTest: start the app and sign in through its form."""

from __future__ import annotations

import re
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


# A backslash before ASCII punctuation is Markdown's escape (widgets.plain): the reader sees
# the character alone.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def rendered(markdown: str) -> str:
    """Markdown source as the reader sees its characters (escapes removed)."""
    return _ESCAPED.sub(r"\1", str(markdown))


def page_text(at: AppTest) -> str:
    """Every text the page shows as the reader sees it (titles, markdown, captions, text,
    metrics, tables)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error", "warning", "success"):
        parts += [rendered(el.value) for el in getattr(at, kind)]
    parts += [str(el.value) for el in at.text]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


def shown_tables(at: AppTest) -> list[tuple[list[str], "object", bool]]:
    """Each table as the reader sees it: its visible headings (the column's label, else its
    key), its visible columns' values, and whether the reader may edit it."""
    import json

    tables = []
    for df in at.dataframe:
        config = json.loads(df.proto.columns or "{}")
        order = list(df.proto.column_order) or list(df.value.columns)
        visible = [c for c in order if c in df.value.columns and not config.get(c, {}).get("hidden")]
        headings = [config.get(c, {}).get("label") or c for c in visible]
        tables.append((headings, df.value[visible], df.proto.editing_mode != 0))
    return tables


def tick(at: AppTest, rows: dict[int, dict], *, which: int = 0) -> AppTest:
    """Type into the shown rows of a data editor (AppTest cannot click its cells): seeds
    the editor's edit state by its key, then reruns."""
    key = at.data_editor[which].key
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()
