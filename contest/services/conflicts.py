"""Conflicts of interest: found automatically, added by the organiser (declared by the
judge in services/judging.py, imported in services/imports.py). Every conflict keeps its
reason; a conflicted pair is never assigned."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from contest import conflicts as rules
from contest.auth import Actor
from contest.models import Conflict, ConflictSource, Entry, Role, User
from contest.services import InvalidInput, NotFound, audit, panels, queries, require_role


@dataclass(frozen=True)
class Detected:
    """What finding the automatic conflicts changed."""

    added: int
    removed: int  # automatic conflicts whose cause is gone
    total: int  # automatic conflicts now


def detect_conflicts(*, session: Session, actor: Actor, edition_id: int,
                     same_region: bool = False) -> Detected:
    """Store the automatic conflicts of the edition's judges and judged entries: adds
    new ones, drops automatic ones whose cause is gone (others are never touched)."""
    require_role(actor, Role.organiser)
    pool = queries.judge_pool(session, edition_id)
    entries = queries.judged_entries(session, edition_id)
    found = {
        (c.judge_id, c.entry_id): c.reason
        for c in rules.automatic_conflicts(
            [panels.judge_facts(j) for j in pool], [panels.entry_facts(e) for e in entries],
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
    return Detected(added, removed, len(found))


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("conflicts.reason_needed")
    if len(reason) > 1000:
        raise InvalidInput("conflicts.reason_too_long")
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
        raise InvalidInput("conflicts.entry_or_organisation")
    if judge_id not in {j.user_id for j in queries.judge_pool(session, edition_id)}:
        raise NotFound("conflicts.judge_not_in_pool")
    if entry_id is not None:
        entry = session.get(Entry, entry_id)
        if entry is None or entry.edition_id != edition_id:
            raise NotFound("conflicts.entry_not_in_edition")
    conflict = Conflict(edition_id=edition_id, judge_id=judge_id, entry_id=entry_id,
                        organisation=organisation, source=ConflictSource.organiser.value,
                        reason=reason, created_by=actor.user_id)
    session.add(conflict)
    session.flush()
    affected = [entry_id] if entry_id is not None else [
        found.entry_id for found in rules.organisation_conflicts(
            [(judge_id, organisation, reason)],
            [panels.entry_facts(e) for e in queries.judged_entries(session, edition_id)],
        )
    ]
    withdrawn = len(panels.withdraw_unsubmitted(session, [(judge_id, e) for e in affected]))
    audit(session, actor, "conflict.add", "conflict", conflict.id, edition_id=edition_id,
          judge_id=judge_id, entry_id=entry_id, organisation=organisation, reason=reason,
          withdrawn_assignments=withdrawn)
    session.commit()
    return conflict


def remove_conflict(*, session: Session, actor: Actor, conflict_id: int) -> None:
    """The organiser removes a conflict; automatic ones come back while their cause stays."""
    require_role(actor, Role.organiser)
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFound("conflicts.gone")
    audit(session, actor, "conflict.remove", "conflict", conflict.id,
          edition_id=conflict.edition_id, judge_id=conflict.judge_id,
          entry_id=conflict.entry_id, organisation=conflict.organisation,
          source=conflict.source, reason=conflict.reason)
    session.delete(conflict)
    session.commit()


@dataclass(frozen=True)
class ConflictRow:
    """A stored conflict as the organiser reads it."""

    id: int
    judge: str
    email: str
    entry: str  # entry code; "" when the conflict names an organisation
    organisation: str | None
    source: str  # automatic, declared, recorded or imported
    reason: str


def list_conflicts(*, session: Session, actor: Actor, edition_id: int) -> list[ConflictRow]:
    """Every stored conflict with the judge, the entry (or organisation), source, reason."""
    require_role(actor, Role.organiser)
    rows = session.exec(
        select(Conflict, User.name, User.email, Entry.code)
        .join(User, User.id == Conflict.judge_id)
        .join(Entry, Entry.id == Conflict.entry_id, isouter=True)
        .where(Conflict.edition_id == edition_id)
        .order_by(User.name, Entry.code, Conflict.id)
    ).all()
    return [ConflictRow(c.id, name, email, code or "", c.organisation, c.source, c.reason)
            for c, name, email, code in rows]


@dataclass(frozen=True)
class Choices:
    """Judges and judged entries of the edition, as (id, label) pairs for pickers."""

    judges: tuple[tuple[int, str], ...]
    entries: tuple[tuple[int, str], ...]


def choices(*, session: Session, actor: Actor, edition_id: int) -> Choices:
    """Judges and judged entries of the edition, as (id, label) pairs for pickers."""
    require_role(actor, Role.organiser)
    return Choices(
        tuple(queries.pool_labels(queries.judge_pool(session, edition_id)).items()),
        tuple((e.id, f"{e.code} · {e.applicant}") for e in queries.judged_entries(session, edition_id)))
