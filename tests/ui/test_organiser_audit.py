"""Organisers read the audit trail; nobody else can, even through the service."""

import pytest

from contest.models import Role
from contest.services import PermissionDenied, audit_log
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app


def test_the_organiser_sees_who_did_what_and_when(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    sign_in(at, *login_for(logins, "organiser"))
    at.switch_page(str(PAGES / "organiser_audit.py"))
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "Audit trail" in text
    table = at.dataframe[0].value
    assert "User: signed in" in set(table["action"])  # the action in words
    assert any("organiser@demo.example.org" in who for who in table["who"])


def test_a_judge_cannot_read_the_audit_trail_through_the_service(session, make_user, edition):
    judge = make_user(Role.judge)
    with pytest.raises(PermissionDenied):
        audit_log.list_events(session=session, actor=judge, edition_id=edition.id)
