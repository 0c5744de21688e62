"""One function per user action: load, apply rules, save, audit, commit.

Every permission check lives here, never only in a page. Services take the session
keyword-only and raise ServiceError subclasses whose message a user can read.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from contest import i18n
from contest.auth import Actor
from contest.i18n import Message
from contest.models import AuditEvent, Role


class ServiceError(Exception):
    """An error a user reads: a message id with named parameters (contest.i18n), rendered
    in the reader's language at the edge; str() is the English text (CLI, logs, tests).

        raise InvalidInput("entries.cap_reached", cap=3, applicant=name)
    """

    def __init__(self, message: str | Message, /, **params: Any) -> None:
        self.message = message if isinstance(message, Message) else Message(message, params)
        super().__init__(self.message.render(i18n.DEFAULT_LANGUAGE))

    def render(self, language: str) -> str:
        return self.message.render(language)


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class InvalidInput(ServiceError):
    """Bad input; `problems` lists each one (Messages) with where it is.

        raise InvalidInput("imports.rows_invalid", problems=[msg("imports.bad_cell", ...)], n=3)
    """

    def __init__(self, message: str | Message, /, problems: list | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.problems = list(problems) if problems else [self.message]


class StaleData(ServiceError):
    """Someone else saved first; the newer data was kept."""


def require_role(actor: Actor | None, *roles: Role | str) -> Actor:
    if actor is None:
        raise PermissionDenied("Please sign in first.")
    if not any(actor.has(r) for r in roles):
        raise PermissionDenied("You do not have permission to do this.")
    return actor


def audit(
    session: Session,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    *,
    edition_id: int | None = None,
    **details: Any,
) -> None:
    """Record who did what; added to the caller's transaction, committed with it."""
    session.add(
        AuditEvent(
            actor_id=actor.user_id if actor else None,
            edition_id=edition_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
    )
