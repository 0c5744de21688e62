"""Sign-in cannot be turned against others: the password is checked with no transaction open,
failures pause sign-in per account and address (never sleeping), the right password works as
soon as a pause ends, registration answers the same for used and new addresses and is
rate-limited, common passwords are refused, sign-ins end after 30 days however active, and
ten first-organiser forms sent at once make one organiser."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from contest import auth, config, db
from contest.auth import SYSTEM
from contest.dbtypes import utcnow
from contest.models import AuthSession, PendingRegistration, Role, SignInAttempt, User, UserRole
from contest.services import InvalidInput, PermissionDenied, accounts
from tests.conftest import PASSWORD
from tests.integration.test_invitations import smtp_server  # noqa: F401  (a real SMTP server)

pytestmark = pytest.mark.integration

JUDGE = "judge@example.org"
HOME = "203.0.113.7"
ATTACKER = "198.51.100.66"


@pytest.fixture
def judge(make_user):
    return make_user(Role.judge, email=JUDGE)


@pytest.fixture
def password_checks(monkeypatch, session):
    """Every password check, with whether a database transaction was open during it."""
    seen: list[bool] = []
    real = auth.verify_password

    def observed(password_hash, password):
        seen.append(session.in_transaction())
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", observed)
    return seen


def save_without_waiting(engine, email: str = JUDGE) -> int:
    """Another user's save that fails at once instead of queueing behind a held lock."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("UPDATE user SET phone = '1' WHERE email = ?", (email,))
            changed = cursor.rowcount
            cursor.execute("COMMIT")
            return changed
        finally:
            raw.close()
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
        return conn.execute(update(User).where(User.email == email).values(phone="1")).rowcount


def failed_before(session, *, email=JUDGE, address=ATTACKER, at, times=1):
    """Failures already recorded (as sign_in records them), without paying argon2 for each."""
    for _ in range(times):
        session.add(SignInAttempt(email=email, address=address, at=at, succeeded=False))
    session.commit()


def fail(session, *, email=JUDGE, address=ATTACKER, now=None, times=1):
    for _ in range(times):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(session=session, email=email, password="not the password", address=address, now=now)


def test_the_password_is_checked_with_no_database_transaction_open(session, judge, password_checks):
    fail(session, times=5)
    accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME)
    assert password_checks and not any(password_checks)


def test_a_sign_in_leaves_the_database_free_for_other_writers_while_the_password_is_checked(
        engine, session, judge, monkeypatch):
    """Another user's save goes through while a sign-in is checking a password."""
    saved: list[int] = []
    real = auth.verify_password

    def save_meanwhile(password_hash, password):
        saved.append(save_without_waiting(engine))
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", save_meanwhile)
    accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME)
    assert saved == [1]


def test_five_failures_pause_the_account_from_that_address_and_the_right_password_works_when_it_ends(
        session, judge, password_checks):
    start = utcnow()
    fail(session, now=start, times=5)
    checked = len(password_checks)
    with pytest.raises(accounts.SignInPaused) as paused:
        accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=ATTACKER,
                         now=start + timedelta(seconds=30))
    assert paused.value.minutes == 1
    assert "paused" in str(paused.value) and "Ask the contest office" in str(paused.value)
    assert len(password_checks) == checked  # refused without hashing anything
    user, token = accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=ATTACKER,
                                   now=start + timedelta(minutes=1, seconds=1))
    assert user.email == JUDGE and token


def test_a_paused_sign_in_is_refused_at_once_with_no_transaction_left_open_and_nothing_sleeping(
        engine, session, judge, monkeypatch):
    """The throttle never waits and never holds a lock: twenty refused guesses in a row
    leave every other user's save free (on SQLite one open write transaction would stop them)."""
    def no_sleeping(seconds):
        raise AssertionError(f"sign-in slept {seconds} s")

    monkeypatch.setattr(time, "sleep", no_sleeping)
    failed_before(session, at=utcnow(), times=5)
    for _ in range(20):
        with pytest.raises(accounts.SignInPaused):
            accounts.sign_in(session=session, email=JUDGE, password="another guess", address=ATTACKER)
        assert not session.in_transaction()
        assert save_without_waiting(engine) == 1


def test_the_owner_at_another_address_still_signs_in_during_an_attack_from_one_address(session, judge):
    start = utcnow()
    failed_before(session, at=start, times=5)
    for _ in range(12):
        with pytest.raises(accounts.SignInPaused):
            accounts.sign_in(session=session, email=JUDGE, password="a guess", address=ATTACKER, now=start)
    user, _token = accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME, now=start)
    assert user.email == JUDGE


