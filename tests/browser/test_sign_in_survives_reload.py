"""In Chromium: a judge who reloads mid-scoring stays signed in; after sign-out, a reload
shows the sign-in form again."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import login_for

pytestmark = pytest.mark.browser


def test_reload_keeps_the_judge_signed_in_and_sign_out_ends_it(live_app, page):
    app, logins = live_app
    email, password = login_for(logins, "judge")
    sign_in(page, app.url, email, password)
    expect(page.get_by_role("heading", name="My assignments")).to_be_visible()
    # The cookie is set by a fetch after sign-in; give it a moment to land, then reload.
    page.wait_for_timeout(1500)
    page.reload()
    expect(page.get_by_role("heading", name="My assignments")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.wait_for_timeout(1000)
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="My assignments")).to_have_count(0)


def test_session_cookie_is_http_only_and_holds_no_password(live_app, page):
    app, logins = live_app
    email, password = login_for(logins, "organiser")
    sign_in(page, app.url, email, password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.wait_for_timeout(1500)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["contest_session"]["httpOnly"] is True
    assert cookies["contest_session"]["sameSite"] == "Lax"
    assert password not in cookies["contest_session"]["value"]
    assert page.evaluate("document.cookie").find("contest_session") == -1
