"""The contest's records (SQLModel tables) and their small enums, split by area. No queries here.

Import from here (`from contest.models import Entry`): every record and enum is re-exported.
"""

from contest.models.enums import (  # noqa: F401
    Role,
    ApplicantType,
    Region,
    PatentKind,
    PatentStatus,
    EntryStatus,
    AdvancementRule,
    SheetStatus,
    AssignmentStatus,
    DecisionKind,
    ConflictSource,
    InterestKind,
    InterestStatus,
)
from contest.models.edition import (  # noqa: F401
    Edition,
    ContestGroup,
    Category,
    Track,
    Round,
    SheetDefinition,
    Criterion,
)
from contest.models.people import (  # noqa: F401
    User,
    UserRole,
    AuthSession,
    SignInAttempt,
    RegistrationAttempt,
    PendingRegistration,
    Invitation,
    JudgeProfile,
)
from contest.models.entries import (  # noqa: F401
    Entry,
    Patent,
    DocumentBlob,
    Document,
)
from contest.models.judging import (  # noqa: F401
    Conflict,
    CalibrationEntry,
    Assignment,
    ScoreSheet,
    CriterionScore,
    PublicVote,
)
from contest.models.board import BoardState  # noqa: F401
from contest.models.outcomes import (  # noqa: F401
    Decision,
    RoundResult,
    Publication,
    ObserverInterest,
    AuditEvent,
)

__all__ = [
    "Role",
    "ApplicantType",
    "Region",
    "PatentKind",
    "PatentStatus",
    "EntryStatus",
    "AdvancementRule",
    "SheetStatus",
    "AssignmentStatus",
    "DecisionKind",
    "ConflictSource",
    "InterestKind",
    "InterestStatus",
    "Edition",
    "ContestGroup",
    "Category",
    "Track",
    "Round",
    "SheetDefinition",
    "Criterion",
    "User",
    "UserRole",
    "AuthSession",
    "SignInAttempt",
    "RegistrationAttempt",
    "PendingRegistration",
    "Invitation",
    "JudgeProfile",
    "Entry",
    "Patent",
    "DocumentBlob",
    "Document",
    "Conflict",
    "CalibrationEntry",
    "Assignment",
    "ScoreSheet",
    "CriterionScore",
    "PublicVote",
    "Decision",
    "RoundResult",
    "Publication",
    "ObserverInterest",
    "AuditEvent",
    "BoardState",
]
