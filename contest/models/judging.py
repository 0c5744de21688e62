"""Judging: conflicts, assignments, score sheets and their scores."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from contest.models._fields import _created, _ts
from contest.models.enums import AssignmentStatus, SheetStatus


class Conflict(SQLModel, table=True):
    """A judge who must not score an entry (or any entry of an organisation), and why."""

    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    judge_id: int = Field(foreign_key="user.id", index=True)
    entry_id: Optional[int] = Field(default=None, foreign_key="entry.id", index=True)
    organisation: str = Field(default="", max_length=300)
    source: str = Field(max_length=20)
    reason: str = Field(max_length=1000)
    created_at: datetime = _created()
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")


class CalibrationEntry(SQLModel, table=True):
    """An entry every judge of a round scores first: it puts the judges on one scale (one
    connected design), gives the reliability report a block all judges scored, and shows
    each judge where their scores sit against the panel's."""

    __tablename__ = "calibration_entry"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    position: int = 0
    created_at: datetime = _created()
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")


class Assignment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id"),
        Index("ix_assignment_round_judge", "round_id", "judge_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    judge_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(default=AssignmentStatus.active.value, max_length=20)
    source: str = Field(default="automatic", max_length=20)
    created_at: datetime = _created()
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")


class ScoreSheet(SQLModel, table=True):
    """One judge's sheet for one entry in one round. `version` guards against lost updates."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        UniqueConstraint("round_id", "sheet_id", "entry_id", "judge_id"),
        Index("ix_score_sheet_round_judge", "round_id", "judge_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    sheet_id: int = Field(foreign_key="sheet_definition.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    judge_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(default=SheetStatus.draft.value, max_length=20)
    version: int = 1
    comment: str = Field(default="", max_length=8000)
    total: Optional[float] = None
    submitted_at: Optional[datetime] = _ts(nullable=True)
    reopened_reason: str = Field(default="", max_length=1000)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class CriterionScore(SQLModel, table=True):
    __tablename__ = "criterion_score"
    __table_args__ = (UniqueConstraint("score_sheet_id", "criterion_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    score_sheet_id: int = Field(foreign_key="score_sheet.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)
    value: Optional[float] = None
    comment: str = Field(default="", max_length=4000)


class PublicVote(SQLModel, table=True):
    """The public-vote component of a round for an entry, as counted (rescaled later)."""

    __tablename__ = "public_vote"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    votes: float = 0.0
