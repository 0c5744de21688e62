"""Accounts: users and roles, sign-in, browser sessions, the first organiser."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Callable, Iterable

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from contest import auth
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import AuthSession, Role, SignInAttempt, User, UserRole
from contest.services import InvalidInput, PermissionDenied, ServiceError, audit, require_role

TICKET_LIFETIME = timedelta(minutes=2)


class SignInFailed(ServiceError):
    """Always the same neutral message: never says whether email or password was wrong."""

    def __init__(self) -> None:
        super().__init__(auth.NEUTRAL_SIGN_IN_MESSAGE)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _valid_email(email: str) -> bool:
    local, _, domain = email.partition("@")
    return bool(local) and "." in domain and " " not in email and len(email) <= 254


def roles_of(session: Session, user_id: int) -> frozenset[str]:
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    return frozenset(rows)


def actor_for(session: Session, user: User) -> Actor:
    return Actor(
        user_id=user.id,
        email=user.email,
        name=user.name,
        roles=roles_of(session, user.id),
        language=user.language,
    )


def has_any_user(*, session: Session) -> bool:
    return session.exec(select(func.count()).select_from(User)).one() > 0


def create_user(
    *,
    session: Session,
    email: str,
    name: str,
    roles: Iterable[Role | str],
    password: str | None = None,
    organisation: str = "",
    language: str = "en",
    actor: Actor | None = None,
    commit: bool = True,
    password_hash: str | None = None,
) -> User:
    """A new user with roles; the password (if given) must follow the rules."""
    email = normalise_email(email)
    name = (name or "").strip()
    problems = []
    if not _valid_email(email):
        problems.append(f"'{email}' is not a valid email address")
    if not name:
        problems.append("a name is required")
    role_values = sorted({Role(r).value for r in roles})
    if password is not None and password_hash is None:
        weak = auth.password_problems(password, email=email, name=name)
        if weak:
            problems.append("the password needs " + ", ".join(weak))
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        problems.append(f"an account with {email} already exists")
    if problems:
        raise InvalidInput("; ".join(problems).capitalize() + ".", problems)
    user = User(
        email=email,
        name=name,
        organisation=organisation.strip(),
        language=language,
        password_hash=password_hash or (auth.hash_password(password) if password else ""),
    )
    session.add(user)
    session.flush()
    for role in role_values:
        session.add(UserRole(user_id=user.id, role=role))
    audit(session, actor, "user.create", "user", user.id, email=email, roles=role_values)
    if commit:
        session.commit()
    return user


def add_roles(*, session: Session, actor: Actor | None, user: User, roles: Iterable[Role | str]) -> None:
    have = roles_of(session, user.id)
    for role in {Role(r).value for r in roles} - have:
        session.add(UserRole(user_id=user.id, role=role))
        audit(session, actor, "user.add_role", "user", user.id, role=role)


def create_first_organiser(*, session: Session, email: str, name: str, password: str) -> User:
    """Only on a database with no users: the first account is an organiser."""
    if has_any_user(session=session):
        raise PermissionDenied("An organiser already exists; sign in instead.")
    return create_user(session=session, email=email, name=name, password=password, roles=[Role.organiser])


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> None:
    require_role(actor, Role.organiser)
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput("No such user.")
    user.active = active
    session.add(user)
    if not active:
        revoke_all_sessions(session=session, user_id=user_id)
    audit(session, actor, "user.set_active", "user", user_id, active=active)
    session.commit()


def recent_failures(*, session: Session, email: str) -> int:
    since = utcnow() - auth.SIGN_IN_WINDOW
    return session.exec(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.email == email, SignInAttempt.at >= since, SignInAttempt.succeeded == False)  # noqa: E712
    ).one()


def sign_in(
    *,
    session: Session,
    email: str,
    password: str,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[User, str]:
    """Check the credentials and open a browser session; returns (user, session token).

    After 5 failures for an email within a minute every further attempt waits first.
    """
    email = normalise_email(email)
    delay = auth.sign_in_delay(recent_failures(session=session, email=email))
    if delay:
        sleep(delay)
    user = session.exec(select(User).where(User.email == email)).first()
    ok = auth.verify_password(user.password_hash if user else None, password or "")
    ok = ok and user is not None and user.active
    session.add(SignInAttempt(email=email[:254], succeeded=ok))
    if not ok:
        session.commit()
        raise SignInFailed()
    user.last_sign_in_at = utcnow()
    session.add(user)
    token = open_session(session=session, user_id=user.id)
    audit(session, actor_for(session, user), "user.sign_in", "user", user.id)
    session.commit()
    return user, token


def open_session(*, session: Session, user_id: int) -> str:
    token = auth.new_token()
    session.add(AuthSession(token_hash=auth.token_hash(token), user_id=user_id))
    session.flush()
    return token


def _live_session(session: Session, token: str, idle_minutes: int) -> AuthSession | None:
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == auth.token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if auth.session_expired(row.last_seen_at, utcnow(), idle_minutes):
        return None
    return row


def session_status(*, session: Session, token: str | None, idle_minutes: int) -> tuple[Actor | None, bool]:
    """Read only: the signed-in person behind a token (None: expired, revoked, unknown) and
    whether the session's last-seen time is over a minute old and should be touched."""
    if not token:
        return None, False
    row = _live_session(session, token, idle_minutes)
    if row is None:
        return None, False
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None, False
    return actor_for(session, user), utcnow() - row.last_seen_at > timedelta(minutes=1)


