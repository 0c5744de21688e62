"""The live board's formula: the round's method over the judges' totals for one entry, and
its words; the model and z-scores show the plain mean with a note."""

import pytest

from contest import i18n, ranking, roadshow


def score(method, totals):
    return roadshow.apply(roadshow.formula_for(method), totals)


@pytest.mark.parametrize(("method", "totals", "expected", "dropped"), [
    ("mean", [60, 70, 86], 72.0, ()),
    ("mean", [70], 70.0, ()),
    ("median", [60, 86, 70], 70.0, ()),
    ("median", [60, 70, 80, 86], 75.0, ()),
    ("trimmed", [60, 86, 70], 70.0, (0, 1)),
    ("trimmed", [80, 60, 70, 90, 75], 75.0, (1, 3)),
    ("trimmed", [60, 80], 70.0, ()),  # fewer than three totals: nothing is left out
    ("trimmed", [70, 70, 70], 70.0, (0, 2)),  # equal totals: two different ones are left out
    ("model", [60, 70, 86], 72.0, ()),
    ("zscore", [60, 70, 86], 72.0, ()),
])
def test_the_board_score_follows_the_rounds_method(method, totals, expected, dropped):
    outcome = score(method, totals)
    assert outcome.score == pytest.approx(expected)
    assert outcome.dropped == dropped


def test_the_trimmed_board_score_is_what_the_ranking_gives_a_complete_panel():
    import pandas as pd

    totals = [81.0, 64.0, 77.5, 90.0, 70.0]
    ratings = pd.DataFrame({"entry": [1] * 5, "judge": [1, 2, 3, 4, 5], "y": totals})
    fit = ranking.method_for("trimmed").fit(ratings)
    assert score("trimmed", totals).score == pytest.approx(float(fit.score[0]))


def test_no_totals_no_score():
    assert score("trimmed", []).score is None


@pytest.mark.parametrize("method", ["mean", "trimmed", "median"])
def test_a_live_method_is_shown_as_itself_without_a_note(method):
    formula = roadshow.formula_for(method)
    assert formula.rule == method and formula.note is None


@pytest.mark.parametrize("method", ["model", "zscore"])
def test_the_model_and_zscores_show_the_plain_mean_and_say_so(method):
    formula = roadshow.formula_for(method)
    assert formula.rule == "mean"
    assert "plain mean" in formula.note.render("en")


@pytest.mark.parametrize("method", ranking.METHODS)
@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_the_formula_reads_in_every_language(method, language):
    formula = roadshow.formula_for(method)
    words = [formula.description.render(language)] + ([formula.note.render(language)] if formula.note else [])
    assert all(w and "roadshow." not in w for w in words)
    if language != i18n.DEFAULT_LANGUAGE:
        assert words[0] != formula.description.render("en")


def test_an_unknown_method_is_refused_naming_the_methods():
    with pytest.raises(i18n.RuleError) as refused:
        roadshow.formula_for("vibes")
    assert refused.value.message.id == "ranking.method_unknown" and "trimmed" in str(refused.value)
