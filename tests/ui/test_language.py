"""The interface speaks the user's language: chosen before sign-in, remembered after."""

from sqlmodel import select

from contest import db
from contest.models import User
from tests.conftest import login_for
from tests.ui.apptest_helpers import page_text, sign_in, start_app


def test_a_judge_who_chooses_chinese_sees_chinese_and_keeps_it(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select("zh-Hans").run()
    assert "登录" in page_text(at)
    email, password = login_for(logins, "organiser")
    sign_in(at, email, password)
    assert not at.exception
    assert "总览" in page_text(at)  # the dashboard
    assert "评分进度" in page_text(at)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        assert s.exec(select(User.language).where(User.email == email)).one() == "zh-Hans"
    engine.dispose()


def test_the_editions_own_names_show_in_chinese(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select("zh-Hans").run()
    sign_in(at, *login_for(logins, "judge"))
    assert not at.exception
    text = page_text(at)
    assert "初赛" in text and "Preliminary" not in text  # the round, by the name the preset gives it
