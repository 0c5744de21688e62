"""AppTest: the organiser configures a round and edits a rubric on the set-up page; a rubric
that already has scores needs a new version."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from contest import db
from contest.models import Criterion, Edition, Round, SheetDefinition
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app

SETUP = str(PAGES / "organiser_setup.py")


@pytest.fixture
def organiser_on_setup(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    sign_in(at, *login_for(logins, "organiser"))
    at.switch_page(SETUP)
    at.run()
    assert not at.exception
    return at, url


def _read(url, statement):
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            return s.exec(statement).all()
    finally:
        engine.dispose()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_organiser_configures_a_round(organiser_on_setup):
    at, url = organiser_on_setup
    rounds = at.selectbox(key="setup_round")
    rounds.select_index(2).run()  # 1. Eligibility check, 2. Preliminary, 3. Semi-final
    at.number_input(key="round_semifinal_judges").set_value(4)
    at.checkbox(key="round_semifinal_blind").check()
    at.selectbox(key="round_semifinal_rule").select("threshold")
    at.number_input(key="round_semifinal_value").set_value(75.0)
    at.number_input(key="round_semifinal_carry").set_value(20.0)
    at.selectbox(key="round_semifinal_method").select("trimmed")
    _button(at, "Save round").click().run()
    assert not at.exception
    assert "Round 'Semi-final' saved." in page_text(at)
    [semifinal] = _read(url, select(Round).where(Round.key == "semifinal"))
    assert (semifinal.judges_per_entry, semifinal.blind, semifinal.advancement_rule, semifinal.advancement_value) == (
        4, True, "threshold", 75.0)
    assert (semifinal.carry_over_weight, semifinal.method) == (pytest.approx(0.20), "trimmed")


def test_an_impossible_round_setting_is_explained_and_not_saved(organiser_on_setup):
    at, url = organiser_on_setup
    [before] = _read(url, select(Round).where(Round.key == "preliminary"))
    at.selectbox(key="setup_round").select_index(1).run()
    at.selectbox(key="round_preliminary_rule").select("top_n")
    at.number_input(key="round_preliminary_value").set_value(0.0)
    _button(at, "Save round").click().run()
    assert [e.value for e in at.error] == ["Top N per group needs N, a whole number of at least 1."]
    [prelim] = _read(url, select(Round).where(Round.key == "preliminary"))
    assert prelim.advancement_value == before.advancement_value >= 1


def _criteria_editor_key(url, round_key, sheet_key, rev=0):
    """The page keys the criteria table by the sheet shown (first category: Invention)."""
    sheet = _read(url, select(SheetDefinition).join(Round).where(
        Round.key == round_key, SheetDefinition.key == sheet_key, SheetDefinition.active == True)  # noqa: E712
        .order_by(SheetDefinition.category_id))[0]
    return f"criteria_{sheet.id}_{rev}"


def test_criteria_weights_that_miss_100_are_refused_on_the_page(organiser_on_setup):
    at, url = organiser_on_setup
    at.selectbox(key="sheets_round").select_index(1).run()  # Semi-final: no scores yet
    key = _criteria_editor_key(url, "semifinal", "roadshow")
    at.session_state[key] = {"edited_rows": {0: {"weight": 35}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert "Weights add up to 115 % (must be 100 %)." in page_text(at)
    _button(at, "Save criteria").click().run()
    assert "The criterion weights add up to 115 %; they must add up to 100 %." in page_text(at)


def test_changing_a_scored_rubric_makes_a_new_version(organiser_on_setup):
    at, url = organiser_on_setup
    # Preliminary, Invention: the demo has submitted score sheets on it.
    assert "score sheets use this rubric" in page_text(at)
    key = _criteria_editor_key(url, "preliminary", "expert_review")
    at.session_state[key] = {"edited_rows": {0: {"weight": 30}, 4: {"weight": 10}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    _button(at, "Save criteria").click().run()
    assert "already has" in page_text(at) and "save it as a new version" in page_text(at)
    at.session_state[key] = {"edited_rows": {0: {"weight": 30}, 4: {"weight": 10}}, "added_rows": [],
                             "deleted_rows": []}
    at.checkbox(key="criteria_new_version").check()
    _button(at, "Save criteria").click().run()
    assert not at.exception
    assert "Version 2 of the rubric is now in use." in page_text(at)
    sheets = _read(url, select(SheetDefinition).join(Round).where(
        Round.key == "preliminary", SheetDefinition.key == "expert_review").order_by(SheetDefinition.id))
    versions = {(s.category_id, s.version): s for s in sheets}
    new = next(s for s in sheets if s.version == 2)
    old = versions[(new.category_id, 1)]
    assert new.active and not old.active
    weights = [c.weight for c in _read(url, select(Criterion).where(Criterion.sheet_id == new.id)
                                       .order_by(Criterion.position))]
    assert weights == pytest.approx([0.30, 0.20, 0.20, 0.20, 0.10])


def test_the_set_up_page_speaks_chinese_to_an_organiser_who_chooses_it(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select("zh-Hans").run()
    sign_in(at, *login_for(logins, "organiser"))
    at.switch_page(SETUP)
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "赛事设置" in text and "权重合计 100 %（须为 100 %）。" in text
    assert "保存评分项" in [b.label for b in at.button]


def test_organiser_reorders_the_tie_rule(organiser_on_setup):
    at, url = organiser_on_setup
    at.multiselect(key="edition_tie_rule").set_value(["raw_points", "median"])
    _button(at, "Save the tie rule").click().run()
    assert not at.exception
    assert "Tie rule saved." in page_text(at)
    [rules] = _read(url, select(Edition.rules))
    assert rules["tie_rule"] == ["raw_points", "median", "organiser"]


def test_organiser_sets_the_editions_time_zone_and_its_days_keep_their_dates(organiser_on_setup):
    at, url = organiser_on_setup
    deadline_day = at.date_input(key="edition_deadline").value
    assert at.selectbox(key="edition_time_zone").value == "Asia/Hong_Kong"
    at.selectbox(key="edition_time_zone").select("Europe/London")
    _button(at, "Save dates and rules").click().run()
    assert not at.exception
    [edition] = _read(url, select(Edition))
    assert edition.time_zone == "Europe/London"
    assert at.date_input(key="edition_deadline").value == deadline_day  # the same day, now London's
    assert (edition.submission_deadline.hour, edition.submission_deadline.minute) in ((23, 59), (22, 59))


def test_organiser_names_a_round_in_all_three_languages(organiser_on_setup):
    at, url = organiser_on_setup
    at.selectbox(key="setup_round").select_index(2).run()
    at.text_input(key="round_semifinal_label").set_value("Second round")
    at.text_input(key="round_semifinal_label_zh_hans").set_value("第二轮")
    at.text_input(key="round_semifinal_label_zh_hant").set_value("第二輪")
    _button(at, "Save round").click().run()
    assert not at.exception
    [semifinal] = _read(url, select(Round).where(Round.key == "semifinal"))
    assert (semifinal.label, semifinal.labels) == ("Second round", {"zh-Hans": "第二轮", "zh-Hant": "第二輪"})

def test_organiser_renames_an_award_tier_in_traditional_chinese_and_changes_its_number(organiser_on_setup):
    at, url = organiser_on_setup
    at.session_state["labels_awards_0"] = {"edited_rows": {1: {"label_zh_hant": "銀獎（第二等）", "per_group": 6}},
                                           "added_rows": [], "deleted_rows": []}
    at.run()
    _button(at, "Save award tiers").click().run()
    assert not at.exception
    assert "Award tiers saved." in page_text(at)
    [edition] = _read(url, select(Edition))
    silver = edition.rules["awards"][1]
    assert (silver["key"], silver["labels"]["zh-Hant"], silver["per_group"]) == ("silver", "銀獎（第二等）", 6)
