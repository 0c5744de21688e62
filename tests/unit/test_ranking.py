import numpy as np
import pandas as pd
import pytest

from contest import ranking


def frame(rows, sheet="s"):
    """rows: (entry, judge, y[, heaviest, raw_points])"""
    cols = ["entry", "judge", "y", "heaviest", "raw_points"][: len(rows[0])]
    return pd.DataFrame(rows, columns=cols).assign(sheet=sheet)


def one_group(df, name="startup"):
    return {int(e): name for e in df["entry"].unique()}


def chain_design(n_entries=12, n_judges=6, k=3, seed=0, leniency=None, quality=None, noise=0.0):
    """Entry i is scored by judges i, i+1, ..., i+k-1 (mod n): connected, incomplete."""
    rng = np.random.default_rng(seed)
    quality = np.linspace(40, 85, n_entries) if quality is None else quality
    leniency = np.zeros(n_judges) if leniency is None else leniency
    rows = []
    for i in range(n_entries):
        for t in range(k):
            j = (i + t) % n_judges
            rows.append((i, j, float(quality[i] + leniency[j] + noise * rng.standard_normal())))
    return frame(rows)


def by_entry(result):
    return result.entries.set_index("entry").sort_index()


# ---------------------------------------------------------------- design


def test_connected_design_is_reported_as_one_piece():
    report = ranking.check_design(chain_design())
    assert report.connected and report.n_components == 1
    assert sorted(report.components[0]["judges"]) == list(range(6))


def test_design_warns_about_judges_and_entries_with_few_ratings():
    report = ranking.check_design(chain_design(n_entries=12, n_judges=6, k=2))
    # 12 entries x 2 judges = 24 ratings over 6 judges: 4 each, below 8; entries have 2 < 3.
    assert report.thin_judges == {j: 4 for j in range(6)}
    assert len(report.thin_entries) == 12
    assert any("fewer than 8 ratings" in str(w) for w in report.warnings)
    assert any("fewer than 3 ratings" in str(w) for w in report.warnings)


def two_islands():
    # Judges 0-2 score entries 0-3 only; judges 3-5 score entries 4-7 only.
    rows = [(e, j, 50.0 + e + j) for e in range(4) for j in range(3)]
    rows += [(e, j, 50.0 + e + j) for e in range(4, 8) for j in range(3, 6)]
    return frame(rows)


def test_disconnected_design_is_found_with_its_pieces():
    report = ranking.check_design(two_islands())
    assert not report.connected and report.n_components == 2
    pieces = sorted(sorted(c["entries"]) for c in report.components)
    assert pieces == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_model_refuses_a_disconnected_design_and_explains_why():
    df = two_islands()
    with pytest.raises(ranking.DisconnectedDesign) as caught:
        ranking.rank_entries(df, groups=one_group(df))
    message = str(caught.value)
    assert "2 separate groups" in message
    assert "cannot be put on one scale" in message
    assert "score entries in more than one group" in message
    assert caught.value.report.n_components == 2


def test_mean_ranks_a_disconnected_design_with_a_warning():
    df = two_islands()
    result = ranking.rank_entries(df, groups=one_group(df), method="mean")
    assert list(result.entries["rank"]) == list(range(1, 9))
    assert any("disconnected" in str(w) for w in result.warnings)


# ---------------------------------------------------------------- the model


def test_model_removes_judge_leniency_that_the_mean_keeps():
    # Judges 0 and 1 are 10 points harsh; entries they scored lose under the plain mean.
    leniency = np.array([-10.0, -10.0, 5.0, 5.0, 5.0, 5.0])
    quality = np.linspace(40, 85, 12)
    df = chain_design(leniency=leniency, quality=quality)
    model = by_entry(ranking.rank_entries(df, groups=one_group(df)))
    mean = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean"))
    # The model reproduces true quality up to a common shift (mean leniency 0 judge).
    shift = model["adjusted_score"] - quality
    assert np.ptp(shift) < 1e-3
    assert np.ptp(mean["adjusted_score"] - quality) > 5
    assert list(model["rank"]) == list(range(12, 0, -1))
    assert list(mean["rank"]) != list(range(12, 0, -1))


