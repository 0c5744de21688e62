"""The audit trail as organisers read it: who changed what, when."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from contest import i18n
from contest.auth import Actor
from contest.models import AuditEvent, Edition, Role, User
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
    edition = session.get(Edition, edition_id) if edition_id is not None else None
    zone = edition.time_zone if edition else None
    return [
        {
            "at": event.at,
            "who": f"{name} <{email}>" if email else "system",
            "action": event.action,
            "object": f"{event.object_type} {event.object_id}" if event.object_id is not None else event.object_type,
            "details": details(event.details, zone),
        }
        for event, name, email in rows
    ]


def details(values: dict, zone: str | None = None) -> i18n.Message:
    """An event's details as the page shows them: each field in words where the catalogue
    names it (col.FIELD), moments on the contest's clock, the rest as recorded."""
    items = [i18n.msg("audit.detail", field=_field(key), value=_value(value, zone))
             for key, value in sorted(values.items())]
    return i18n.msg("audit.details", items=items)


def _field(key: str):
    message_id = f"col.{key}"
    return i18n.msg(message_id) if i18n.template_for(message_id, i18n.DEFAULT_LANGUAGE) != message_id else key


def _value(value, zone: str | None):
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return i18n.Moment(moment, zone)
    return value


def action_families(*, session: Session, actor: Actor) -> list[str]:
    require_role(actor, Role.organiser)
    actions = session.exec(select(AuditEvent.action).distinct()).all()
    return sorted({a.split(".")[0] for a in actions})
