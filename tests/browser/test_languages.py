"""In Chromium, in each of the three languages: a first visit follows the browser's language,
signing in brings the user's stored language, and choosing a language in the sidebar turns
the whole page in one click (the heading, the "Signed in as" line and the picker's own label,
not only what is drawn after the picker); the choice is kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contest import i18n
from tests.conftest import login_for

pytestmark = pytest.mark.browser
WAIT_MS = 30_000
# What a browser of each language sends first; the switch then goes to another language.
BROWSER_LOCALE = {"en": "en-GB", "zh-Hans": "zh-CN", "zh-Hant": "zh-HK"}
SWITCH_FROM = {"en": "zh-Hant"}  # English is the stored language: leave it first, then come back


def words(message_id: str, language: str) -> str:
    return i18n.text(message_id, language)


def _sign_in(page, url: str, email: str, password: str, language: str) -> None:
    page.goto(url)
    page.get_by_label(words("common.email", language)).fill(email)
    page.get_by_label(words("common.password", language), exact=True).fill(password)
    page.get_by_role("button", name=words("common.sign_in", language)).click()


def _switch(page, sidebar, current: str, wanted: str, tmp_path) -> None:
    """Choose `wanted` in the sidebar's picker and see the whole page turn in that click."""
    sidebar.get_by_role("combobox", name=words("common.language", current)).click()
    page.get_by_role("option", name=i18n.LANGUAGES[wanted].name, exact=True).click()
    expect(page.get_by_role("heading", name=words("judge_home.my_assignments", wanted))).to_be_visible()
    expect(sidebar.get_by_text(words("shell.signed_in_as", wanted))).to_be_visible()
    expect(sidebar.get_by_text(words("common.language", wanted), exact=True)).to_be_visible()
    expect(sidebar.get_by_role("button", name=words("shell.sign_out", wanted))).to_be_visible()
    if words("shell.signed_in_as", current) != words("shell.signed_in_as", wanted):
        expect(sidebar.get_by_text(words("shell.signed_in_as", current))).to_have_count(0)
    page.screenshot(path=str(tmp_path / f"switched-to-{wanted}.png"), full_page=True)


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_the_whole_page_switches_language_in_one_click(live_app, browser, language, tmp_path):
    app, logins = live_app
    email, password = login_for(logins, "judge")  # the demo judge's stored language: English
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=BROWSER_LOCALE[language])
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        # The first visit speaks the browser's language, before anyone signs in ...
        page.goto(app.url)
        expect(page.get_by_role("button", name=words("common.sign_in", language))).to_be_visible()
        _sign_in(page, app.url, email, password, language)
        # ... then the user's stored choice.
        expect(page.get_by_role("heading", name=words("judge_home.my_assignments", "en"))).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        current = "en"
        for wanted in ([SWITCH_FROM[language]] if language == "en" else []) + [language]:
            _switch(page, sidebar, current, wanted, tmp_path)
            current = wanted
        # The choice is now the user's own: it holds after a reload (a new browser session).
        page.reload()
        expect(page.get_by_role("heading", name=words("judge_home.my_assignments", language))).to_be_visible()
    finally:
        context.close()


def _sheet_names(database_url: str, code: str) -> tuple[list[str], list[str]]:
    """The zh-Hant names of the criteria on the preliminary sheet of entry `code`, and of
    their band descriptors, as the edition stores them."""
    from sqlmodel import select

    from contest import db
    from contest.labels import label_of
    from contest.models import Criterion, Entry, Round, SheetDefinition

    engine = db.make_engine(database_url)
    try:
        with db.session_scope(engine, read_only=True) as s:
            entry = s.exec(select(Entry).where(Entry.code == code)).one()
            prelim = s.exec(select(Round).where(Round.key == "preliminary")).one()
            sheets = s.exec(select(SheetDefinition.id).where(
                SheetDefinition.round_id == prelim.id, SheetDefinition.category_id == entry.category_id,
                SheetDefinition.active == True)).all()  # noqa: E712
            criteria = s.exec(select(Criterion).where(Criterion.sheet_id.in_(sheets))).all()
            names = [label_of(c, "zh-Hant") for c in criteria]
            bands = sorted({label_of(band, "zh-Hant") for c in criteria for band in (c.bands or [])})
    finally:
        engine.dispose()
    return names, bands


def test_a_hong_kong_judge_scores_with_criteria_and_bands_in_traditional_chinese(live_app, browser):
    app, logins = live_app
    email, password = login_for(logins, "judge")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-HK")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        _sign_in(page, app.url, email, password, "zh-Hant")
        sidebar = page.get_by_test_id("stSidebar")
        expect(page.get_by_role("heading", name=words("judge_home.my_assignments", "en"))).to_be_visible()
        sidebar.get_by_role("combobox", name=words("common.language", "en")).click()
        page.get_by_role("option", name=i18n.LANGUAGES["zh-Hant"].name, exact=True).click()
        next_label = words("common.next_score", "zh-Hant").split("{")[0].strip()
        next_button = page.get_by_role("button", name=next_label)
        expect(next_button).to_be_visible()
        code = next_button.inner_text().split("：")[-1].split(":")[-1].strip()
        next_button.click()
        page.get_by_role("tab", name=words("judge_score.score_sheet", "zh-Hant")).click()
        criteria, bands = _sheet_names(app.database_url, code)
        assert criteria and bands
        for name in criteria:
            assert name != "" and not name.isascii(), name  # the preset names every criterion in 繁體中文
            expect(page.get_by_text(name).first).to_be_visible()
        for band in bands:
            assert not band.isascii(), band
            expect(page.get_by_text(band).first).to_be_visible()
        expect(page.get_by_text("Technical advancement")).to_have_count(0)
    finally:
        context.close()