def test_judge_offsets_sum_to_zero_and_follow_leniency():
    leniency = np.array([-6.0, -2.0, 0.0, 1.0, 3.0, 4.0])
    df = chain_design(n_entries=30, leniency=leniency, noise=1.0, seed=3)
    result = ranking.rank_entries(df, groups=one_group(df))
    offsets = result.judges.sort_values("judge")["offset"].to_numpy()
    assert abs(offsets.sum()) < 1e-6
    assert np.corrcoef(offsets, leniency)[0, 1] > 0.95
    assert (result.judges["se"] > 0).all()
    assert result.sigma["s"] > 0 and result.tau["s"] > 0


def test_adjusted_score_is_shown_beside_raw_mean_and_number_of_judges():
    df = chain_design()
    entries = ranking.rank_entries(df, groups=one_group(df)).entries
    for column in ("adjusted_score", "raw_mean", "n_judges", "rank", "rank_low", "rank_high",
                   "p_cut", "borderline", "tie_broken_by", "flags"):
        assert column in entries.columns
    assert (entries["n_judges"] == 3).all()


def test_one_wild_rating_is_down_weighted():
    df = chain_design(n_entries=30, noise=1.0, seed=1)
    df.loc[0, "y"] = 100.0  # one judge's wild score
    result = ranking.rank_entries(df, groups=one_group(df))
    assert result.ratings.loc[0, "weight"] < 0.2
    assert (result.ratings["weight"].drop(index=0) > 0.5).all()


def test_entries_are_ranked_within_their_own_group():
    df = chain_design()
    groups = {e: ("startup" if e % 2 else "growth") for e in range(12)}
    entries = ranking.rank_entries(df, groups=groups, method="mean").entries
    for _, part in entries.groupby("group"):
        assert sorted(part["rank"]) == list(range(1, 7))


# ---------------------------------------------------------------- other methods


def complete_panel():
    # 3 entries x 5 judges, every judge scores every entry.
    scores = {0: [60, 70, 80, 90, 100], 1: [75, 76, 77, 78, 20], 2: [50, 50, 50, 50, 95]}
    return frame([(e, j, float(y)) for e, ys in scores.items() for j, y in enumerate(ys)])


def test_trimmed_mean_drops_the_highest_and_lowest_score():
    df = complete_panel()
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="trimmed"))
    # entry 0: (70+80+90)/3 = 80; entry 1: (75+76+77)/3 = 76; entry 2: (50+50+50)/3 = 50
    assert got["adjusted_score"].tolist() == pytest.approx([80, 76, 50])
    assert got["raw_mean"].tolist() == pytest.approx([80, 65.2, 59])


def test_median_takes_the_middle_score():
    df = complete_panel()
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="median"))
    assert got["adjusted_score"].tolist() == pytest.approx([80, 76, 50])


def test_zscore_standardises_each_judge_before_averaging():
    # Judge 1 scores everything 20 points higher; z-scores make the two judges agree.
    df = frame([(0, 0, 50.0), (1, 0, 60.0), (2, 0, 70.0),
                (0, 1, 70.0), (1, 1, 80.0), (2, 1, 90.0)])
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="zscore"))
    assert got["rank"].tolist() == [3, 2, 1]
    assert got["adjusted_score"].iloc[1] == pytest.approx(df["y"].mean())


@pytest.mark.parametrize("method", ranking.METHODS)
def test_every_method_carries_its_warning(method):
    df = chain_design()
    result = ranking.rank_entries(df, groups=one_group(df), method=method)
    assert result.warnings[0] == ranking.METHOD_WARNINGS[method]
    assert result.method == method


# ---------------------------------------------------------------- ties


def test_tie_is_broken_by_the_heaviest_criterion_then_raw_points_then_median():
    df = frame([
        # entries 0 and 1: same mean 70; entry 1 is stronger on the heaviest criterion
        (0, 0, 70.0, 60.0, 50), (0, 1, 70.0, 60.0, 50),
        (1, 0, 60.0, 80.0, 40), (1, 1, 80.0, 80.0, 60),
        # entries 2 and 3: mean 50, same heaviest, entry 2 has more raw points
        (2, 0, 50.0, 50.0, 30), (2, 1, 50.0, 50.0, 31),
        (3, 0, 50.0, 50.0, 30), (3, 1, 50.0, 50.0, 30),
    ])
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean"))
    assert got["rank"].tolist() == [2, 1, 3, 4]
    assert got["tie_broken_by"].tolist() == ["heaviest_criterion", "heaviest_criterion",
                                             "raw_points", "raw_points"]


