"""Sign-in: argon2id hashes, one neutral message for every failure, sessions that expire
and end at sign-out, nothing secret in clear (limits: test_sign_in_limits.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import SQLModel, select

from contest import auth
from contest.auth import SYSTEM
from contest.dbtypes import utcnow
from contest.models import AuthSession, Role, User
from contest.services import InvalidInput, PermissionDenied, accounts
from tests.conftest import PASSWORD

NEUTRAL = "Those sign-in details are not correct, or the account is not active."


def all_stored_text(session) -> str:
    """Every value of every row of every table, as text."""
    parts = []
    for table in SQLModel.metadata.sorted_tables:
        for row in session.execute(table.select()).all():
            parts += [str(v) for v in row]
    return "\n".join(parts)


def test_passwords_are_stored_as_argon2id_hashes(session, make_user):
    actor = make_user(Role.judge, email="judge@example.org")
    user = session.get(User, actor.user_id)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    # One lane: a hash occupies one core, not all of a small server's (see contest.auth).
    assert "$m=65536,t=3,p=1$" in user.password_hash


def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(session, make_user):
    from argon2 import PasswordHasher

    actor = make_user(Role.judge, email="judge@example.org")
    user = session.get(User, actor.user_id)
    user.password_hash = PasswordHasher(parallelism=4).hash(PASSWORD)  # as stored before
    session.add(user)
    session.commit()
    accounts.sign_in(session=session, email="judge@example.org", password=PASSWORD)
    session.expire_all()
    upgraded = session.get(User, actor.user_id).password_hash
    assert "$m=65536,t=3,p=1$" in upgraded
    accounts.sign_in(session=session, email="judge@example.org", password=PASSWORD)  # still works
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(session=session, email="judge@example.org", password="not the password at all")


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "disabled account"])
def test_every_failed_sign_in_gets_the_same_neutral_message(session, make_user, case):
    organiser = make_user(Role.organiser, email="office@example.org")
    judge = make_user(Role.judge, email="judge@example.org")
    email, password = "judge@example.org", PASSWORD
    if case == "wrong password":
        password = "not the password"
    elif case == "unknown email":
        email = "nobody@example.org"
    else:
        accounts.set_active(session=session, actor=organiser, user_id=judge.user_id, active=False)
    with pytest.raises(accounts.SignInFailed) as raised:
        accounts.sign_in(session=session, email=email, password=password)
    assert str(raised.value) == NEUTRAL


def test_sign_in_opens_a_session_that_sign_out_revokes(session, make_user):
    make_user(Role.judge, Role.organiser, email="both@example.org", name="Both Roles")
    user, token = accounts.sign_in(session=session, email="both@example.org", password=PASSWORD)
    actor = accounts.actor_from_token(session=session, token=token, idle_minutes=60)
    assert actor.email == "both@example.org" and actor.roles == {"judge", "organiser"}
    accounts.sign_out(session=session, token=token)
    assert accounts.actor_from_token(session=session, token=token, idle_minutes=60) is None


def test_a_session_expires_after_inactivity(session, make_user):
    make_user(Role.judge, email="judge@example.org")
    _user, token = accounts.sign_in(session=session, email="judge@example.org", password=PASSWORD)
    session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=61)))
    session.commit()
    assert accounts.actor_from_token(session=session, token=token, idle_minutes=60) is None


def test_cookie_ticket_is_single_use_and_gives_a_separate_session(session, make_user):
    make_user(Role.judge, email="judge@example.org")
    _user, token = accounts.sign_in(session=session, email="judge@example.org", password=PASSWORD)
    ticket = accounts.issue_cookie_ticket(session=session, token=token, browser="browser-secret")
    cookie_token = accounts.redeem_cookie_ticket(session=session, ticket=ticket, browser="browser-secret")
    assert cookie_token and cookie_token != token
    assert accounts.redeem_cookie_ticket(session=session, ticket=ticket, browser="browser-secret") is None
    assert accounts.actor_from_token(session=session, token=cookie_token, idle_minutes=60) is not None
    assert accounts.actor_from_token(session=session, token=token, idle_minutes=60) is not None


def test_no_password_or_session_token_is_stored_or_logged_in_clear(session, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    make_user(Role.judge, email="judge@example.org")
    _user, token = accounts.sign_in(session=session, email="judge@example.org", password=PASSWORD)
    ticket = accounts.issue_cookie_ticket(session=session, token=token, browser="browser-secret")
    cookie_token = accounts.redeem_cookie_ticket(session=session, ticket=ticket, browser="browser-secret")
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(session=session, email="judge@example.org", password="wrong secret 123")
    stored = all_stored_text(session)
    logged = caplog.text
    for secret in (PASSWORD, "wrong secret 123", token, ticket, cookie_token):
        assert secret not in stored
        assert secret not in logged
    assert session.exec(select(AuthSession)).first().token_hash == auth.token_hash(token)


def test_the_first_organiser_can_be_created_only_on_an_empty_database(session):
    assert not accounts.has_any_user(session=session)
    user = accounts.create_first_organiser(session=session, email="Office@Example.org", name="Office", password=PASSWORD)
    assert user.email == "office@example.org"
    assert accounts.roles_of(session, user.id) == {"organiser"}
    with pytest.raises(PermissionDenied):
        accounts.create_first_organiser(session=session, email="late@example.org", name="Late", password=PASSWORD)


@pytest.mark.parametrize(
    "email,password,expected",
    [
        ("not-an-email", PASSWORD, "is not a valid email address"),
        ("short@example.org", "short", "at least 10 characters"),
        ("same@example.org", "same@example.org", "must not be your email address"),
        ("dup@example.org", PASSWORD, "already exists"),
    ],
)
def test_account_rules_are_explained(session, make_user, email, password, expected):
    make_user(Role.entrant, email="dup@example.org")
    with pytest.raises(InvalidInput) as refused:
        accounts.create_user(actor=SYSTEM, session=session, email=email, name="Someone", roles=[Role.entrant], password=password)
    assert any(expected in str(problem) for problem in refused.value.problems)
    assert session.exec(select(User).where(User.email == email.lower())).first() is None or email == "dup@example.org"


def test_reading_a_fresh_session_writes_nothing_and_a_stale_one_asks_to_be_touched(session, make_user):
    make_user(Role.judge, email="judge@example.org")
    _user, token = accounts.sign_in(session=session, email="judge@example.org", password=PASSWORD)
    actor, stale = accounts.session_status(session=session, token=token, idle_minutes=60)
    assert actor.email == "judge@example.org" and stale is False
    session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    _actor, stale = accounts.session_status(session=session, token=token, idle_minutes=60)
    assert stale is True
    accounts.touch_session(session=session, token=token)
    assert accounts.session_status(session=session, token=token, idle_minutes=60)[1] is False
