"""An entrant's feedback from plain values: percentile, the group's spread per criterion,
comments without judges' names in an order that reveals nobody."""

import pytest

from contest import feedback


@pytest.mark.parametrize("score, group, expected", [
    (90, [90, 80, 70, 60, 50], 100.0),  # ahead of every other entry
    (50, [90, 80, 70, 60, 50], 0.0),  # behind all of them
    (70, [90, 80, 70, 60, 50], 50.0),  # two above, two below
    (80, [80, 80, 60], 75.0),  # one below, one tie counting half
    (42, [42], 100.0),  # alone in its group
])
def test_percentile_is_the_share_of_the_other_entries_below_with_ties_counting_half(score, group, expected):
    assert feedback.percentile(score, group) == pytest.approx(expected)


def test_spread_gives_range_quartiles_and_median_by_interpolation():
    s = feedback.spread([1, 2, 3, 4, 5])
    assert (s.low, s.q1, s.median, s.q3, s.high, s.n) == (1, 2, 3, 4, 5, 5)
    assert feedback.spread([10, 20]).median == 15
    assert feedback.spread([7]) == feedback.Spread(7, 7, 7, 7, 7, 1)
    with pytest.raises(ValueError):
        feedback.spread([])


def test_comments_lose_the_judges_names_and_emails_and_come_in_alphabetical_order():
    said = feedback.anonymous(
        ["  Weak claims. -- Wei Chen", "", "as wei.chen@ipfirm.cn says: good", "Another view", "   "],
        judges=["Wei Chen", "wei.chen@ipfirm.cn"])
    assert said == ("Another view", "as [judge] says: good", "Weak claims. -- [judge]")


def test_entry_feedback_compares_each_criterion_with_its_group_and_leaves_out_unscored_ones():
    criteria = [feedback.CriterionSpec("s/tech", "Technology", 25), feedback.CriterionSpec("s/market", "Market", 20),
                feedback.CriterionSpec("s/design", "Design", 10)]
    scores = {"s/tech": {1: [20, 22], 2: [10, 12], 3: [15, 15]},
              "s/market": {1: [8], 2: [16], 3: [12]}}  # nobody scored design
    result = feedback.entry_feedback(
        1, adjusted={1: 80.0, 2: 60.0, 3: 70.0}, criteria=criteria, scores=scores,
        comments={"s/tech": ["Solid."], feedback.GENERAL: ["Overall fine."]}, judges=2)
    assert (result.adjusted_score, result.percentile, result.group_size, result.judges) == (80.0, 100.0, 3, 2)
    assert [c.key for c in result.criteria] == ["s/tech", "s/market"]
    tech, market = result.criteria
    assert tech.score == 21 and (tech.group.low, tech.group.median, tech.group.high) == (11, 15, 21)
    assert market.score == 8 and market.group.median == 12 and market.comments == ()
    assert tech.comments == ("Solid.",) and result.general == ("Overall fine.",)
    assert result.comments_included


def test_comments_left_out_when_none_are_given():
    result = feedback.entry_feedback(1, adjusted={1: 50.0}, criteria=[feedback.CriterionSpec("k", "K", 10)],
                                     scores={"k": {1: [5]}}, comments=None)
    assert not result.comments_included and result.criteria[0].comments == () and result.general == ()


def test_an_entry_without_an_adjusted_score_has_no_percentile():
    result = feedback.entry_feedback(1, adjusted={1: None, 2: 60.0}, criteria=[], scores={})
    assert result.adjusted_score is None and result.percentile is None and result.group_size == 1
