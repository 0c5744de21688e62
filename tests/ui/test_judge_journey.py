"""AppTest: a judge opens the next entry, scores it (every change saved as a draft), reloads
and finds the draft, submits; the organiser reopens with a reason; the judge edits and
resubmits; the sheet's audit trail shows each step with who and when. In the blind
preliminary the page shows none of the applicant's identity."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from contest import db
from contest.models import Assignment, Entry, ScoreSheet, User
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, rendered, sign_in, start_app

SCORES = {"advancement": 20, "patent_quality": 15, "layout": 14, "market": 12, "commercialisation": 10}


@pytest.fixture
def demo_app(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    return url, logins


def _signed_in(logins, role):
    at = start_app()
    return sign_in(at, *login_for(logins, role))


def _open_score_page(at, round_id, entry_id):
    """What a reload of /score?round=..&entry=.. does: the page reads the URL."""
    at.query_params["round"] = str(round_id)
    at.query_params["entry"] = str(entry_id)
    at.switch_page(str(PAGES / "judge_score.py"))
    at.run()
    return at


def _inputs(at) -> dict:
    return {n.key.rsplit("_v_", 1)[1]: n for n in at.number_input if "_v_" in n.key}


def _button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def _entry(url, code) -> Entry:
    engine = db.make_engine(url)
    with Session(engine) as s:
        entry = s.exec(select(Entry).where(Entry.code == code)).one()
    engine.dispose()
    return entry


def test_judge_scores_saves_reloads_submits_and_the_organiser_reopens(demo_app):
    url, logins = demo_app
    judge_email, _ = login_for(logins, "judge")
    at = _signed_in(logins, "judge")
    next_button = _button(at, "Next to score")
    code = rendered(next_button.label).split(": ")[1]
    next_button.click().run()
    assert not at.exception
    assert code in page_text(at)

    for key, value in SCORES.items():
        changed = _inputs(at)[key].value != value
        _inputs(at)[key].set_value(value).run()
        if changed:  # every change is saved at once, without pressing anything
            assert [s.value for s in at.success][-1].startswith("Draft saved")
    assert {m.label: m.value for m in at.metric}["Total so far"] == "71.0 / 100"
    _button(at, "Save draft").click().run()
    assert [s.value for s in at.success][-1].startswith("Draft saved")
    round_id, entry_id = int(at.query_params["round"]), int(at.query_params["entry"])

    # A reload is a new browser session: everything comes back from the database.
    at = _open_score_page(_signed_in(logins, "judge"), round_id, entry_id)
    assert {k: n.value for k, n in _inputs(at).items()} == SCORES
    _button(at, "Submit").click().run()
    assert "Submitted. The sheet is locked." in [s.value for s in at.success]
    assert all(n.disabled for n in _inputs(at).values())

    office = _signed_in(logins, "organiser")
    office.switch_page(str(PAGES / "judge_sheets.py"))
    office.run()
    office.text_input(key="sheets_entry").input(code).run()
    office.text_input(key="sheets_judge").input(judge_email).run()
    assert len(office.selectbox(key="sheets_pick").options) == 1
    sheet_id = office.selectbox(key="sheets_pick").value
    office.text_area(key=f"reopen_reason_{sheet_id}").input("Market looks swapped with layout").run()
    _button(office, "Reopen the sheet").click().run()
    assert not office.exception
    assert "Sheet reopened; the judge can edit and resubmit it." in [s.value for s in office.success]

    # The judge's open page holds the submitted version: told to reload, then edits again.
    at.run()
    assert "reload to see the newer scores" in page_text(at)
    assert "Market looks swapped with layout" in page_text(at)
    _button(at, "Load the newest version").click().run()
    _inputs(at)["market"].set_value(13).run()
    assert [s.value for s in at.success][-1].startswith("Draft saved")
    _button(at, "Submit").click().run()
    assert "Submitted. The sheet is locked." in [s.value for s in at.success]

    office.run()
    [history] = [el.value for el in office.text if "Score sheet: reopened" in el.value]
    rows = [line.split(" · ") for line in history.splitlines()]
    actions = [row[2] for row in rows]
    saved, submitted, reopened = "Score sheet: draft saved", "Score sheet: submitted", "Score sheet: reopened"
    submit_at = actions.index(submitted)
    assert actions[:submit_at] == [saved] * submit_at and submit_at >= 1
    assert actions[submit_at:] == [submitted, reopened, saved, submitted]
    assert judge_email in rows[submit_at][1] and "organiser@demo.example.org" in rows[submit_at + 1][1]
    assert rows[submit_at + 1][-1] == "reason: Market looks swapped with layout"
    # On the contest's clock, to the minute: no offset, no seconds.
    assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d", row[0]) for row in rows)


def test_the_blind_score_page_shows_no_applicant_identity_nor_other_judges_scores(demo_app):
    url, logins = demo_app
    judge_email, _ = login_for(logins, "judge")
    engine = db.make_engine(url)
    with Session(engine) as s:  # an entry of this judge where others wrote comments unlike theirs
        me = s.exec(select(User).where(User.email == judge_email)).one()
        sheets = s.exec(select(ScoreSheet)).all()
        own = {h.entry_id: h.comment for h in sheets if h.judge_id == me.id}
        target = next(a for a in s.exec(select(Assignment).where(Assignment.judge_id == me.id)).all()
                      if any(h.entry_id == a.entry_id and h.judge_id != me.id and h.comment
                             and h.comment != own.get(a.entry_id) for h in sheets))
        code = s.get(Entry, target.entry_id).code
    engine.dispose()
    at = _open_score_page(_signed_in(logins, "judge"), target.round_id, target.entry_id)
    entry = _entry(url, code)
    text = page_text(at) + "\n".join(str(a.value) for a in at.text_area)
    assert "Blind round" in text and code in text
    for identity in (entry.applicant, entry.contact_name, entry.contact_email, entry.contact_phone):
        assert identity and identity not in text
    assert entry.region.casefold() not in text.casefold()
    at.toggle[0].set_value(True).run()  # the report, viewed inline and offered for download
    assert not at.exception
    [download] = at.get("download_button")
    assert re.fullmatch(rf"Download {code}-report-\d+\.pdf", rendered(download.proto.label))
    assert entry.applicant not in download.proto.label
    engine = db.make_engine(url)
    with Session(engine) as s:
        others = s.exec(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id != me.id,
                                                 ScoreSheet.comment != own.get(entry.id, ""))).all()
    engine.dispose()
    assert any(o.comment for o in others)  # other judges commented on this entry ...
    for other in others:
        if other.comment:
            assert other.comment not in text  # ... and none of it reaches this judge


def test_a_judge_cannot_open_an_entry_of_someone_else_through_the_url(demo_app):
    url, logins = demo_app
    at = _signed_in(logins, "judge")
    mine = set(at.dataframe[0].value["code"])
    engine = db.make_engine(url)
    with Session(engine) as s:
        foreign = s.exec(select(Entry).where(Entry.code.not_in(mine), Entry.current_round_id.is_not(None))).first()
    engine.dispose()
    at = _open_score_page(at, foreign.current_round_id, foreign.id)
    assert not at.exception
    assert foreign.code not in page_text(at)
    assert foreign.title not in str(at.selectbox[0].value)


def test_the_assignment_list_filters_by_state(demo_app):
    _, logins = demo_app
    at = _signed_in(logins, "judge")
    everything = at.dataframe[0].value
    at.multiselect(key=[w.key for w in at.multiselect][0]).set_value(["submitted"]).run()
    submitted = at.dataframe[0].value
    assert set(submitted["state"]) == {"Submitted"}  # in words, not the stored key
    assert len(submitted) == (everything["state"] == "Submitted").sum()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Done"]) == len(submitted)
