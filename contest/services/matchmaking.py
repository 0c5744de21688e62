"""Investor matchmaking: observers mark interest in a finalist (what they want and a note),
the entry's team accepts or declines, and only an accepted interest shows each side the
other's contact details. The organiser sees every interest and exports them (`interest`).

An interest is pending, accepted, declined or withdrawn. The observer may change a pending
interest, withdraw a pending or accepted one and mark a withdrawn one again; a declined
interest stays declined. The team answers a pending interest once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import update
from sqlmodel import Session, select

from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import Entry, InterestKind, InterestStatus, ObserverInterest, Role, User
from contest.services import InvalidInput, NotFound, audit, queries, require_role

KINDS = tuple(kind.value for kind in InterestKind)
STATUSES = tuple(status.value for status in InterestStatus)
SHEET_COLUMNS = ("entry_code", "title", "observer_organisation", "kind", "status", "created_at",
                 "responded_at")


@dataclass(frozen=True)
class Contact:
    """How to reach the other side of an accepted interest."""

    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class Interest:
    """One interest as the observer or the entrant sees it. `organisation` is the
    observer's; `contact` is the other side's, only once the team has accepted."""

    id: int
    entry_id: int
    entry_code: str
    title: str
    organisation: str
    kind: str
    note: str
    status: str
    created_at: datetime
    responded_at: datetime | None
    contact: Contact | None


def _entrant_contact(entry: Entry, owner: User | None) -> Contact:
    """The entry's contact person, else its owner's account."""
    return Contact(entry.contact_name or (owner.name if owner else ""),
                   entry.contact_email or (owner.email if owner else ""),
                   entry.contact_phone or (owner.phone if owner else ""))


def _interest(row: ObserverInterest, entry: Entry, observer: User, contact: Contact | None) -> Interest:
    accepted = row.status == InterestStatus.accepted.value
    return Interest(row.id, entry.id, entry.code, entry.title, observer.organisation, row.kind, row.note,
                    row.status, row.created_at, row.responded_at, contact if accepted else None)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput("interest.unknown_kind")
    return kind


def mark_interest(*, session: Session, actor: Actor, entry_id: int, kind: str, note: str = "") -> ObserverInterest:
    """An observer marks a finalist (an entry of the showcase round) with what they want and
    a note, or changes a pending interest, or marks a withdrawn one again (pending anew)."""
    require_role(actor, Role.observer)
    kind, note = _kind(kind), (note or "").strip()
    entry = session.get(Entry, entry_id)
    shown = queries.showcase_round(session, entry.edition_id) if entry else None
    if entry is None or shown is None or entry.current_round_id != shown.id:
        raise NotFound("observer.only_running")
    row = session.exec(select(ObserverInterest).where(ObserverInterest.observer_id == actor.user_id,
                                                      ObserverInterest.entry_id == entry_id)).first()
    now = utcnow()
    if row is None:
        row = ObserverInterest(observer_id=actor.user_id, entry_id=entry_id, kind=kind, note=note,
                               created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        action = "interest.mark"
    else:
        if row.status == InterestStatus.declined.value:
            raise InvalidInput("interest.declined_stays")
        if row.status == InterestStatus.accepted.value:
            raise InvalidInput("interest.accepted_withdraw_first")
        if row.status == InterestStatus.pending.value and (row.kind, row.note) == (kind, note):
            return row
        action = "interest.mark" if row.status == InterestStatus.withdrawn.value else "interest.edit"
        changed = session.execute(update(ObserverInterest).where(
            ObserverInterest.id == row.id, ObserverInterest.status == row.status).values(
            kind=kind, note=note, status=InterestStatus.pending.value, responded_at=None, updated_at=now))
        if changed.rowcount != 1:  # the team answered meanwhile
            raise InvalidInput("interest.changed_meanwhile")
        session.refresh(row)
    audit(session, actor, action, "interest", row.id, edition_id=entry.edition_id, entry=entry.code, kind=kind)
    session.commit()
    return row


def _observers_own(session: Session, actor: Actor, interest_id: int) -> tuple[ObserverInterest, Entry]:
    row = session.get(ObserverInterest, interest_id)
    if row is None or row.observer_id != actor.user_id:
        raise NotFound("interest.not_found")
    return row, session.get(Entry, row.entry_id)


def withdraw_interest(*, session: Session, actor: Actor, interest_id: int) -> None:
    """The observer withdraws their pending or accepted interest: contact details are shown
    no more on either side."""
    require_role(actor, Role.observer)
    row, entry = _observers_own(session, actor, interest_id)
    open_ = (InterestStatus.pending.value, InterestStatus.accepted.value)
    changed = session.execute(update(ObserverInterest).where(
        ObserverInterest.id == row.id, ObserverInterest.status.in_(open_)).values(
        status=InterestStatus.withdrawn.value, updated_at=utcnow()))
    if changed.rowcount != 1:
        raise InvalidInput("interest.not_open")
    audit(session, actor, "interest.withdraw", "interest", row.id, edition_id=entry.edition_id,
          entry=entry.code, was=row.status)
    session.commit()


def observer_interests(*, session: Session, actor: Actor, edition_id: int) -> dict[int, Interest]:
    """The observer's own interests in the edition by entry id, with the team's contact
    details where the team has accepted."""
    require_role(actor, Role.observer)
    observer = session.get(User, actor.user_id)
    rows = session.exec(
        select(ObserverInterest, Entry)
        .join(Entry, Entry.id == ObserverInterest.entry_id)
        .where(ObserverInterest.observer_id == actor.user_id, Entry.edition_id == edition_id)).all()
    owners = {u.id: u for u in session.exec(select(User).where(
        User.id.in_([entry.owner_id for _row, entry in rows if entry.owner_id] or [-1])))}
    return {entry.id: _interest(row, entry, observer, _entrant_contact(entry, owners.get(entry.owner_id)))
            for row, entry in rows}


def entrant_interests(*, session: Session, actor: Actor, edition_id: int) -> list[Interest]:
    """Interests in the entrant's own entries, newest first: the observer's organisation,
    what they want and their note; their name, email and phone only once accepted."""
    require_role(actor, Role.entrant)
    rows = session.exec(
        select(ObserverInterest, Entry, User)
        .join(Entry, Entry.id == ObserverInterest.entry_id)
        .join(User, User.id == ObserverInterest.observer_id)
        .where(Entry.owner_id == actor.user_id, Entry.edition_id == edition_id)
        .order_by(ObserverInterest.created_at.desc(), ObserverInterest.id.desc())).all()
    return [_interest(row, entry, observer, Contact(observer.name, observer.email, observer.phone))
            for row, entry, observer in rows]


def answer_interest(*, session: Session, actor: Actor, interest_id: int, accept: bool) -> None:
    """The entry's owner accepts or declines a pending interest, once."""
    require_role(actor, Role.entrant)
    row = session.get(ObserverInterest, interest_id)
    entry = session.get(Entry, row.entry_id) if row else None
    if entry is None or entry.owner_id != actor.user_id:
        raise NotFound("interest.not_found")
    status = InterestStatus.accepted if accept else InterestStatus.declined
    now = utcnow()
    changed = session.execute(update(ObserverInterest).where(
        ObserverInterest.id == row.id, ObserverInterest.status == InterestStatus.pending.value).values(
        status=status.value, responded_at=now, updated_at=now))
    if changed.rowcount != 1:
        raise InvalidInput("interest.not_pending")
    audit(session, actor, f"interest.{'accept' if accept else 'decline'}", "interest", row.id,
          edition_id=entry.edition_id, entry=entry.code)
    session.commit()


def interest_frame(*, session: Session, actor: Actor, edition_id: int) -> pd.DataFrame:
    """Every interest of the edition for the organiser, by entry and organisation: the
    `interest` sheet's columns (keys as stored), then applicant, observer and note."""
    require_role(actor, Role.organiser)
    rows = session.exec(
        select(Entry.code, Entry.title, User.organisation, ObserverInterest.kind, ObserverInterest.status,
               ObserverInterest.created_at, ObserverInterest.responded_at, Entry.applicant, User.name,
               ObserverInterest.note)
        .join(Entry, Entry.id == ObserverInterest.entry_id)
        .join(User, User.id == ObserverInterest.observer_id)
        .where(Entry.edition_id == edition_id)
        .order_by(Entry.code, User.organisation, ObserverInterest.id)).all()
    return pd.DataFrame.from_records(
        [tuple(r) for r in rows],
        columns=[*SHEET_COLUMNS, "applicant", "observer_name", "note"])
