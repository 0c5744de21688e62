"""The audit trail as organisers read it: who changed what, when."""

from __future__ import annotations

from sqlmodel import Session, select

from contest.auth import Actor
from contest.models import AuditEvent, Role, User
from contest.services import require_role


def list_events(
    *,
    session: Session,
    actor: Actor,
    edition_id: int | None,
    action_prefix: str = "",
    object_type: str = "",
    object_id: int | None = None,
    limit: int = 500,
) -> list[dict]:
    """The newest events first; organisers only. Sign-ins are shown, secrets never stored."""
    require_role(actor, Role.organiser)
    query = select(AuditEvent, User.name, User.email).join(User, User.id == AuditEvent.actor_id, isouter=True)
    if edition_id is not None:
        query = query.where((AuditEvent.edition_id == edition_id) | (AuditEvent.edition_id.is_(None)))
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    rows = session.exec(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all()
    return [
        {
            "at": event.at,
            "who": f"{name} <{email}>" if email else "system",
            "action": event.action,
            "object": f"{event.object_type} {event.object_id}" if event.object_id is not None else event.object_type,
            "details": ", ".join(f"{k}={v}" for k, v in sorted(event.details.items())),
        }
        for event, name, email in rows
    ]


def action_families(*, session: Session, actor: Actor) -> list[str]:
    require_role(actor, Role.organiser)
    actions = session.exec(select(AuditEvent.action).distinct()).all()
    return sorted({a.split(".")[0] for a in actions})