def test_tie_left_by_every_rule_is_flagged_for_the_organiser():
    df = frame([
        (0, 0, 40.0, 50.0, 30), (0, 1, 60.0, 50.0, 30), (0, 2, 80.0, 50.0, 30),
        (1, 0, 55.0, 50.0, 30), (1, 1, 65.0, 50.0, 30), (1, 2, 60.0, 50.0, 30),
    ])
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean"))
    # Same mean 60, heaviest 50, raw points 60 and median 60: only the organiser can decide.
    assert got["tie_broken_by"].tolist() == ["organiser", "organiser"]
    assert got["rank"].tolist() == [1, 1]
    assert all("tie_unresolved" in f for f in got["flags"])


def test_median_breaks_a_tie_left_by_the_first_two_rules():
    df = frame([
        (0, 0, 40.0, 50.0, 30), (0, 1, 62.0, 50.0, 30), (0, 2, 78.0, 50.0, 30),
        (1, 0, 50.0, 50.0, 30), (1, 1, 60.0, 50.0, 30), (1, 2, 70.0, 50.0, 30),
    ])
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean"))
    assert got["rank"].tolist() == [1, 2]
    assert got["tie_broken_by"].tolist() == ["median", "median"]


def test_unresolved_tie_is_never_decided_at_random():
    df = frame([(0, 0, 70.0, 50.0, 30), (1, 0, 70.0, 50.0, 30), (2, 0, 60.0, 50.0, 30)])
    result = ranking.rank_entries(df, groups=one_group(df), method="mean")
    got = by_entry(result)
    assert got["rank"].tolist() == [1, 1, 3]
    assert got.loc[2, "tie_broken_by"] == ""
    assert any("organiser decides" in str(w) for w in result.warnings)


def _two_ways_tied():
    """Entries 0 and 1 share a mean of 70; 0 is ahead on the heaviest criterion, 1 on raw
    points and on the median."""
    return frame([
        (0, 0, 60.0, 90.0, 40), (0, 1, 80.0, 90.0, 40),
        (1, 0, 70.0, 50.0, 45), (1, 1, 70.0, 50.0, 45), (1, 2, 70.0, 50.0, 45),
        (0, 2, 70.0, 90.0, 40),
    ])


@pytest.mark.parametrize(("tie_rule", "first", "broken_by"), [
    (ranking.DEFAULT_TIE_RULE, 0, "heaviest_criterion"),
    (("raw_points", "heaviest_criterion", "organiser"), 1, "raw_points"),
    (("median", "raw_points"), 1, "raw_points"),
])
def test_the_tie_rule_is_applied_in_the_order_given_and_names_the_step_that_decided(
        tie_rule, first, broken_by):
    df = _two_ways_tied()
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean", tie_rule=tie_rule))
    assert got["rank"].tolist() == ([1, 2] if first == 0 else [2, 1])
    assert got["tie_broken_by"].tolist() == [broken_by, broken_by]


def test_a_tie_rule_with_no_steps_leaves_every_tie_to_the_organiser():
    df = _two_ways_tied()
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean",
                                        tie_rule=("organiser",)))
    assert got["rank"].tolist() == [1, 1]
    assert got["tie_broken_by"].tolist() == ["organiser", "organiser"]


@pytest.mark.parametrize(("tie_rule", "message"), [
    (("coin_toss",), "Unknown tie-rule step 'coin_toss'"),
    (("organiser", "median"), "The organiser decides last"),
    (("median", "median"), "only once"),
])
def test_a_tie_rule_that_cannot_be_applied_is_refused(tie_rule, message):
    with pytest.raises(ValueError, match=message):
        ranking.check_tie_rule(tie_rule)


