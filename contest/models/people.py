"""People: users and roles, sign-in sessions, invitations, judge profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from contest.models._fields import _created, _json, _ts


class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    password_hash: str = Field(default="", max_length=200)
    active: bool = True
    language: str = Field(default="en", max_length=8)
    confidentiality_ack_at: Optional[datetime] = _ts(nullable=True)
    last_sign_in_at: Optional[datetime] = _ts(nullable=True)
    created_at: datetime = _created()


class UserRole(SQLModel, table=True):
    """One person may hold several roles."""

    __tablename__ = "user_role"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the hash of its token is stored."""

    __tablename__ = "auth_session"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    revoked_at: Optional[datetime] = _ts(nullable=True)
    # One-time ticket that lets the browser exchange its sign-in for an HttpOnly cookie.
    ticket_hash: Optional[str] = Field(default=None, max_length=64, index=True)
    ticket_expires_at: Optional[datetime] = _ts(nullable=True)
    # Hash of the browser that asked for the ticket (its XSRF cookie): only that browser can
    # trade the ticket for a cookie, so a page elsewhere cannot sign a visitor in.
    ticket_browser: Optional[str] = Field(default=None, max_length=64)


class SignInAttempt(SQLModel, table=True):
    """A checked sign-in (attempts refused while locked are not recorded); kept a day."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_email_at", "email", "at"),
                      Index("ix_sign_in_attempt_address_at", "address", "at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(default="", max_length=64)  # the client's address ("" unknown)
    at: datetime = _created()
    succeeded: bool = False


class RegistrationAttempt(SQLModel, table=True):
    """A registration form sent (whatever became of it), for its rate limits; kept a day."""

    __tablename__ = "registration_attempt"
    __table_args__ = (Index("ix_registration_attempt_email_at", "email", "at"),
                      Index("ix_registration_attempt_address_at", "address", "at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(default="", max_length=64)
    at: datetime = _created()


class PendingRegistration(SQLModel, table=True):
    """A registration waiting for its owner to open the link mailed to the address (only
    with mail configured); the account is created when the link is opened."""

    __tablename__ = "pending_registration"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(max_length=254, index=True)
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    language: str = Field(default="en", max_length=8)
    password_hash: str = Field(max_length=200)
    created_at: datetime = _created()
    expires_at: datetime = _ts()
    used_at: Optional[datetime] = _ts(nullable=True)


class Invitation(SQLModel, table=True):
    """A single-use, expiring link where an invited judge sets a password."""

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _created()
    expires_at: datetime = _ts()
    used_at: Optional[datetime] = _ts(nullable=True)
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")


class JudgeProfile(SQLModel, table=True):
    """A judge in one edition's pool."""

    __tablename__ = "judge_profile"
    __table_args__ = (UniqueConstraint("edition_id", "user_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    organisation: str = Field(default="", max_length=200)
    region: str = Field(default="", max_length=40)
    expertise: list = _json(list)
    max_load: Optional[int] = None
    active: bool = True
