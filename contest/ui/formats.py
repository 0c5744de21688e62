"""Numbers, shares, days and moments as people read them: in the user's language (Babel)
and on the contest's clock (the edition's time zone, Edition.time_zone). The one formatting module of the pages:
texts use the functions, tables describe their columns with Column so that values stay
numbers and moments (the table sorts them as such) while they show in words."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from datetime import date, datetime

import pandas as pd
import streamlit as st
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from contest import dates, i18n, labels
from contest.ui.i18n import language, named, t

# How moments and days show inside tables (the browser draws them; moment.js patterns).
TABLE_MOMENT = "YYYY-MM-DD HH:mm"
TABLE_DAY = "YYYY-MM-DD"


def locale() -> str:
    """The Babel locale of the user's language."""
    return i18n.LANGUAGES[i18n.language_or_default(language())].locale


def time_zone() -> str:
    """The current edition's time zone (context.edition() keeps it for the session)."""
    return st.session_state.get("time_zone") or dates.ZONE_NAME


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def decimal(value, digits: int = 2) -> str:
    """91.2875 -> "91.29" (digits after the point, grouped thousands, the language's signs)."""
    if _missing(value):
        return ""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=locale())


def percent(share, digits: int = 0) -> str:
    """A share (0.333) as a percentage ("33%")."""
    if _missing(share):
        return ""
    pattern = ("#,##0." + "0" * digits if digits else "#,##0") + "%"
    return babel_numbers.format_percent(share, format=pattern, locale=locale())


def when(moment: datetime | None) -> str:
    """A moment on the contest's clock to the minute ("30 Nov 2026, 13:42";
    "2026年11月30日 13:42"): no offset, no seconds."""
    if moment is None:
        return ""
    here = dates.local(moment, time_zone())
    joined = babel_dates.get_datetime_format("medium", locale=locale()).replace("'", "")
    return joined.format(babel_dates.format_time(here, "HH:mm", locale=locale()),
                         babel_dates.format_date(here.date(), "medium", locale=locale()))


def day(value: date | datetime | None) -> str:
    """A day ("14 Dec 2026"; "2026年12月14日"); a moment gives its local day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = dates.local(value, time_zone()).date()
    return babel_dates.format_date(value, "medium", locale=locale())


_KEY = re.compile(r"^[a-z][a-z0-9]*(?:[_ .][a-z0-9]+)*$")


def value_label(prefix: str, key) -> str:
    """A stored key (hong_kong, utility_model, to do) in words: the message `prefix.key`
    in the user's language; a key without a message reads as words ("Mainland other")."""
    if _missing(key) or key == "":
        return ""
    key = str(key)
    message_id = f"{prefix}.{key.replace(' ', '_')}"
    if i18n.template_for(message_id, "en") != message_id:
        return t(message_id)
    if not _KEY.match(key):
        return key
    return t(" · ".join(part.replace("_", " ").capitalize() for part in key.split(".")))


def value_labels(prefix: str, keys) -> str:
    """A list of keys, or keys separated by "; " or ", ", in words, joined by ", "."""
    if _missing(keys) or keys == "":
        return ""
    parts = keys if isinstance(keys, (list, tuple, set)) else re.split(r"\s*[;,]\s*", str(keys))
    return ", ".join(value_label(prefix, part) for part in parts if part)


def in_words(value):
    """An edition's name (a Label) or a message in the user's language; anything else as it is."""
    if isinstance(value, labels.Label):
        return named(value)
    return t(value) if isinstance(value, i18n.Message) else value


def in_language(rows) -> list[dict]:
    """Rows (dicts or dataclasses) for a table, with the edition's names (Labels) and
    messages in the user's language: a DataFrame keeps only their English text."""
    out = []
    for row in rows:
        values = row if isinstance(row, dict) else {f.name: getattr(row, f.name) for f in fields(row)}
        out.append({key: in_words(v) for key, v in values.items()})
    return out


def _each_once(series: pd.Series, show) -> pd.Series:
    """series.map(show), worked out once per distinct value (a ranking's 10,000 rows hold a
    handful of flags and decisions)."""
    done: dict = {}

    def one(value):
        try:
            return done[value]
        except KeyError:
            done[value] = shown = show(value)
            return shown
        except TypeError:  # a list of keys: not hashable
            return show(value)

    return series.map(one)


@dataclass(frozen=True)
class Column:
    """How one column of a table shows: its heading (a message id, or an edition's own
    label) and its kind. Kinds: text, count, number (digits after the point), share (a
    0-1 share shown as a percentage), bar (a share drawn as a bar), moment, day, check,
    key (a stored key shown in words via the messages `values.KEY`)."""

    label: str
    kind: str = "text"
    digits: int = 2
    values: str = ""  # for kind "key": the message prefix of the stored keys
    width: str | None = None
    help: str | None = None

    def prepare(self, series: pd.Series) -> pd.Series:
        """The column's values as the table holds them (still numbers and moments)."""
        if self.kind in ("share", "bar"):
            return pd.to_numeric(series, errors="coerce") * 100
        if self.kind == "key":  # an edition's own name (an award tier) among the keys shows as itself
            return _each_once(series, lambda v: named(v) if isinstance(v, labels.Label)
                              else value_labels(self.values, v))
        if self.kind in ("moment", "day"):
            return pd.to_datetime(series, utc=True, errors="coerce")
        if series.dtype != object:  # numbers, flags: no edition names among them
            return series
        return series.map(in_words)  # edition names and messages (a method's warning)

    def config(self):
        heading = t(self.label)
        common = {"help": t(self.help) if self.help else None}
        if self.width:
            common["width"] = self.width
        cc = st.column_config
        if self.kind == "count":
            return cc.NumberColumn(heading, format="%d", **common)
        if self.kind == "number":
            return cc.NumberColumn(heading, format=f"%.{self.digits}f", **common)
        if self.kind == "share":
            return cc.NumberColumn(heading, format="%.0f%%", **common)
        if self.kind == "bar":
            return cc.ProgressColumn(heading, format="%.0f%%", min_value=0, max_value=100, **common)
        if self.kind == "moment":
            return cc.DatetimeColumn(heading, format=TABLE_MOMENT, timezone=time_zone(), **common)
        if self.kind == "day":
            return cc.DatetimeColumn(heading, format=TABLE_DAY, timezone=time_zone(), **common)
        if self.kind == "check":
            return cc.CheckboxColumn(heading, **common)
        return cc.TextColumn(heading, **common)


def history_lines(history) -> list[str]:
    """A score sheet's history as lines: when · who · what · version [· total] [· reason]."""
    lines = []
    for h in history:
        parts = [when(h["at"]), h["who"], value_label("audit", h["action"]), t("sheet_history.version", n=h["version"])]
        if h["total"] is not None:
            parts.append(t("sheet_history.total", total=decimal(h["total"], 1)))
        if h["reason"]:
            parts.append(t("sheet_history.reason", reason=h["reason"]))
        if h.get("note"):  # e.g. "imported from workbook scores.xlsx"
            parts.append(t(h["note"]))
        lines.append(" · ".join(parts))
    return lines
