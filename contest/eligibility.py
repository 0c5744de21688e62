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
from contest.i18n import Message, msg

APPLICANT_TYPES = ("enterprise", "university", "institute", "individual")
CATEGORIES = ("invention", "design", "ic_layout")
GROUPS = ("startup", "growth")
# Revenue last year; the start-up group takes revenue of at most RMB 20 m.
REVENUE_BANDS = {
    "le_20m": msg("eligibility.revenue_le_20m"),
    "gt_20m": msg("eligibility.revenue_gt_20m"),
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
    message: Message  # rendered in the reader's language at the edge


class GroupError(ValueError):
    """An applicant type or revenue band group_for cannot place; str() is the English text."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


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


def failures(results: list[RuleResult]) -> list[Message]:
    """The messages of the rules an entry fails: the reasons shown for ineligibility."""
    return [result.message for result in results if not result.passed]


def joined(messages: list[Message]) -> Message | str:
    """Several messages as one, one sentence after the other ("" for none)."""
    if not messages:
        return ""
    out = messages[-1]
    for message in reversed(messages[:-1]):
        out = msg("eligibility.joined", first=message, rest=out)
    return out


def is_eligible(results: list[RuleResult]) -> bool:
    return all(result.passed for result in results)


def group_for(applicant_type: str, revenue_band: str | None) -> str:
    """startup for universities, institutes and revenue up to RMB 20 m; growth above."""
    if applicant_type not in APPLICANT_TYPES:
        raise GroupError(msg("eligibility.unknown_applicant_type", value=repr(applicant_type),
                             choices=[msg(f"applicant_type.{a}") for a in APPLICANT_TYPES]))
    if applicant_type in ("university", "institute"):
        return "startup"
    if revenue_band is None or revenue_band == "":
        raise GroupError(msg("eligibility.revenue_band_needed"))
    if revenue_band not in REVENUE_BANDS:
        raise GroupError(msg("eligibility.unknown_revenue_band", value=repr(revenue_band),
                             choices=list(REVENUE_BANDS.values())))
    return "startup" if revenue_band in STARTUP_REVENUE_BANDS else "growth"


def first_holder(holder: str | None) -> str:
    """The first right holder of a ';'-, '；'- or '、'-separated list of holders."""
    return re.split(r"[;；、\n]", holder or "")[0].strip()


# --- rules ------------------------------------------------------------------------------


def _core_facts(entry: EntryFacts) -> PatentFacts | None:
    if not entry.core_patent:
        return None
    return next((p for p in entry.patents if p.normalised == entry.core_patent), None)


def _result(key: str, passed: bool, message_id: str, **params) -> RuleResult:
    return RuleResult(key, passed, msg(f"eligibility.{message_id}", **params))


def _known(prefix: str, value: str | None, known) -> Message:
    """A stored key in words (prefix.value) when it has them, else as given; "not given"."""
    if not value:
        return msg("eligibility.not_given")
    return msg(f"{prefix}.{value}") if value in known else msg("eligibility.as_is", value=value)


def _core_named(entry: EntryFacts) -> RuleResult:
    if not entry.core_patent:
        return _result("core_patent", False, "no_core")
    if _core_facts(entry) is None:
        return _result("core_patent", False, "core_not_listed", patent=entry.core_patent)
    return _result("core_patent", True, "core_named", patent=entry.core_patent)


def _core_granted(core: PatentFacts) -> RuleResult:
    if core.status in GRANTED_STATUSES:
        return _result("core_granted", True, "core_granted", patent=core.normalised)
    return _result("core_granted", False, "core_not_granted", patent=core.normalised,
                   status=_known("patent_status", core.status, ("granted", "pending", "lapsed")))


def _core_grant_date(core: PatentFacts, rules: EditionRules) -> RuleResult:
    cutoff = rules.core_patent_cutoff.isoformat()
    if core.grant_date is None:
        return _result("core_grant_date", False, "core_no_grant_date", patent=core.normalised,
                       cutoff=cutoff)
    if core.grant_date < rules.core_patent_cutoff:
        return _result("core_grant_date", False, "core_granted_too_early", patent=core.normalised,
                       granted=core.grant_date.isoformat(), cutoff=cutoff)
    return _result("core_grant_date", True, "core_grant_date_ok",
                   granted=core.grant_date.isoformat(), cutoff=cutoff)


def _core_kind(entry: EntryFacts, core: PatentFacts, rules: EditionRules) -> RuleResult:
    allowed = rules.allowed_core_kinds.get(entry.category)
    if allowed is None:
        return _result("core_kind", False, "category_closed", category=repr(entry.category))
    wanted = [_known("patent_kind", k, patents.KIND_LABELS) for k in sorted(allowed)]
    category = _known("patent_kind", entry.category, patents.KIND_LABELS)
    if core.kind not in allowed:
        return _result("core_kind", False, "core_kind_wrong", category=category, wanted=wanted,
                       patent=core.normalised,
                       kind=_known("patent_kind", core.kind, patents.KIND_LABELS))
    return _result("core_kind", True, "core_kind_ok", category=category, wanted=wanted)


def _core_jurisdiction(core: PatentFacts, rules: EditionRules) -> RuleResult:
    if core.jurisdiction in rules.core_jurisdictions:
        return _result("core_jurisdiction", True, "core_jurisdiction_ok",
                       jurisdiction=core.jurisdiction)
    return _result("core_jurisdiction", False, "core_jurisdiction_wrong", patent=core.normalised,
                   offices=", ".join(sorted(rules.core_jurisdictions)),
                   jurisdiction=core.jurisdiction or msg("eligibility.unknown"))


def _core_holder(entry: EntryFacts, core: PatentFacts) -> RuleResult:
    holder = first_holder(core.holder)
    if not holder:
        return _result("core_holder", False, "core_holder_missing", patent=core.normalised)
    if organisations.normalise_organisation(holder) == organisations.normalise_organisation(
            entry.applicant):
        return _result("core_holder", True, "core_holder_ok", applicant=entry.applicant)
    return _result("core_holder", False, "core_holder_wrong", applicant=entry.applicant,
                   patent=core.normalised, holder=holder)


def _entries_cap(entry: EntryFacts, rules: EditionRules, others: int) -> RuleResult:
    if entry.applicant_type in rules.uncapped_types:
        return _result("entries_per_enterprise", True, "no_entry_limit",
                       applicant_type=_known("applicant_type", entry.applicant_type,
                                             APPLICANT_TYPES))
    cap = rules.max_entries_per_enterprise
    if others + 1 > cap:
        return _result("entries_per_enterprise", False, "entries_cap_exceeded",
                       applicant=entry.applicant, others=others, cap=cap)
    return _result("entries_per_enterprise", True, "entries_cap_ok", n=others + 1, cap=cap,
                   applicant=entry.applicant)


def _documents_present(entry: EntryFacts, rules: EditionRules) -> RuleResult:
    missing = [kind for kind in documents.DOCUMENT_KINDS
               if kind in rules.required_documents and kind not in entry.document_kinds]
    missing += sorted(rules.required_documents - set(documents.DOCUMENT_KINDS)
                      - entry.document_kinds)
    if missing:
        return _result("documents", False, "documents_missing", documents=[
            msg(f"documents.kind_{kind}") if kind in documents.DOCUMENT_KINDS
            else msg("eligibility.as_is", value=kind) for kind in missing])
    return _result("documents", True, "documents_ok")
