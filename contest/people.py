"""How people are named on screens, charts, pickers and workbooks.

A name alone repeats (two judges called Liu Min): a person reads as "name (organisation)",
and where two people would still read the same, their email is added. Pure: plain values in,
labels out; every list, chart and picker gets its labels from here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable


@dataclass(frozen=True)
class Person:
    id: Hashable
    name: str
    organisation: str = ""
    email: str = ""


def _short(person: Person) -> str:
    name = person.name.strip() or person.email
    return f"{name} ({person.organisation.strip()})" if person.organisation.strip() else name


def _long(person: Person) -> str:
    name = person.name.strip() or person.email
    extra = ", ".join(part for part in (person.organisation.strip(), person.email) if part)
    return f"{name} ({extra})" if extra and extra != name else name


def labels(people: Iterable[Person]) -> dict[Hashable, str]:
    """A distinct label per person id among the people shown together."""
    people = list({p.id: p for p in people}.values())
    short = {p.id: _short(p) for p in people}
    clashes = Counter(short.values())
    out = {p.id: short[p.id] if clashes[short[p.id]] == 1 else _long(p) for p in people}
    # Same name, organisation and email cannot happen for two accounts; the id settles any rest.
    repeats = Counter(out.values())
    return {pid: label if repeats[label] == 1 else f"{label} #{pid}" for pid, label in out.items()}