def test_the_registry_says_which_methods_need_a_connected_design():
    assert [k for k, m in ranking.REGISTRY.items() if m.needs_connected_design] == ["model"]
    assert tuple(ranking.REGISTRY) == ranking.METHODS
    assert ranking.methods_for_design(connected=True) == ranking.METHODS
    assert "model" not in ranking.methods_for_design(connected=False)


# ---------------------------------------------------------------- cut, intervals


def test_top_n_cut_marks_entries_in_the_cut():
    df = chain_design()
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean", cut=4))
    assert got["in_cut"].sum() == 4
    assert got.loc[got["in_cut"], "rank"].max() == 4


def test_threshold_cut_uses_the_adjusted_score():
    df = chain_design()
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean",
                                        cut=ranking.Cut(threshold=70.0)))
    assert (got["in_cut"] == (got["adjusted_score"] >= 70.0)).all()


def test_a_cut_is_a_top_n_or_a_threshold_not_both():
    with pytest.raises(ValueError):
        ranking.Cut(top=3, threshold=50)
    with pytest.raises(ValueError):
        ranking.Cut(top=0)


def test_draws_give_rank_intervals_holding_the_rank_and_a_probability_of_the_cut():
    df = chain_design(n_entries=30, noise=4.0, seed=2)
    seen = []
    result = ranking.rank_entries(df, groups=one_group(df), cut=10, draws=400, seed=5,
                                  progress=seen.append)
    got = by_entry(result)
    assert (got["rank_low"] <= got["rank_high"]).all()
    assert (got["score_low"] <= got["adjusted_score"]).all()
    assert (got["adjusted_score"] <= got["score_high"]).all()
    assert got["p_cut"].between(0, 1).all()
    # the best entry is surely in, the worst surely out
    assert got.loc[got["rank"].idxmin(), "p_cut"] > 0.95
    assert got.loc[got["rank"].idxmax(), "p_cut"] < 0.05
    assert (got["borderline"] == got["p_cut"].between(0.1, 0.9, inclusive="neither")).all()
    assert seen[-1] == 1.0


def test_same_seed_gives_the_same_intervals():
    df = chain_design(n_entries=20, noise=4.0, seed=2)
    a = ranking.rank_entries(df, groups=one_group(df), cut=5, draws=100, seed=9).entries
    b = ranking.rank_entries(df, groups=one_group(df), cut=5, draws=100, seed=9).entries
    pd.testing.assert_frame_equal(a, b)


def test_without_draws_intervals_stay_empty():
    df = chain_design()
    got = ranking.rank_entries(df, groups=one_group(df), cut=3).entries
    assert got["rank_low"].isna().all() and got["p_cut"].isna().all()
    assert not got["borderline"].any()


# ---------------------------------------------------------------- sheets and extras


def test_sheets_are_blended_by_their_weights():
    roadshow = frame([(0, 0, 80.0), (1, 0, 60.0)], sheet="roadshow")
    report = frame([(0, 1, 50.0), (1, 1, 90.0)], sheet="report")
    df = pd.concat([roadshow, report], ignore_index=True)
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean",
                                        sheet_weights={"roadshow": 60, "report": 40}))
    # 0.6*80 + 0.4*50 = 68; 0.6*60 + 0.4*90 = 72
    assert got["adjusted_score"].tolist() == pytest.approx([68, 72])
    assert got["rank"].tolist() == [2, 1]


def test_entry_missing_a_sheet_is_flagged():
    df = pd.concat([frame([(0, 0, 80.0), (1, 0, 60.0)], sheet="roadshow"),
                    frame([(0, 1, 50.0)], sheet="report")], ignore_index=True)
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean",
                                        sheet_weights={"roadshow": 0.6, "report": 0.4}))
    assert "missing_sheet" in got.loc[1, "flags"]
    assert got.loc[1, "adjusted_score"] == pytest.approx(60)


