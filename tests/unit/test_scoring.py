import math

import pytest

from contest import scoring

# The gba preliminary invention sheet: 25/20/20/20/15 points, weight = share of points.
SHEET = (
    scoring.CriterionSpec("advancement", "Technical advancement", 25, 1, 25),
    scoring.CriterionSpec("patent_quality", "Patent quality", 20, 1, 20),
    scoring.CriterionSpec("layout", "Portfolio layout", 20, 1, 20),
    scoring.CriterionSpec("market", "Market prospects", 20, 0.5, 20),
    scoring.CriterionSpec("commercialisation", "Commercialisation", 15, 1, 15),
)
FULL = {"advancement": 20, "patent_quality": 15, "layout": 10, "market": 12.5,
        "commercialisation": 9}


def problems_of(values, complete=True):
    with pytest.raises(scoring.ScoreError) as caught:
        scoring.validate_scores(SHEET, values, complete=complete)
    return [(key, str(message)) for key, message in caught.value.problems]  # as an English reader sees them


def test_complete_sheet_is_accepted_as_floats():
    assert scoring.validate_scores(SHEET, FULL, complete=True) == {
        k: float(v) for k, v in FULL.items()}


def test_numbers_typed_as_text_are_accepted():
    values = {k: str(v) for k, v in FULL.items()}
    assert scoring.validate_scores(SHEET, values, complete=True)["market"] == 12.5


@pytest.mark.parametrize(
    "value, fragment",
    [
        (26, "above the maximum of 25"),
        (-1, "negative"),
        (12.5, "not a multiple of the step 1"),
        ("abc", "'abc' is not a number"),
        (float("nan"), "a score is required"),
        (float("inf"), "is not a number"),
        (True, "is not a number"),
        ([3], "is not a number"),
    ],
)
def test_bad_score_is_refused_naming_the_criterion(value, fragment):
    problems = problems_of({**FULL, "advancement": value})
    assert len(problems) == 1
    key, message = problems[0]
    assert key == "advancement"
    assert message.startswith("Technical advancement:")
    assert fragment in message


def test_every_problem_is_reported_at_once():
    problems = problems_of({**FULL, "advancement": 99, "layout": -2, "market": 3.3})
    assert [k for k, _ in problems] == ["advancement", "layout", "market"]


def test_unknown_criterion_is_refused():
    problems = problems_of({**FULL, "novelty": 3})
    assert problems == [("novelty", "Unknown criterion 'novelty': this sheet has no such criterion.")]


def test_submitted_sheet_needs_every_criterion():
    values = dict(FULL)
    del values["layout"]
    values["market"] = ""
    problems = problems_of(values)
    assert problems == [("layout", "Portfolio layout: a score is required."),
                        ("market", "Market prospects: a score is required.")]


def test_draft_may_leave_criteria_empty_but_not_wrong():
    assert scoring.validate_scores(SHEET, {"advancement": 5, "layout": None},
                                   complete=False) == {"advancement": 5.0}
    assert problems_of({"advancement": 30}, complete=False)[0][0] == "advancement"


def test_sheet_total_weights_by_share_of_points():
    # Weights equal the points, so the total is the sum of points: 20+15+10+12.5+9 = 66.5.
    assert scoring.sheet_total(SHEET, FULL) == pytest.approx(66.5)


def test_sheet_total_uses_normalised_custom_weights():
    # Two criteria out of 10 and 50 points, weighted 3:1 -> w = 0.75, 0.25.
    sheet = (scoring.CriterionSpec("a", "A", 10, 1, 3), scoring.CriterionSpec("b", "B", 50, 1, 1))
    # 100 * (0.75 * 8/10 + 0.25 * 25/50) = 100 * (0.6 + 0.125) = 72.5
    assert scoring.sheet_total(sheet, {"a": 8, "b": 25}) == pytest.approx(72.5)


def test_zero_weights_fall_back_to_points():
    sheet = (scoring.CriterionSpec("a", "A", 10, 1, 0), scoring.CriterionSpec("b", "B", 30, 1, 0))
    assert scoring.normalised_weights(sheet) == {"a": 0.25, "b": 0.75}


def test_negative_weight_is_refused():
    sheet = (scoring.CriterionSpec("a", "A", 10, 1, -1),)
    with pytest.raises(scoring.ScoreError, match="A: weight"):
        scoring.normalised_weights(sheet)


def test_sheet_total_refuses_an_incomplete_sheet():
    with pytest.raises(scoring.ScoreError):
        scoring.sheet_total(SHEET, {"advancement": 20})


@pytest.mark.parametrize(
    "value, label",
    [(0, "weak"), (9.5, "weak"), (10, "adequate"), (17.5, "strong"), (22.5, "outstanding"),
     (25, "outstanding")],
)
def test_band_follows_the_share_of_the_maximum(value, label):
    assert scoring.band_for(SHEET[0], value).label == label


@pytest.mark.parametrize("value, required", [(3, True), (12, False), (20, False), (24, True)])
def test_comment_required_only_in_the_lowest_and_highest_band(value, required):
    assert scoring.comment_required(SHEET[0], value) is required


def test_round_blends_roadshow_and_report_by_sheet_weights():
    # 0.6 * 80 + 0.4 * 70 = 48 + 28 = 76
    assert scoring.blend_round({"roadshow": 80, "report": 70},
                               {"roadshow": 60, "report": 40}) == pytest.approx(76)


def test_public_vote_is_rescaled_then_takes_its_share():
    # votes 30 of a maximum of 60 -> 50 points; 0.95 * 80 + 0.05 * 50 = 76 + 2.5 = 78.5
    total = scoring.blend_round({"expert_review": 80}, {"expert_review": 1}, public_vote=30,
                                public_vote_weight=0.05, public_vote_max=60)
    assert total == pytest.approx(78.5)


def test_entry_without_votes_counts_zero_votes():
    total = scoring.blend_round({"expert_review": 80}, {"expert_review": 1},
                                public_vote=None, public_vote_weight=0.05)
    assert total == pytest.approx(76)


def test_carried_result_takes_the_share_the_organiser_set():
    # 0.7 * 90 + 0.3 * 60 = 63 + 18 = 81
    total = scoring.blend_round({"final": 90}, {"final": 1}, carried=60, carry_weight=0.3)
    assert total == pytest.approx(81)


def test_missing_sheet_score_is_refused_naming_the_sheet():
    with pytest.raises(scoring.ScoreError, match="Sheet 'report': no score"):
        scoring.blend_round({"roadshow": 80}, {"roadshow": 0.6, "report": 0.4})


def test_carry_share_without_previous_result_is_refused():
    with pytest.raises(scoring.ScoreError, match="previous result is missing"):
        scoring.blend_round({"final": 90}, {"final": 1}, carry_weight=0.2)


def test_shares_that_leave_nothing_for_the_judges_are_refused():
    with pytest.raises(scoring.ScoreError, match="below 1"):
        scoring.blend_round({"final": 90}, {"final": 1}, public_vote=1, public_vote_weight=0.5,
                            carried=50, carry_weight=0.5)


def test_public_votes_rescale_to_the_most_voted_entry():
    assert scoring.rescale_public_votes({1: 50, 2: 200, 3: 0}) == {1: 25.0, 2: 100.0, 3: 0.0}
    assert scoring.rescale_public_votes({1: 0}) == {1: 0.0}


def test_score_error_message_lists_all_problems():
    error = scoring.ScoreError([("a", "A: bad"), ("b", "B: bad")])
    assert str(error) == "A: bad; B: bad"
    assert isinstance(error, ValueError)
    assert not math.isnan(scoring.sheet_total(SHEET, FULL))
