"""Password hashing (argon2id), session tokens, roles and permission checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contest.models import Role

# argon2id with the library's RFC 9106 "low memory" profile defaults.
_hasher = PasswordHasher()

# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

SIGN_IN_FAILURES_BEFORE_DELAY = 5
SIGN_IN_WINDOW = timedelta(minutes=1)
NEUTRAL_SIGN_IN_MESSAGE = "Those sign-in details are not correct, or the account is not active."

MIN_PASSWORD_LENGTH = 10

# The browser cookie that holds a session token (HttpOnly, SameSite=Lax).
SESSION_COOKIE = "contest_session"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; unknown users still pay for one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """The password rules: long enough, not the email or name, not all one character."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"at least {MIN_PASSWORD_LENGTH} characters")
    lowered = password.lower()
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        problems.append("not your email address")
    if name and lowered == name.lower():
        problems.append("not your name")
    if password and len(set(password)) < 4:
        problems.append("at least 4 different characters")
    return problems


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as hashes, so a database copy cannot sign anyone in."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_in_delay(failures_in_window: int) -> float:
    """Seconds to wait before answering: none for the first 5 failures in a minute."""
    if failures_in_window < SIGN_IN_FAILURES_BEFORE_DELAY:
        return 0.0
    return min(2.0 * (failures_in_window - SIGN_IN_FAILURES_BEFORE_DELAY + 1), 30.0)


def session_expired(last_seen: datetime, now: datetime, idle_minutes: int) -> bool:
    return now - last_seen > timedelta(minutes=idle_minutes)


@dataclass(frozen=True)
class Actor:
    """The signed-in person on whose behalf a service acts."""

    user_id: int
    email: str
    name: str
    roles: frozenset[str]
    language: str = "en"

    def has(self, role: Role | str) -> bool:
        return str(role) in self.roles

    @property
    def is_organiser(self) -> bool:
        return Role.organiser.value in self.roles
