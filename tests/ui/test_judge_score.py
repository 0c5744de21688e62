"""AppTest of the score page's refusals and its conflict button: an incomplete sheet or an
extreme score without a comment cannot be submitted, a second tab holding an old version is
told to reload, and a declared conflict reaches the organiser with a replacement to assign."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import exists, func
from sqlmodel import Session, select

from contest import db
from contest.models import Assignment, ScoreSheet, User

from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, rendered, sign_in, start_app


@pytest.fixture
def judge_logins(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    return logins


@pytest.fixture
def busy_judge(demo_db, judge_logins) -> tuple[str, str]:
    """(email, password) of a demo judge with at least two entries still to submit."""
    engine = db.make_engine(demo_db[0])
    with Session(engine) as s:
        open_work = s.exec(
            select(User.email, func.count())
            .join(Assignment, Assignment.judge_id == User.id)
            .where(~exists().where(ScoreSheet.judge_id == Assignment.judge_id,
                                   ScoreSheet.entry_id == Assignment.entry_id,
                                   ScoreSheet.status == "submitted"))
            .group_by(User.email).having(func.count() >= 2).order_by(User.email)
        ).first()
    engine.dispose()
    return open_work[0], login_for(judge_logins, "judge")[1]


def _next_entry(logins, who=None):
    """A signed-in judge on the score page of their next entry; (app, entry code)."""
    at = sign_in(start_app(), *(who or login_for(logins, "judge")))
    button = next(b for b in at.button if b.label.startswith("Next to score"))
    code = rendered(button.label).split(": ")[1]
    button.click().run()
    return at, code


def _input(at, key):
    return next(n for n in at.number_input if n.key.endswith("_v_" + key))


def _maximum(field) -> int:
    """The field's maximum as its label states it: "Market prospects (0–20, step 1)"."""
    return int(re.search(r"\(0–(\d+),", field.label).group(1))


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()


def test_an_incomplete_sheet_cannot_be_submitted_and_the_missing_criterion_is_named(judge_logins):
    at, _ = _next_entry(judge_logins)
    _input(at, "market").set_value(5).run()  # whatever the draft held, market ends up empty
    _input(at, "market").set_value(None).run()
    assert at.success[-1].value.startswith("Draft saved")
    _click(at, "Submit")
    assert at.error and "Market prospects: a score is required." in page_text(at)
    assert not _input(at, "advancement").disabled  # still a draft


@pytest.mark.parametrize("typed, message", [
    (999, "Market prospects: 999 is above the maximum of 20. The saved score (12) stays."),
    (-5, "Market prospects: -5 is negative; scores start at 0. The saved score (12) stays."),
], ids=["above the maximum", "negative"])
def test_an_out_of_range_score_is_refused_beside_its_field_and_the_total_keeps_the_saved_value(
        judge_logins, busy_judge, typed, message):
    at, _ = _next_entry(judge_logins, busy_judge)
    _input(at, "market").set_value(12).run()
    total = next(m.value for m in at.metric if m.label == "Total so far")
    version = at.success[-1].value
    _input(at, "market").set_value(typed).run()
    assert message in [e.value for e in at.error]
    assert _input(at, "market").value == 12  # what is stored stays visible
    assert next(m.value for m in at.metric if m.label == "Total so far") == total
    assert at.success == [] or at.success[-1].value == version  # nothing new was saved


def test_each_criterion_lists_its_bands_with_the_one_the_score_falls_in_marked(judge_logins, busy_judge):
    at, _ = _next_entry(judge_logins, busy_judge)
    bands = [c.value for c in at.caption if "–" in c.value and ": " in c.value]
    assert bands and not any("▶" in b for b in bands)  # nothing scored yet: no band marked
    field = _input(at, "market")
    field.set_value(_maximum(field)).run()
    marked = [line for c in at.caption for line in c.value.split("  \n") if line.startswith("▶ ")]
    assert len(marked) == 1 and f"–{_maximum(field):g}: outstanding" in marked[0], marked


def test_an_outstanding_score_needs_its_comment_before_submitting(judge_logins, busy_judge):
    at, code = _next_entry(judge_logins, busy_judge)
    scores = [n.key for n in at.number_input if "_v_" in n.key]
    for key in scores:  # a complete sheet in the middle bands ...
        field = at.number_input(key=key)  # fresh from the current page after each rerun
        field.set_value(round(_maximum(field) * 0.6)).run()
    first = at.number_input(key=scores[0])
    first.set_value(_maximum(first)).run()  # ... except a top score
    label = first.label.split(" (")[0]
    comment_key = first.key.replace("_v_", "_c_")
    assert at.text_area(key=comment_key).label == f"Comment on {label} (required for this score)"
    _click(at, "Submit")
    assert any("in the outstanding band; a comment explaining it is required" in e.value for e in at.error)
    at.text_area(key=comment_key).input("Best-in-class power efficiency, measured by a third party.").run()
    assert at.success[-1].value.startswith("Draft saved")
    _click(at, "Submit")
    assert "Submitted. The sheet is locked." in [s.value for s in at.success]
    # Straight on to the next entry from here.
    onward = next(b for b in at.button if b.label.startswith("Next to score"))
    following = rendered(onward.label).split(": ")[1]
    assert following != code
    onward.click().run()
    assert following in page_text(at)
    assert not any(n.disabled for n in at.number_input if "_v_" in n.key)


def test_a_second_tab_with_an_older_version_is_told_to_reload_and_the_newer_scores_stay(judge_logins):
    first, code = _next_entry(judge_logins)
    second, same = _next_entry(judge_logins)
    assert code == same
    _input(first, "market").set_value(17).run()
    assert first.success[-1].value.startswith("Draft saved")
    _input(second, "market").set_value(3).run()
    assert [e.value for e in second.error] == [
        "Someone saved this sheet after you opened it; reload to see the newer scores."
    ]
    _click(second, "Load the newest version")
    assert _input(second, "market").value == 17


def test_a_declared_conflict_leaves_the_list_and_the_organiser_assigns_a_replacement(judge_logins):
    at, code = _next_entry(judge_logins)
    reason = next(a for a in at.text_area if a.key.startswith("conflict_"))
    reason.input("I consulted for this applicant in 2025.").run()
    _click(at, "Declare conflict")
    assert "Conflict recorded; the entry was withdrawn from your list." in [s.value for s in at.success]
    at.switch_page(str(PAGES / "judge_home.py"))
    at.run()
    assert code not in set(at.dataframe[0].value["code"])

    office = sign_in(start_app(), *login_for(judge_logins, "organiser"))
    office.switch_page(str(PAGES / "judge_sheets.py"))
    office.run()
    text = page_text(office)
    assert code in text and "I consulted for this applicant in 2025." in text
    assert "2 of 3 judges now" in text
    assert office.radio[0].options  # suggested replacements
    _click(office, "Assign replacement")
    assert "Replacement assigned." in [s.value for s in office.success]
    office.run()
    assert "3 of 3 judges now" in page_text(office)


def test_a_judge_cannot_reach_rankings_or_other_judges_sheets(judge_logins):
    at = sign_in(start_app(), *login_for(judge_logins, "judge"))
    for page in ("organiser_results.py", "organiser_reliability.py", "judge_sheets.py", "published_results.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(str(PAGES / page))
