"""The interface speaks the user's language: chosen before sign-in, remembered after."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from contest import db, i18n
from contest.models import User
from contest.ui import i18n as ui_i18n
from tests.conftest import login_for
from tests.ui.apptest_helpers import APP, page_text, sign_in, start_app


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


def _judge_reading(language, demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select(language).run()
    sign_in(at, *login_for(logins, "judge"))
    assert not at.exception
    return at


def test_the_editions_own_names_show_in_chinese(demo_db, app_env):
    text = page_text(_judge_reading("zh-Hans", demo_db, app_env))
    assert "初赛" in text and "Preliminary" not in text  # the round, by the name the preset gives it


def test_switching_the_language_changes_the_whole_page_in_the_same_rerun(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    email, password = login_for(logins, "organiser")
    at = sign_in(start_app(), email, password)
    assert "Signed in as" in at.sidebar.caption[0].value and at.title[0].value == "Dashboard"

    at.selectbox(key="language_picker").select("zh-Hant").run()  # one click
    assert not at.exception
    assert at.sidebar.caption[0].value.startswith(i18n.text("shell.signed_in_as", "zh-Hant"))
    assert at.selectbox(key="language_picker").label == "語言"
    assert at.title[0].value == i18n.text("organiser_home.dashboard", "zh-Hant") == "總覽"
    assert "Signed in as" not in page_text(at) + at.sidebar.caption[0].value
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        assert s.exec(select(User.language).where(User.email == email)).one() == "zh-Hant"
    engine.dispose()

    at.selectbox(key="language_picker").select("zh-Hans").run()
    assert at.sidebar.caption[0].value.startswith("当前用户") and at.title[0].value == "总览"
    at.selectbox(key="language_picker").select("en").run()
    assert at.sidebar.caption[0].value.startswith("Signed in as") and at.title[0].value == "Dashboard"


def test_the_sign_in_page_offers_the_three_languages_and_switches_at_once(demo_db, app_env):
    url, _ = demo_db
    app_env(url)
    at = start_app()
    picker = at.selectbox(key="signin_language")
    assert picker.options == ["English", "简体中文", "繁體中文"]
    picker.select("zh-Hant").run()
    assert at.title[0].value == "登入" and at.selectbox(key="signin_language").label == "語言"


def test_a_first_visit_speaks_the_browsers_language_until_the_user_has_a_stored_choice(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["locale"] = "zh-HK"  # AppTest cannot send headers; the browser's own language stands in
    at.run()
    assert at.title[0].value == "登入"
    sign_in(at, *login_for(logins, "organiser"))  # the demo organiser's stored language is English
    assert at.title[0].value == "Dashboard"


@pytest.mark.parametrize(("accept_language", "locale", "expected"), [
    ("zh-HK,zh;q=0.9,en;q=0.8", None, "zh-Hant"),
    ("zh-CN,zh;q=0.9", "en-GB", "zh-Hans"),
    ("fr-FR,en;q=0.5", "zh-TW", "en"),
    ("fr-FR,de;q=0.5", "zh-TW", "zh-Hant"),  # nothing declared in the header: the browser's own
    (None, "zh-SG", "zh-Hans"),
    (None, "fr-FR", None),
])
def test_the_first_visit_language_comes_from_accept_language_then_the_browsers_own(accept_language, locale,
                                                                                   expected):
    assert ui_i18n.first_visit_language(accept_language, locale) == expected


def test_a_judge_reading_traditional_chinese_scores_on_criteria_and_bands_in_traditional_chinese(demo_db, app_env):
    from tests.ui.apptest_helpers import PAGES

    at = _judge_reading("zh-Hant", demo_db, app_env)
    at.switch_page(str(PAGES / "judge_score.py"))
    at.run()
    assert not at.exception
    text = page_text(at)
    labels = " ".join(n.label for n in at.number_input)
    assert "技術先進性" in labels or "設計獨創性" in labels or "市場前景" in labels  # criteria, Traditional
    assert "Technical advancement" not in labels and "Market prospects" not in labels
    assert "較弱" in text and "優秀" in text  # band descriptors, Traditional
    assert "weak" not in text and "outstanding" not in text
    assert "初賽" in text or "複賽" in text or "決賽" in text  # the round's own name
    assert "评审" not in text and "专家" not in text  # no Simplified names on a Traditional page
