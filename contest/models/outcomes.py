"""Outcomes: decisions, frozen round results, publications, observer interest, the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from contest.models._fields import _created, _json, _ts
from contest.models.enums import InterestKind, InterestStatus


class Decision(SQLModel, table=True):
    """Eligibility, advancement or award of an entry; an override carries its reason."""

    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    round_id: Optional[int] = Field(default=None, foreign_key="round.id", index=True)
    kind: str = Field(max_length=20)
    outcome: str = Field(max_length=40)
    reason: str = Field(default="", max_length=2000)
    override: bool = False
    active: bool = True
    decided_by: Optional[int] = Field(default=None, foreign_key="user.id")
    decided_at: datetime = _created()


class RoundResult(SQLModel, table=True):
    """The frozen result of an entry in a round (used for carry-over and publication)."""

    __tablename__ = "round_result"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    method: str = Field(max_length=20)
    adjusted_score: Optional[float] = None
    raw_mean: Optional[float] = None
    n_judges: int = 0
    rank: Optional[int] = None
    rank_low: Optional[int] = None
    rank_high: Optional[int] = None
    p_cut: Optional[float] = None
    flags: str = Field(default="", max_length=400)
    computed_at: datetime = _created()


class Publication(SQLModel, table=True):
    """A published result list. A correction is a new version, never an edit."""

    __table_args__ = (UniqueConstraint("round_id", "kind", "version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    round_id: Optional[int] = Field(default=None, foreign_key="round.id", index=True)
    kind: str = Field(max_length=20)
    version: int = 1
    title: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=2000)
    payload: list = _json(list)
    published_at: datetime = _created()
    published_by: Optional[int] = Field(default=None, foreign_key="user.id")


class ObserverInterest(SQLModel, table=True):
    """An observer (investor, industrial park) wants something of a finalist's team (kind);
    the team accepts or declines, and only an accepted interest shows each side the other's
    contact details."""

    __tablename__ = "observer_interest"
    __table_args__ = (UniqueConstraint("observer_id", "entry_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    observer_id: int = Field(foreign_key="user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    note: str = Field(default="", max_length=2000)
    kind: str = Field(default=InterestKind.investment.value, max_length=20)
    status: str = Field(default=InterestStatus.pending.value, max_length=20)
    created_at: datetime = _created()
    responded_at: Optional[datetime] = _ts(nullable=True)
    updated_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Who changed what and when: every change to a score or a decision is recorded."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _created()
    actor_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True)
    edition_id: Optional[int] = Field(default=None, foreign_key="edition.id", index=True)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(max_length=40)
    object_id: Optional[int] = None
    details: dict = _json()
