"""The contest's records (SQLModel tables) and their small enums. No queries here.

Enumerated values are stored as short lower-case strings (portable across SQLite and
PostgreSQL, and the same keys the CLI and the Excel files use).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from contest.dbtypes import UTCDateTime, utcnow


def _ts(nullable: bool = False, **kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, **kw)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _json(default_factory=dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


# --- enums -----------------------------------------------------------------------------


class Role(StrEnum):
    organiser = "organiser"
    judge = "judge"
    entrant = "entrant"
    observer = "observer"


class ApplicantType(StrEnum):
    enterprise = "enterprise"
    university = "university"
    institute = "institute"
    individual = "individual"


class Region(StrEnum):
    guangdong = "guangdong"
    hong_kong = "hong_kong"
    macao = "macao"
    mainland_other = "mainland_other"
    overseas = "overseas"


class PatentKind(StrEnum):
    invention = "invention"
    utility_model = "utility_model"
    design = "design"
    ic_layout = "ic_layout"


class PatentStatus(StrEnum):
    granted = "granted"
    pending = "pending"
    lapsed = "lapsed"


class EntryStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"
    eligible = "eligible"
    ineligible = "ineligible"


class AdvancementRule(StrEnum):
    top_n = "top_n"
    threshold = "threshold"
    none = "none"


class SheetStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"


class AssignmentStatus(StrEnum):
    active = "active"
    withdrawn = "withdrawn"


class DecisionKind(StrEnum):
    eligibility = "eligibility"
    advancement = "advancement"
    award = "award"


class ConflictSource(StrEnum):
    automatic = "automatic"
    imported = "imported"
    organiser = "organiser"
    declared = "declared"


# --- edition and its configuration -----------------------------------------------------


class Edition(SQLModel, table=True):
    """One year's contest: its dates, its rules and its configuration."""

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    preset: str = Field(default="", max_length=32)
    opens_at: Optional[datetime] = _ts(nullable=True)
    submission_deadline: Optional[datetime] = _ts(nullable=True)
    closes_at: Optional[datetime] = _ts(nullable=True)
    core_patent_cutoff: Optional[date] = None
    max_entries_per_enterprise: int = 3
    # required document kinds, award tiers per group, tie rule, statistics settings ...
    rules: dict = _json()
    created_at: datetime = _created()


class ContestGroup(SQLModel, table=True):
    """A ranking pool, such as start-up and growth."""

    __tablename__ = "contest_group"
    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=120)
    label_zh: str = Field(default="", max_length=120)
    description: str = Field(default="", max_length=400)
    position: int = 0


class Category(SQLModel, table=True):
    """Invention, design, IC layout: each has its own score sheet."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=120)
    label_zh: str = Field(default="", max_length=120)
    core_kinds: list = _json(list)
    position: int = 0


class Track(SQLModel, table=True):
    """An industry cluster; judges' expertise is expressed in tracks."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=60)
    label: str = Field(max_length=160)
    label_zh: str = Field(default="", max_length=160)
    position: int = 0


class Round(SQLModel, table=True):
    """A stage of the edition (eligibility, preliminary, semi-final, final)."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=120)
    label_zh: str = Field(default="", max_length=120)
    position: int = 0
    scored: bool = True
    opens_at: Optional[datetime] = _ts(nullable=True)
    closes_at: Optional[datetime] = _ts(nullable=True)
    blind: bool = False
    judges_per_entry: int = 3
    advancement_rule: str = Field(default=AdvancementRule.top_n.value, max_length=20)
    advancement_value: float = 0.0
    rank_by_category: bool = False
    region_conflicts: bool = False
    public_vote_weight: float = 0.0
    carry_over_weight: float = 0.0
    method: str = Field(default="model", max_length=20)
    status: str = Field(default="setup", max_length=20)


class SheetDefinition(SQLModel, table=True):
    """A score sheet of a round for a category, with its weight in the round.

    A rubric that already has scores is never edited in place: a new version is made
    and the old one is kept (active=False) with its scores.
    """

    __tablename__ = "sheet_definition"
    __table_args__ = (UniqueConstraint("round_id", "category_id", "key", "version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=120)
    label_zh: str = Field(default="", max_length=120)
    weight: float = 1.0
    version: int = 1
    active: bool = True
    position: int = 0


class Criterion(SQLModel, table=True):
    """One line of a score sheet: its maximum, step, weight and band descriptors."""

    __table_args__ = (UniqueConstraint("sheet_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="sheet_definition.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=160)
    label_zh: str = Field(default="", max_length=160)
    description: str = Field(default="", max_length=1000)
    max_points: float = 10.0
    step: float = 1.0
    weight: float = 0.0
    bands: list = _json(list)
    position: int = 0


# --- people ----------------------------------------------------------------------------


class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    password_hash: str = Field(default="", max_length=200)
    active: bool = True
    language: str = Field(default="en", max_length=8)
    confidentiality_ack_at: Optional[datetime] = _ts(nullable=True)
    last_sign_in_at: Optional[datetime] = _ts(nullable=True)
    created_at: datetime = _created()


class UserRole(SQLModel, table=True):
    """One person may hold several roles."""

    __tablename__ = "user_role"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the hash of its token is stored."""

    __tablename__ = "auth_session"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    revoked_at: Optional[datetime] = _ts(nullable=True)
    # One-time ticket that lets the browser exchange its sign-in for an HttpOnly cookie.
    ticket_hash: Optional[str] = Field(default=None, max_length=64, index=True)
    ticket_expires_at: Optional[datetime] = _ts(nullable=True)


class SignInAttempt(SQLModel, table=True):
    __tablename__ = "sign_in_attempt"
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    at: datetime = _created()
    succeeded: bool = False


class Invitation(SQLModel, table=True):
    """A single-use, expiring link where an invited judge sets a password."""

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _created()
    expires_at: datetime = _ts()
    used_at: Optional[datetime] = _ts(nullable=True)
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")


class JudgeProfile(SQLModel, table=True):
    """A judge in one edition's pool."""

    __tablename__ = "judge_profile"
    __table_args__ = (UniqueConstraint("edition_id", "user_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    organisation: str = Field(default="", max_length=200)
    region: str = Field(default="", max_length=40)
    expertise: list = _json(list)
    max_load: Optional[int] = None
    active: bool = True


# --- entries ---------------------------------------------------------------------------


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


# --- judging ---------------------------------------------------------------------------


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


# --- outcomes --------------------------------------------------------------------------


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
    """An observer (investor) marks a finalist they want to meet."""

    __tablename__ = "observer_interest"
    __table_args__ = (UniqueConstraint("observer_id", "entry_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    observer_id: int = Field(foreign_key="user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    note: str = Field(default="", max_length=2000)
    created_at: datetime = _created()


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
