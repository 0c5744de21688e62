"""AppTest: the organiser adds a judge and creates an invitation link (no mail server set);
the judge opens the link, sets a password, is signed in and must accept the
confidentiality undertaking before seeing their assignments."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update as sa_update
from sqlmodel import Session

from contest import db
from contest.models import User
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app

JUDGES = str(PAGES / "organiser_judges.py")
INVITATION = str(PAGES / "invitation.py")


@pytest.fixture
def organiser_on_judges(demo_db, app_env, monkeypatch):
    monkeypatch.delenv("CONTEST_SMTP_URL", raising=False)
    url, logins = demo_db
    app_env(url)
    at = start_app()
    sign_in(at, *login_for(logins, "organiser"))
    at.switch_page(JUDGES)
    at.run()
    assert not at.exception
    return at, logins


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _add_judge(at, email="ada.lau@hkstp.example.hk", name="Ada Lau"):
    at.text_input(key="judge_email").input(email)
    at.text_input(key="judge_name").input(name)
    at.text_input(key="judge_organisation").input("HKSTP")
    at.selectbox(key="judge_region").select("hong_kong")
    at.multiselect(key="judge_expertise").select("semiconductors")
    at.text_input(key="judge_max_load").input("20")
    _button(at, "Add to the pool").click().run()
    return at


def test_organiser_adds_a_judge_who_accepts_the_invitation_and_the_undertaking(organiser_on_judges):
    at, _logins = organiser_on_judges
    _add_judge(at)
    assert not at.exception
    assert "ada.lau@hkstp.example.hk is in the judge pool." in page_text(at)
    invitees = next(m for m in at.multiselect if m.label == "Judges to invite")
    assert [j["email"] for j in invitees.value] == ["ada.lau@hkstp.example.hk"]
    _button(at, "Create invitation links").click().run()
    assert not at.exception
    [link] = [c.value for c in at.code]
    assert link.startswith("http://localhost:8501/invite?token=")
    token = re.search(r"token=(\S+)", link).group(1)

    judge = start_app()
    judge.switch_page(INVITATION)
    judge.query_params["token"] = token
    judge.run()
    assert not judge.exception
    assert "Ada Lau <ada.lau@hkstp.example.hk>" in page_text(judge)
    judge.text_input(key="invite_password").input("kowloon bay 2026")
    judge.text_input(key="invite_password_again").input("kowloon bay 2026")
    _button(judge, "Set password and sign in").click().run()
    assert not judge.exception
    assert "Confidentiality" in page_text(judge) and "My assignments" not in page_text(judge)
    judge.checkbox(key="confidentiality_agree").check().run()
    _button(judge, "Accept and continue").click().run()
    assert not judge.exception
    assert "My assignments" in page_text(judge)

    again = start_app()
    again.switch_page(INVITATION)
    again.query_params["token"] = token
    again.run()
    assert [e.value for e in again.error] == [
        "This invitation link has already been used. Sign in with your email and password."]


def test_a_bad_judge_row_is_explained_on_the_page(organiser_on_judges):
    at, _logins = organiser_on_judges
    at.text_input(key="judge_email").input("no-at-sign")
    at.text_input(key="judge_max_load").input("many")
    _button(at, "Add to the pool").click().run()
    errors = " ".join(e.value for e in at.error) + page_text(at)
    assert "'no-at-sign' is not a valid email address" in errors
    assert "max load 'many' is not a number" in errors


def test_a_made_up_invitation_token_is_refused(demo_db, app_env):
    url, _logins = demo_db
    app_env(url)
    at = start_app()
    at.switch_page(INVITATION)
    at.query_params["token"] = "not-a-real-token"
    at.run()
    assert [e.value for e in at.error][0].startswith("This invitation link is not valid.")
    assert not at.text_input


def _judge_yet_to_accept(demo_db, app_env, language="en"):
    url, logins = demo_db
    email, password = login_for(logins, "judge")
    engine = db.make_engine(url)
    with Session(engine) as s:
        s.execute(sa_update(User).where(User.email == email).values(confidentiality_ack_at=None))
        s.commit()
    engine.dispose()
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select(language).run()
    return sign_in(at, email, password)


def test_a_judge_who_has_not_accepted_the_undertaking_reaches_no_other_page(demo_db, app_env):
    at = _judge_yet_to_accept(demo_db, app_env)
    assert "Confidentiality" in page_text(at) and "My assignments" not in page_text(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(PAGES / "judge_home.py"))
    assert _button(at, "Accept and continue").disabled  # only after ticking the box


def test_a_chinese_speaking_judge_reads_the_undertaking_in_chinese(demo_db, app_env):
    at = _judge_yet_to_accept(demo_db, app_env, language="zh-Hans")
    text = page_text(at)
    assert "保密承诺" in text and "利益冲突" in text
    assert _button(at, "接受并继续").disabled
