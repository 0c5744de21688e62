"""Conflicts of interest: found automatically, added by the organiser (declared by the
judge in services/judging.py, imported in services/imports.py). Every conflict keeps its
reason; a conflicted pair is never assigned."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from contest import conflicts as rules
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictSource,
    Entry,
    EntryStatus,
    JudgeProfile,
    Role,
    ScoreSheet,
    SheetStatus,
    User,
)
from contest.services import InvalidInput, NotFound, audit, require_role

# Entries that can still be judged; drafts and withdrawn entries never are.
JUDGED_STATUSES = (EntryStatus.submitted.value, EntryStatus.eligible.value)


@dataclass(frozen=True)
class PoolJudge:
    """A judge of an edition's pool with the facts assignment and conflicts use."""

    user_id: int
    name: str
    email: str
    organisation: str
    region: str
    expertise: tuple[str, ...]
    max_load: int | None


def judge_pool(session: Session, edition_id: int) -> list[PoolJudge]:
    """Active judges of the edition, in a stable order (by user id)."""
    rows = session.exec(
        select(User, JudgeProfile)
        .join(JudgeProfile, JudgeProfile.user_id == User.id)
        .where(JudgeProfile.edition_id == edition_id, JudgeProfile.active == True,  # noqa: E712
               User.active == True)  # noqa: E712
        .order_by(User.id)
    ).all()
    return [
        PoolJudge(
            user_id=user.id, name=user.name, email=user.email,
            organisation=profile.organisation or user.organisation, region=profile.region,
            expertise=tuple(profile.expertise or ()), max_load=profile.max_load,
        )
        for user, profile in rows
    ]


def judged_entries(session: Session, edition_id: int) -> list[Entry]:
    return list(session.exec(
        select(Entry).where(Entry.edition_id == edition_id, Entry.status.in_(JUDGED_STATUSES))
        .order_by(Entry.id)
    ).all())


def _entry_facts(entry: Entry) -> rules.EntryFacts:
    return rules.EntryFacts(entry.id, entry.applicant, entry.contact_email, entry.region)


def _judge_facts(judge: PoolJudge) -> rules.JudgeFacts:
    return rules.JudgeFacts(judge.user_id, judge.organisation, judge.email, judge.region)


def forbidden_pairs(
    session: Session, edition_id: int, entries: list[Entry], *, same_region: bool,
    pool: list[PoolJudge] | None = None,
) -> set[tuple[int, int]]:
    """Every (judge_id, entry_id) pair that must not be assigned: stored conflicts
    (entry or whole organisation) and the automatic ones computed from today's data."""
    pool = judge_pool(session, edition_id) if pool is None else pool
    entry_ids = {entry.id for entry in entries}
    forbidden: set[tuple[int, int]] = set()
    org_rules = []
    for conflict in session.exec(select(Conflict).where(Conflict.edition_id == edition_id)):
        if conflict.entry_id is not None:
            if conflict.entry_id in entry_ids:
                forbidden.add((conflict.judge_id, conflict.entry_id))
        elif conflict.organisation:
            org_rules.append((conflict.judge_id, conflict.organisation, conflict.reason))
    facts = [_entry_facts(entry) for entry in entries]
    for found in rules.organisation_conflicts(org_rules, facts):
        forbidden.add((found.judge_id, found.entry_id))
    for found in rules.automatic_conflicts(
        [_judge_facts(j) for j in pool], facts, same_region=same_region
    ):
        forbidden.add((found.judge_id, found.entry_id))
    return forbidden


def pair_conflict_reason(session: Session, edition_id: int, judge_id: int, entry: Entry,
                         *, same_region: bool) -> str | None:
    """Why this judge may not score this entry, or None."""
    stored = session.exec(
        select(Conflict).where(Conflict.edition_id == edition_id, Conflict.judge_id == judge_id)
    ).all()
    for conflict in stored:
        if conflict.entry_id == entry.id:
            return conflict.reason
    org_rules = [(c.judge_id, c.organisation, c.reason) for c in stored
                 if c.entry_id is None and c.organisation]
    found = rules.organisation_conflicts(org_rules, [_entry_facts(entry)])
    if found:
        return found[0].reason
    judge = next((j for j in judge_pool(session, edition_id) if j.user_id == judge_id), None)
    if judge is not None:
        auto = rules.automatic_conflicts([_judge_facts(judge)], [_entry_facts(entry)],
                                         same_region=same_region)
        if auto:
            return auto[0].reason
    return None


def detect_conflicts(*, session: Session, actor: Actor, edition_id: int,
                     same_region: bool = False) -> dict:
    """Store the automatic conflicts of the edition's judges and judged entries: adds
    new ones, drops automatic ones whose cause is gone (others are never touched)."""
    require_role(actor, Role.organiser)
    pool = judge_pool(session, edition_id)
    entries = judged_entries(session, edition_id)
    found = {
        (c.judge_id, c.entry_id): c.reason
        for c in rules.automatic_conflicts(
            [_judge_facts(j) for j in pool], [_entry_facts(e) for e in entries],
            same_region=same_region,
        )
    }
    stored = {
        (c.judge_id, c.entry_id): c
        for c in session.exec(select(Conflict).where(
            Conflict.edition_id == edition_id, Conflict.source == ConflictSource.automatic.value
        ))
    }
    added = removed = 0
    for pair, conflict in stored.items():
        if pair not in found:
            session.delete(conflict)
            removed += 1
        elif conflict.reason != found[pair]:
            conflict.reason = found[pair]
            session.add(conflict)
    for (judge_id, entry_id), reason in found.items():
        if (judge_id, entry_id) not in stored:
            session.add(Conflict(edition_id=edition_id, judge_id=judge_id, entry_id=entry_id,
                                 source=ConflictSource.automatic.value, reason=reason,
                                 created_by=actor.user_id))
            added += 1
    audit(session, actor, "conflict.detect", "edition", edition_id, edition_id=edition_id,
          added=added, removed=removed, total=len(found))
    session.commit()
    return {"added": added, "removed": removed, "total": len(found)}


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Give the reason for the conflict.")
    if len(reason) > 1000:
        raise InvalidInput("The reason is too long (at most 1,000 characters).")
    return reason


