"""A new empty database opens on the screen that creates the first organiser."""

from tests.ui.apptest_helpers import page_text, start_app


def test_a_new_database_asks_for_the_first_organiser_then_opens_the_dashboard(db_url, app_env):
    app_env(db_url)
    at = start_app()
    assert "create the first organiser" in page_text(at)
    at.text_input[0].input("Ada Office")
    at.text_input[1].input("ada@office.example.org")
    at.text_input[2].input("a long enough secret")
    at.button[0].click()
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "Dashboard" in text
    assert "No edition yet" in text


def test_the_first_organiser_form_explains_a_weak_password(db_url, app_env):
    app_env(db_url)
    at = start_app()
    at.text_input[0].input("Ada Office")
    at.text_input[1].input("ada@office.example.org")
    at.text_input[2].input("short")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == ["The password needs at least 10 characters."]
