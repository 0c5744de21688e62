"""Small widget helpers shared by pages."""

from __future__ import annotations

import math
import string

import pandas as pd
import streamlit as st

from contest import i18n
from contest.ui import formats
from contest.ui.i18n import t


_MARKDOWN = str.maketrans({char: "\\" + char for char in string.punctuation})


def plain(text) -> str:
    """Text a user typed, safe inside anything Streamlit renders as Markdown (titles, captions,
    messages, labels, radio options): every ASCII punctuation mark is backslash-escaped, so
    **bold**, [links](...), `code`, :red[colours] and :emoji: show as typed."""
    return str(text if text is not None else "").translate(_MARKDOWN)


def markdown_safe(value):
    """A message whose parameters (the user's text inside it) are plain(); the message's own
    wording keeps its Markdown."""
    if isinstance(value, i18n.Message):
        return i18n.Message(value.id, {k: markdown_safe(v) for k, v in value.params.items()})
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return type(value)(markdown_safe(v) for v in value)
    return value


def warnings(messages, *, already=()) -> None:
    """Each warning once, in the user's language: a message repeated in `messages`, or one
    the page already shows (`already`, e.g. the chosen method's caption), is not shown again."""
    seen = {t(m) for m in already}
    for message in messages:
        text = t(message)
        if text not in seen:
            seen.add(text)
            st.warning(text)


def confirmed(label: str, *, key: str, question: str) -> bool:
    """A destructive button that asks first: the first click shows the question with
    "Yes" and "Cancel"; True only once the user has said yes."""
    pending = f"{key}_pending"
    if not st.session_state.get(pending):
        if st.button(label, key=key):
            st.session_state[pending] = True
            st.rerun()
        return False
    st.warning(question)
    yes, no = st.columns(2)
    if yes.button(t("common.yes_go_ahead"), key=f"{key}_yes", type="primary"):
        del st.session_state[pending]
        return True
    if no.button(t("common.cancel"), key=f"{key}_no"):
        del st.session_state[pending]
        st.rerun()
    return False


def planned(label: str, *, key: str, preview, primary: bool = False) -> bool:
    """An action on many records that shows what it will do before it does it: the first
    click draws preview() (which returns whether the action can go ahead) with "Yes, go
    ahead" and "Cancel"; True once the user has said yes."""
    pending = f"{key}_pending"
    if not st.session_state.get(pending):
        if st.button(label, key=key, type="primary" if primary else "secondary"):
            st.session_state[pending] = True
            st.rerun()
        return False
    ready = preview()
    yes, no = st.columns(2)
    if ready and yes.button(t("common.yes_go_ahead"), key=f"{key}_yes", type="primary"):
        del st.session_state[pending]
        return True
    if no.button(t("common.cancel"), key=f"{key}_no"):
        del st.session_state[pending]
        st.rerun()
    return False


def number(label: str, *, low: float, high: float | None, value: float | None, key: str, step: float = 1,
           kept: float | None = None, container=None, **kwargs) -> float | None:
    """A number field that says why it refuses a value. The browser gets no bounds (it would
    refuse 999 silently, with only a red border); a value outside low..high gets a message
    beside the field naming the range and the value still in use, and None is returned so
    the caller saves nothing."""
    where = container if container is not None else st
    got = where.number_input(label, value=value, step=step, key=key, **kwargs)
    if got is None or (got >= low and (high is None or got <= high)):
        return got
    stays = value if kept is None else kept
    if high is None:
        where.error(t("widgets.below_minimum", value=f"{got:g}", low=f"{low:g}", kept=f"{stays:g}"),
                    icon=":material/block:")
    else:
        where.error(t("widgets.out_of_range", value=f"{got:g}", low=f"{low:g}", high=f"{high:g}", kept=f"{stays:g}"),
                    icon=":material/block:")
    return None


PAGE_SIZE = 50
SEARCH_FROM = 20  # rows from which a table offers a search box


def table(frame: pd.DataFrame, columns: dict[str, formats.Column], *, key: str, page_size: int | None = None,
          editable: tuple[str, ...] = (), editor_key: str | None = None, **kwargs) -> pd.DataFrame:
    """A table that reads as words and stays usable when long: headings and values as
    `columns` describe them (numbers and moments stay sortable by a header click), a
    search box over the text shown (from SEARCH_FROM rows), a sort over all rows and
    pages of `page_size` rows with their number. Only the listed columns show. Returns
    the rows shown (as edited, for `editable` columns)."""
    page_size = page_size or PAGE_SIZE
    shown = frame.copy()
    for name, column in columns.items():
        if name in shown.columns:
            shown[name] = column.prepare(shown[name])
    visible = [name for name in columns if name in shown.columns]
    if len(frame) >= SEARCH_FROM:
        needle = st.text_input(t("table.search"), key=f"{key}_search", placeholder=t("table.search_hint"))
        if needle.strip():
            words = needle.strip().casefold().split()
            texts = shown[visible].astype(str).agg(" ".join, axis=1).str.casefold()
            shown = shown[texts.map(lambda row: all(word in row for word in words))]
    if len(shown) > page_size:
        by, order = st.columns([2, 1])
        headings = {"": t("table.as_listed"), **{name: columns[name].config()["label"] for name in visible}}
        sort = by.selectbox(t("table.sort_by"), list(headings), key=f"{key}_sort", format_func=headings.get)
        descending = order.toggle(t("table.descending"), key=f"{key}_descending")
        if sort:
            shown = shown.sort_values(sort, ascending=not descending, kind="stable", na_position="last")
    elif len(shown) < len(frame):
        st.caption(t("table.matching", n=len(shown), total=len(frame)))
    shown = shown.iloc[pager(len(shown), key=key, page_size=page_size)]
    config = {name: columns[name].config() for name in visible}
    if editable:
        return st.data_editor(shown, hide_index=True, column_order=visible, column_config=config,
                              disabled=[c for c in shown.columns if c not in editable], key=editor_key, **kwargs)
    st.dataframe(shown, hide_index=True, column_order=visible, column_config=config, **kwargs)
    return shown


def pager(total: int, *, key: str, page_size: int = PAGE_SIZE, told_as: str = "table.rows_of") -> slice:
    """Which of `total` items to show: all when they fit on one page, else a page picker
    ("Page 2 of 4") and the items it shows (`told_as`: "Rows 51-100 of 180")."""
    pages = max(1, math.ceil(total / page_size))
    if pages == 1:
        return slice(0, total)
    picked, told = st.columns([1, 3], vertical_alignment="bottom")
    labels = {n: t("table.page_of", page=n, pages=pages) for n in range(1, pages + 1)}
    page = picked.selectbox(t("table.page"), list(labels), key=f"{key}_page", format_func=labels.get)
    page = min(page or 1, pages)
    first = (page - 1) * page_size
    told.caption(t(told_as, first=first + 1, last=min(first + page_size, total), total=total))
    return slice(first, first + page_size)
