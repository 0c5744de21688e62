"""Rubric tables as the organiser types them: keys and labels, criterion rows (points,
step, weight in percent, band descriptors as text) and sheet weights. Pure: rows of plain
values in, cleaned rows and problems named by row and key out.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping

from contest import i18n
from contest import labels as names
from contest import scoring

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEY_RULE = "rubrics.key_rule"  # message id: lower-case letters, digits and _, ...
# Weights are typed in percent; this much rounding slack is accepted in their sum
# (three times 33.33 %), and the stored shares are then scaled to sum to exactly 1.
WEIGHT_TOLERANCE_PCT = 0.05

_BAND = re.compile(r"^(\d+(?:\.\d+)?)\s*%?\s*[-–]\s*(\d+(?:\.\d+)?)\s*%?\s+(.+)$")


def cell_text(value: Any) -> str:
    """A table cell as trimmed text; empty cells (None, NaN) read as ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def cell_number(value: Any) -> float | None:
    """A table cell as a finite number ("12.5 %" reads as 12.5), or None if it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().rstrip("%")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def row_place(what: str, n: int, key: str) -> i18n.Message:
    """Where a problem is: "Criterion row 2 (market)" (what: Criterion, Sheet, Group,
    Category or Track), in the reader's language."""
    what = i18n.msg(f"rubrics.what_{what.lower()}")
    return i18n.msg("rubrics.row_key", what=what, n=n, key=key) if key else i18n.msg("rubrics.row", what=what, n=n)


def _num(x: float) -> str:
    return f"{x:g}"


def format_bands(bands: Iterable[Mapping[str, Any]], language: str = names.DEFAULT_LANGUAGE) -> str:
    """Bands as the organiser types them: "0-40 weak; 40-70 adequate; ..." (in another
    language: empty unless every band has its label there)."""
    bands = list(bands)
    if language != names.DEFAULT_LANGUAGE and any(language in names.missing(b) for b in bands):
        return ""
    return "; ".join(f"{_num(b['low'])}-{_num(b['high'])} {names.label_of(b, language)}" for b in bands)


def default_bands() -> list[dict]:
    """The default descriptors (weak, adequate, strong, outstanding) in every language."""
    return [{"low": b.low_pct, "high": b.high_pct, "label": str(b.label),
             "labels": dict(getattr(b.label, "labels", {}))} for b in scoring.DEFAULT_BANDS]


def band_languages(row: Mapping[str, Any], bands: list[dict], where: str) -> list[str]:
    """Give each band its label in the other languages from the row's `bands_<language>`
    texts (same edges as the English bands; an empty text leaves that language out)."""
    problems = []
    for code in names.OTHER_LANGUAGES:
        text = row.get(names.column(code, "bands"))
        if not bands or text is None or not cell_text(text):
            continue
        translated, found = parse_bands(text, where)
        if found:
            problems += found
            continue
        edges = [(b["low"], b["high"]) for b in bands]
        if [(b["low"], b["high"]) for b in translated] != edges:
            problems.append(i18n.msg("rubrics.band_edges", where=where, language=names.LANGUAGES[code].name,
                                     bands=format_bands(bands)))
            continue
        for band, other in zip(bands, translated):
            band.setdefault("labels", {})[code] = other["label"]
    return problems


def parse_bands(text: str | None, where: str) -> tuple[list[dict], list[str]]:
    """Read "low-high label; ..." (percent of the maximum); bands must tile 0-100.

    An empty text gives the default bands (weak, adequate, strong, outstanding).
    """
    if text is None or not str(text).strip():
        return default_bands(), []
    bands, problems = [], []
    for part in re.split(r"[;\n]", str(text)):
        part = part.strip()
        if not part:
            continue
        match = _BAND.match(part)
        if not match:
            problems.append(i18n.msg("rubrics.band_format", where=where, band=part))
            continue
        low, high, label = float(match[1]), float(match[2]), match[3].strip()
        if not low < high:
            problems.append(i18n.msg("rubrics.band_order", where=where, band=part))
            continue
        bands.append({"low": low, "high": high, "label": label})
    if problems:
        return [], problems
    bands.sort(key=lambda b: b["low"])
    edge = 0.0
    for band in bands:
        if abs(band["low"] - edge) > 1e-9:
            problems.append(i18n.msg("rubrics.band_gap", where=where, start=_num(band["low"]), expected=_num(edge)))
            return [], problems
        edge = band["high"]
    if abs(edge - 100.0) > 1e-9:
        problems.append(i18n.msg("rubrics.band_end", where=where, end=_num(edge)))
        return [], problems
    return bands, []


