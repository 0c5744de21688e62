"""AppTest: an organiser configures the preliminary round, previews and commits an
assignment, changes it by hand, records a conflict, and sees progress."""

import pytest
from sqlmodel import select

from contest import db
from contest.services import queries
from contest.models import (
    Assignment, AssignmentStatus, Conflict, Entry, Round, ScoreSheet, SheetStatus, User,
)
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, rendered, sign_in, start_app


@pytest.fixture
def organiser_app(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    sign_in(at, *login_for(logins, "organiser"))
    return at, url


def _open(at, page):
    at.switch_page(str(PAGES / page))
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _active(url):
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        rnd = s.exec(select(Round).where(Round.key == "preliminary")).one()
        pairs = set(s.exec(select(Assignment.judge_id, Assignment.entry_id).where(
            Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value)).all())
        k = rnd.judges_per_entry
    engine.dispose()
    return pairs, k


@pytest.mark.parametrize("typed, message", [
    (99, "99 is outside the allowed range 1–15; 3 stays."),
    (0, "0 is outside the allowed range 1–15; 3 stays."),
], ids=["too many", "none"])
def test_judges_per_entry_out_of_range_is_refused_beside_the_field_and_nothing_is_saved(
        organiser_app, typed, message):
    at, url = organiser_app
    _open(at, "organiser_assignment.py")
    at.number_input[0].set_value(typed)
    _button(at, "Save round rules").click()
    at.run()
    assert message in [e.value for e in at.error]
    assert _active(url)[1] == 3 and not at.success


def test_organiser_configures_previews_commits_and_sees_progress(organiser_app):
    at, url = organiser_app
    _open(at, "organiser_assignment.py")
    assert "Assignment" in page_text(at)

    # Configure the round: 4 judges per entry.
    at.number_input[0].set_value(4)
    next(b for b in at.button if b.label == "Save round rules").click()
    at.run()
    assert "Preliminary: 4 judges per entry." in page_text(at)
    assert _active(url)[1] == 4

    before, _ = _active(url)
    _button(at, "Preview assignment").click()
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Connected"] == "yes"
    assert metrics["Load spread"] in {"0", "1"}
    assert metrics["Expertise match"].endswith("%")
    assert _active(url)[0] == before  # a preview stores nothing

    _button(at, "Commit assignment").click()
    at.run()
    assert not at.exception
    assert any("Assignment stored" in s.value for s in at.success)
    after, _ = _active(url)
    entries = {e for _, e in after}
    assert all(sum(1 for _, x in after if x == e) == 4 for e in entries)

    _open(at, "organiser_progress.py")
    text = page_text(at)
    assert "Coverage per track" in text and "Per judge" in text
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Assigned"]) == len(after)


def _pair_with_sheet_status(url, submitted: bool):
    """An active (entry code, judge label) pair of the preliminary with or without a
    submitted sheet; the label is how pickers name the judge (name and organisation)."""
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        rows = s.exec(select(Entry.code, User.email, Assignment.judge_id, Assignment.entry_id)
                      .join(Entry, Entry.id == Assignment.entry_id)
                      .join(User, User.id == Assignment.judge_id)
                      .where(Assignment.status == AssignmentStatus.active.value)
                      .order_by(Entry.code, User.email)).all()
        done = set(s.exec(select(ScoreSheet.judge_id, ScoreSheet.entry_id).where(
            ScoreSheet.status == SheetStatus.submitted.value)).all())
        labels = queries.person_labels(s, [j for _c, _e, j, _x in rows], edition_id=1)
    engine.dispose()
    return next((code, labels[j]) for code, _email, j, e in rows if ((j, e) in done) == submitted)


def _choose(at, key, text):
    box = at.selectbox(key=key)
    box.set_value(next(option for option in box.options if text in option))
    at.run()


@pytest.mark.parametrize("submitted", [False, True])
def test_organiser_removes_a_judge_by_hand_unless_they_submitted(organiser_app, submitted):
    at, url = organiser_app
    _open(at, "organiser_assignment.py")
    before, _ = _active(url)
    code, judge = _pair_with_sheet_status(url, submitted)
    _choose(at, "manual_entry", code)
    _choose(at, "manual_judge", judge)
    _button(at, "Remove judge").click()
    at.run()
    assert not at.exception
    after, _ = _active(url)
    if submitted:
        assert any("already submitted" in e.value for e in at.error)
        assert after == before
    else:
        assert [rendered(s.value) for s in at.success] == [f"Done: remove on {code}."]
        assert len(after) == len(before) - 1 and after < before


def test_organiser_adds_a_conflict_with_its_reason(organiser_app):
    at, url = organiser_app
    _open(at, "organiser_conflicts.py")
    _button(at, "Find automatic conflicts").click()
    at.run()
    assert any("automatic conflicts" in s.value for s in at.success)
    next(box for box in at.selectbox if box.label == "Entry").select_index(1)
    at.text_input[1].input("Former colleague of the inventor")
    next(b for b in at.button if b.label == "Add conflict").click()
    at.run()
    assert not at.exception
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        reasons = {c.reason for c in s.exec(select(Conflict).where(Conflict.source == "organiser"))}
    engine.dispose()
    assert reasons == {"Former colleague of the inventor"}
    assert "Former colleague of the inventor" in page_text(at)


def test_preview_with_problems_names_them_and_commits_only_when_accepted(organiser_app):
    at, url = organiser_app
    _open(at, "organiser_assignment.py")
    at.number_input[0].set_value(12)  # more judges per entry than the demo pool has
    _button(at, "Save round rules").click()
    at.run()
    before, _ = _active(url)
    _button(at, "Preview assignment").click()
    at.run()
    problems = at.dataframe[0].value["problem"].tolist()
    assert any("eligible judges after conflicts and organisation limits (needs" in p
               for p in problems)
    _button(at, "Commit assignment").click()
    at.run()
    assert any("The preview has problems" in e.value for e in at.error)
    assert _active(url)[0] == before
    next(c for c in at.checkbox if c.label == "Commit despite these problems").check()
    _button(at, "Commit assignment").click()
    at.run()
    assert any("Assignment stored" in s.value for s in at.success)
    assert len(_active(url)[0]) > len(before)


def test_organiser_takes_the_suggested_calibration_entries_and_every_judge_gets_them(organiser_app):
    at, url = _open(*organiser_app[:1], "organiser_assignment.py"), organiser_app[1]
    rnd_id = at.selectbox(key="assign_round").value
    _button(at, "Suggest entries typical of the field").click().run()
    suggested = at.multiselect(key=f"calibration_codes_{rnd_id}").value
    assert 2 <= len(suggested) <= 5
    _button(at, "Save calibration").click().run()
    assert not at.exception
    assert f"Calibration saved: {len(suggested)} entries" in page_text(at)
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        codes = {e.id: e.code for e in s.exec(select(Entry)).all()}
        pool = {j.user_id for j in queries.judge_pool(s, s.get(Round, rnd_id).edition_id)}
        on = {}
        for judge_id, entry_id in s.exec(select(Assignment.judge_id, Assignment.entry_id).where(
                Assignment.round_id == rnd_id, Assignment.status == AssignmentStatus.active.value)).all():
            on.setdefault(codes[entry_id], set()).add(judge_id)
    engine.dispose()
    # every judge of the pool is on every calibration entry, unless a conflict forbids it (named on the page)
    for code in suggested:
        kept_off = page_text(at).count(f"does not score {code}: a conflict of interest")
        assert len(on[code] & pool) + kept_off == len(pool)