def test_each_further_failure_doubles_the_pause_up_to_a_limit(session, judge):
    moment = utcnow()
    failed_before(session, at=moment, times=5)
    pauses = []
    for _ in range(6):
        until = accounts.sign_in_paused_until(session=session, email=JUDGE, address=ATTACKER, now=moment)
        pauses.append(round((until - moment).total_seconds() / 60))
        moment = until + timedelta(seconds=1)
        failed_before(session, at=moment)
    assert pauses == [1, 2, 4, 8, 15, 15]


def test_failures_from_many_addresses_pause_the_account_everywhere_and_say_for_how_long(session, judge):
    start = utcnow()
    for n in range(19):
        failed_before(session, address=f"192.0.2.{n}", at=start)
    fail(session, address="192.0.2.19", now=start)
    with pytest.raises(accounts.SignInPaused) as paused:
        accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME, now=start)
    assert paused.value.minutes == 5
    user, _token = accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME,
                                    now=start + timedelta(minutes=5, seconds=1))
    assert user.email == JUDGE


def test_one_address_trying_many_accounts_is_paused(session, judge):
    start = utcnow()
    for n in range(49):
        failed_before(session, email=f"someone{n}@example.org", at=start)
    fail(session, email="someone49@example.org", now=start)
    with pytest.raises(accounts.SignInPaused):
        accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=ATTACKER, now=start)
    assert accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME, now=start)


def test_an_unknown_email_is_paused_exactly_like_a_known_one(session, judge):
    start = utcnow()
    fail(session, email="nobody@example.org", now=start, times=5)
    failed_before(session, email=JUDGE, at=start, times=4)
    fail(session, email=JUDGE, now=start)
    answers = []
    for email in ("nobody@example.org", JUDGE):
        with pytest.raises(accounts.SignInPaused) as paused:
            accounts.sign_in(session=session, email=email, password="whatever it is", address=ATTACKER, now=start)
        answers.append(str(paused.value))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "iloveyou12", "Password2024"])
def test_common_passwords_are_refused_even_when_long_enough(session, password):
    with pytest.raises(InvalidInput, match="too easy to guess"):
        accounts.create_user(actor=SYSTEM, session=session, email="new@example.org", name="Lin Wei", roles=[Role.entrant],
                             password=password)


@pytest.mark.parametrize("password", ["Lin Wei 2024", "acme-robotics"])
def test_a_password_made_of_the_users_own_details_is_refused(session, password):
    with pytest.raises(InvalidInput, match="too easy to guess"):
        accounts.create_user(actor=SYSTEM, session=session, email="lin.wei@acme-robotics.com", name="Lin Wei",
                             roles=[Role.entrant], password=password)


def test_a_sign_in_ends_after_thirty_days_however_active_and_the_cookie_session_with_it(session, judge):
    _user, token = accounts.sign_in(session=session, email=JUDGE, password=PASSWORD, address=HOME)
    ticket = accounts.issue_cookie_ticket(session=session, token=token, browser="browser-secret")
    cookie_token = accounts.redeem_cookie_ticket(session=session, ticket=ticket, browser="browser-secret")
    session.execute(update(AuthSession).values(created_at=utcnow() - timedelta(days=30, minutes=1),
                                               last_seen_at=utcnow()))
    session.commit()
    for each in (token, cookie_token):
        assert accounts.session_status(session=session, token=each, idle_minutes=120, max_days=30) == (None, False)
        assert accounts.session_status(session=session, token=each, idle_minutes=120, max_days=31)[0] is not None


# --- registration -----------------------------------------------------------------------


def register(session, email, *, password="a fresh harbour view", address=HOME, **kw):
    return accounts.register_entrant(session=session, email=email, name="Ana Lee", organisation="Lee Labs",
                                     password=password, password_repeat=password, address=address, **kw)


def test_registration_answers_the_same_for_a_new_and_a_used_address_and_changes_no_account(session, judge):
    before = session.get(User, judge.user_id).password_hash
    used = register(session, JUDGE)
    new = register(session, "ana@example.org")
    assert (used.by_mail, used.mail_error) == (new.by_mail, new.mail_error) == (False, "")
    assert session.get(User, judge.user_id).password_hash == before
    assert session.exec(select(func.count()).select_from(User).where(User.email == JUDGE)).one() == 1
    assert accounts.roles_of(session, judge.user_id) == {"judge"}