def test_public_vote_and_carried_result_enter_with_their_shares():
    df = frame([(0, 0, 80.0), (1, 0, 70.0)])
    extra = pd.DataFrame({"entry": [0, 1], "public_vote": [100, 400], "carried": [50, 90]})
    got = by_entry(ranking.rank_entries(df, groups=one_group(df), method="mean", extra=extra,
                                        public_vote_weight=0.05, carry_weight=0.2))
    # entry 0: 0.75*80 + 0.05*25 + 0.2*50 = 60 + 1.25 + 10 = 71.25
    # entry 1: 0.75*70 + 0.05*100 + 0.2*90 = 52.5 + 5 + 18 = 75.5
    assert got["adjusted_score"].tolist() == pytest.approx([71.25, 75.5])


def test_missing_carried_result_is_refused():
    df = frame([(0, 0, 80.0), (1, 0, 70.0)])
    extra = pd.DataFrame({"entry": [0], "carried": [50.0]})
    with pytest.raises(ValueError, match=r"No carried result for entries \[1\]"):
        ranking.rank_entries(df, groups=one_group(df), method="mean", extra=extra,
                             carry_weight=0.2)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.assign(y=d["y"] + 200), "between 0 and 100"),
        (lambda d: pd.concat([d, d.iloc[:1]]), "two ratings of the same entry"),
        (lambda d: d.drop(columns="y"), "missing"),
    ],
)
def test_bad_ratings_are_refused_with_a_clear_error(change, message):
    df = chain_design()
    with pytest.raises(ValueError, match=message):
        ranking.rank_entries(change(df), groups=one_group(df))


def test_unknown_method_and_missing_groups_are_refused():
    df = chain_design()
    with pytest.raises(ValueError, match="Unknown method 'average'"):
        ranking.rank_entries(df, groups=one_group(df), method="average")
    with pytest.raises(ValueError, match="without a group"):
        ranking.rank_entries(df, groups={0: "startup"})


# ---------------------------------------------------------------- sensitivity


def test_compare_methods_reports_agreement_and_changed_decisions():
    leniency = np.array([-10.0, -10.0, 5.0, 5.0, 5.0, 5.0])
    df = chain_design(leniency=leniency)
    table = ranking.compare_methods(df, groups=one_group(df), cut=2).set_index("method")
    assert table.loc["model", "spearman"] == pytest.approx(1.0)
    assert table.loc["model", "decisions_changed"] == 0
    assert table.loc["mean", "spearman"] < 1.0
    # True top 2 are entries 10 and 11; the mean prefers 9 over 11 (two harsh judges on 11).
    assert table.loc["mean", "decisions_changed"] == 2
    assert table.loc["mean", "entries_changed"] == "9,11"


def test_compare_methods_on_a_disconnected_design_explains_the_missing_model():
    df = two_islands()
    table = ranking.compare_methods(df, groups=one_group(df), reference="mean", cut=2)
    row = table.set_index("method").loc["model"]
    assert np.isnan(row["spearman"]) and "separate groups" in row["warning"]


def test_intervals_without_any_estimate_of_noise_come_with_a_warning():
    # One judge, one rating per entry: nothing says how noisy the judging is.
    df = frame([(0, 0, 50.0), (1, 0, 60.0), (2, 0, 70.0)])
    result = ranking.rank_entries(df, groups=one_group(df), cut=1, draws=50)
    assert any("no room to estimate the judging noise" in str(w) for w in result.warnings)


def test_very_large_judge_pools_use_a_sparse_solver_that_agrees_with_the_dense_one(
        monkeypatch):
    leniency = np.array([-6.0, -2.0, 0.0, 1.0, 3.0, 4.0])
    df = chain_design(n_entries=30, leniency=leniency, noise=2.0, seed=4)
    dense = ranking.rank_entries(df, groups=one_group(df), cut=5, draws=200, seed=1)
    monkeypatch.setattr(ranking, "DENSE_JUDGES", 2)  # as if there were thousands of judges
    sparse = ranking.rank_entries(df, groups=one_group(df), cut=5, draws=200, seed=1)
    pd.testing.assert_series_equal(dense.entries["adjusted_score"],
                                   sparse.entries["adjusted_score"], atol=1e-6)
    np.testing.assert_allclose(dense.judges["offset"], sparse.judges["offset"], atol=1e-6)
    # intervals come from the same draws; standard errors ignore offset covariances
    assert (sparse.entries["rank_low"] <= sparse.entries["rank"]).all()
    assert (sparse.judges["se"] > 0).all()
