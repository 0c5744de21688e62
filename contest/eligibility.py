"""Entry rules checked before an entry goes on (初审): core patent, cap, documents, group.

Pure: plain facts in, one RuleResult per rule out, each with a message an entrant
understands. The organiser can change every threshold through EditionRules.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping

from contest import documents, organisations, patents

APPLICANT_TYPES = ("enterprise", "university", "institute", "individual")
CATEGORIES = ("invention", "design", "ic_layout")
GROUPS = ("startup", "growth")
# Revenue last year; the start-up group takes revenue of at most RMB 20 m.
REVENUE_BANDS = {
    "le_20m": "Up to RMB 20 m (or none yet)",
    "gt_20m": "Above RMB 20 m",
}
STARTUP_REVENUE_BANDS = frozenset({"le_20m"})
GRANTED_STATUSES = frozenset({"granted", "registered"})

RULE_KEYS = (
    "core_patent",
    "core_granted",
    "core_grant_date",
    "core_kind",
    "core_jurisdiction",
    "core_holder",
    "entries_per_enterprise",
    "documents",
)


@dataclasses.dataclass(frozen=True)
class PatentFacts:
    normalised: str
    kind: str | None
    status: str | None  # granted, pending, lapsed (registered for IC layouts)
    grant_date: datetime.date | None
    holder: str | None  # several holders separated by ";": the first one counts
    jurisdiction: str | None


@dataclasses.dataclass(frozen=True)
class EntryFacts:
    applicant: str
    applicant_type: str
    category: str
    patents: tuple[PatentFacts, ...]
    core_patent: str | None  # normalised number of the core patent
    document_kinds: frozenset[str] = frozenset()


def _default_core_kinds() -> dict[str, frozenset[str]]:
    return {
        "invention": frozenset({"invention"}),
        "design": frozenset({"design"}),
        "ic_layout": frozenset({"ic_layout"}),
    }


@dataclasses.dataclass(frozen=True)
class EditionRules:
    core_patent_cutoff: datetime.date
    max_entries_per_enterprise: int = 3
    uncapped_types: frozenset[str] = frozenset({"university", "institute"})
    allowed_core_kinds: Mapping[str, frozenset[str]] = dataclasses.field(
        default_factory=_default_core_kinds
    )
    required_documents: frozenset[str] = frozenset({"report"})
    core_jurisdictions: frozenset[str] = frozenset({"CN", "HK", "MO"})


@dataclasses.dataclass(frozen=True)
class RuleResult:
    key: str
    passed: bool
    message: str


def check_entry(entry: EntryFacts, rules: EditionRules, *,
                entries_by_same_applicant: int) -> list[RuleResult]:
    """Every entry rule in RULE_KEYS order; core-patent rules only once one is named.

    entries_by_same_applicant counts the applicant's OTHER live (not withdrawn) entries in
    the edition, this one excluded.
    """
    results = [_core_named(entry)]
    core = _core_facts(entry)
    if core is not None:
        results += [
            _core_granted(core),
            _core_grant_date(core, rules),
            _core_kind(entry, core, rules),
            _core_jurisdiction(core, rules),
            _core_holder(entry, core),
        ]
    results.append(_entries_cap(entry, rules, entries_by_same_applicant))
    results.append(_documents_present(entry, rules))
    return results


def failures(results: list[RuleResult]) -> list[str]:
    """The messages of the rules an entry fails: the reasons shown for ineligibility."""
    return [result.message for result in results if not result.passed]


def is_eligible(results: list[RuleResult]) -> bool:
    return all(result.passed for result in results)


def group_for(applicant_type: str, revenue_band: str | None) -> str:
    """startup for universities, institutes and revenue up to RMB 20 m; growth above."""
    if applicant_type not in APPLICANT_TYPES:
        raise ValueError(f"Unknown applicant type {applicant_type!r}; choose one of "
                         f"{', '.join(APPLICANT_TYPES)}.")
    if applicant_type in ("university", "institute"):
        return "startup"
    if revenue_band is None or revenue_band == "":
        raise ValueError("Choose last year's revenue band: it decides the group.")
    if revenue_band not in REVENUE_BANDS:
        raise ValueError(f"Unknown revenue band {revenue_band!r}; choose one of "
                         f"{', '.join(REVENUE_BANDS)}.")
    return "startup" if revenue_band in STARTUP_REVENUE_BANDS else "growth"


def first_holder(holder: str | None) -> str:
    """The first right holder of a ';'-, '；'- or '、'-separated list of holders."""
    return re.split(r"[;；、\n]", holder or "")[0].strip()


# --- rules ------------------------------------------------------------------------------


def _core_facts(entry: EntryFacts) -> PatentFacts | None:
    if not entry.core_patent:
        return None
    return next((p for p in entry.patents if p.normalised == entry.core_patent), None)


def _core_named(entry: EntryFacts) -> RuleResult:
    if not entry.core_patent:
        return RuleResult("core_patent", False,
                          "No core patent is named: choose one of the entry's patents as the "
                          "core patent.")
    if _core_facts(entry) is None:
        return RuleResult("core_patent", False,
                          f"The core patent {entry.core_patent} is not in the entry's patent "
                          "list: add it or choose another.")
    return RuleResult("core_patent", True, f"Core patent: {entry.core_patent}.")


def _core_granted(core: PatentFacts) -> RuleResult:
    if core.status in GRANTED_STATUSES:
        return RuleResult("core_granted", True, f"The core patent {core.normalised} is granted.")
    status = core.status or "not given"
    return RuleResult("core_granted", False,
                      f"The core patent {core.normalised} must be granted or registered; "
                      f"its status is {status}.")


def _core_grant_date(core: PatentFacts, rules: EditionRules) -> RuleResult:
    cutoff = rules.core_patent_cutoff.isoformat()
    if core.grant_date is None:
        return RuleResult("core_grant_date", False,
                          f"The core patent {core.normalised} has no grant date; it must be "
                          f"granted on or after {cutoff}.")
    if core.grant_date < rules.core_patent_cutoff:
        return RuleResult("core_grant_date", False,
                          f"The core patent {core.normalised} was granted on "
                          f"{core.grant_date.isoformat()}, before the cut-off date {cutoff}.")
    return RuleResult("core_grant_date", True,
                      f"The core patent was granted on {core.grant_date.isoformat()}, on or "
                      f"after {cutoff}.")


def _core_kind(entry: EntryFacts, core: PatentFacts, rules: EditionRules) -> RuleResult:
    allowed = rules.allowed_core_kinds.get(entry.category)
    if allowed is None:
        return RuleResult("core_kind", False,
                          f"The category {entry.category!r} is not open in this edition.")
    wanted = " or ".join(sorted(patents.KIND_LABELS.get(k, k) for k in allowed))
    if core.kind not in allowed:
        said = patents.KIND_LABELS.get(core.kind, core.kind) if core.kind else "not given"
        return RuleResult("core_kind", False,
                          f"The {_category_label(entry.category)} category needs a core "
                          f"patent of kind {wanted}; {core.normalised} is of kind {said}.")
    return RuleResult("core_kind", True, f"The core patent is of kind {wanted}, as the "
                                         f"{_category_label(entry.category)} category needs.")


def _core_jurisdiction(core: PatentFacts, rules: EditionRules) -> RuleResult:
    offices = ", ".join(sorted(rules.core_jurisdictions))
    if core.jurisdiction in rules.core_jurisdictions:
        return RuleResult("core_jurisdiction", True,
                          f"The core patent is a {core.jurisdiction} right.")
    return RuleResult("core_jurisdiction", False,
                      f"The core patent {core.normalised} must be granted or registered in "
                      f"{offices}; it is a {core.jurisdiction or 'unknown'} right.")


def _core_holder(entry: EntryFacts, core: PatentFacts) -> RuleResult:
    holder = first_holder(core.holder)
    if not holder:
        return RuleResult("core_holder", False,
                          f"The holder of the core patent {core.normalised} is not given; the "
                          "entrant must be its (first) right holder.")
    if organisations.normalise_organisation(holder) == organisations.normalise_organisation(
            entry.applicant):
        return RuleResult("core_holder", True,
                          f"{entry.applicant} holds the core patent.")
    return RuleResult("core_holder", False,
                      f"The entrant {entry.applicant} must be the (first) right holder of the "
                      f"core patent {core.normalised}; its holder is {holder}.")


def _entries_cap(entry: EntryFacts, rules: EditionRules, others: int) -> RuleResult:
    if entry.applicant_type in rules.uncapped_types:
        return RuleResult("entries_per_enterprise", True,
                          f"No limit on entries for a {entry.applicant_type}.")
    cap = rules.max_entries_per_enterprise
    if others + 1 > cap:
        return RuleResult("entries_per_enterprise", False,
                          f"{entry.applicant} already has {others} other entries; at most "
                          f"{cap} entries per enterprise are allowed.")
    return RuleResult("entries_per_enterprise", True,
                      f"Entry {others + 1} of at most {cap} for {entry.applicant}.")


def _documents_present(entry: EntryFacts, rules: EditionRules) -> RuleResult:
    missing = [kind for kind in documents.DOCUMENT_KINDS
               if kind in rules.required_documents and kind not in entry.document_kinds]
    missing += sorted(rules.required_documents - set(documents.DOCUMENT_KINDS)
                      - entry.document_kinds)
    if missing:
        names = ", ".join(documents.DOCUMENT_LABELS.get(kind, kind) for kind in missing)
        return RuleResult("documents", False, f"Missing required documents: {names}.")
    return RuleResult("documents", True, "All required documents are uploaded.")


def _category_label(category: str) -> str:
    return {"ic_layout": "IC layout design"}.get(category, category)
