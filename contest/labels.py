"""An edition's own names in every language: groups, categories, tracks, rounds, sheets,
criteria, band descriptors and award tiers.

Each has its English `label` (required; files, audit and the fallback use it) and a
`labels` mapping {language code: text} for the other languages declared in
`contest.i18n.LANGUAGES`. Adding a language needs no schema change: it is one more key.
Groups and criteria carry a longer `description` the same way, with `descriptions` beside it
(pass `base="description"`).

`label_of(thing, language)` is the one way a page, chart, workbook or the CLI shows such a
name: a missing label falls back to English. Services hand names on as `Label`s (an English
string that also carries its other languages), so messages and tables built from them are
rendered in the reader's language at the edge.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from contest.i18n import DEFAULT_LANGUAGE, LANGUAGES, language_or_default

# Languages other than the default, in their declared order: a label for each is optional.
OTHER_LANGUAGES = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)


def column(code: str, base: str = "label") -> str:
    """The table or workbook column holding one language's label: `label` for English,
    `label_zh_hans` for zh-Hans, and so on (lower case, like every other key); likewise
    `bands`, `bands_zh_hans`, ... for band descriptors."""
    if code == DEFAULT_LANGUAGE:
        return base
    return f"{base}_" + code.lower().replace("-", "_")


LABEL_COLUMNS = tuple(column(code) for code in LANGUAGES)
DESCRIPTION_COLUMNS = tuple(column(code, "description") for code in LANGUAGES)
LEGACY_COLUMN = "label_zh"  # earlier presets and tables: Simplified Chinese
# the English field -> the field holding the other languages
TRANSLATED = {"label": "labels", "description": "descriptions"}


class Label(str):
    """An English label that knows its other languages; behaves as the English text."""

    labels: dict

    def __new__(cls, english: Any, labels: Mapping[str, str] | None = None) -> "Label":
        obj = super().__new__(cls, "" if english is None else str(english))
        obj.labels = clean(labels)
        return obj

    def __reduce__(self):  # kept whole through pickling (worker processes)
        return (_restored, (str(self), self.labels))

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return label_of(self, language)


def _restored(english: str, labels: dict) -> Label:
    """A pickled Label back as it was: its labels were cleaned when it was made. (A worker's
    10,000-entry ranking brings tens of thousands of Labels back to the app process, where
    cleaning each again took a quarter of the app's share of a Rank press.)"""
    obj = str.__new__(Label, english)
    obj.labels = labels
    return obj


def clean(labels: Mapping[str, Any] | None) -> dict[str, str]:
    """Only declared non-default languages with non-empty text, trimmed."""
    out = {}
    for code, value in dict(labels or {}).items():
        if code in OTHER_LANGUAGES and value is not None and str(value).strip():
            out[code] = str(value).strip()
    return out


def _english_and_labels(thing: Any, base: str = "label") -> tuple[str, dict]:
    if thing is None:
        return "", {}
    if isinstance(thing, Label):
        return str(thing), thing.labels
    if isinstance(thing, str):
        return thing, {}
    if isinstance(thing, Mapping):
        return str(thing.get(base) or ""), labels_from_row(thing, base)
    english = getattr(thing, base, "")
    others = clean(getattr(thing, TRANSLATED[base], None))
    if isinstance(english, Label):
        return str(english), {**english.labels, **others}
    return ("" if english is None else str(english)), others


def label_of(thing: Any, language: str | None = DEFAULT_LANGUAGE, base: str = "label") -> str:
    """The name (or with base="description", the description) of a record, row, band, tier or
    Label in a language; English when that language has none."""
    english, labels = _english_and_labels(thing, base)
    code = language_or_default(language)
    if code == DEFAULT_LANGUAGE:
        return english
    return labels.get(code) or english


def label(thing: Any, base: str = "label") -> Label:
    """A record's (or row's) name, or description, as a Label to hand on to pages and messages."""
    english, labels = _english_and_labels(thing, base)
    return Label(english, labels)


def labels_from_row(row: Mapping[str, Any], base: str = "label") -> dict[str, str]:
    """The other languages' texts of a preset entry or an edited table row: a `labels` (or
    `descriptions`) mapping, one `label_<language>` (`description_<language>`) column per
    language, or for labels the older `label_zh` (Simplified Chinese). Columns win over the
    mapping; empty texts are left out."""
    mapping = row.get(TRANSLATED[base])
    found = dict(clean(mapping if isinstance(mapping, Mapping) else None))
    legacy = row.get(LEGACY_COLUMN) if base == "label" else None
    if legacy is not None and str(legacy).strip() and "zh-Hans" in OTHER_LANGUAGES:
        found["zh-Hans"] = str(legacy).strip()
    for code in OTHER_LANGUAGES:
        if column(code, base) in row:
            value = row.get(column(code, base))
            if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
                found.pop(code, None)
            else:
                found[code] = str(value).strip()
    return found


def columns_of(thing: Any, base: str = "label") -> dict[str, str]:
    """{label: English, label_zh_hans: ..., ...} (or description, description_zh_hans, ...)
    for an editor row or a workbook."""
    english, labels = _english_and_labels(thing, base)
    return {column(code, base): (english if code == DEFAULT_LANGUAGE else labels.get(code, ""))
            for code in LANGUAGES}


def missing(thing: Any, base: str = "label") -> list[str]:
    """The languages that show this name (or description) in English for want of their own;
    nothing is missing from an empty English description."""
    english, labels = _english_and_labels(thing, base)
    if base != "label" and not english.strip():
        return []
    return [code for code in OTHER_LANGUAGES if not labels.get(code)]


def missing_count(things: Iterable[Any]) -> dict[str, int]:
    """Per other language, how many of these names fall back to English."""
    counts = {code: 0 for code in OTHER_LANGUAGES}
    for thing in things:
        for code in missing(thing):
            counts[code] += 1
    return counts


def from_message(message_id: str, /, **params: Any) -> Label:
    """A catalogue message as a name (e.g. "(no group)"), to stand beside edition names."""
    from contest import i18n

    return Label(i18n.text(message_id, DEFAULT_LANGUAGE, **params),
                 {code: i18n.text(message_id, code, **params) for code in OTHER_LANGUAGES})


def joined(parts: Iterable[Any], separator: str = " / ") -> Label:
    """Several names as one ("Start-up / Invention"), in every language."""
    parts = [label(p) for p in parts]
    return Label(separator.join(str(p) for p in parts),
                 {code: separator.join(label_of(p, code) for p in parts) for code in OTHER_LANGUAGES})
