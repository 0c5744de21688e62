"""In Chromium: a judge opens the next entry, scores it, finds the draft after a reload,
submits; the organiser reopens it with a reason; the judge edits and resubmits; the
organiser's audit trail shows each step with who and when."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_for_sign_in_cookie
from tests.conftest import login_for

pytestmark = pytest.mark.browser
WAIT_MS = 20_000

SCORES = {
    "Technical advancement (0–25, step 1)": "20",
    "Patent quality (0–20, step 1)": "15",
    "Portfolio layout (0–20, step 1)": "14",
    "Market prospects (0–20, step 1)": "12",
    "Commercialisation (0–15, step 1)": "9",
}


def see(locator):
    """Wait (generously: the machine may be busy) until the locator is visible."""
    expect(locator).to_be_visible(timeout=WAIT_MS)


def _score(page, label, value, version=None):
    """Type a score and wait for its automatic save; returns the sheet's new version."""
    field = page.get_by_label(label)
    field.fill(value)
    field.press("Enter")
    number = str(version) if version else r"\d+"
    message = page.get_by_text(re.compile(r"Draft saved \(version " + number + r"\)\."))
    see(message)
    expect(field).to_have_value(value, timeout=WAIT_MS)
    return int(re.search(r"version (\d+)", message.inner_text()).group(1))


def _score_tab(page):
    page.get_by_role("tab", name="Score sheet").click()


def test_judge_scores_reloads_submits_and_resubmits_after_the_office_reopens(live_app, browser):
    app, logins = live_app
    judge_email, judge_password = login_for(logins, "judge")
    office_email, office_password = login_for(logins, "organiser")
    judge = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    judge.set_default_timeout(30_000)
    office = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    office.set_default_timeout(30_000)

    sign_in(judge, app.url, judge_email, judge_password)
    see(judge.get_by_role("heading", name="My assignments"))
    next_button = judge.get_by_role("button", name=re.compile("^Next to score"))
    code = next_button.inner_text().split(": ")[1].strip()
    next_button.click()
    see(judge.get_by_role("heading", name="Score an entry"))
    expect(judge).to_have_url(re.compile(r"/score\?round=\d+&entry=\d+"), timeout=WAIT_MS)
    see(judge.get_by_text(re.compile("^Blind round")))
    _score_tab(judge)
    version = None
    for label, value in SCORES.items():
        version = _score(judge, label, value, version + 1 if version else None)
    see(judge.get_by_text("70.0 / 100"))

    judge.wait_for_timeout(500)
    judge.reload()  # a new browser session: the sign-in cookie and the URL bring the sheet back
    see(judge.get_by_role("heading", name="Score an entry"))
    _score_tab(judge)
    for label, value in SCORES.items():
        expect(judge.get_by_label(label)).to_have_value(value, timeout=WAIT_MS)
    judge.get_by_role("button", name="Submit").click()
    see(judge.get_by_text("Submitted. The sheet is locked."))

    sign_in(office, app.url, office_email, office_password)
    see(office.get_by_role("heading", name="Dashboard"))
    wait_for_sign_in_cookie(office)
    office.goto(app.url + "/sheets")
    _find_sheet(office, code, judge_email)
    reason = office.get_by_label("Reason for reopening (the judge sees it)")
    reason.fill("Market and layout look swapped")
    reason.press("Control+Enter")
    office.wait_for_timeout(500)
    office.get_by_role("button", name="Reopen the sheet").click()
    see(office.get_by_text("Sheet reopened; the judge can edit and resubmit it."))

    judge.reload()
    see(judge.get_by_role("heading", name="Score an entry"))
    _score_tab(judge)
    see(judge.get_by_text("Market and layout look swapped", exact=True))
    _score(judge, "Market prospects (0–20, step 1)", "13")
    judge.get_by_role("button", name="Submit").click()
    see(judge.get_by_text("Submitted. The sheet is locked."))

    office.reload()
    _find_sheet(office, code, judge_email)
    history = office.get_by_test_id("stText").filter(has_text="Score sheet: reopened")
    see(history)
    rows = [line.split(" · ") for line in history.inner_text().strip().splitlines()]
    actions = [row[2] for row in rows]
    saved, submitted, reopened = "Score sheet: draft saved", "Score sheet: submitted", "Score sheet: reopened"
    first_submit = actions.index(submitted)
    assert actions[:first_submit] == [saved] * first_submit and first_submit >= 5
    assert actions[first_submit:] == [submitted, reopened, saved, submitted]
    assert judge_email in rows[first_submit][1] and office_email in rows[first_submit + 1][1]
    assert rows[first_submit + 1][-1] == "reason: Market and layout look swapped"
    assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d", row[0]) for row in rows)  # contest clock
    judge.context.close()
    office.context.close()


def _find_sheet(office, code, judge_email):
    """Filter the organiser's sheet list down to one judge's sheet for one entry."""
    see(office.get_by_role("heading", name="Score sheets"))
    for label, value in (("Entry code", code), ("Judge email", judge_email)):
        office.get_by_label(label).fill(value)
        office.get_by_label(label).press("Enter")
        office.wait_for_timeout(300)
    see(office.get_by_text(re.compile(rf"History of sheet \d+")))
    expect(office.get_by_role("combobox", name="Sheet")).to_have_value(
        re.compile(rf"{re.escape(code)} · .*{re.escape(judge_email)}"), timeout=WAIT_MS)
