"""Text that one database accepts, both accept: every text field has one length limit (its
column's) and refuses NUL and control characters (line breaks only in multi-line fields),
checked in the service layer with a message naming the field, on SQLite and PostgreSQL alike;
a SQLite backup holding a value PostgreSQL would refuse names its table, row and column."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from contest import db
from contest.models import Conflict, Edition, Entry, Role, User
from contest.services import InvalidInput, backup, conflicts, entries, judges, setup

pytestmark = pytest.mark.integration

LONG = "x" * 5000
NUL = "Acme\x00 Robotics"


@pytest.fixture
def people(session, edition, make_user):
    organiser = make_user(Role.organiser, email="office@example.org")
    entrant = make_user(Role.entrant, email="ana@example.org", name="Ana Lee")
    entry = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email="judge2@example.org",
                     name="Li Ming")
    return organiser, entrant, entry


def register(session, _people, *, name="Ana Lee", organisation="Lee Labs", email="new@example.org"):
    return entries.register_entrant(session=session, email=email, name=name, organisation=organisation,
                                    password="a fresh harbour view", password_repeat="a fresh harbour view")


def profile(session, people, **changes):
    _organiser, entrant, _entry = people
    values = {"name": "Ana Lee", "organisation": "Lee Labs", "phone": ""} | changes
    return entries.update_profile(session=session, actor=entrant, **values)


def project(session, people, **changes):
    _organiser, entrant, entry = people
    values = {"title": "Robot grippers", "category": "invention", "track": "high_end_equipment",
              "summary": "Grippers that hold anything."} | changes
    return entries.save_project(session=session, actor=entrant, entry_id=entry.id, **values)


def applicant(session, people, **changes):
    _organiser, entrant, entry = people
    values = {"applicant": "Lee Labs", "applicant_type": "enterprise", "region": "guangdong",
              "revenue_band": "le_20m", "contact_name": "Ana Lee", "contact_email": "ana@example.org"} | changes
    return entries.save_applicant(session=session, actor=entrant, entry_id=entry.id, **values)


def judge(session, people, **changes):
    organiser, _entrant, entry = people
    values = {"email": "judge@example.org", "name": "Wang Fang", "organisation": "Shenzhen University"} | changes
    return judges.add_judge(session=session, actor=organiser, edition_id=entry.edition_id, **values)


def conflict(session, people, **changes):
    organiser, _entrant, entry = people
    pool = session.exec(select(User).where(User.email == "judge2@example.org")).one()
    values = {"reason": "Former colleague"} | changes
    return conflicts.add_conflict(session=session, actor=organiser, edition_id=entry.edition_id,
                                  judge_id=pool.id, entry_id=entry.id, **values)


def edition_name(session, people, **changes):
    organiser, _entrant, entry = people
    edition = session.get(Edition, entry.edition_id)
    return setup.update_edition(
        session=session, actor=organiser, edition_id=edition.id, name=changes.get("name", "GBA 2026"),
        opens_at=None, submission_deadline=None, closes_at=None, core_patent_cutoff=edition.core_patent_cutoff,
        max_entries_per_enterprise=3)


def stored(session) -> dict:
    """The texts a refused action could have left behind."""
    return {
        "users": session.exec(select(User.name, User.organisation, User.phone).order_by(User.id)).all(),
        "entries": session.exec(select(Entry.title, Entry.summary, Entry.applicant, Entry.contact_name)).all(),
        "conflicts": session.exec(select(func.count()).select_from(Conflict)).one(),
        "editions": session.exec(select(Edition.name)).all(),
    }


CASES = [
    # (what a user does, the field, a value that is too long or has control characters, the message)
    (register, "name", LONG, "Name: at most 200 characters (5000 given)"),
    (register, "organisation", NUL, "Organisation: contains control characters"),
    (profile, "name", LONG, "Name: at most 200 characters (5000 given)"),
    (profile, "phone", "138\x00", "Phone: contains control characters"),
    (project, "title", LONG, "at most 300 characters"),
    (project, "title", "Robot\ngrippers", "Title: contains control characters"),
    (project, "summary", "Grippers\x00", "Summary: contains control characters"),
    (applicant, "applicant", LONG, "Applicant: at most 300 characters (5000 given)"),
    (applicant, "contact_name", NUL, "Contact name: contains control characters"),
    (judge, "organisation", LONG, "Organisation: at most 200 characters (5000 given)"),
    (judge, "name", NUL, "Name: contains control characters"),
    (conflict, "reason", LONG, "at most 1,000 characters"),
    (edition_name, "name", LONG, "Name: at most 200 characters (5000 given)"),
]


@pytest.mark.parametrize("action, field, value, message", CASES,
                         ids=[f"{a.__name__}-{f}-{'long' if v == LONG else 'control'}" for a, f, v, _ in CASES])
def test_a_text_too_long_or_with_control_characters_is_refused_with_its_field_named(
        session, people, action, field, value, message):
    before = stored(session)
    with pytest.raises(InvalidInput) as refused:
        action(session, people, **{field: value})
    assert message in str(refused.value)
    session.rollback()
    assert stored(session) == before  # nothing of it was stored, on either database


@pytest.mark.parametrize("action, field, value", [
    (project, "summary", "Grippers that hold anything.\n\nSecond paragraph,\twith a tab."),
    (conflict, "reason", "Former colleague\nat the same lab"),
    (project, "title", "机器人抓手专利组合 — 第二代"),
])
def test_line_breaks_in_multi_line_fields_and_any_language_are_stored_alike(session, people, action, field, value):
    action(session, people, **{field: value})


def test_a_sqlite_backup_with_a_value_postgresql_refuses_names_the_table_row_and_column(
        tmp_path, engine, _sqlite_template):
    """A backup taken from SQLite (which stores anything) restores into the test database, or
    is refused naming where the value is; the test database is left empty."""
    import shutil

    source_path = tmp_path / "source.db"
    shutil.copy(_sqlite_template, source_path)
    source = db.make_engine(f"sqlite:///{source_path}")
    with source.begin() as conn:  # what an older version let through
        conn.execute(text("INSERT INTO user (id, email, name, organisation, phone, password_hash, active, language, "
                          "created_at) VALUES (1, 'a@example.org', 'Ana', '', '', '', 1, 'en', '2026-01-01'), "
                          "(7, 'b@example.org', :name, '', '', '', 1, 'en', '2026-01-01')"), {"name": LONG})
    out = tmp_path / "backup.zip"
    backup.backup(source, out)
    source.dispose()
    with pytest.raises(InvalidInput) as refused:
        backup.restore(engine, out)
    assert str(refused.value).startswith("The backup cannot be restored: table user, row 7, column name: "
                                         "Name: at most 200 characters (5000 given)")
    with db.session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 0


def test_a_backup_is_readable_by_its_owner_only(tmp_path, engine, session, edition):
    out = tmp_path / "backup.zip"
    out.write_bytes(b"an older file anyone could read")
    out.chmod(0o644)
    backup.backup(engine, out)
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("email", ["judge@example.org\x00", "\x00"])
def test_a_sign_in_with_a_nul_in_the_email_is_an_ordinary_failure_on_both_databases(session, make_user, email):
    from contest.services import accounts

    make_user(Role.judge, email="judge@example.org")
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(session=session, email=email, password="correct horse battery")


def test_a_search_for_a_value_with_a_nul_is_refused_alike_on_both_databases(session, people):
    with pytest.raises(InvalidInput, match="control characters"):
        session.exec(select(User).where(User.email == "ana@example.org\x00")).all()
