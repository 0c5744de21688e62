"""Feedback on the pages: the organiser releases a round's feedback on the Decisions page;
the entrant then sees a summary and a download per entry on My entries, and before that a
note saying when feedback comes."""

import pytest
from sqlmodel import select

from contest import db
from contest.auth import SYSTEM
from contest.models import Entry, Round, RoundResult, User
from contest.services import decisions, editions
from tests.integration.test_results import _scored_template  # noqa: F401  (fixture)
from tests.ui.apptest_helpers import page_text, rendered
from tests.ui.test_results_pages import organiser_page, scored_app, signed_in  # noqa: F401  (fixture)


@pytest.fixture
def published(scored_app):  # noqa: F811
    """The scored demo with its preliminary decided and published; an entrant's email."""
    url, passwords = scored_app
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        rnd = editions.find_round(session=s, edition_id=editions.find_edition(session=s).id, key="preliminary")
        decisions.advance_round(session=s, actor=SYSTEM, round_id=rnd.id)
        decisions.publish_results(session=s, actor=SYSTEM, round_id=rnd.id)
        entry = s.get(Entry, s.exec(select(RoundResult.entry_id).where(RoundResult.round_id == rnd.id)).first())
        owner = s.get(User, entry.owner_id).email
        codes = set(s.exec(select(Entry.code).where(Entry.owner_id == entry.owner_id)).all())
    engine.dispose()
    return url, passwords, owner, codes


def stored_settings(url) -> tuple[bool, bool]:
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        rnd = s.exec(select(Round).where(Round.key == "preliminary")).one()
        settings = (rnd.feedback_released, rnd.feedback_comments)
    engine.dispose()
    return settings


def switch(at, which: str):
    return next(toggle for toggle in at.toggle if toggle.key.startswith(f"feedback_{which}_"))


def save(at) -> None:
    next(b for b in at.button if b.label == "Save feedback settings").click().run()
    assert not at.exception


def test_the_entrant_is_told_when_feedback_comes_then_downloads_it_once_released(published):
    url, passwords, owner, codes = published
    entrant = signed_in(owner, passwords["entrant"], "entrant_home.py")
    assert not entrant.exception
    assert "Feedback on your entries appears here once a round's results are published" in page_text(entrant)
    assert not [b for b in entrant.get("download_button") if "feedback" in b.proto.label]

    at = organiser_page(published[:2], "organiser_decisions.py")
    assert "Feedback to entrants" in page_text(at)
    switch(at, "release").set_value(True)
    switch(at, "comments").set_value(True)
    save(at)
    assert not at.exception
    assert any(s.value == "Feedback settings saved." for s in at.success)
    assert stored_settings(url) == (True, True)

    entrant = signed_in(owner, passwords["entrant"], "entrant_home.py")
    text = page_text(entrant)
    assert "appears here once" not in text
    assert any(code in text and "Preliminary" in text for code in codes)
    assert "percentile" in text and "in a group of" in text
    downloads = [b for b in entrant.get("download_button") if "feedback report" in rendered(b.proto.label)]
    assert downloads and all(b.proto.label == "Download the feedback report (PDF)" for b in downloads)


def test_switching_feedback_off_again_is_stored(published):
    url, *_ = published
    at = organiser_page(published[:2], "organiser_decisions.py")
    switch(at, "release").set_value(True)
    save(at)
    assert stored_settings(url) == (True, False)
    switch(at, "release").set_value(False)
    save(at)
    assert stored_settings(url) == (False, False)
