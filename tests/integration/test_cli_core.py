"""The `contest` command's core: users from standard input, editions from a preset, the
demo with its printed logins, one clear line per error."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from contest.models import Entry, JudgeProfile, ScoreSheet, User
from contest.services import accounts
from tests.integration.test_migrations import run_contest

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run_contest("db", "upgrade", url=url, tmp_path=tmp_path).returncode == 0
    return url


def test_user_add_reads_the_password_from_standard_input(url, tmp_path, engine_for_url):
    result = run_contest("user", "add", "Office@Example.org", "--role", "organiser", "--role", "judge",
                         "--name", "Office", url=url, tmp_path=tmp_path, stdin="a long enough secret\n")
    assert result.returncode == 0, result.stderr
    with engine_for_url(url) as s:
        user, _token = accounts.sign_in(session=s, email="office@example.org", password="a long enough secret")
        assert accounts.roles_of(s, user.id) == {"organiser", "judge"}


def test_user_add_refuses_a_weak_password_in_one_line(url, tmp_path):
    result = run_contest("user", "add", "a@example.org", "--role", "judge", url=url, tmp_path=tmp_path, stdin="short\n")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: The password needs at least 10 characters."


def test_create_prints_the_new_editions_slug(url, tmp_path):
    result = run_contest("create", "GBA Contest 2027", "--preset", "gba", url=url, tmp_path=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "gba-contest-2027"
    unknown = run_contest("create", "Other", "--preset", "nope", url=url, tmp_path=tmp_path)
    assert unknown.returncode == 1 and "unknown preset 'nope'" in unknown.stderr


def test_demo_builds_a_scored_edition_and_prints_the_logins(url, tmp_path, engine_for_url):
    result = run_contest("demo", "--entries", "30", "--judges", "8", "--seed", "1", url=url, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "organiser@demo.example.org" in result.stdout and "organiser-demo-2026" in result.stdout
    with engine_for_url(url) as s:
        assert s.exec(select(func.count()).select_from(Entry)).one() == 30
        assert s.exec(select(func.count()).select_from(JudgeProfile)).one() == 8
        statuses = dict(s.exec(select(ScoreSheet.status, func.count()).group_by(ScoreSheet.status)).all())
        assert statuses["submitted"] > 0 and statuses.get("draft", 0) > 0
        assert s.exec(select(func.count()).select_from(User)).one() == 30 + 8 + 2


@pytest.fixture
def engine_for_url():
    from contextlib import contextmanager

    from contest import db

    @contextmanager
    def _open(url):
        engine = db.make_engine(url)
        with db.session_scope(engine) as s:
            yield s
        engine.dispose()

    return _open
