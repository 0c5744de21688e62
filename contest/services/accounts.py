"""Accounts: users and roles, sign-in with throttling, browser sessions, registration, the
first organiser.

Password hashing (argon2id, tens of milliseconds of CPU) and every throttling decision happen
outside database transactions: a sign-in reads in one short transaction, checks the password
with no transaction open, then records the outcome in another short one. Nothing here sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import delete, text, update
from sqlmodel import Session, select

from contest import auth, db, i18n, texts
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    AuthSession,
    PendingRegistration,
    RegistrationAttempt,
    Role,
    SignInAttempt,
    User,
    UserRole,
)
from contest.services import InvalidInput, PermissionDenied, ServiceError, audit, mail, require_role

TICKET_LIFETIME = timedelta(minutes=2)
REGISTRATION_LINK_LIFETIME = timedelta(hours=24)
CONFIRM_PATH = "/register_confirm"
FIRST_ORGANISER_LOCK = 7_242_027  # PostgreSQL advisory lock key held while creating it


class SignInFailed(ServiceError):
    """Always the same neutral message: never says whether email or password was wrong."""

    def __init__(self) -> None:
        super().__init__(auth.NEUTRAL_SIGN_IN_MESSAGE)


class SignInPaused(ServiceError):
    """Too many failures: says for how long (the same for known and unknown emails)."""

    def __init__(self, minutes: int) -> None:
        super().__init__("auth.sign_in_paused", minutes=minutes)
        self.minutes = minutes


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _valid_email(email: str) -> bool:
    local, _, domain = email.partition("@")
    return (bool(local) and "." in domain and " " not in email
            and texts.text_problem(email, max_length=254) is None)


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
    return session.exec(select(User.id).limit(1)).first() is not None


def _end_transaction(session: Session) -> None:
    """Nothing below holds a database lock (the caller has written nothing yet)."""
    if session.in_transaction():
        session.rollback()


def _account_problems(email: str, name: str, password: str | None) -> list:
    problems = []
    if not _valid_email(email):
        problems.append(i18n.msg("auth.email_not_valid", email=email[:254]))
    if not name:
        problems.append(i18n.msg("auth.name_required"))
    if password is not None:
        problems += auth.password_problems(password, email=email, name=name)
    return problems


def _raise_problems(problems: list) -> None:
    if problems:
        raise InvalidInput(problems[0] if len(problems) == 1 else i18n.msg("auth.account_problems"),
                           problems=problems)


def create_user(
    *,
    session: Session,
    actor: Actor,
    email: str,
    name: str,
    roles: Iterable[Role | str],
    password: str | None = None,
    organisation: str = "",
    language: str = "en",
    commit: bool = True,
    password_hash: str | None = None,
) -> User:
    """A new user with roles, made by an organiser (or Actor.system(): the command line, the
    demo); the password (if given) must follow the rules. The password is hashed before the
    first query, so a caller with no transaction open holds no lock."""
    require_role(actor, Role.organiser)
    return _new_user(session=session, actor=actor, email=email, name=name, roles=roles,
                     password=password, organisation=organisation, language=language,
                     commit=commit, password_hash=password_hash)


def _new_user(*, session: Session, actor: Actor | None, email: str, name: str,
              roles: Iterable[Role | str], password: str | None = None, organisation: str = "",
              language: str = "en", commit: bool = True, password_hash: str | None = None) -> User:
    """The account itself. Callers decide who may make it: create_user (an organiser), or a
    public path that only ever makes an entrant (registration) or the very first organiser;
    `actor` is who the audit names (None: the person registering themselves)."""
    email = normalise_email(email)
    name = (name or "").strip()
    role_values = sorted({Role(r).value for r in roles})
    problems = _account_problems(email, name, password if password_hash is None else None)
    if password is not None and password_hash is None and not problems:
        password_hash = auth.hash_password(password)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        problems.append(i18n.msg("auth.email_taken", email=email))
    _raise_problems(problems)
    user = User(
        email=email,
        name=name,
        organisation=organisation.strip(),
        language=language,
        password_hash=password_hash or "",
    )
    session.add(user)
    session.flush()
    for role in role_values:
        session.add(UserRole(user_id=user.id, role=role))
    audit(session, actor, "user.create", "user", user.id, email=email, roles=role_values)
    if commit:
        session.commit()
    return user


def add_roles(*, session: Session, actor: Actor, user: User, roles: Iterable[Role | str]) -> None:
    """Give an existing account more roles; organisers only."""
    require_role(actor, Role.organiser)
    have = roles_of(session, user.id)
    for role in {Role(r).value for r in roles} - have:
        session.add(UserRole(user_id=user.id, role=role))
        audit(session, actor, "user.add_role", "user", user.id, role=role)


def create_first_organiser(*, session: Session, email: str, name: str, password: str) -> User:
    """Only on a database with no users: the first account is an organiser. Of several
    submitted at once exactly one is created (SQLite: the write lock; PostgreSQL: an
    advisory lock held to the commit); the password is hashed before either is taken."""
    email, name = normalise_email(email), (name or "").strip()
    _end_transaction(session)
    problems = _account_problems(email, name, password)
    _raise_problems(problems)
    password_hash = auth.hash_password(password)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FIRST_ORGANISER_LOCK})
    if has_any_user(session=session):
        session.rollback()
        raise PermissionDenied("auth.organiser_exists")
    return _new_user(session=session, actor=None, email=email, name=name,
                     password_hash=password_hash, roles=[Role.organiser])


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> None:
    require_role(actor, Role.organiser)
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput("accounts.no_such_user")
    user.active = active
    session.add(user)
    if not active:
        revoke_all_sessions(session=session, user_id=user_id)
    audit(session, actor, "user.set_active", "user", user_id, active=active)
    session.commit()


# --- sign-in ------------------------------------------------------------------------------


def _attempt_times(session: Session, *conditions, now: datetime, reset_on_success: bool) -> list[datetime]:
    """Failure times within the last hour matching the conditions (after the last success
    when reset_on_success)."""
    rows = session.exec(
        select(SignInAttempt.at, SignInAttempt.succeeded)
        .where(*conditions, SignInAttempt.at >= now - timedelta(hours=1))
        .order_by(SignInAttempt.at)
    ).all()
    failures: list[datetime] = []
    for at, succeeded in rows:
        if succeeded:
            if reset_on_success:
                failures = []
        else:
            failures.append(at)
    return failures


def sign_in_paused_until(*, session: Session, email: str, address: str = "",
                         now: datetime | None = None) -> datetime | None:
    """When sign-in for this email from this address may be tried again (None: now).

    Three limits (contest.auth): the account from this address, the account from anywhere,
    and this address whatever the account. Unknown emails are limited exactly like known ones.
    """
    now = now or utcnow()
    email = normalise_email(email)
    ends = [
        auth.ACCOUNT.locked_until(_attempt_times(session, SignInAttempt.email == email, now=now,
                                                 reset_on_success=True), now),
    ]
    if address:
        ends.append(auth.ACCOUNT_FROM_ADDRESS.locked_until(_attempt_times(
            session, SignInAttempt.email == email, SignInAttempt.address == address, now=now,
            reset_on_success=True), now))
        ends.append(auth.ADDRESS.locked_until(_attempt_times(
            session, SignInAttempt.address == address, now=now, reset_on_success=False), now))
    found = [end for end in ends if end is not None]
    return max(found) if found else None


def sign_in(
    *,
    session: Session,
    email: str,
    password: str,
    address: str = "",
    now: datetime | None = None,
) -> tuple[User, str]:
    """Check the credentials and open a browser session; returns (user, session token).

    A short read (the user, the recent failures), then the password check with no
    transaction open, then a short write (the attempt, the session). While a limit is
    reached the attempt is refused at once without checking the password (SignInPaused);
    the right password works as soon as the pause ends.
    """
    now = now or utcnow()
    email = normalise_email(email)
    if texts.text_problem(email, max_length=254):
        # No account has such an address; keep the answer (and its cost) of an unknown one.
        email = "not-an-address"
    address = (address or "")[:64]
    _end_transaction(session)
    # The limits are read, the password checked and a failure recorded while holding one
    # hashing slot, so attempts queued behind this one see its failure (eight tabs racing
    # with wrong passwords otherwise all pass the limit check before any failure is stored).
    with auth.hashing_slot():
        db.begin_reading(session)
        paused_until = sign_in_paused_until(session=session, email=email, address=address, now=now)
        found = None if paused_until else session.exec(
            select(User.id, User.password_hash, User.active).where(User.email == email)).first()
        _end_transaction(session)
        if paused_until is not None:
            raise SignInPaused(auth.minutes_until(paused_until, now))
        ok = auth.verify_password(found.password_hash if found else None,
                                  (password or "")[: auth.MAX_PASSWORD_LENGTH])
        ok = ok and found is not None and found.active
        if not ok:
            session.add(SignInAttempt(email=email[:254], address=address, at=now, succeeded=False))
            session.commit()
            raise SignInFailed()
    # A hash made with older parameters is replaced now, while the password is at hand
    # (hashed here, before the write transaction, like every hash).
    upgraded = auth.hash_password(password) if auth.needs_rehash(found.password_hash) else None
    session.add(SignInAttempt(email=email[:254], address=address, at=now, succeeded=True))
    user = session.get(User, found.id)
    user.last_sign_in_at = now
    if upgraded and user.password_hash == found.password_hash:
        user.password_hash = upgraded
    session.add(user)
    token = open_session(session=session, user_id=user.id)
    audit(session, actor_for(session, user), "user.sign_in", "user", user.id)
    session.commit()
    return user, token


# --- registration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What a registration form gets back: the same for a new and an already used address.

    by_mail: a link was mailed to finish registering (mail configured); otherwise the account
    is ready and the person signs in. Which one never depends on the address being in use.
    """

    email: str
    by_mail: bool
    mail_error: str = ""


