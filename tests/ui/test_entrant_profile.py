"""AppTest: an entrant changes their own profile; the change is kept and shown after a reload."""

from contest.models import Role, User
from tests.conftest import PASSWORD
from tests.integration.test_entries import make_user, password_hash  # noqa: F401  (fast users)
from tests.ui.apptest_helpers import PAGES, sign_in, start_app

EMAIL = "ana@lee-labs.example.org"


def open_profile():
    """Ana signed in on her profile page (the app under test writes to the same SQLite file)."""
    at = sign_in(start_app(), EMAIL, PASSWORD)
    return at.switch_page(str(PAGES / "entrant_profile.py")).run()


def test_entrant_changes_name_and_organisation_and_sees_them_after_a_reload(db_url, session, edition,
                                                                          make_user, app_env):
    actor = make_user(Role.entrant, email="ana@lee-labs.example.org", name="Ana Lee")
    session.close()  # the app under test writes to the same SQLite file
    app_env(db_url)
    at = sign_in(start_app(), "ana@lee-labs.example.org", PASSWORD)
    at.switch_page(str(PAGES / "entrant_profile.py")).run()
    at.text_input(key="profile_name").input("Ana Lee-Wong")
    at.text_input(key="profile_org").input("Lee Labs (Hong Kong) Ltd")
    next(b for b in at.button if b.label == "Save profile").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Profile saved."]
    stored = session.get(User, actor.user_id)
    session.refresh(stored)
    assert (stored.name, stored.organisation) == ("Ana Lee-Wong", "Lee Labs (Hong Kong) Ltd")
    session.close()

    again = sign_in(start_app(), "ana@lee-labs.example.org", PASSWORD)
    again.switch_page(str(PAGES / "entrant_profile.py")).run()
    assert again.text_input(key="profile_name").value == "Ana Lee-Wong"


def test_an_empty_name_is_refused_with_a_message(db_url, session, edition, make_user, app_env):
    make_user(Role.entrant, email="ana@lee-labs.example.org", name="Ana Lee")
    session.close()
    app_env(db_url)
    at = sign_in(start_app(), "ana@lee-labs.example.org", PASSWORD)
    at.switch_page(str(PAGES / "entrant_profile.py")).run()
    at.text_input(key="profile_name").input("  ")
    next(b for b in at.button if b.label == "Save profile").click().run()
    assert [e.value for e in at.error] == ["A name is required."]


def test_saving_another_language_in_the_profile_shows_the_whole_page_in_it(db_url, session, edition, make_user,
                                                                            app_env):
    actor = make_user(Role.entrant, email=EMAIL, name="Ana Lee")
    session.close()
    app_env(db_url)
    at = open_profile()
    at.selectbox(key="profile_language").select("zh-Hant")
    next(b for b in at.button if b.label == "Save profile").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["資料已儲存。"]
    assert at.sidebar.caption[0].value.startswith("登入身分") and at.title[0].value == "個人資料"
    stored = session.get(User, actor.user_id)
    session.refresh(stored)
    assert stored.language == "zh-Hant"
    session.close()
