"""Who may score what: the one decision every path asks (the automatic assignment, a judge
added or swapped by hand, a replacement, a second look, a scores import, a conflict a
judge declares), and the withdrawal of assignments that may no longer stand.

A judge may not score an entry when a conflict is stored for the pair (for the entry, or
for every entry of its applicant; set by the organiser, imported or declared by the judge)
or is found from today's data (same organisation, same organisation mail domain, same
region when the round says so). A judge joining an entry must also be in the pool, not on
it already and not a colleague (same organisation) of a judge on it; for a second look or
a replacement, never one who had it before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from contest import conflicts as rules
from contest import i18n, organisations
from contest.labels import label as named
from contest.dbtypes import utcnow
from contest.i18n import Message
from contest.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    Entry,
    Round,
    ScoreSheet,
    SheetStatus,
)
from contest.services import InvalidInput, NotFound, queries

# Stored conflicts are read only for the judges (and entries) asked about when they are few.
_FEW = 200


def entry_facts(entry: Entry) -> rules.EntryFacts:
    return rules.EntryFacts(entry.id, entry.applicant, entry.contact_email, entry.region)


def judge_facts(judge: queries.PoolJudge) -> rules.JudgeFacts:
    return rules.JudgeFacts(judge.user_id, judge.organisation, judge.email, judge.region)


def conflict_reasons(
    session: Session, edition_id: int, entries: list[Entry], *, same_region: bool,
    pool: list[queries.PoolJudge] | None = None,
) -> dict[tuple[int, int], str]:
    """(judge_id, entry_id) -> why the pair is conflicted: a stored conflict for the entry,
    then one for its applicant's organisation, then the automatic ones from today's data."""
    pool = queries.judge_pool(session, edition_id) if pool is None else pool
    entry_ids = {entry.id for entry in entries}
    query = select(Conflict).where(Conflict.edition_id == edition_id)
    if len(pool) <= _FEW:
        query = query.where(Conflict.judge_id.in_([j.user_id for j in pool] or [-1]))
    if len(entries) <= _FEW:
        query = query.where((Conflict.entry_id == None) | Conflict.entry_id.in_(entry_ids or [-1]))  # noqa: E711
    found: dict[tuple[int, int], str] = {}
    org_rules = []
    for conflict in session.exec(query):
        if conflict.entry_id is not None:
            if conflict.entry_id in entry_ids:
                found.setdefault((conflict.judge_id, conflict.entry_id), conflict.reason)
        elif conflict.organisation:
            org_rules.append((conflict.judge_id, conflict.organisation, conflict.reason))
    facts = [entry_facts(entry) for entry in entries]
    for hit in rules.organisation_conflicts(org_rules, facts):
        found.setdefault((hit.judge_id, hit.entry_id), hit.reason)
    for hit in rules.automatic_conflicts([judge_facts(j) for j in pool], facts,
                                         same_region=same_region):
        found.setdefault((hit.judge_id, hit.entry_id), hit.reason)
    return found


def forbidden_pairs(
    session: Session, edition_id: int, entries: list[Entry], *, same_region: bool,
    pool: list[queries.PoolJudge] | None = None,
) -> set[tuple[int, int]]:
    """Every (judge_id, entry_id) pair that must not be assigned (conflict_reasons)."""
    return set(conflict_reasons(session, edition_id, entries, same_region=same_region, pool=pool))


@dataclass(frozen=True)
class _EntryPanel:
    active: frozenset[int]  # judges on the entry now
    had: frozenset[int]  # judges who ever had it in this round, in any status


def _panels(session: Session, round_id: int, entry_ids: Iterable[int]) -> dict[int, _EntryPanel]:
    active: dict[int, set[int]] = {}
    had: dict[int, set[int]] = {}
    ids = sorted(set(entry_ids))
    for start in range(0, len(ids), 500):
        for entry_id, judge_id, status in session.exec(
            select(Assignment.entry_id, Assignment.judge_id, Assignment.status).where(
                Assignment.round_id == round_id, Assignment.entry_id.in_(ids[start:start + 500]))
        ).all():
            had.setdefault(entry_id, set()).add(judge_id)
            if status == AssignmentStatus.active.value:
                active.setdefault(entry_id, set()).add(judge_id)
    return {e: _EntryPanel(frozenset(active.get(e, ())), frozenset(had.get(e, ()))) for e in ids}


def refusals(
    session: Session, rnd: Round, pairs: Iterable[tuple[int, int]], *, joining: bool = True,
    fresh: bool = False, leaving: int | None = None, pool: list[queries.PoolJudge] | None = None,
) -> dict[tuple[int, int], Message]:
    """Why each (judge_id, entry_id) pair may not score in this round (pairs that may are
    left out).

    joining=True: the judge is to be put on the entry (a manual add or swap, a replacement,
    a second look), so besides conflicts: in the pool, the entry in the round, not on it
    already, no colleague of the same organisation on it (not counting `leaving`, the judge
    a swap takes off); fresh=True also refuses anyone who had it before in any status.
    joining=False: the judge scores an entry they are on (an import): conflicts, and an
    active assignment.
    """
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return {}
    everyone = {j.user_id: j for j in (queries.judge_pool(session, rnd.edition_id)
                                       if pool is None else pool)}
    entry_ids = sorted({entry_id for _, entry_id in pairs})
    entries: dict[int, Entry] = {}
    for start in range(0, len(entry_ids), 500):
        for entry in session.exec(select(Entry).where(Entry.id.in_(entry_ids[start:start + 500]))):
            entries[entry.id] = entry
    asked = [everyone[j] for j in dict.fromkeys(j for j, _ in pairs) if j in everyone]
    conflicted = conflict_reasons(session, rnd.edition_id, list(entries.values()),
                                  same_region=rnd.region_conflicts, pool=asked)
    panels = _panels(session, rnd.id, entries)
    out: dict[tuple[int, int], Message] = {}
    for judge_id, entry_id in pairs:
        reason = _refusal(rnd, everyone, everyone.get(judge_id), entries.get(entry_id),
                          conflicted.get((judge_id, entry_id)), panels.get(entry_id),
                          joining=joining, fresh=fresh, leaving=leaving)
        if reason is not None:
            out[(judge_id, entry_id)] = reason
    return out


def _refusal(rnd: Round, everyone: dict[int, queries.PoolJudge], judge: queries.PoolJudge | None,
             entry: Entry | None, conflict: str | None, panel: _EntryPanel | None, *,
             joining: bool, fresh: bool, leaving: int | None) -> Message | None:
    if entry is None or entry.edition_id != rnd.edition_id:
        return i18n.msg("panels.entry_not_in_round", round=named(rnd))
    if joining and (entry.current_round_id != rnd.id or entry.status not in queries.JUDGED_STATUSES):
        return i18n.msg("panels.entry_not_in_round", round=named(rnd))
    if judge is None:
        return i18n.msg("panels.not_in_pool")
    if conflict:
        return i18n.msg("panels.conflict", judge=judge.label, entry=entry.code, reason=conflict)
    panel = panel or _EntryPanel(frozenset(), frozenset())
    if not joining:
        if judge.user_id not in panel.active:
            return i18n.msg("panels.not_assigned", judge=judge.email, entry=entry.code,
                            round=rnd.key)
        return None
    on_entry = panel.active - {leaving}
    if judge.user_id in on_entry:
        return i18n.msg("panels.already_on_entry", judge=judge.label, entry=entry.code)
    if fresh and judge.user_id in panel.had:
        return i18n.msg("panels.had_entry", judge=judge.label, entry=entry.code)
    org = organisations.normalise_organisation(judge.organisation)
    if org:
        for other in sorted(on_entry):
            colleague = everyone.get(other)
            if colleague and organisations.normalise_organisation(colleague.organisation) == org:
                return i18n.msg("panels.colleague_on_entry", judge=judge.label,
                                colleague=colleague.label, organisation=judge.organisation,
                                entry=entry.code)
    return None


def refusal(session: Session, rnd: Round, judge_id: int, entry_id: int, **options) -> Message | None:
    """Why this judge may not score this entry in this round, or None (see refusals)."""
    return refusals(session, rnd, [(judge_id, entry_id)], **options).get((judge_id, entry_id))


def require_may_join(session: Session, rnd: Round, judge_id: int, entry_id: int,
                     **options) -> queries.PoolJudge:
    """The pool judge, if they may join the entry; InvalidInput (NotFound outside the pool)
    naming the reason otherwise."""
    pool = queries.judge_pool(session, rnd.edition_id)
    reason = refusal(session, rnd, judge_id, entry_id, joining=True, pool=pool, **options)
    if reason is not None:
        raise (NotFound if reason.id == "panels.not_in_pool" else InvalidInput)(reason)
    return next(j for j in pool if j.user_id == judge_id)


# ---------------------------------------------------------------- withdrawing assignments


def activate_assignment(session: Session, round_id: int, entry_id: int, judge_id: int, actor_id: int | None,
                        *, source: str) -> None:
    """Add the pair, reusing a withdrawn row (one row per round, entry and judge)."""
    row = session.exec(select(Assignment).where(
        Assignment.round_id == round_id, Assignment.entry_id == entry_id,
        Assignment.judge_id == judge_id,
    )).first()
    if row is None:
        row = Assignment(round_id=round_id, entry_id=entry_id, judge_id=judge_id,
                         source=source, created_by=actor_id)
    row.status = AssignmentStatus.active.value
    row.source = source
    session.add(row)


def withdraw_assignments(session: Session, rows: list[Assignment]) -> None:
    """Withdraw these assignments and their sheets; a sheet's version moves on so a
    judge saving an open copy is told it changed instead of writing into a withdrawn
    sheet. Sheets are read once per round, not once per assignment."""
    by_round: dict[int, set[tuple[int, int]]] = {}
    for row in rows:
        row.status = AssignmentStatus.withdrawn.value
        session.add(row)
        by_round.setdefault(row.round_id, set()).add((row.judge_id, row.entry_id))
    for round_id, pairs in by_round.items():
        for sheet in session.exec(select(ScoreSheet).where(
            ScoreSheet.round_id == round_id, ScoreSheet.status != SheetStatus.withdrawn.value,
            ScoreSheet.judge_id.in_({judge_id for judge_id, _ in pairs}),
        )):
            if (sheet.judge_id, sheet.entry_id) in pairs:
                sheet.status = SheetStatus.withdrawn.value
                sheet.version += 1
                sheet.updated_at = utcnow()
                session.add(sheet)


def withdraw_unsubmitted(session: Session, pairs: Iterable[tuple[int, int]]) -> list[Assignment]:
    """Withdraw the active assignments of these (judge_id, entry_id) pairs, in any round,
    that have no submitted sheet (submitted work stays for the organiser to decide on)."""
    pairs = set(pairs)
    if not pairs:
        return []
    judges = {judge_id for judge_id, _ in pairs}
    rows = [row for row in session.exec(select(Assignment).where(
        Assignment.judge_id.in_(judges), Assignment.status == AssignmentStatus.active.value,
        Assignment.entry_id.in_({entry_id for _, entry_id in pairs}),
    )).all() if (row.judge_id, row.entry_id) in pairs]
    if not rows:
        return []
    submitted = set(session.exec(select(ScoreSheet.round_id, ScoreSheet.judge_id, ScoreSheet.entry_id).where(
        ScoreSheet.judge_id.in_(judges), ScoreSheet.status == SheetStatus.submitted.value,
        ScoreSheet.entry_id.in_({row.entry_id for row in rows}),
    )).all())
    rows = [row for row in rows if (row.round_id, row.judge_id, row.entry_id) not in submitted]
    withdraw_assignments(session, rows)
    return rows
