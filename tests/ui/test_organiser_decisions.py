"""AppTest: the Decisions page offers only what the round can decide, shows what each
action will do before doing it, and offers a way out of a round scored in pieces."""

from __future__ import annotations

from sqlmodel import select

from contest import db
from contest.models import Assignment, Decision, Round
from tests.integration.test_decisions import stall
from tests.ui.apptest_helpers import page_text
from tests.integration.test_results import _scored_template  # noqa: F401  (fixture)
from tests.ui.test_results_pages import button, organiser_page, scored_app  # noqa: F401

PAGE = "organiser_decisions.py"


def _in_database(url, change=None, read=None):
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as s:
            if change:
                change(s)
            return read(s) if read else None
    finally:
        engine.dispose()


def _only_the_preliminary_is_scored(s):
    prelim = s.exec(select(Round).where(Round.key == "preliminary")).one()
    for later in s.exec(select(Round).where(Round.position > prelim.position)):
        later.scored = False
        s.add(later)
    s.commit()


def _awards(s):
    return s.exec(select(Decision).where(Decision.kind == "award")).all()


def test_grant_awards_is_not_offered_on_a_round_without_award_tiers(scored_app):
    at = organiser_page(scored_app, PAGE)
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "Decide advancement" in labels and "Grant awards" not in labels


def test_grant_awards_says_what_it_will_grant_and_waits_for_a_yes(scored_app):
    url, _ = scored_app
    _in_database(url, _only_the_preliminary_is_scored)
    at = organiser_page(scored_app, PAGE)
    assert "Decide advancement" not in [b.label for b in at.button]
    button(at, "Grant awards").click().run()
    assert not at.exception
    assert "This grants: Gold 10, Silver" in page_text(at)
    assert _in_database(url, read=_awards) == []
    button(at, "Cancel").click().run()
    assert "This grants" not in page_text(at) and _in_database(url, read=_awards) == []
    button(at, "Grant awards").click().run()
    button(at, "Yes, go ahead").click().run()
    assert not at.exception
    assert any("awards granted" in s.value for s in at.success)
    assert len(_in_database(url, read=_awards)) > 0


def test_a_round_scored_in_pieces_offers_the_methods_that_can_rank_it_and_the_fix(scored_app):
    url, _ = scored_app
    stalled = _in_database(url, read=lambda s: stall(s)[1].code)
    at = organiser_page(scored_app, PAGE)
    assert not at.exception
    text = page_text(at)
    assert "fall into 2 separate groups" in text and f"Scored apart: {stalled}" in text
    method = next(box for box in at.selectbox if box.label == "Ranking method for these decisions")
    assert "model" not in method.options and "Mean" in method.options
    # The stalled entry has one rating: it waits for the organiser's choice.
    assert f"{stalled}: 1 of 3 ratings" in text
    button(at, "Connect the round").click().run()
    assert "This assigns 1 judges from the main group" in page_text(at)
    button(at, "Yes, go ahead").click().run()
    assert not at.exception
    bridging = _in_database(url, read=lambda s: s.exec(select(Assignment).where(
        Assignment.source == "bridging")).all())
    assert len(bridging) == 1
