"""In Chromium, investor matchmaking from start to end: the observer marks interest in a
finalist (licence, with a note); the team sees it on its home page with the observer's
organisation but without their name, email or phone, and accepts; then the team sees the
observer's contact details and the observer the team's; the organiser's matchmaking page
lists the match and its download holds the `interest` sheet. Screenshots of each step go to
test-results/screens/ for review."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in, wait_for_sign_in_cookie
from tests.conftest import login_for

pytestmark = pytest.mark.browser
SHOTS = ROOT / "test-results" / "screens"
NOTE = "We license sensor patents and would like to talk about the core patent."


HOMES = {"observer": "Finalists", "entrant": "My entries", "organiser": "Dashboard"}


def person(browser, app, logins, role):
    """A browser of the role's own, signed in (on the role's home page)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    sign_in(page, app.url, *login_for(logins, role))
    expect(page.get_by_role("heading", name=HOMES[role])).to_be_visible()
    wait_for_sign_in_cookie(page)
    return page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=SHOTS / f"matchmaking-{name}.png", full_page=True)


def test_observer_marks_interest_the_team_accepts_both_see_contacts_the_organiser_sees_the_match(live_app, browser):
    app, logins = live_app
    observer = person(browser, app, logins, "observer")
    observer.get_by_text("I want to meet this team").first.click()  # the first card: GBA26-0001
    # the form comes with the rerun the toggle starts: open its drop-down only once it is there
    expect(observer.get_by_role("button", name="Send to the team").first).to_be_visible()
    observer.wait_for_timeout(500)
    observer.get_by_label("What you are interested in").first.click()
    observer.get_by_role("option", name="Licence", exact=True).click()
    observer.get_by_label("A short note to the team").first.fill(NOTE)
    observer.get_by_role("button", name="Send to the team").first.click()
    expect(observer.get_by_text("Your interest: Licence · Awaiting an answer")).to_be_visible()
    shot(observer, "1-observer-marked")

    team = person(browser, app, logins, "entrant")
    expect(team.get_by_role("heading", name="Investor interest")).to_be_visible()
    expect(team.get_by_text(re.compile(r"^Greater Bay Angel Network · Licence · Awaiting an answer · marked"))
           ).to_be_visible()
    expect(team.get_by_text(NOTE)).to_be_visible()
    expect(team.get_by_text("Their name, email and phone show here once you accept.")).to_be_visible()
    body = team.locator("[data-testid=stMain]").inner_text()
    assert "Victor Invest" not in body and "observer@demo.example.org" not in body
    shot(team, "2-team-before-accepting")
    team.get_by_role("button", name="Accept", exact=True).click()
    expect(team.get_by_text("Contact: Victor Invest · observer@demo.example.org · –")).to_be_visible()
    expect(team.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    shot(team, "3-team-accepted")

    observer.reload()
    expect(observer.get_by_text("Your interest: Licence · Accepted")).to_be_visible()
    expect(observer.get_by_text("The team accepted: contact them directly.")).to_be_visible()
    expect(observer.get_by_text(re.compile(r"^Contact: .+ · entrant01@demo\.example\.org · \+852 5555 0100$"))
           ).to_be_visible()
    shot(observer, "4-observer-sees-the-team")

    office = person(browser, app, logins, "organiser")
    office.goto(app.url + "/matchmaking")
    expect(office.get_by_role("heading", name="Investor matchmaking")).to_be_visible()
    expect(office.get_by_text("Interests: 1 · accepted: 1 · awaiting an answer: 0")).to_be_visible()
    shot(office, "5-organiser-matches")
    with office.expect_download() as download:
        office.get_by_role("button", name="Download the interest workbook (.xlsx)").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))["interest"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:7] == ["entry_code", "title", "observer_organisation", "kind", "status", "created_at",
                           "responded_at"]
    assert [(r[0], r[2], r[3], r[4]) for r in rows[1:]] == [
        ("GBA26-0001", "Greater Bay Angel Network", "licence", "accepted")]
    assert rows[1][5] is not None and rows[1][6] is not None
    for page in (observer, team, office):
        page.context.close()