def registration_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{CONFIRM_PATH}?token={token}"


def register_entrant(*, session: Session, email: str, name: str, organisation: str, password: str,
                     password_repeat: str | None = None, address: str = "", language: str = "en",
                     smtp_url: str | None = None, base_url: str = "",
                     now: datetime | None = None) -> Registration:
    """A public registration, answered the same way whether or not the address has an account.

    Rules that do not depend on the address (email form, name, password) are explained; then
    the attempt counts against the limits per address and per email. With mail configured, a
    new address gets a link that creates the account when opened, an address in use gets a
    note telling its owner to sign in; without mail the account is created at once (a used
    address is left untouched) and the person signs in.
    """
    now = now or utcnow()
    email, name = normalise_email(email), (name or "").strip()
    organisation = (organisation or "").strip()
    address = (address or "")[:64]
    _end_transaction(session)
    problems = _account_problems(email, name, password or "")
    if password_repeat is not None and password != password_repeat:
        problems.append(i18n.msg("auth.passwords_differ"))
    _raise_problems(problems)
    db.begin_reading(session)
    paused = _registration_paused_until(session, email, address, now)
    taken = session.exec(select(User.id).where(User.email == email)).first() is not None
    _end_transaction(session)
    if paused is not None:
        raise PermissionDenied("auth.registration_paused", minutes=auth.minutes_until(paused, now))
    # Hashed whether or not the address is taken, so both answers take the same time.
    password_hash = auth.hash_password(password)
    session.add(RegistrationAttempt(email=email, address=address, at=now))
    if not smtp_url:
        if taken:
            session.commit()
        else:
            _new_user(session=session, actor=None, email=email, name=name, organisation=organisation,
                      language=i18n.language_or_default(language), password_hash=password_hash,
                      roles=[Role.entrant])
        return Registration(email=email, by_mail=False)
    token = auth.new_token()
    if not taken:
        session.add(PendingRegistration(token_hash=auth.token_hash(token), email=email, name=name,
                                        organisation=organisation, language=i18n.language_or_default(language),
                                        password_hash=password_hash, created_at=now,
                                        expires_at=now + REGISTRATION_LINK_LIFETIME))
    # Committed before talking to the mail server, so a slow server holds no database lock.
    session.commit()
    lang = i18n.language_or_default(language)
    if taken:
        subject = i18n.text("auth.registration_taken_subject", lang)
        body = i18n.text("auth.registration_taken_body", lang, email=email)
    else:
        subject = i18n.text("auth.registration_subject", lang)
        body = i18n.text("auth.registration_body", lang, name=name,
                         link=registration_link(base_url, token),
                         hours=int(REGISTRATION_LINK_LIFETIME.total_seconds() // 3600))
    try:
        mail.send_mail(smtp_url, email, subject, body)
    except mail.MailError as exc:
        return Registration(email=email, by_mail=True, mail_error=exc.render(lang))
    return Registration(email=email, by_mail=True)


def _registration_paused_until(session: Session, email: str, address: str, now: datetime) -> datetime | None:
    def times(*conditions) -> list[datetime]:
        return list(session.exec(select(RegistrationAttempt.at).where(
            *conditions, RegistrationAttempt.at >= now - timedelta(hours=1))).all())

    ends = [auth.REGISTRATIONS_FOR_EMAIL.locked_until(times(RegistrationAttempt.email == email), now)]
    if address:
        ends.append(auth.REGISTRATIONS_FROM_ADDRESS.locked_until(times(RegistrationAttempt.address == address), now))
    found = [end for end in ends if end is not None]
    return max(found) if found else None


def confirm_registration(*, session: Session, token: str | None, now: datetime | None = None) -> tuple[User, str]:
    """Open the mailed link: the account is created and signed in (returns user, session token)."""
    now = now or utcnow()
    pending = None
    if token:
        pending = session.exec(select(PendingRegistration).where(
            PendingRegistration.token_hash == auth.token_hash(token))).first()
    if pending is None or pending.used_at is not None or pending.expires_at <= now:
        session.rollback()
        raise InvalidInput("auth.registration_link_invalid")
    claimed = session.execute(update(PendingRegistration).where(
        PendingRegistration.id == pending.id, PendingRegistration.used_at.is_(None)).values(used_at=now))
    if claimed.rowcount != 1:
        session.rollback()
        raise InvalidInput("auth.registration_link_invalid")
    if session.exec(select(User.id).where(User.email == pending.email)).first() is not None:
        session.commit()
        raise InvalidInput("auth.registration_already_done")
    user = _new_user(session=session, actor=None, email=pending.email, name=pending.name,
                     organisation=pending.organisation, language=pending.language,
                     password_hash=pending.password_hash, roles=[Role.entrant], commit=False)
    user.last_sign_in_at = now
    token = open_session(session=session, user_id=user.id)
    audit(session, actor_for(session, user), "user.sign_in", "user", user.id, via="registration link")
    session.commit()
    return user, token


def open_session(*, session: Session, user_id: int, signed_in_at: datetime | None = None) -> str:
    """A new browser session; signed_in_at (default now) starts its absolute lifetime."""
    token = auth.new_token()
    now = utcnow()
    session.add(AuthSession(token_hash=auth.token_hash(token), user_id=user_id,
                            created_at=signed_in_at or now, last_seen_at=now))
    session.flush()
    return token


def _live_session(session: Session, token: str, idle_minutes: int, max_days: int) -> AuthSession | None:
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == auth.token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if auth.session_expired(row.last_seen_at, utcnow(), idle_minutes, signed_in_at=row.created_at,
                            max_days=max_days):
        return None
    return row


def session_status(*, session: Session, token: str | None, idle_minutes: int,
                   max_days: int = auth.SESSION_MAX_DAYS) -> tuple[Actor | None, bool]:
    """Read only: the signed-in person behind a token (None: idle too long, signed in more
    than max_days ago, revoked, unknown) and whether the session's last-seen time is over a
    minute old and should be touched."""
    if not token:
        return None, False
    row = _live_session(session, token, idle_minutes, max_days)
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


def actor_from_token(*, session: Session, token: str | None, idle_minutes: int,
                     max_days: int = auth.SESSION_MAX_DAYS) -> Actor | None:
    """The signed-in person behind a session token, touching the session when stale."""
    actor, stale = session_status(session=session, token=token, idle_minutes=idle_minutes, max_days=max_days)
    if actor is not None and stale:
        touch_session(session=session, token=token)
    return actor


def issue_cookie_ticket(*, session: Session, token: str, browser: str = "") -> str:
    """A one-time ticket the browser trades for an HttpOnly cookie holding a fresh token.

    browser: a secret only the asking browser holds (its XSRF cookie); the ticket is bound
    to it, so the ticket is worthless in any other browser."""
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == auth.token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        raise PermissionDenied("auth.sign_in_again")
    ticket = auth.new_token()
    row.ticket_hash = auth.token_hash(ticket)
    row.ticket_expires_at = utcnow() + TICKET_LIFETIME
    row.ticket_browser = auth.token_hash(browser) if browser else None
    session.add(row)
    session.commit()
    return ticket


def redeem_cookie_ticket(*, session: Session, ticket: str, browser: str = "") -> str | None:
    """Trade a single-use ticket for the token of a new session kept in the cookie, only in
    the browser the ticket was issued to. The new session keeps the sign-in's start time
    (absolute lifetime). The tab that signed in keeps its own session; signing out revokes both.
    """
    if not ticket:
        return None
    row = session.exec(select(AuthSession).where(AuthSession.ticket_hash == auth.token_hash(ticket))).first()
    if row is None or row.revoked_at is not None or row.ticket_expires_at is None:
        return None
    if row.ticket_expires_at < utcnow():
        return None
    # An unbound ticket (asked for without a browser cookie) is never redeemable: otherwise an
    # attacker could ask for one without the cookie and plant it in a victim's browser.
    if row.ticket_browser is None or not browser or auth.token_hash(browser) != row.ticket_browser:
        return None
    row.ticket_hash = None
    row.ticket_expires_at = None
    row.ticket_browser = None
    session.add(row)
    token = open_session(session=session, user_id=row.user_id, signed_in_at=row.created_at)
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
    """Attempts older than a day no longer count for any limit."""
    cutoff = utcnow() - auth.THROTTLE_MEMORY
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < cutoff))
    session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.at < cutoff))
    session.commit()


def set_language(*, session: Session, actor: Actor, language: str) -> None:
    """The user's language for the interface and for exported workbook headers."""
    code = i18n.normalise_language(language)
    if code is None:
        raise InvalidInput("common.unknown_language", language=language, languages=", ".join(i18n.LANGUAGES))
    user = session.get(User, actor.user_id)
    user.language = code
    session.add(user)
    session.commit()
