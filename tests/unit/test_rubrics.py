"""The rubric table rules (no database): band descriptors typed as text must
tile 0-100 %, criterion rows are checked one by one and their weights must total 100 %."""

from __future__ import annotations

import pytest

from contest import rubrics


@pytest.mark.parametrize("text, expected", [
    ("0-50 weak; 50-100 strong", [(0, 50, "weak"), (50, 100, "strong")]),
    ("50%-100% strong\n0 – 50 weak", [(0, 50, "weak"), (50, 100, "strong")]),
    ("0-100 any score", [(0, 100, "any score")]),
    ("", [(0, 40, "weak"), (40, 70, "adequate"), (70, 90, "strong"), (90, 100, "outstanding")]),
])
def test_bands_typed_as_text_are_read_in_order(text, expected):
    bands, problems = rubrics.parse_bands(text, "Criterion row 1 (market)")
    assert problems == []
    assert [(b["low"], b["high"], b["label"]) for b in bands] == expected


@pytest.mark.parametrize("text, message", [
    ("0-40 weak; 50-100 strong", "without gaps or overlaps (one starts at 50, expected 40)"),
    ("0-60 weak; 50-100 strong", "without gaps or overlaps (one starts at 50, expected 60)"),
    ("0-40 weak; 40-90 strong", "the last band must end at 100, not 90"),
    ("40-0 backwards", "must start below where it ends"),
    ("weak from 0 to 40", "should read like '40-70 adequate'"),
])
def test_bands_that_do_not_tile_the_range_are_named(text, message):
    bands, problems = rubrics.parse_bands(text, "Criterion row 2 (layout)")
    assert bands == []
    assert len(problems) == 1 and str(problems[0]).startswith("Criterion row 2 (layout): ") and message in str(problems[0])


def _row(**kw):
    row = {"key": "market", "label": "Market", "max_points": 20, "step": 1, "weight": 100, "bands": ""}
    row.update(kw)
    return row


def test_a_good_single_criterion_sheet_passes():
    clean, problems = rubrics.check_criteria([_row(step=0.5)])
    assert problems == [] and clean[0]["weight"] == 100 and clean[0]["step"] == 0.5


@pytest.mark.parametrize("row, message", [
    (_row(key="Market"), "Criterion row 1 (Market): key 'Market' must be lower-case letters"),
    (_row(label=" "), "Criterion row 1 (market): a label is required."),
    (_row(max_points=0), "Criterion row 1 (market): max points must be a positive number, not '0'."),
    (_row(max_points="lots"), "Criterion row 1 (market): max points must be a positive number, not 'lots'."),
    (_row(step=0), "Criterion row 1 (market): step must be a positive number, not '0'."),
    (_row(step=30), "Criterion row 1 (market): max points 20 must be a multiple of the step 30."),
    (_row(weight=None), "Criterion row 1 (market): weight must be a positive percentage, not ''."),
    (_row(weight=float("nan")), "Criterion row 1 (market): weight must be a positive percentage, not ''."),
])
def test_each_bad_criterion_cell_is_named(row, message):
    _clean, problems = rubrics.check_criteria([row])
    assert any(str(p).startswith(message) for p in problems), problems


def test_duplicate_keys_and_weights_off_100_are_named():
    _clean, problems = rubrics.check_criteria([_row(weight=60), _row(weight=30.5)])
    shown = [str(p) for p in problems]  # as an English reader sees them
    assert "Criterion row 2 (market): key 'market' appears twice." in shown
    assert "The criterion weights add up to 90.5 %; they must add up to 100 %." in shown


def test_weights_within_rounding_of_100_are_accepted():
    rows = [_row(key=f"c{i}", weight=33.33) for i in range(3)]
    assert rubrics.check_criteria(rows)[1] == []
    rows[0]["weight"] = 33.2
    assert [str(p) for p in rubrics.check_criteria(rows)[1]] == [
        "The criterion weights add up to 99.86 %; they must add up to 100 %."]


def test_an_empty_sheet_is_refused():
    assert [str(p) for p in rubrics.check_criteria([])[1]] == ["A score sheet needs at least one criterion."]


def test_bands_read_back_as_they_were_typed():
    bands, _ = rubrics.parse_bands("0-40 weak; 40-70 adequate; 70-100 strong", "here")
    assert rubrics.format_bands(bands) == "0-40 weak; 40-70 adequate; 70-100 strong"


@pytest.mark.parametrize("rows, problems", [
    ([{"key": "a", "weight": "60 %"}, {"key": "b", "weight": 40}], []),
    ([{"key": "a", "weight": 60}, {"key": "b", "weight": 30}],
     ["The sheet weights add up to 90 %; they must add up to 100 %."]),
    ([{"key": "a", "weight": 100}, {"key": "b", "weight": "none"}],
     ["Sheet row 2 (b): weight must be a positive percentage, not 'none'."]),
])
def test_sheet_weights_must_be_positive_and_total_100(rows, problems):
    assert [str(p) for p in rubrics.check_weights(rows, "Sheet")] == problems


def test_a_wording_change_keeps_the_scoring_signature_but_a_new_step_does_not():
    clean, _ = rubrics.check_criteria([_row()])
    reworded, _ = rubrics.check_criteria([_row(label="Market size")])
    finer, _ = rubrics.check_criteria([_row(step=0.5)])
    assert rubrics.scoring_signature(clean) == rubrics.scoring_signature(reworded)
    assert rubrics.scoring_signature(clean) != rubrics.scoring_signature(finer)
