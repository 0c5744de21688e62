"""Blind rounds: what identifies an entrant, and text with it taken out. Pure: plain values.

A judge in a blind round must not learn who entered: the applicant, its organisation, the
contact person and their email, the owner's name, and places (the edition's regions and
cities, in English and Chinese) are replaced wherever an entrant typed free text (title,
summary, patent titles, bookmark titles, annotation texts).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

REDACTED = "[applicant]"
PLACE = "[place]"

# Legal forms left out to find a company's distinctive name inside free text.
_LEGAL_FORMS = re.compile(
    r"(,?\s*(co\.?,?\s*ltd\.?|company\s+limited|limited|ltd\.?|inc\.?|incorporated|corp\.?|corporation|"
    r"llc|gmbh|plc)\s*)+$|(股份有限公司|有限责任公司|有限公司|集团|公司)$",
    re.IGNORECASE,
)
# Mail providers whose domain names nobody in particular.
_FREE_MAIL = frozenset({
    "gmail", "outlook", "hotmail", "yahoo", "icloud", "qq", "163", "126", "sina", "sohu", "foxmail", "aliyun",
    "yeah", "live", "msn", "protonmail", "example",
})
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Words that start many organisations' names without naming any of them.
_GENERIC_WORDS = frozenset({
    "the", "university", "institute", "college", "school", "academy", "research", "technology", "technologies",
    "tech", "science", "sciences", "energy", "new", "smart", "intelligent", "china", "chinese", "national",
    "international", "global", "group", "holdings", "industrial", "industry", "medical", "bio", "green",
    "advanced", "digital", "electronic", "electronics", "materials", "power", "first", "great", "bay", "area",
})


def _long_enough(term: str) -> bool:
    """Short Latin terms ("AI", "Li") would blank ordinary words; two Chinese characters
    already name a city or a person."""
    return len(term) >= (2 if _CJK.search(term) else 3)


def identity_terms(values: Iterable[str], *, places: Iterable[str] = ()) -> list[str]:
    """Every string to hide for these identity values: each value, an email's name and
    domain, a company name without its legal form or leading place name."""
    return list(_identity_terms(tuple(values), tuple(places)))


@functools.lru_cache(maxsize=8192)
def _identity_terms(values: tuple[str, ...], places: tuple[str, ...]) -> tuple[str, ...]:
    """(Kept: a judge's page in a blind round finds the same entries' terms on every rerun,
    and the legal-form expression is slow on long names.)"""
    place_names = [p.strip() for p in places if p and p.strip()]
    terms: set[str] = set()
    for value in values:
        value = " ".join((value or "").split())
        if not value:
            continue
        terms.add(value)
        if "@" in value:
            local, _, domain = value.partition("@")
            terms.update(part for part in re.split(r"[._+-]", local) if len(part) >= 3)
            terms.add(local)
            label = domain.split(".")[0]
            if label.lower() not in _FREE_MAIL:
                terms.add(label)
                terms.update(re.split(r"[-_]", label))
            continue
        core = _LEGAL_FORMS.sub("", value).strip(" ,.")
        for place in place_names:
            if core.lower().startswith(place.lower() + " ") or (_CJK.search(place) and core.startswith(place)):
                core = core[len(place):].strip(" ,.")
        if core and core.lower() not in _GENERIC_WORDS:
            terms.add(core)
            terms.update(_trade_name(core))
    return tuple(sorted((t for t in terms if _long_enough(t)), key=len, reverse=True))


def _trade_name(core: str) -> list[str]:
    """The distinctive first part of an organisation's name ("Haixin" of "Haixin Energy
    Storage Technology", "海信" of "海信储能科技"), unless it is a generic word."""
    if _CJK.match(core):
        return [core[:2]] if len(core) >= 4 else []
    words = core.split()
    if len(words) >= 2 and len(words[0]) >= 4 and words[0].lower() not in _GENERIC_WORDS:
        return [words[0]]
    return []


@functools.lru_cache(maxsize=4096)
def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One expression for the terms (kept: a judge's page redacts the same entries' texts on
    every rerun, and building it was most of the work)."""
    parts = []
    for term in terms:
        escaped = re.escape(term)
        # Latin terms match whole words only ("Acme" not inside "Acmeology"); Chinese has no spaces.
        if re.match(r"\w", term[0]) and not _CJK.match(term[0]):
            escaped = r"(?<!\w)" + escaped
        if re.match(r"\w", term[-1]) and not _CJK.match(term[-1]):
            escaped = escaped + r"(?!\w)"
        parts.append(escaped)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def redact(text: str, identities: Sequence[str], places: Sequence[str] = (), *,
           replacement: str = REDACTED) -> str:
    """The text with every identity term replaced by [applicant] (or `replacement`) and every
    place by [place] (longest first, ignoring case)."""
    if not text:
        return text or ""
    return _redacted(text, tuple(identities), tuple(places), replacement)


@functools.lru_cache(maxsize=16384)
def _redacted(text: str, identities: tuple[str, ...], places: tuple[str, ...], replacement: str) -> str:
    """(Kept: a judge's page in a blind round shows the same titles, redacted the same way,
    on every rerun; with fifty assignments that was a tenth of opening an entry.)"""
    people = _pattern(tuple(t for t in identities if _long_enough(t)))
    if people is not None:
        text = people.sub(replacement, text)
    where = _pattern(tuple(sorted((p for p in places if p and _long_enough(p)), key=len, reverse=True)))
    if where is not None:
        text = where.sub(PLACE, text)
    return text
