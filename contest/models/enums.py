"""Small enums: stored as short lower-case strings (portable across SQLite and PostgreSQL,
and the same keys the CLI and the Excel files use)."""

from __future__ import annotations

from enum import StrEnum


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


class InterestKind(StrEnum):
    """What an observer wants from an entry's team."""

    licence = "licence"
    investment = "investment"
    purchase = "purchase"
    co_development = "co_development"


class InterestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"
