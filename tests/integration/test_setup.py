"""Edition set-up: dates, lists, rounds, sheets and rubrics; a rubric with scores is never
changed under them; every change is audited; only organisers may change anything."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from contest.labels import label_of
from contest.models import (
    AuditEvent,
    Category,
    ContestGroup,
    Criterion,
    Decision,
    Entry,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    Track,
)
from contest.services import InvalidInput, PermissionDenied, editions, setup

pytestmark = pytest.mark.integration

UTC = timezone.utc


@pytest.fixture
def organiser(make_user):
    return make_user(Role.organiser, email="office@example.org")


def _sheet(session, edition, round_key="preliminary", category="invention"):
    rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
    cat = session.exec(select(Category).where(Category.edition_id == edition.id, Category.key == category)).one()
    sheet = session.exec(select(SheetDefinition).where(SheetDefinition.round_id == rnd.id,
                                                       SheetDefinition.category_id == cat.id,
                                                       SheetDefinition.active == True)).first()  # noqa: E712
    return rnd, cat, sheet


def _criteria_rows(session, organiser, sheet):
    return setup.criteria_for(session=session, actor=organiser, sheet_id=sheet.id)


def _add_score_sheet(session, edition, rnd, sheet, judge):
    entry = Entry(edition_id=edition.id, code=f"E-{sheet.id}-{judge.user_id}", applicant="Acme")
    session.add(entry)
    session.flush()
    session.add(ScoreSheet(round_id=rnd.id, sheet_id=sheet.id, entry_id=entry.id, judge_id=judge.user_id,
                           status="submitted", total=70.0))
    session.commit()


def _actions(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_organiser_sets_dates_in_order_and_the_change_is_audited(session, edition, organiser):
    opens = datetime(2026, 3, 1, tzinfo=UTC)
    setup.update_edition(session=session, actor=organiser, edition_id=edition.id, name="GBA 2026",
                         opens_at=opens, submission_deadline=opens + timedelta(days=60),
                         closes_at=opens + timedelta(days=200), core_patent_cutoff=date(2021, 1, 1),
                         max_entries_per_enterprise=2, required_documents=["report", "roadshow"])
    session.refresh(edition)
    assert edition.submission_deadline == opens + timedelta(days=60)
    assert edition.core_patent_cutoff == date(2021, 1, 1)
    assert edition.rules["required_documents"] == ["report", "roadshow"]
    [event] = _actions(session, "edition.update")
    assert event.details["changed"]["max_entries_per_enterprise"] == [3, 2]


def test_a_deadline_before_the_opening_is_refused_and_nothing_changes(session, edition, organiser):
    opens = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="deadline must come after the opening"):
        setup.update_edition(session=session, actor=organiser, edition_id=edition.id, name="GBA 2026",
                             opens_at=opens, submission_deadline=opens - timedelta(days=1), closes_at=None,
                             core_patent_cutoff=None, max_entries_per_enterprise=3)
    session.rollback()
    session.refresh(edition)
    assert edition.name == "Test Edition 2026" and edition.opens_at is None


def test_tracks_can_be_added_renamed_and_reordered(session, edition, organiser):
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="tracks")
    rows[0]["label"] = "Electronic information (renamed)"
    rows = [rows[1], rows[0], *rows[2:], {"id": None, "key": "marine", "label": "Marine economy", "label_zh_hans": ""}]
    setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="tracks", rows=rows)
    saved = session.exec(select(Track).where(Track.edition_id == edition.id).order_by(Track.position)).all()
    assert saved[1].label == "Electronic information (renamed)"
    assert saved[-1].key == "marine"
    assert _actions(session, "tracks.add") and _actions(session, "tracks.update")


def test_the_organiser_sets_each_name_in_every_language_and_sees_what_is_missing(session, edition, organiser):
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="categories")
    design = next(r for r in rows if r["key"] == "design")
    assert (design["label"], design["label_zh_hans"], design["label_zh_hant"]) == ("Design", "外观设计", "外觀設計")
    design.update(label="Industrial design", label_zh_hans="工业外观设计", label_zh_hant="")
    setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="categories", rows=rows)
    stored = session.exec(select(Category).where(Category.edition_id == edition.id, Category.key == "design")).one()
    assert [label_of(stored, code) for code in ("en", "zh-Hans", "zh-Hant")] == [
        "Industrial design", "工业外观设计", "Industrial design"]  # no Traditional label: English
    rnd, _cat, sheet = _sheet(session, edition)
    settings = setup.RoundSettings(label="First round", labels={"zh-Hans": "第一轮", "zh-Hant": "第一輪"},
                                   judges_per_entry=3, advancement_rule="top_n", advancement_value=100)
    setup.update_round(session=session, actor=organiser, round_id=rnd.id, settings=settings)
    session.refresh(rnd)
    assert [label_of(rnd, code) for code in ("en", "zh-Hans", "zh-Hant")] == ["First round", "第一轮", "第一輪"]
    rows = _criteria_rows(session, organiser, sheet)
    rows[0].update(label_zh_hant="技術水平", bands_zh_hant="0-40 弱; 40-70 中; 70-90 強; 90-100 極強")
    setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    criterion = session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id, Criterion.key == rows[0]["key"])).one()
    assert label_of(criterion, "zh-Hant") == "技術水平"
    assert [label_of(b, "zh-Hant") for b in criterion.bands] == ["弱", "中", "強", "極強"]
    assert [label_of(b, "zh-Hans") for b in criterion.bands] == ["较弱", "一般", "良好", "优秀"]
    missing = setup.setup_overview(session=session, actor=organiser, edition_id=edition.id)["missing_labels"]
    assert [(m["what"], m["key"], m["label"], m["languages"]) for m in missing] == [
        ("category", "design", "Industrial design", ["zh-Hant"])]


def test_group_and_criterion_descriptions_are_kept_in_every_language(session, edition, organiser):
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="groups")
    startup = next(r for r in rows if r["key"] == "startup")
    assert startup["description_zh_hant"].startswith("上一年度營業收入")
    startup.update(description="Young firms", description_zh_hans="年轻企业", description_zh_hant="")
    setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="groups", rows=rows)
    group = session.exec(select(ContestGroup).where(ContestGroup.edition_id == edition.id,
                                                    ContestGroup.key == "startup")).one()
    assert [label_of(group, code, base="description") for code in ("en", "zh-Hans", "zh-Hant")] == [
        "Young firms", "年轻企业", "Young firms"]
    assert any(a.details["after"]["descriptions"] == {"zh-Hans": "年轻企业"} for a in _actions(session, "groups.update"))
    # a caller that sends no description columns leaves them as they are
    bare = [{k: v for k, v in r.items() if not k.startswith("description_")} for r in rows]
    setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="groups", rows=bare)
    session.refresh(group)
    assert label_of(group, "zh-Hans", base="description") == "年轻企业"

    _rnd, _cat, sheet = _sheet(session, edition)
    rows = _criteria_rows(session, organiser, sheet)
    rows[0].update(description="How new the technology is", description_zh_hant="技術有多新穎")
    setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    criterion = session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id,
                                                     Criterion.key == rows[0]["key"])).one()
    assert label_of(criterion, "zh-Hant", base="description") == "技術有多新穎"
    assert _criteria_rows(session, organiser, sheet)[0]["description_zh_hant"] == "技術有多新穎"
    missing = setup.setup_overview(session=session, actor=organiser, edition_id=edition.id)["missing_labels"]
    assert ("group_description", "startup", ["zh-Hant"]) in [(m["what"], m["key"], m["languages"]) for m in missing]
    assert ("criterion_description", f"{sheet.key}.{criterion.key}", ["zh-Hans"]) in [
        (m["what"], m["key"], m["languages"]) for m in missing]


def test_the_organiser_names_and_sizes_award_tiers_in_every_language(session, edition, organiser):
    rows = setup.award_tiers(session=session, actor=organiser, edition_id=edition.id)
    assert [(r["key"], r["label_zh_hant"], r["per_group"]) for r in rows] == [
        ("gold", "金獎", 5), ("silver", "銀獎", 8), ("excellence", "優秀獎", 12)]
    rows[2].update(label="Merit", label_zh_hans="优胜奖", label_zh_hant="", per_group=10.0)
    rows.append({"key": "special", "label": "Special prize", "label_zh_hans": "特别奖", "label_zh_hant": "特別獎",
                 "per_group": 1})
    setup.save_award_tiers(session=session, actor=organiser, edition_id=edition.id, rows=rows)
    session.refresh(edition)
    tiers = edition.rules["awards"]
    assert [(t["key"], t["per_group"]) for t in tiers] == [("gold", 5), ("silver", 8), ("excellence", 10), ("special", 1)]
    assert [label_of(tiers[2], code) for code in ("en", "zh-Hans", "zh-Hant")] == ["Merit", "优胜奖", "Merit"]
    [event] = _actions(session, "edition.awards")
    assert event.details["before"][2]["label"] == "Excellence" and event.details["after"][3]["key"] == "special"
    missing = setup.setup_overview(session=session, actor=organiser, edition_id=edition.id)["missing_labels"]
    assert ("award", "excellence", ["zh-Hant"]) in [(m["what"], m["key"], m["languages"]) for m in missing]


def test_award_tiers_with_bad_rows_or_granted_awards_are_refused_and_nothing_changes(session, edition, organiser):
    before = list(edition.rules["awards"])
    rows = setup.award_tiers(session=session, actor=organiser, edition_id=edition.id)
    rows[1]["per_group"] = 2.5
    rows.append({"key": "gold", "label": "Gold again", "per_group": 1})
    with pytest.raises(InvalidInput) as err:
        setup.save_award_tiers(session=session, actor=organiser, edition_id=edition.id, rows=rows)
    text = "\n".join(map(str, err.value.problems))
    assert "Award tier row 2 (silver): the number per group must be a whole number, 0 or more (not '2.5')." in text
    assert "Award tier row 4 (gold): key 'gold' appears twice." in text
    entry = Entry(edition_id=edition.id, code="E1", applicant="Acme")
    session.add(entry)
    session.flush()
    session.add(Decision(edition_id=edition.id, entry_id=entry.id, kind="award", outcome="gold"))
    session.commit()
    rows = setup.award_tiers(session=session, actor=organiser, edition_id=edition.id)[1:]
    with pytest.raises(InvalidInput) as err:
        setup.save_award_tiers(session=session, actor=organiser, edition_id=edition.id, rows=rows)
    assert "Award tier 'gold' cannot be removed: 1 entries have been granted it." in map(str, err.value.problems)
    session.rollback()
    session.refresh(edition)
    assert edition.rules["awards"] == before and not _actions(session, "edition.awards")


def test_a_track_used_by_an_entry_cannot_be_removed(session, edition, organiser):
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="tracks")
    session.add(Entry(edition_id=edition.id, code="E1", track_id=rows[0]["id"]))
    session.commit()
    with pytest.raises(InvalidInput) as err:
        setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="tracks", rows=rows[1:])
    assert any("1 entries use it" in p for p in map(str, err.value.problems))
    session.rollback()
    assert len(setup.labels_of(session=session, edition_id=edition.id, kind="tracks")) == len(rows)


def test_bad_label_rows_are_named_by_row_and_key(session, edition, organiser):
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="groups")
    rows.append({"id": None, "key": "Start Up!", "label": ""})
    rows.append({"id": None, "key": "growth", "label": "Growth again"})
    with pytest.raises(InvalidInput) as err:
        setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="groups", rows=rows)
    text = "\n".join(map(str, err.value.problems))
    assert "Group row 3 (Start Up!): key 'Start Up!' must be" in text
    assert "Group row 3 (Start Up!): a label is required." in text
    assert "Group row 4 (growth): key 'growth' appears twice." in text


def test_organiser_configures_a_round(session, edition, organiser):
    rnd = editions.find_round(session=session, edition_id=edition.id, key="semifinal")
    opens = datetime(2026, 6, 1, tzinfo=UTC)
    settings = setup.RoundSettings(label="Semi-final", scored=True, blind=True, judges_per_entry=4,
                                   advancement_rule="threshold", advancement_value=72.5,
                                   opens_at=opens, closes_at=opens + timedelta(days=14), public_vote_pct=5,
                                   carry_over_pct=30, rank_by_category=True, method="median")
    setup.update_round(session=session, actor=organiser, round_id=rnd.id, settings=settings, order=2)
    session.refresh(rnd)
    assert (rnd.blind, rnd.judges_per_entry, rnd.advancement_rule, rnd.advancement_value) == (True, 4, "threshold", 72.5)
    assert (rnd.public_vote_weight, rnd.carry_over_weight) == (pytest.approx(0.05), pytest.approx(0.30))
    assert (rnd.rank_by_category, rnd.method) == (True, "median")
    keys = [r.key for r in editions.rounds_of(session=session, edition_id=edition.id)]
    assert keys == ["eligibility", "semifinal", "preliminary", "final"]
    [event] = _actions(session, "round.update")
    assert event.details["changed"]["judges_per_entry"] == [5, 4]


@pytest.mark.parametrize("changes, message", [
    ({"public_vote_pct": 60, "carry_over_pct": 40}, "together must stay below 100 %"),
    ({"carry_over_pct": -1}, "The carried share is a percentage from 0"),
    ({"method": "borda"}, "Unknown ranking method 'borda'"),
    ({"judges_per_entry": 0}, "Judges per entry must be a whole number from 1"),
    ({"opens_at": datetime(2026, 6, 2, tzinfo=UTC), "closes_at": datetime(2026, 6, 1, tzinfo=UTC)},
     "The round must close after it opens."),
])
def test_impossible_round_shares_methods_and_dates_are_refused(session, edition, organiser, changes, message):
    rnd = editions.find_round(session=session, edition_id=edition.id, key="final")
    settings = setup.RoundSettings(**{"label": "Final", **changes})
    with pytest.raises(InvalidInput, match=message):
        setup.update_round(session=session, actor=organiser, round_id=rnd.id, settings=settings)


@pytest.mark.parametrize("rule, value, message", [
    ("top_n", 0, "Top N per group needs N"),
    ("top_n", 2.5, "Top N per group needs N"),
    ("threshold", 120, "threshold lies between 0 and 100"),
    ("best_of", 3, "Unknown advancement rule"),
])
def test_impossible_advancement_rules_are_refused(session, edition, organiser, rule, value, message):
    rnd = editions.find_round(session=session, edition_id=edition.id, key="preliminary")
    settings = setup.RoundSettings(label="Preliminary", advancement_rule=rule, advancement_value=value)
    with pytest.raises(InvalidInput, match=message):
        setup.update_round(session=session, actor=organiser, round_id=rnd.id, settings=settings)


def test_a_new_round_is_added_in_place_and_a_fresh_one_can_be_removed(session, edition, organiser):
    rnd = setup.add_round(session=session, actor=organiser, edition_id=edition.id, key="repechage",
                          settings=setup.RoundSettings(label="Repechage", judges_per_entry=2), order=3)
    keys = [r.key for r in editions.rounds_of(session=session, edition_id=edition.id)]
    assert keys == ["eligibility", "preliminary", "repechage", "semifinal", "final"]
    assert "Repechage: the Invention category has no score sheet." in map(str, setup.setup_problems(
        session=session, edition_id=edition.id))
    setup.remove_round(session=session, actor=organiser, round_id=rnd.id)
    keys = [r.key for r in editions.rounds_of(session=session, edition_id=edition.id)]
    assert keys == ["eligibility", "preliminary", "semifinal", "final"]


def test_sheet_weights_must_be_positive_and_sum_to_100(session, edition, organiser):
    rnd, cat, _ = _sheet(session, edition, "semifinal")
    rows = setup.sheets_for(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id)
    assert [(r["key"], r["weight"]) for r in rows] == [("roadshow", 60.0), ("report", 40.0)]
    rows[0]["weight"], rows[1]["weight"] = 70, 40
    with pytest.raises(InvalidInput) as err:
        setup.save_sheets(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id, rows=rows)
    assert list(map(str, err.value.problems)) == ["The sheet weights add up to 110 %; they must add up to 100 %."]
    rows[1]["weight"] = 30
    setup.save_sheets(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id, rows=rows)
    saved = setup.sheets_for(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id)
    assert [r["weight"] for r in saved] == [70.0, 30.0]


def test_criteria_weights_bands_and_steps_are_checked_with_row_and_key(session, edition, organiser):
    _rnd, _cat, sheet = _sheet(session, edition)
    rows = _criteria_rows(session, organiser, sheet)
    rows[0]["weight"] = -5
    rows[1]["step"] = 3  # 20 points are not a multiple of 3
    rows[2]["bands"] = "0-50 weak; 60-100 strong"
    with pytest.raises(InvalidInput) as err:
        setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    text = "\n".join(map(str, err.value.problems))
    assert "Criterion row 1 (advancement): weight must be a positive percentage, not '-5'." in text
    assert "Criterion row 2 (patent_quality): max points 20 must be a multiple of the step 3." in text
    assert "Criterion row 3 (layout): the bands must cover 0-100 % without gaps or overlaps" in text
    session.rollback()
    assert _criteria_rows(session, organiser, sheet)[0]["weight"] == 25.0


def test_weights_that_do_not_sum_to_100_are_refused(session, edition, organiser):
    _rnd, _cat, sheet = _sheet(session, edition)
    rows = _criteria_rows(session, organiser, sheet)
    rows[0]["weight"] = 30
    with pytest.raises(InvalidInput) as err:
        setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    assert "The criterion weights add up to 105 %; they must add up to 100 %." in map(str, err.value.problems)


def test_a_rubric_without_scores_is_edited_in_place(session, edition, organiser):
    _rnd, _cat, sheet = _sheet(session, edition)
    rows = _criteria_rows(session, organiser, sheet)
    rows[0].update(weight=30, max_points=30, bands="0-50 below par; 50-100 at par",
                   bands_zh_hans="0-50 未达标; 50-100 达标", bands_zh_hant="")
    rows[4].update(weight=10)
    saved = setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    assert saved == setup.RubricSaved(sheet.id, 1, False, True)
    stored = session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id).order_by(Criterion.position)).all()
    assert stored[0].weight == pytest.approx(0.30) and stored[0].max_points == 30
    assert stored[0].bands == [{"low": 0.0, "high": 50.0, "label": "below par", "labels": {"zh-Hans": "未达标"}},
                               {"low": 50.0, "high": 100.0, "label": "at par", "labels": {"zh-Hans": "达标"}}]
    assert [label_of(b, "zh-Hant") for b in stored[0].bands] == ["below par", "at par"]  # falls back to English
    [event] = _actions(session, "rubric.update")
    assert event.details["before"][0]["weight_pct"] == 25.0 and event.details["after"][0]["weight_pct"] == 30.0


def test_translated_bands_must_keep_the_english_edges(session, edition, organiser):
    _rnd, _cat, sheet = _sheet(session, edition)
    rows = _criteria_rows(session, organiser, sheet)
    rows[0].update(bands="0-50 below par; 50-100 at par")  # the Chinese bands still have four edges
    with pytest.raises(InvalidInput) as refused:
        setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    assert any("简体中文" in str(p) and "same edges" in str(p) for p in refused.value.problems)


def test_a_rubric_with_scores_refuses_a_silent_change(session, edition, organiser, make_user):
    rnd, _cat, sheet = _sheet(session, edition)
    _add_score_sheet(session, edition, rnd, sheet, make_user(Role.judge))
    rows = _criteria_rows(session, organiser, sheet)
    rows[0]["weight"], rows[4]["weight"] = 30, 10
    with pytest.raises(setup.RubricInUse, match="already has 1 score sheets"):
        setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    session.rollback()
    assert [c["weight"] for c in _criteria_rows(session, organiser, sheet)] == [25.0, 20.0, 20.0, 20.0, 15.0]


def test_a_rubric_with_scores_gets_a_new_version_and_the_old_one_keeps_its_scores(
        session, edition, organiser, make_user):
    rnd, cat, sheet = _sheet(session, edition)
    _add_score_sheet(session, edition, rnd, sheet, make_user(Role.judge))
    rows = _criteria_rows(session, organiser, sheet)
    rows[0]["weight"], rows[4]["weight"] = 30, 10
    saved = setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows, new_version=True)
    assert saved.new_version and saved.version == 2 and saved.sheet_id != sheet.id
    session.refresh(sheet)
    assert sheet.active is False
    old = session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id).order_by(Criterion.position)).all()
    assert [c.weight for c in old] == pytest.approx([0.25, 0.2, 0.2, 0.2, 0.15])
    assert session.exec(select(ScoreSheet)).one().sheet_id == sheet.id
    [active] = setup.sheets_for(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id)
    assert (active["id"], active["version"], active["older_versions"]) == (saved.sheet_id, 2, 1)
    [event] = _actions(session, "rubric.new_version")
    assert event.details["previous_sheet_id"] == sheet.id and event.details["score_sheets_on_previous"] == 1
    with pytest.raises(InvalidInput, match="edit the active version"):
        setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)


def test_wording_of_a_rubric_with_scores_can_be_corrected_in_place(session, edition, organiser, make_user):
    rnd, _cat, sheet = _sheet(session, edition)
    _add_score_sheet(session, edition, rnd, sheet, make_user(Role.judge))
    rows = _criteria_rows(session, organiser, sheet)
    rows[0]["label"] = "Technical advancement and novelty"
    saved = setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    assert saved == setup.RubricSaved(sheet.id, 1, False, True)
    [event] = _actions(session, "rubric.update")
    assert event.details["wording_only"] is True


def test_sheet_weights_are_fixed_once_scores_exist(session, edition, organiser, make_user):
    rnd, cat, sheet = _sheet(session, edition, "semifinal")
    _add_score_sheet(session, edition, rnd, sheet, make_user(Role.judge))
    rows = setup.sheets_for(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id)
    rows[0]["weight"], rows[1]["weight"] = 50, 50
    with pytest.raises(setup.RubricInUse, match="1 score sheets exist"):
        setup.save_sheets(session=session, actor=organiser, round_id=rnd.id, category_id=cat.id, rows=rows)


def test_only_organisers_change_the_set_up(session, edition, make_user):
    someone = make_user(Role.judge, Role.entrant, Role.observer)  # every role but organiser
    rnd, cat, sheet = _sheet(session, edition)
    calls = [
        lambda: setup.update_edition(session=session, actor=someone, edition_id=edition.id, name="Mine",
                                     opens_at=None, submission_deadline=None, closes_at=None,
                                     core_patent_cutoff=None, max_entries_per_enterprise=9),
        lambda: setup.save_labels(session=session, actor=someone, edition_id=edition.id, kind="tracks", rows=[]),
        lambda: setup.save_award_tiers(session=session, actor=someone, edition_id=edition.id, rows=[]),
        lambda: setup.update_round(session=session, actor=someone, round_id=rnd.id,
                                   settings=setup.RoundSettings(label="x", judges_per_entry=1)),
        lambda: setup.add_round(session=session, actor=someone, edition_id=edition.id, key="extra",
                                settings=setup.RoundSettings(label="Extra")),
        lambda: setup.remove_round(session=session, actor=someone, round_id=rnd.id),
        lambda: setup.save_sheets(session=session, actor=someone, round_id=rnd.id, category_id=cat.id, rows=[]),
        lambda: setup.save_criteria(session=session, actor=someone, sheet_id=sheet.id, rows=[]),
        lambda: setup.setup_overview(session=session, actor=someone, edition_id=edition.id),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert session.exec(select(Round).where(Round.key == "extra")).first() is None


def test_weights_typed_with_rounding_are_stored_as_shares_summing_to_one(session, edition, organiser):
    _rnd, _cat, sheet = _sheet(session, edition, "final")
    rows = [{"key": k, "label": k.title(), "max_points": 10, "step": 0.5, "weight": 33.33, "bands": ""}
            for k in ("vision", "team", "traction")]
    setup.save_criteria(session=session, actor=organiser, sheet_id=sheet.id, rows=rows)
    stored = session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id)).all()
    assert sorted(c.key for c in stored) == ["team", "traction", "vision"]
    assert sum(c.weight for c in stored) == pytest.approx(1.0, abs=1e-12)
    assert [c["weight"] for c in _criteria_rows(session, organiser, sheet)] == pytest.approx([100 / 3] * 3)


def test_a_category_without_entries_or_scores_is_removed_with_its_rubrics(session, edition, organiser):
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="categories")
    design = next(r for r in rows if r["key"] == "design")
    setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="categories",
                      rows=[r for r in rows if r["key"] != "design"])
    assert [r["key"] for r in setup.labels_of(session=session, edition_id=edition.id, kind="categories")] == [
        "invention", "ic_layout"]
    assert session.exec(select(SheetDefinition).where(SheetDefinition.category_id == design["id"])).first() is None
    assert setup.setup_problems(session=session, edition_id=edition.id) == []


def test_a_category_with_scores_cannot_be_removed(session, edition, organiser, make_user):
    rnd, cat, sheet = _sheet(session, edition, category="design")
    _add_score_sheet(session, edition, rnd, sheet, make_user(Role.judge))
    rows = setup.labels_of(session=session, edition_id=edition.id, kind="categories")
    with pytest.raises(InvalidInput) as err:
        setup.save_labels(session=session, actor=organiser, edition_id=edition.id, kind="categories",
                          rows=[r for r in rows if r["key"] != "design"])
    assert list(map(str, err.value.problems)) == [
        "Category 'design' cannot be removed: judges have filled in 1 score sheets for it."]
