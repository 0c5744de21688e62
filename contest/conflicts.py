"""Automatic conflicts of interest between judges and entries.

A judge may not score an entry whose applicant is their own organisation, whose contact
shares their employer's mail domain, or (when the round says so) whose applicant comes
from their region. Pure: plain facts in, a list of conflicts with reasons out.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from contest import organisations


@dataclass(frozen=True)
class JudgeFacts:
    """What conflict rules know about a judge."""

    id: Hashable
    organisation: str | None = None
    email: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class EntryFacts:
    """What conflict rules know about an entry: its applicant(s) and contact."""

    id: Hashable
    applicant: str | None = None
    contact_email: str | None = None
    region: str | None = None
    co_applicants: tuple[str, ...] = ()


@dataclass(frozen=True)
class FoundConflict:
    """One judge-entry pair that must never be assigned, with the reason in words."""

    judge_id: Hashable
    entry_id: Hashable
    reason: str


def region_key(region: str | None) -> str:
    """Comparison key of a region name: NFKC, case and spacing folded."""
    if not region:
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(region)).casefold().split())


def automatic_conflicts(
    judges: Iterable[JudgeFacts],
    entries: Iterable[EntryFacts],
    *,
    same_region: bool = False,
) -> list[FoundConflict]:
    """Every judge-entry pair sharing an organisation (after normalising names), a
    non-public mail domain, or (if `same_region`) a region; one conflict per pair, its
    reason listing every cause. Ordered by judge, then entry, as given."""
    entries = list(entries)
    by_org: dict[str, list[int]] = defaultdict(list)
    by_domain: dict[str, list[int]] = defaultdict(list)
    by_region: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        keys = {
            organisations.normalise_organisation(name)
            for name in (entry.applicant, *entry.co_applicants)
        }
        for key in keys - {""}:
            by_org[key].append(index)
        domain = organisations.organisation_mail_domain(entry.contact_email)
        if domain:
            by_domain[domain].append(index)
        region = region_key(entry.region)
        if same_region and region:
            by_region[region].append(index)

    found: list[FoundConflict] = []
    for judge in judges:
        reasons: dict[int, list[str]] = defaultdict(list)
        org = organisations.normalise_organisation(judge.organisation)
        if org:
            for index in by_org.get(org, ()):
                reasons[index].append(f"same organisation: {(judge.organisation or '').strip()}")
        domain = organisations.organisation_mail_domain(judge.email)
        if domain:
            for index in by_domain.get(domain, ()):
                reasons[index].append(f"same mail domain: {domain}")
        region = region_key(judge.region)
        if same_region and region:
            for index in by_region.get(region, ()):
                reasons[index].append(f"same region: {(judge.region or '').strip()}")
        for index in sorted(reasons):
            found.append(FoundConflict(judge.id, entries[index].id, "; ".join(reasons[index])))
    return found


def organisation_conflicts(
    rules: Iterable[tuple[Hashable, str, str]], entries: Iterable[EntryFacts]
) -> list[FoundConflict]:
    """Expand (judge_id, organisation, reason) rules, meaning "every entry of that
    applicant", to one conflict per matching entry (names compared normalised)."""
    entries = list(entries)
    by_org: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        for name in {entry.applicant, *entry.co_applicants}:
            key = organisations.normalise_organisation(name)
            if key and index not in by_org[key]:
                by_org[key].append(index)
    found: list[FoundConflict] = []
    for judge_id, organisation, reason in rules:
        for index in by_org.get(organisations.normalise_organisation(organisation), ()):
            found.append(FoundConflict(judge_id, entries[index].id, reason))
    return found
