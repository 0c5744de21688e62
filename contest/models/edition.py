"""An edition and its configuration: groups, categories, tracks, rounds, rubrics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from contest.models._fields import _created, _json, _ts
from contest.models.enums import AdvancementRule


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
    # the IANA zone its dates are set and shown in (contest.dates)
    time_zone: str = Field(default="Asia/Hong_Kong", max_length=64)
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
    labels: dict = _json()  # {language code: label} beside the English label (contest.labels)
    description: str = Field(default="", max_length=400)
    descriptions: dict = _json()  # {language code: description} beside the English one
    position: int = 0


class Category(SQLModel, table=True):
    """Invention, design, IC layout: each has its own score sheet."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=120)
    labels: dict = _json()  # {language code: label} beside the English label (contest.labels)
    core_kinds: list = _json(list)
    position: int = 0


class Track(SQLModel, table=True):
    """An industry cluster; judges' expertise is expressed in tracks."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=60)
    label: str = Field(max_length=160)
    labels: dict = _json()  # {language code: label} beside the English label (contest.labels)
    position: int = 0


class Round(SQLModel, table=True):
    """A stage of the edition (eligibility, preliminary, semi-final, final)."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str = Field(max_length=40)
    label: str = Field(max_length=120)
    labels: dict = _json()  # {language code: label} beside the English label (contest.labels)
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
    # whether the calibration entries' sheets count in the ranking (contest.services.calibration)
    calibration_counts: bool = True
    # the organiser's choice: entrants may read their feedback once the results are published,
    # with the judges' comments or without them (contest.services.feedback)
    feedback_released: bool = False
    feedback_comments: bool = False


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
    labels: dict = _json()  # {language code: label} beside the English label (contest.labels)
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
    labels: dict = _json()  # {language code: label} beside the English label (contest.labels)
    description: str = Field(default="", max_length=1000)
    descriptions: dict = _json()  # {language code: description} beside the English one
    max_points: float = 10.0
    step: float = 1.0
    weight: float = 0.0
    bands: list = _json(list)
    position: int = 0
