"""Password hashing (argon2id), password rules, sign-in throttling, session tokens, roles.

No database. Hashing is the only slow step: services call it outside every database
transaction, and it waits for one of a few hashing slots per process.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import zxcvbn
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contest import config, i18n
from contest.i18n import Message
from contest.models import Role

# argon2id, 64 MiB, 3 passes (RFC 9106's low-memory profile) in ONE lane. The profile's 4
# lanes run as 4 threads, so on a 2-core server every hash took both cores: 100 people
# signing in at once (or an attacker's wrong passwords) left nothing for anyone else's
# saves (measured: 13 s save p95 during a 100-sign-in rush). One lane costs the same CPU
# and keeps within OWASP's argon2id guidance (at least 19 MiB, 2 passes, 1 lane). Hashes
# made with other parameters still verify and are upgraded at the next sign-in.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=1)


_hashing_lock = threading.Lock()
_hashing: threading.BoundedSemaphore | None = None
_holding = threading.local()


@contextmanager
def hashing_slot() -> Iterator[None]:
    """One of CONTEST_HASHING_SLOTS (default: a core less than the machine has, at least one)
    for a password hash or check.

    A burst of sign-ins queues here instead of running a hundred hashes at once, so the
    process's other threads keep their share of the cores. Re-entrant in one thread: a
    service may hold a slot around a whole check (read the limits, verify, record) so the
    next attempt in the queue sees what this one recorded.
    """
    global _hashing
    if getattr(_holding, "depth", 0):
        _holding.depth += 1
        try:
            yield
        finally:
            _holding.depth -= 1
        return
    with _hashing_lock:
        if _hashing is None:
            _hashing = threading.BoundedSemaphore(config.hashing_slots())
        slots = _hashing
    with slots:
        _holding.depth = 1
        try:
            yield
        finally:
            _holding.depth = 0

# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

NEUTRAL_SIGN_IN_MESSAGE = "auth.sign_in_failed"

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000
# zxcvbn's score: 3 is "safely unguessable: moderate protection from an offline slow-hash
# scenario" (at least 10^8 guesses); 0-2 covers common passwords and their close variants.
MIN_PASSWORD_SCORE = 3
# zxcvbn's matching grows with the square of the length; the head decides the score anyway.
_ZXCVBN_CHARACTERS = 100

# The browser cookie that holds a session token (HttpOnly, SameSite=Lax).
SESSION_COOKIE = "contest_session"
# A sign-in ends after this long however active it is (CONTEST_SESSION_MAX_DAYS).
SESSION_MAX_DAYS = 30


def hash_password(password: str) -> str:
    """Slow on purpose (about 150 ms of one core): never call it inside a transaction."""
    with hashing_slot():
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; unknown users still pay for one verification."""
    with hashing_slot():
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    """True when a stored hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return False


def password_problems(password: str, *, email: str = "", name: str = "",
                      others: Iterable[str] = ()) -> list[Message]:
    """The password rules: 10 to 1,000 characters, not the email or name, and not a common
    password or a close variant of one (zxcvbn, which also knows the user's own details)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(i18n.msg("auth.password_too_short", min=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(i18n.msg("auth.password_too_long", max=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        problems.append(i18n.msg("auth.password_is_email"))
    if name and lowered == name.lower():
        problems.append(i18n.msg("auth.password_is_name"))
    if password and not problems and password_score(password, [email, name, *others]) < MIN_PASSWORD_SCORE:
        problems.append(i18n.msg("auth.password_too_common"))
    return problems


def password_score(password: str, user_inputs: Sequence[str] = ()) -> int:
    """zxcvbn's strength score, 0 (a top common password) to 4 (very hard to guess)."""
    inputs = [part for value in user_inputs if value
              for part in (value, *(w for w in re.split(r"[\W_]+", value) if len(w) >= 3))]
    return int(zxcvbn.zxcvbn(password[:_ZXCVBN_CHARACTERS], user_inputs=inputs[:20])["score"])


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as hashes, so a database copy cannot sign anyone in."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


# --- throttling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    """`allowed` failures within `window` pass; each one after that locks for `first_lock`,
    doubling with every further failure, at most `longest_lock`. Attempts refused while
    locked are not failures (nothing is checked), so a lock does not grow by itself."""

    allowed: int
    window: timedelta
    first_lock: timedelta
    longest_lock: timedelta

    def locked_until(self, failures: Sequence[datetime], now: datetime) -> datetime | None:
        recent = sorted(f for f in failures if now - f <= self.window)
        if len(recent) < self.allowed:
            return None
        doublings = len(recent) - self.allowed
        lock = min(self.first_lock * (2 ** min(doublings, 30)), self.longest_lock)
        until = recent[-1] + lock
        return until if until > now else None


# One browser's address guessing one account: five tries, then a minute, two, four ...
ACCOUNT_FROM_ADDRESS = Throttle(5, timedelta(hours=1), timedelta(minutes=1), timedelta(minutes=15))
# One account from anywhere (many addresses): higher, so one attacker cannot lock its owner out
# for long; the owner is told when it ends.
ACCOUNT = Throttle(20, timedelta(hours=1), timedelta(minutes=5), timedelta(minutes=30))
# One address trying many accounts (password spraying); an office behind one address has room.
ADDRESS = Throttle(50, timedelta(hours=1), timedelta(minutes=5), timedelta(hours=1))
# New accounts registered from one address, and registration attempts for one email.
REGISTRATIONS_FROM_ADDRESS = Throttle(10, timedelta(hours=1), timedelta(minutes=10), timedelta(hours=2))
REGISTRATIONS_FOR_EMAIL = Throttle(3, timedelta(hours=1), timedelta(minutes=20), timedelta(hours=2))
THROTTLE_MEMORY = timedelta(days=1)  # attempts older than this are deleted


def minutes_until(until: datetime, now: datetime) -> int:
    """Whole minutes left (at least 1), for messages."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def session_expired(last_seen: datetime, now: datetime, idle_minutes: int, *,
                    signed_in_at: datetime | None = None, max_days: int = SESSION_MAX_DAYS) -> bool:
    """Idle too long, or signed in longer ago than the absolute limit."""
    if now - last_seen > timedelta(minutes=idle_minutes):
        return True
    return signed_in_at is not None and now - signed_in_at > timedelta(days=max_days)


@dataclass(frozen=True)
class Actor:
    """The person on whose behalf a service acts: a signed-in user, or the system actor.

    Every service takes one and checks it; None is never "no checks" (it is refused like
    a visitor who has not signed in). The command line and the demo builder act as
    `Actor.system()`: the contest office, who holds the database (no account, organiser's
    rights, recorded in the audit as "system").
    """

    user_id: int | None
    email: str
    name: str
    roles: frozenset[str]
    language: str = "en"

    @classmethod
    def system(cls) -> "Actor":
        """The contest office acting through the command line or the demo builder."""
        return SYSTEM

    @property
    def is_system(self) -> bool:
        return self == SYSTEM

    def has(self, role: Role | str) -> bool:
        return str(role) in self.roles

    @property
    def is_organiser(self) -> bool:
        return Role.organiser.value in self.roles


SYSTEM = Actor(user_id=None, email="system", name="system (command line)",
               roles=frozenset({Role.organiser.value}), language="en")
