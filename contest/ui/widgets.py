"""Small widget helpers shared by pages."""

from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from contest import charts, i18n, labels
from contest.ui import formats
from contest.ui.i18n import language, t


_MARKDOWN = str.maketrans({char: "\\" + char for char in string.punctuation})


def plain(text) -> str:
    """Text a user typed, safe inside anything Streamlit renders as Markdown (titles, captions,
    messages, labels, radio options): every ASCII punctuation mark is backslash-escaped, so
    **bold**, [links](...), `code`, :red[colours] and :emoji: show as typed."""
    if isinstance(text, (labels.Label, i18n.Message)):  # an edition's name or a message: the user's language
        text = t(text)
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


@dataclass(frozen=True)
class Edited:
    """What an editable table holds: every row of the frame with what was typed into it on
    any page (`rows`), and the index of the rows the page shows now (`shown`)."""

    rows: pd.DataFrame
    shown: pd.Index


def editable_table(frame: pd.DataFrame, columns: dict[str, formats.Column], *, key: str, row_id: str,
                   editable: tuple[str, ...], editor_key: str, page_size: int | None = None, **kwargs) -> Edited:
    """A `table` whose `editable` columns can be changed, on every page of it: what is typed
    on one page is kept (by the row's `row_id`, in the browser session) while the user
    searches, sorts or turns to another page, and comes back with the row. A new
    `editor_key` (e.g. after saving) starts from the frame's values again."""
    kept: dict = st.session_state.setdefault(f"{editor_key}_kept", {})  # row id -> {column: value}
    original = _prepared(frame, columns)
    prepared = original.copy()
    for name in editable:
        prepared[name] = [kept.get(rid, {}).get(name, value) for rid, value in zip(prepared[row_id], prepared[name])]
    shown = _narrowed(prepared, columns, key=key, page_size=page_size, total=len(frame))
    visible = [name for name in columns if name in shown.columns]
    # One editor per page view: Streamlit keeps an editor's changes by row position, which
    # would move a tick onto whatever row takes that position on another page.
    view = hashlib.sha1(repr(shown[row_id].tolist()).encode()).hexdigest()[:12]
    edited = st.data_editor(shown, hide_index=True, column_order=visible,
                            column_config={name: columns[name].config() for name in visible},
                            disabled=[c for c in shown.columns if c not in editable], key=f"{editor_key}_{view}",
                            **kwargs)
    original_by_id = original.set_index(row_id)
    for rid, row in zip(edited[row_id], edited.to_dict("records")):
        changes = {name: row[name] for name in editable if not _same(row[name], original_by_id.at[rid, name])}
        if changes:
            kept[rid] = changes
        else:
            kept.pop(rid, None)
    rows = frame.copy()
    for name in editable:
        rows[name] = [kept.get(rid, {}).get(name, value) for rid, value in zip(original[row_id], original[name])]
    return Edited(rows=rows, shown=edited.index)


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return a == b


def _prepared(frame: pd.DataFrame, columns: dict[str, formats.Column]) -> pd.DataFrame:
    """The frame with the listed columns as the table holds them; the other columns stay
    (an editable table finds its rows' ids there). A shallow copy: pandas copies on write,
    so the caller's frame is untouched (a deep copy of the ranking's two dozen working
    columns was a third of a Rank's table time)."""
    prepared = frame.copy(deep=False)
    for name, column in columns.items():
        if name in prepared.columns:
            prepared[name] = column.prepare(prepared[name])
    return prepared


def table(frame: pd.DataFrame, columns: dict[str, formats.Column], *, key: str, page_size: int | None = None,
          **kwargs) -> pd.DataFrame:
    """A table that reads as words and stays usable when long: headings and values as
    `columns` describe them (numbers and moments stay sortable by a header click), a
    search box over the text shown (from SEARCH_FROM rows), a sort over all rows and
    pages of `page_size` rows with their number. Only the listed columns show. Returns
    the rows shown."""
    shown = _narrowed(_prepared(frame, columns), columns, key=key, page_size=page_size, total=len(frame))
    visible = [name for name in columns if name in shown.columns]
    config = {name: columns[name].config() for name in visible}
    # Only the listed columns go to the browser: a column left out is not sent hidden (and
    # the ranking's two dozen working columns cost more to encode than the table shown).
    st.dataframe(shown[visible], hide_index=True, column_order=visible, column_config=config, **kwargs)
    return shown


def _narrowed(shown: pd.DataFrame, columns: dict[str, formats.Column], *, key: str, page_size: int | None,
              total: int) -> pd.DataFrame:
    """The rows the search, the sort and the page picker leave."""
    page_size = page_size or PAGE_SIZE
    visible = [name for name in columns if name in shown.columns]
    if total >= SEARCH_FROM:
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
    elif len(shown) < total:
        st.caption(t("table.matching", n=len(shown), total=total))
    return shown.iloc[pager(len(shown), key=key, page_size=page_size)]


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


def calibration_check(check, *, key: str) -> None:
    """A judge's calibration self-check: how far above or below the rest of the panel they
    score, how widely they spread, and each entry against the panel's range."""
    st.subheader(t("calibration.check_heading"))
    if check.leniency is not None:
        st.markdown(t("calibration.leniency_above" if check.leniency > 0.05 else
                      "calibration.leniency_below" if check.leniency < -0.05 else "calibration.leniency_same",
                      points=formats.decimal(abs(check.leniency), 1)))
    if check.panel_spread is not None:
        st.markdown(t("calibration.spread", mine=formats.decimal(check.my_spread, 1),
                      panel=formats.decimal(check.panel_spread, 1)))
    rows = pd.DataFrame(list(check.rows), columns=["code", "mine", "panel_mean", "panel_low", "panel_high", "panel_n"])
    if rows["panel_mean"].notna().any():
        st.altair_chart(charts.calibration_check(rows, lang=language()), width="stretch")
    else:
        st.caption(t("calibration.no_panel_yet"))
    table(rows, {"code": formats.Column("col.entry"), "mine": formats.Column("col.my_total", "number", digits=1),
                 "panel_mean": formats.Column("col.panel_mean", "number", digits=1),
                 "panel_low": formats.Column("col.panel_low", "number", digits=1),
                 "panel_high": formats.Column("col.panel_high", "number", digits=1),
                 "panel_n": formats.Column("col.panel_n", "count")}, key=key)
