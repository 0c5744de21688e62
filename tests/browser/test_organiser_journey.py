"""In Chromium: an organiser sets the round's judges per entry, previews the assignment,
commits it, and follows the progress of the round."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import login_for

pytestmark = pytest.mark.browser


def test_organiser_previews_commits_and_follows_progress(live_app, page):
    app, logins = live_app
    sign_in(page, app.url, *login_for(logins, "organiser"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="Assignment").click()
    expect(page.get_by_role("heading", name="Assignment", exact=True)).to_be_visible()
    judges = page.get_by_label("Judges per entry")
    judges.fill("4")
    judges.press("Enter")
    page.get_by_role("button", name="Save round rules").click()
    expect(page.get_by_text("Preliminary: 4 judges per entry.")).to_be_visible()

    page.get_by_role("button", name="Preview assignment").click()
    expect(page.get_by_text("Expertise match")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").filter(has_text="yes")).to_be_visible()
    expect(page.get_by_text("to add")).to_be_visible()

    page.get_by_role("button", name="Commit assignment").click()
    expect(page.get_by_text("Assignment stored:")).to_be_visible()

    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", name="Progress", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Coverage per track")).to_be_visible()
    expect(page.get_by_role("heading", name="Per judge")).to_be_visible()
    page.get_by_role("button", name="Send reminders to judges with open work").click()
    expect(page.get_by_text("No mail server is set")).to_be_visible()
