"""One function per user action: load, apply rules, save, audit, commit.

Every permission check lives here, never only in a page. Services take the session
keyword-only and raise ServiceError subclasses whose message a user can read.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from contest import i18n, texts
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

    def __reduce__(self):
        """Kept whole through pickling (work done in a worker process raises it again in the
        app): its message id, parameters and every attribute, whatever its __init__ takes."""
        return (_rebuilt, (type(self), self.args), self.__dict__)


def _rebuilt(cls: type[ServiceError], args: tuple) -> ServiceError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    return error


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


def refused_by_rule(exc: ValueError, **names: Mapping[Any, Any]) -> InvalidInput:
    """A rule's refusal (contest.i18n.RuleError) as the user's error, in their language; a
    parameter listed in `names` ({"entries": {id: code}}) has its ids shown by name."""
    if not isinstance(exc, i18n.RuleError):
        return InvalidInput("common.rule_refused", problem=str(exc))
    params = dict(exc.message.params)
    for param, by_id in names.items():
        if isinstance(params.get(param), (list, tuple)):
            params[param] = ", ".join(str(by_id.get(i, i)) for i in params[param])
    return InvalidInput(exc.message.id, **params)


class StaleData(ServiceError):
    """Someone else saved first; the newer data was kept."""


def require_role(actor: Actor | None, *roles: Role | str) -> Actor:
    if actor is None:
        raise PermissionDenied("common.please_sign_in_first")
    if not any(actor.has(r) for r in roles):
        raise PermissionDenied("common.no_permission")
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


def is_text_column(column) -> bool:
    return isinstance(column.type, String) or isinstance(getattr(column.type, "impl", None), String)


def text_refusal(column, value: str) -> i18n.Message | None:
    """Why a text cannot be stored in this column (contest.texts), as a message naming the field."""
    problem = texts.text_problem(value, max_length=column.type.length,
                                 multiline=column.name in texts.MULTILINE_COLUMNS)
    if problem is None:
        return None
    return texts.problem_message(problem, field=texts.field_label(column.name), value=value,
                                 max_length=column.type.length)


@event.listens_for(OrmSession, "before_flush")
def _refuse_texts_a_database_would_refuse(session, _flush_context, _instances) -> None:
    """The one text rule on every save of every service (and the CLI, imports, demo): each
    text column's own length limit, no NUL or control characters (line breaks only in
    multi-line fields). Checked before SQL is sent, so SQLite and PostgreSQL refuse alike."""
    for obj in (*session.new, *session.dirty):
        table = getattr(type(obj), "__table__", None)
        if table is None:
            continue
        loaded = sa_inspect(obj).dict
        for column in table.columns:
            value = loaded.get(column.key)
            if isinstance(value, str) and value and is_text_column(column):
                refusal = text_refusal(column, value)
                if refusal is not None:
                    raise InvalidInput(refusal)
            elif column.key == "labels" and isinstance(value, dict) and "label" in table.columns:
                # an edition name in another language: the rules of the English label's column
                for text in value.values():
                    refusal = text_refusal(table.columns["label"], str(text)) if text else None
                    if refusal is not None:
                        raise InvalidInput(refusal)


def _parameter_values(parameters):
    if isinstance(parameters, dict):
        yield from parameters.values()
    elif isinstance(parameters, (list, tuple)):
        for item in parameters:
            if isinstance(item, (dict, list, tuple)):
                yield from _parameter_values(item)
            else:
                yield item


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_nul_in_any_statement(_conn, _cursor, _statement, parameters, _context, _executemany) -> None:
    """A NUL in any value sent to the database (a search, a sign-in email) is refused the same
    way on both databases: SQLite would quietly find nothing, PostgreSQL raises a raw error."""
    for value in _parameter_values(parameters):
        if isinstance(value, str) and "\x00" in value:
            raise InvalidInput("text.control_characters", field=i18n.msg("field.value"))
