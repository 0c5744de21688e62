"""Entries, their patents and their documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from contest.models._fields import _created, _ts
from contest.models.enums import ApplicantType, EntryStatus, PatentStatus


class Entry(SQLModel, table=True):
    """A portfolio entry: a project built around a patent portfolio."""

    __table_args__ = (UniqueConstraint("edition_id", "code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    code: str = Field(max_length=40)
    owner_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True)
    title: str = Field(default="", max_length=300)
    group_id: Optional[int] = Field(default=None, foreign_key="contest_group.id", index=True)
    category_id: Optional[int] = Field(default=None, foreign_key="category.id", index=True)
    track_id: Optional[int] = Field(default=None, foreign_key="track.id", index=True)
    applicant: str = Field(default="", max_length=300)
    applicant_type: str = Field(default=ApplicantType.enterprise.value, max_length=20)
    revenue_band: str = Field(default="", max_length=20)
    region: str = Field(default="", max_length=40)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    contact_phone: str = Field(default="", max_length=40)
    summary: str = Field(default="", max_length=8000)
    status: str = Field(default=EntryStatus.draft.value, max_length=20, index=True)
    eligibility_reason: str = Field(default="", max_length=1000)
    current_round_id: Optional[int] = Field(default=None, foreign_key="round.id", index=True)
    submitted_at: Optional[datetime] = _ts(nullable=True)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Patent(SQLModel, table=True):
    """A patent of an entry's portfolio: the number as written and its normal form."""

    __table_args__ = (UniqueConstraint("entry_id", "normalised"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    number: str = Field(max_length=80)
    normalised: str = Field(max_length=80)
    jurisdiction: str = Field(default="", max_length=8)
    kind: str = Field(default="", max_length=20)
    title: str = Field(default="", max_length=300)
    status: str = Field(default=PatentStatus.granted.value, max_length=20)
    filing_date: Optional[date] = None
    grant_date: Optional[date] = None
    holder: str = Field(default="", max_length=300)
    is_core: bool = False
    position: int = 0


class DocumentBlob(SQLModel, table=True):
    """Document bytes, stored once per content (sha256), shared by all app servers."""

    __tablename__ = "document_blob"
    sha256: str = Field(max_length=64, primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int
    created_at: datetime = _created()


class Document(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    sha256: str = Field(foreign_key="document_blob.sha256", max_length=64)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    size: int
    pages: int
    uploaded_at: datetime = _created()
    uploaded_by: Optional[int] = Field(default=None, foreign_key="user.id")