def test_with_mail_a_new_address_gets_a_link_that_creates_the_account_and_a_used_one_a_note(
        session, judge, smtp_server):  # noqa: F811
    smtp_url, inbox = smtp_server
    for email in ("ana@example.org", JUDGE):
        register(session, email, smtp_url=smtp_url, base_url="https://contest.example.org")
    assert session.exec(select(User).where(User.email == "ana@example.org")).first() is None
    link_mail, note = inbox.messages
    assert "already has one" in note.get_content() and "register_confirm" not in note.get_content()
    body = link_mail.get_content()
    token = body.split("register_confirm?token=")[1].split()[0]
    user, session_token = accounts.confirm_registration(session=session, token=token)
    assert user.email == "ana@example.org" and accounts.roles_of(session, user.id) == {"entrant"}
    assert accounts.session_status(session=session, token=session_token, idle_minutes=60)[0].user_id == user.id
    with pytest.raises(InvalidInput, match="not valid, already used or expired"):
        accounts.confirm_registration(session=session, token=token)
    assert session.exec(select(PendingRegistration)).one().used_at is not None


def test_registration_is_rate_limited_per_address_and_per_email(session):
    start = utcnow()
    for n in range(10):
        register(session, f"team{n}@example.org", now=start)
    with pytest.raises(PermissionDenied, match="Too many registrations"):
        register(session, "team10@example.org", now=start)
    assert register(session, "team10@example.org", address="192.0.2.1", now=start)
    for n in range(3):
        register(session, "same@example.org", address=f"192.0.2.{50 + n}", now=start)
    with pytest.raises(PermissionDenied, match="Too many registrations"):
        register(session, "same@example.org", address="192.0.2.99", now=start)


# --- the first organiser ------------------------------------------------------------------


def test_ten_first_organiser_forms_sent_at_once_make_exactly_one_organiser(engine):
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def submit(n: int) -> None:
        with db.session_scope(engine) as s:
            barrier.wait()
            try:
                accounts.create_first_organiser(session=s, email=f"office{n}@example.org", name=f"Office {n}",
                                                password=PASSWORD)
                outcomes.append("created")
            except PermissionDenied:
                outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["refused"] * 9
    with db.session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 1
        assert s.exec(select(func.count()).select_from(UserRole).where(UserRole.role == "organiser")).one() == 1


def test_tabs_racing_wrong_passwords_get_no_more_guesses_than_the_limit(engine, session, judge, monkeypatch):
    """Twelve tabs press Sign in with a wrong password at the same moment: each waits for a
    hashing slot and reads the limits inside it, so the attacker gets the allowed five
    guesses (plus at most one per other slot checking alongside), not twelve."""
    session.close()  # the fixture's session holds SQLite's write lock since it made the judge
    monkeypatch.setattr(auth, "_hashing", None)
    monkeypatch.setenv("CONTEST_HASHING_SLOTS", "2")
    start = threading.Barrier(12)
    outcomes: list[str] = []

    def attempt():
        with db.session_scope(engine) as s:
            start.wait()
            try:
                accounts.sign_in(session=s, email=JUDGE, password="not the password", address=ATTACKER)
            except accounts.SignInPaused:
                outcomes.append("paused")
            except accounts.SignInFailed:
                outcomes.append("failed")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.session_scope(engine, read_only=True) as s:
        recorded = s.exec(select(func.count()).select_from(SignInAttempt)
                          .where(SignInAttempt.email == JUDGE, SignInAttempt.succeeded == False)).one()  # noqa: E712
    allowed = auth.ACCOUNT_FROM_ADDRESS.allowed
    assert allowed <= recorded <= allowed + 1, outcomes
    assert outcomes.count("paused") == 12 - recorded


@pytest.mark.parametrize(("cores", "slots"), [(1, 1), (2, 1), (4, 3)])
def test_password_checks_leave_a_core_to_the_people_at_work(monkeypatch, cores, slots):
    """By default a process checks passwords on one core fewer than it may run on (never
    none): a burst of wrong passwords against an account kept both cores of the 2-core
    machine hashing, and the judges' saves queued behind them."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert config.hashing_slots({}) == slots
    assert config.hashing_slots({"CONTEST_HASHING_SLOTS": "2"}) == 2  # as configured
