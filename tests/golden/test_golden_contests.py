"""Two small contests scored by hand; the arithmetic is written beside each expectation."""

import pandas as pd
import pytest

from contest import ranking, scoring


def sheet(*criteria):
    """(key, max points); weight = share of points, step 1 (the gba preset)."""
    return tuple(scoring.CriterionSpec(k, k, m, 1, m) for k, m in criteria)


def ratings_from(sheets, scores):
    """scores: {(sheet key, entry, judge): [criterion points...]} -> ratings frame."""
    rows = []
    for (sheet_key, entry, judge), points in scores.items():
        criteria = sheets[sheet_key]
        values = {c.key: p for c, p in zip(criteria, points)}
        heaviest = max(criteria, key=lambda c: c.weight)  # first of the heaviest
        rows.append({
            "entry": entry, "judge": judge, "sheet": sheet_key,
            "y": scoring.sheet_total(criteria, values),
            "heaviest": 100 * values[heaviest.key] / heaviest.max_points,
            "raw_points": sum(points),
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- contest 1: preliminary

PRELIMINARY = {"expert_review": sheet(("advancement", 25), ("patent_quality", 20),
                                      ("layout", 20), ("market", 20),
                                      ("commercialisation", 15))}
P_SCORES = {
    # entry 1: 75, 78, 72 -> mean 75; advancement 20, 22, 18 -> 20/25 = 80 %
    ("expert_review", 1, 10): [20, 16, 15, 14, 10],
    ("expert_review", 1, 11): [22, 15, 14, 16, 11],
    ("expert_review", 1, 12): [18, 14, 16, 15, 9],
    # entry 2: 75, 78, 72 -> mean 75; advancement 21, 23, 19 -> 21/25 = 84 %
    ("expert_review", 2, 10): [21, 15, 15, 15, 9],
    ("expert_review", 2, 11): [23, 16, 14, 15, 10],
    ("expert_review", 2, 12): [19, 14, 15, 14, 10],
    # entry 3: 60, 60, 63 -> mean 61
    ("expert_review", 3, 10): [15, 12, 12, 12, 9],
    ("expert_review", 3, 11): [16, 13, 12, 11, 8],
    ("expert_review", 3, 12): [17, 12, 13, 12, 9],
    # entry 4: 90, 87, 84 -> mean 87
    ("expert_review", 4, 10): [24, 18, 17, 18, 13],
    ("expert_review", 4, 11): [23, 17, 18, 17, 12],
    ("expert_review", 4, 12): [22, 18, 16, 17, 11],
}
P_GROUPS = {1: "startup", 2: "startup", 3: "startup", 4: "startup"}


def test_preliminary_sheet_totals_are_the_sum_of_points():
    df = ratings_from(PRELIMINARY, P_SCORES).set_index(["entry", "judge"])
    # weights are the points (25/20/20/20/15 of 100), so y = the sum of points
    assert df.loc[(1, 10), "y"] == pytest.approx(75)
    assert df.loc[(1, 11), "y"] == pytest.approx(78)
    assert df.loc[(4, 12), "y"] == pytest.approx(84)
    assert df.loc[(2, 11), "heaviest"] == pytest.approx(92)  # 23 / 25


def test_preliminary_mean_ranking_breaks_the_tie_on_the_heaviest_criterion():
    result = ranking.rank_entries(ratings_from(PRELIMINARY, P_SCORES), groups=P_GROUPS,
                                  method="mean", cut=2)
    got = result.entries.set_index("entry")
    assert got["adjusted_score"].to_dict() == pytest.approx({1: 75, 2: 75, 3: 61, 4: 87})
    # entries 1 and 2 tie at 75; advancement 84 % beats 80 %, so entry 2 ranks above
    assert got["rank"].to_dict() == {4: 1, 2: 2, 1: 3, 3: 4}
    assert got.loc[1, "tie_broken_by"] == got.loc[2, "tie_broken_by"] == "heaviest_criterion"
    assert got.loc[4, "tie_broken_by"] == ""
    assert got["in_cut"].to_dict() == {4: True, 2: True, 1: False, 3: False}


def test_preliminary_trimmed_mean_of_three_keeps_the_middle_score():
    result = ranking.rank_entries(ratings_from(PRELIMINARY, P_SCORES), groups=P_GROUPS,
                                  method="trimmed")
    got = result.entries.set_index("entry")["adjusted_score"].to_dict()
    # middle of (75, 78, 72) = 75; (75, 78, 72) = 75; (60, 60, 63) = 60; (90, 87, 84) = 87
    assert got == pytest.approx({1: 75, 2: 75, 3: 60, 4: 87})


def test_preliminary_public_vote_takes_five_percent_after_rescaling():
    extra = pd.DataFrame({"entry": [1, 2, 3, 4], "public_vote": [200, 100, 400, 0]})
    result = ranking.rank_entries(ratings_from(PRELIMINARY, P_SCORES), groups=P_GROUPS,
                                  method="mean", extra=extra, public_vote_weight=0.05)
    got = result.entries.set_index("entry")
    # votes rescale to 50, 25, 100, 0 (the most voted gets 100)
    # 1: 0.95*75 + 0.05*50 = 71.25 + 2.5 = 73.75     2: 71.25 + 1.25 = 72.5
    # 3: 0.95*61 + 0.05*100 = 57.95 + 5 = 62.95      4: 0.95*87 = 82.65
    assert got["adjusted_score"].to_dict() == pytest.approx(
        {1: 73.75, 2: 72.5, 3: 62.95, 4: 82.65})
    assert got["rank"].to_dict() == {4: 1, 1: 2, 2: 3, 3: 4}


# ---------------------------------------------------------------- contest 2: semi-final

SEMIFINAL = {
    "roadshow": sheet(("advancement", 20), ("importance", 15), ("substitutability", 10),
                      ("market", 15), ("competitiveness", 15), ("drafting", 10),
                      ("layout", 15)),
    "report": sheet(("landscape", 20), ("trends", 20), ("drafting", 20), ("layout", 20),
                    ("problems", 20)),
}
S_SCORES = {
    # entry 1 roadshow: 74, 75, 76, 95, 60 -> trimmed (74+75+76)/3 = 75; raw 380
    ("roadshow", 1, 1): [16, 11, 7, 11, 11, 7, 11],
    ("roadshow", 1, 2): [16, 11, 8, 11, 11, 7, 11],
    ("roadshow", 1, 3): [16, 11, 8, 11, 11, 8, 11],
    ("roadshow", 1, 4): [16, 15, 10, 15, 15, 9, 15],
    ("roadshow", 1, 5): [16, 8, 6, 9, 9, 4, 8],
    # entry 1 report: 84, 85, 86, 96, 40 -> trimmed (84+85+86)/3 = 85; raw 391
    ("report", 1, 1): [16, 17, 17, 17, 17],
    ("report", 1, 2): [16, 17, 17, 18, 17],
    ("report", 1, 3): [16, 18, 17, 18, 17],
    ("report", 1, 4): [16, 20, 20, 20, 20],
    ("report", 1, 5): [16, 6, 6, 6, 6],
    # entry 2 roadshow: 85 x 5 -> 85; raw 425.  report: 70 x 5 -> 70; raw 350
    **{("roadshow", 2, j): [16, 13, 9, 13, 13, 8, 13] for j in range(1, 6)},
    **{("report", 2, j): [16, 13, 14, 13, 14] for j in range(1, 6)},
    # entry 3 roadshow: 70, 95, 75, 78, 72 -> trimmed (75+78+72)/3 = 75
    ("roadshow", 3, 1): [14, 11, 7, 10, 10, 7, 11],
    ("roadshow", 3, 2): [19, 14, 10, 14, 14, 10, 14],
    ("roadshow", 3, 3): [15, 11, 8, 11, 11, 8, 11],
    ("roadshow", 3, 4): [16, 12, 8, 11, 12, 8, 11],
    ("roadshow", 3, 5): [14, 11, 8, 10, 11, 7, 11],
    # entry 3 report: 90, 88, 86, 50, 100 -> trimmed (90+88+86)/3 = 88
    ("report", 3, 1): [18, 18, 18, 18, 18],
    ("report", 3, 2): [18, 18, 18, 17, 17],
    ("report", 3, 3): [17, 17, 18, 17, 17],
    ("report", 3, 4): [10, 10, 10, 10, 10],
    ("report", 3, 5): [20, 20, 20, 20, 20],
}
S_GROUPS = {1: "growth", 2: "growth", 3: "growth"}
S_WEIGHTS = {"roadshow": 60, "report": 40}


def test_semifinal_trimmed_blend_of_roadshow_and_report_with_tie_on_raw_points():
    result = ranking.rank_entries(ratings_from(SEMIFINAL, S_SCORES), groups=S_GROUPS,
                                  method="trimmed", sheet_weights=S_WEIGHTS)
    got = result.entries.set_index("entry")
    # 1: 0.6*75 + 0.4*85 = 45 + 34 = 79
    # 2: 0.6*85 + 0.4*70 = 51 + 28 = 79
    # 3: 0.6*75 + 0.4*88 = 45 + 35.2 = 80.2
    assert got["adjusted_score"].to_dict() == pytest.approx({1: 79, 2: 79, 3: 80.2})
    # 1 and 2 tie; advancement and landscape are 16/20 = 80 % on every sheet of both, so
    # the heaviest criterion cannot split them; raw points 380+391 = 771 < 425+350 = 775
    assert got["rank"].to_dict() == {3: 1, 2: 2, 1: 3}
    assert got.loc[1, "tie_broken_by"] == got.loc[2, "tie_broken_by"] == "raw_points"
    assert got.loc[1, "tb_raw_points"] == 771 and got.loc[2, "tb_raw_points"] == 775


def test_semifinal_raw_mean_blends_the_plain_sheet_means():
    result = ranking.rank_entries(ratings_from(SEMIFINAL, S_SCORES), groups=S_GROUPS,
                                  method="mean", sheet_weights=S_WEIGHTS)
    got = result.entries.set_index("entry")
    # 1: roadshow 380/5 = 76, report 391/5 = 78.2 -> 45.6 + 31.28 = 76.88
    # 2: 0.6*85 + 0.4*70 = 79
    # 3: roadshow 390/5 = 78, report 414/5 = 82.8 -> 46.8 + 33.12 = 79.92
    assert got["adjusted_score"].to_dict() == pytest.approx({1: 76.88, 2: 79, 3: 79.92})
    assert got["raw_mean"].to_dict() == pytest.approx({1: 76.88, 2: 79, 3: 79.92})
    assert got["rank"].to_dict() == {3: 1, 2: 2, 1: 3}
    assert (got["n_judges"] == 5).all()


def test_semifinal_median_breaks_a_tie_that_raw_points_leave():
    # Entry 2: report judge 1 70 -> 69, judge 2 70 -> 71; the trim keeps 70 and raw
    # points stay 775. Entry 1: roadshow judge 4 95 -> 96 and report judge 5 40 -> 43, both
    # dropped by the trim (75 and 85 stay), raw points 771 + 1 + 3 = 775.
    scores = dict(S_SCORES)
    scores[("report", 2, 1)] = [16, 12, 14, 13, 14]
    scores[("report", 2, 2)] = [16, 14, 14, 13, 14]
    scores[("roadshow", 1, 4)] = [16, 15, 10, 15, 15, 10, 15]
    scores[("report", 1, 5)] = [16, 7, 7, 7, 6]
    result = ranking.rank_entries(ratings_from(SEMIFINAL, scores), groups=S_GROUPS,
                                  method="trimmed", sheet_weights=S_WEIGHTS)
    got = result.entries.set_index("entry")
    assert got["adjusted_score"].to_dict() == pytest.approx({1: 79, 2: 79, 3: 80.2})
    assert got.loc[1, "tb_raw_points"] == got.loc[2, "tb_raw_points"] == 775
    # medians of the ten sheet totals: entry 1 sorted 43 60 74 75 76 84 85 86 96 96 ->
    # (76+84)/2 = 80; entry 2: 69 70 70 70 71 85 85 85 85 85 -> (71+85)/2 = 78
    assert got.loc[1, "tb_median"] == pytest.approx(80)
    assert got.loc[2, "tb_median"] == pytest.approx(78)
    assert got["rank"].to_dict() == {3: 1, 1: 2, 2: 3}
    assert got.loc[1, "tie_broken_by"] == "median"