def key_label_problems(rows: list[Mapping[str, Any]], what: str) -> list[str]:
    """Each row needs a key (KEY_PATTERN, unique in the table) and a label."""
    problems, seen = [], set()
    for n, row in enumerate(rows, start=1):
        key = cell_text(row.get("key"))
        where = row_place(what, n, key)
        if not KEY_PATTERN.match(key):
            problems.append(i18n.msg("rubrics.key_invalid", where=where, key=key, rule=i18n.msg(KEY_RULE)))
        elif key in seen:
            problems.append(i18n.msg("rubrics.key_twice", where=where, key=key))
        seen.add(key)
        if not cell_text(row.get("label")):
            problems.append(i18n.msg("rubrics.label_required", where=where))
    return problems


def check_criteria(rows: list[Mapping[str, Any]]) -> tuple[list[dict], list[str]]:
    """Clean criterion rows (weight in percent) and every problem, named by row and key.

    Keys unique; points and step positive, the maximum a multiple of the step; weights
    positive and summing to 100 %.
    """
    clean, problems = [], key_label_problems(rows, "Criterion")
    for n, row in enumerate(rows, start=1):
        key = cell_text(row.get("key"))
        where = row_place("Criterion", n, key)
        max_points = cell_number(row.get("max_points"))
        step = cell_number(row.get("step"))
        weight = cell_number(row.get("weight"))
        if max_points is None or max_points <= 0:
            problems.append(i18n.msg("rubrics.max_points_positive", where=where, value=cell_text(row.get("max_points"))))
        if step is None or step <= 0:
            problems.append(i18n.msg("rubrics.step_positive", where=where, value=cell_text(row.get("step"))))
        elif max_points and max_points > 0:
            ratio = max_points / step
            if step > max_points or abs(ratio - round(ratio)) > 1e-6:
                problems.append(i18n.msg("rubrics.max_on_step", where=where, max=_num(max_points), step=_num(step)))
        if weight is None or weight <= 0:
            problems.append(i18n.msg("rubrics.weight_positive", where=where, value=cell_text(row.get("weight"))))
        bands, band_problems = parse_bands(row.get("bands"), where)
        if cell_text(row.get("bands")):
            for band in bands:
                band["labels"] = {}
        problems += band_problems or band_languages(row, bands, where)
        clean.append({
            "key": key, "label": cell_text(row.get("label")), "labels": names.labels_from_row(row),
            "description": cell_text(row.get("description")),
            "descriptions": names.labels_from_row(row, "description"), "max_points": max_points,
            "step": step, "weight": weight, "bands": bands,
        })
    if not rows:
        problems.append(i18n.msg("rubrics.no_criteria"))
    weights = [c["weight"] for c in clean]
    if clean and all(w is not None and w > 0 for w in weights):
        total = sum(weights)
        if abs(total - 100.0) > WEIGHT_TOLERANCE_PCT:
            problems.append(i18n.msg("rubrics.criterion_weights_total", total=_num(round(total, 4))))
    return clean, problems


def check_weights(rows: list[Mapping[str, Any]], what: str) -> list[str]:
    """Weights in percent: each positive, together 100 %."""
    problems = []
    weights = []
    for n, row in enumerate(rows, start=1):
        weight = cell_number(row.get("weight"))
        if weight is None or weight <= 0:
            problems.append(i18n.msg("rubrics.weight_positive", where=row_place(what, n, cell_text(row.get("key"))),
                                     value=cell_text(row.get("weight"))))
        else:
            weights.append(weight)
    if not problems and rows and abs(sum(weights) - 100.0) > WEIGHT_TOLERANCE_PCT:
        problems.append(i18n.msg(f"rubrics.{what.lower()}_weights_total", total=_num(round(sum(weights), 4))))
    return problems


def scoring_signature(criteria: Iterable[Mapping[str, Any]]) -> dict:
    """What decides a sheet's total: keys, maxima, steps, weight shares and band edges."""
    return {
        c["key"]: (round(float(c["max_points"]), 9), round(float(c["step"]), 9),
                   round(float(c["weight"]), 9),
                   tuple((round(float(b["low"]), 6), round(float(b["high"]), 6))
                         for b in c["bands"]))
        for c in criteria
    }