def add_conflict(
    *, session: Session, actor: Actor, edition_id: int, judge_id: int, reason: str,
    entry_id: int | None = None, organisation: str = "",
) -> Conflict:
    """The organiser records a conflict for one entry, or for every entry of an
    organisation; an active assignment of that pair without submitted work is withdrawn."""
    require_role(actor, Role.organiser)
    reason = _clean_reason(reason)
    organisation = " ".join((organisation or "").split())
    if (entry_id is None) == (not organisation):
        raise InvalidInput("Name either one entry or an organisation, not both.")
    if judge_id not in {j.user_id for j in judge_pool(session, edition_id)}:
        raise NotFound("That judge is not in this edition's pool.")
    if entry_id is not None:
        entry = session.get(Entry, entry_id)
        if entry is None or entry.edition_id != edition_id:
            raise NotFound("That entry is not part of this edition.")
    conflict = Conflict(edition_id=edition_id, judge_id=judge_id, entry_id=entry_id,
                        organisation=organisation, source=ConflictSource.organiser.value,
                        reason=reason, created_by=actor.user_id)
    session.add(conflict)
    session.flush()
    affected = [entry_id] if entry_id is not None else [
        found.entry_id for found in rules.organisation_conflicts(
            [(judge_id, organisation, reason)],
            [_entry_facts(e) for e in judged_entries(session, edition_id)],
        )
    ]
    withdrawn = _withdraw_assignments(session, judge_id, affected)
    audit(session, actor, "conflict.add", "conflict", conflict.id, edition_id=edition_id,
          judge_id=judge_id, entry_id=entry_id, organisation=organisation, reason=reason,
          withdrawn_assignments=withdrawn)
    session.commit()
    return conflict


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


def _withdraw_assignments(session: Session, judge_id: int, entry_ids: list[int]) -> int:
    """Withdraw the judge's active assignments to these entries that have no submitted
    sheet (submitted work stays for the organiser to decide on)."""
    if not entry_ids:
        return 0
    count = 0
    for row in session.exec(select(Assignment).where(
        Assignment.judge_id == judge_id, Assignment.entry_id.in_(entry_ids),
        Assignment.status == AssignmentStatus.active.value,
    )).all():
        submitted = session.exec(select(ScoreSheet.id).where(
            ScoreSheet.round_id == row.round_id, ScoreSheet.entry_id == row.entry_id,
            ScoreSheet.judge_id == judge_id, ScoreSheet.status == SheetStatus.submitted.value,
        )).first()
        if submitted is None:
            withdraw_assignments(session, [row])
            count += 1
    return count


def remove_conflict(*, session: Session, actor: Actor, conflict_id: int) -> None:
    """The organiser removes a conflict; automatic ones come back while their cause stays."""
    require_role(actor, Role.organiser)
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFound("That conflict no longer exists.")
    audit(session, actor, "conflict.remove", "conflict", conflict.id,
          edition_id=conflict.edition_id, judge_id=conflict.judge_id,
          entry_id=conflict.entry_id, organisation=conflict.organisation,
          source=conflict.source, reason=conflict.reason)
    session.delete(conflict)
    session.commit()


def list_conflicts(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """Every stored conflict with the judge, the entry (or organisation), source, reason."""
    require_role(actor, Role.organiser)
    rows = session.exec(
        select(Conflict, User.name, User.email, Entry.code)
        .join(User, User.id == Conflict.judge_id)
        .join(Entry, Entry.id == Conflict.entry_id, isouter=True)
        .where(Conflict.edition_id == edition_id)
        .order_by(User.name, Entry.code, Conflict.id)
    ).all()
    return [
        {"id": c.id, "judge": name, "email": email, "entry": code or "",
         "organisation": c.organisation, "source": c.source, "reason": c.reason}
        for c, name, email, code in rows
    ]




def choices(*, session: Session, actor: Actor, edition_id: int) -> dict:
    """Judges and judged entries of the edition, as (id, label) pairs for pickers."""
    require_role(actor, Role.organiser)
    return {
        "judges": [(j.user_id, f"{j.name} <{j.email}>") for j in judge_pool(session, edition_id)],
        "entries": [(e.id, f"{e.code} · {e.applicant}") for e in judged_entries(session, edition_id)],
    }


__all__ = [
    "PoolJudge", "add_conflict", "choices", "detect_conflicts", "forbidden_pairs",
    "judge_pool", "judged_entries", "list_conflicts", "pair_conflict_reason",
    "remove_conflict", "withdraw_assignments",
]
