"""In Chromium: a judge opens the next entry, scores it, finds the draft after a reload,
submits; the organiser reopens it with a reason; the judge edits and resubmits; the
organiser's audit trail shows each step with who and when."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import login_for

pytestmark = pytest.mark.browser

SCORES = {
    "Technical advancement (0–25, step 1)": "20",
    "Patent quality (0–20, step 1)": "15",
    "Portfolio layout (0–20, step 1)": "14",
    "Market prospects (0–20, step 1)": "12",
    "Commercialisation (0–15, step 1)": "9",
}


def _score(page, label, value):
    field = page.get_by_label(label)
    field.fill(value)
    field.press("Enter")
    expect(page.get_by_text(re.compile(r"Draft saved \(version \d+\)"))).to_be_visible()
    page.wait_for_timeout(300)


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
    expect(judge.get_by_role("heading", name="My assignments")).to_be_visible()
    next_button = judge.get_by_role("button", name=re.compile("^Next to score"))
    code = next_button.inner_text().split(": ")[1].strip()
    next_button.click()
    expect(judge.get_by_role("heading", name="Score an entry")).to_be_visible()
    expect(judge).to_have_url(re.compile(r"/score\?round=\d+&entry=\d+"))
    expect(judge.get_by_text(re.compile("^Blind round"))).to_be_visible()
    _score_tab(judge)
    for label, value in SCORES.items():
        _score(judge, label, value)
    expect(judge.get_by_text("70.0 / 100")).to_be_visible()

    judge.wait_for_timeout(500)
    judge.reload()  # a new browser session: the sign-in cookie and the URL bring the sheet back
    expect(judge.get_by_role("heading", name="Score an entry")).to_be_visible()
    _score_tab(judge)
    for label, value in SCORES.items():
        expect(judge.get_by_label(label)).to_have_value(value)
    judge.get_by_role("button", name="Submit").click()
    expect(judge.get_by_text("Submitted. The sheet is locked.")).to_be_visible()

    sign_in(office, app.url, office_email, office_password)
    expect(office.get_by_role("heading", name="Dashboard")).to_be_visible()
    office.goto(app.url + "/sheets")
    expect(office.get_by_role("heading", name="Score sheets")).to_be_visible()
    for label, value in (("Entry code", code), ("Judge email", judge_email)):
        office.get_by_label(label).fill(value)
        office.get_by_label(label).press("Enter")
        office.wait_for_timeout(500)
    reason = office.get_by_label("Reason for reopening (the judge sees it)")
    reason.fill("Market and layout look swapped")
    reason.press("Control+Enter")
    office.wait_for_timeout(500)
    office.get_by_role("button", name="Reopen the sheet").click()
    expect(office.get_by_text("Sheet reopened; the judge can edit and resubmit it.")).to_be_visible()

    judge.reload()
    expect(judge.get_by_role("heading", name="Score an entry")).to_be_visible()
    _score_tab(judge)
    expect(judge.get_by_text("Market and layout look swapped")).to_be_visible()
    _score(judge, "Market prospects (0–20, step 1)", "13")
    judge.get_by_role("button", name="Submit").click()
    expect(judge.get_by_text("Submitted. The sheet is locked.")).to_be_visible()

    office.reload()
    expect(office.get_by_role("heading", name="Score sheets")).to_be_visible()
    for label, value in (("Entry code", code), ("Judge email", judge_email)):
        office.get_by_label(label).fill(value)
        office.get_by_label(label).press("Enter")
        office.wait_for_timeout(500)
    table = office.locator("[data-testid='stTable']").first
    expect(table).to_contain_text("sheet.reopen")
    rows = table.locator("tbody tr")
    actions = [rows.nth(i).locator("td").nth(2).inner_text().strip() for i in range(rows.count())]
    first_submit = actions.index("sheet.submit")
    assert actions[:first_submit] == ["sheet.save"] * first_submit and first_submit >= 5
    assert actions[first_submit:] == ["sheet.submit", "sheet.reopen", "sheet.save", "sheet.submit"]
    text = table.inner_text()
    assert judge_email in text and office_email in text and "Market and layout look swapped" in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)
    judge.context.close()
    office.context.close()