def touch_session(*, session: Session, token: str) -> None:
    """Record activity on a browser session (keeps it from expiring while in use)."""
    session.execute(
        update(AuthSession).where(AuthSession.token_hash == auth.token_hash(token)).values(last_seen_at=utcnow())
    )
    session.commit()


def actor_from_token(*, session: Session, token: str | None, idle_minutes: int) -> Actor | None:
    """The signed-in person behind a session token, touching the session when stale."""
    actor, stale = session_status(session=session, token=token, idle_minutes=idle_minutes)
    if actor is not None and stale:
        touch_session(session=session, token=token)
    return actor


def issue_cookie_ticket(*, session: Session, token: str) -> str:
    """A one-time ticket the browser trades for an HttpOnly cookie holding a fresh token."""
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == auth.token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        raise PermissionDenied("Please sign in again.")
    ticket = auth.new_token()
    row.ticket_hash = auth.token_hash(ticket)
    row.ticket_expires_at = utcnow() + TICKET_LIFETIME
    session.add(row)
    session.commit()
    return ticket


def redeem_cookie_ticket(*, session: Session, ticket: str) -> str | None:
    """Trade a single-use ticket for the token of a new session kept in the cookie.

    The tab that signed in keeps its own session; signing out revokes both.
    """
    row = session.exec(select(AuthSession).where(AuthSession.ticket_hash == auth.token_hash(ticket))).first()
    if row is None or row.revoked_at is not None or row.ticket_expires_at is None:
        return None
    if row.ticket_expires_at < utcnow():
        return None
    row.ticket_hash = None
    row.ticket_expires_at = None
    session.add(row)
    token = open_session(session=session, user_id=row.user_id)
    session.commit()
    return token


def sign_out(*, session: Session, token: str | None) -> None:
    if not token:
        return
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == auth.token_hash(token))).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        user = session.get(User, row.user_id)
        audit(session, actor_for(session, user) if user else None, "user.sign_out", "user", row.user_id)
        session.commit()


def revoke_all_sessions(*, session: Session, user_id: int) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def forget_old_attempts(*, session: Session) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < utcnow() - timedelta(days=1)))
    session.commit()


def set_language(*, session: Session, actor: Actor, language: str) -> None:
    """The user's language for the interface and for exported workbook headers."""
    if language not in {"en", "zh"}:
        raise InvalidInput(f"Unknown language '{language}'.")
    user = session.get(User, actor.user_id)
    user.language = language
    session.add(user)
    session.commit()
