import numpy as np
import pandas as pd
import pytest

from contest import charts, i18n, ranking, reliability


def panel_design(seed=0, n_panels=4, per_panel=10, judges_per_panel=3, leniency=None,
                 noise=3.0, bridge=True):
    """Panels of 3 judges each scoring 10 entries, with one bridging judge between panels."""
    rng = np.random.default_rng(seed)
    n_judges = n_panels * judges_per_panel
    leniency = np.zeros(n_judges) if leniency is None else np.asarray(leniency, float)
    quality = rng.uniform(45, 85, n_panels * per_panel)
    rows = []
    for p in range(n_panels):
        panel = list(range(p * judges_per_panel, (p + 1) * judges_per_panel))
        for i in range(p * per_panel, (p + 1) * per_panel):
            judges = list(panel)
            if bridge and i == p * per_panel:  # one entry also scored by the next panel
                judges.append(((p + 1) % n_panels) * judges_per_panel)
            for j in judges:
                y = quality[i] + leniency[j] + noise * rng.standard_normal()
                rows.append((i, j, float(np.clip(y, 0, 100))))
    df = pd.DataFrame(rows, columns=["entry", "judge", "y"]).assign(sheet="expert_review")
    return df, quality


def fitted(df, **options):
    groups = {int(e): "startup" for e in df["entry"].unique()}
    return ranking.rank_entries(df, groups=groups, **options)


# ---------------------------------------------------------------- statistics by hand


def test_krippendorff_alpha_interval_matches_the_hand_computation():
    # units A: 1, 2 and B: 3, 4. D_o = (2*2*0.5 + 2*2*0.5) / 4 = 1;
    # D_e = 2 * SS(1,2,3,4) / (n - 1) = 2 * 5 / 3 = 10/3; alpha = 1 - 3/10 = 0.7
    units = pd.Series(["A", "A", "B", "B"])
    values = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert reliability.krippendorff_alpha_interval(units, values) == pytest.approx(0.7)


def test_krippendorff_alpha_is_one_for_perfect_agreement_and_ignores_lone_ratings():
    units = pd.Series([1, 1, 2, 2, 3])
    values = pd.Series([5.0, 5.0, 9.0, 9.0, 1.0])
    assert reliability.krippendorff_alpha_interval(units, values) == pytest.approx(1.0)


def test_icc_sees_a_constant_offset_as_imperfect_absolute_agreement():
    # judge 2 is always one point higher: msr = 8, msc = 1.5, mse = 0
    # ICC(A,1) = 8 / (8 + 0 + 2 * 1.5 / 3) = 8/9;  ICC(A,k) = 8 / (8 + 1.5/3) = 16/17
    single, average = reliability.icc_two_way(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    assert single == pytest.approx(8 / 9)
    assert average == pytest.approx(16 / 17)


def test_kendall_w_is_one_for_the_same_order_and_zero_for_opposite_orders():
    same = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    opposite = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    assert reliability.kendall_w(same) == pytest.approx(1.0)
    assert reliability.kendall_w(opposite) == pytest.approx(0.0)


# ---------------------------------------------------------------- the report


def test_correcting_leniency_raises_agreement_between_judges():
    leniency = np.tile([-8.0, 0.0, 8.0], 4)
    df, _ = panel_design(leniency=leniency)
    report = reliability.build_report(fitted(df))
    row = report.alpha.iloc[0]
    assert row["alpha_corrected"] > row["alpha_raw"] + 0.1
    assert any("after correcting leniency" in line for line in map(str, report.summary))


def test_variance_shares_sum_to_one_and_show_the_judge_spread_in_points():
    leniency = np.tile([-8.0, 0.0, 8.0], 4)
    df, _ = panel_design(leniency=leniency)
    report = reliability.build_report(fitted(df))
    v = report.variance.iloc[0]
    assert v["entry_share"] + v["judge_share"] + v["residual_share"] == pytest.approx(1.0)
    assert 4 < v["judges_differ_by"] < 12
    assert any("judges differ by about ±" in line for line in map(str, report.summary))


def test_panels_that_scored_the_same_entries_give_icc_and_kendall_w():
    df, _ = panel_design()
    report = reliability.build_report(fitted(df))
    assert len(report.blocks) == 4
    assert (report.blocks["n_judges"] == 3).all()
    assert (report.blocks["n_entries"] == 9).all()  # the bridged entry has a 4th judge
    assert (report.blocks["kendall_w"] > 0.7).all()
    assert (report.blocks["icc_a1"] > 0.7).all()


def test_calibration_entries_scored_by_everyone_form_a_block():
    df, _ = panel_design()
    extra = [(100 + c, j, 60.0 + 5 * c + (j % 3)) for c in range(3) for j in range(12)]
    df = pd.concat([df, pd.DataFrame(extra, columns=["entry", "judge", "y"])
                    .assign(sheet="expert_review")], ignore_index=True)
    report = reliability.build_report(fitted(df), calibration=[100, 101, 102])
    block = report.blocks[report.blocks["n_judges"] == 12]
    assert len(block) == 1 and block.iloc[0]["n_entries"] == 3


def test_judge_table_shows_leniency_and_flags_harsh_uniform_and_erratic_judges():
    leniency = np.zeros(12)
    leniency[4] = -25.0
    df, _ = panel_design(leniency=leniency, seed=1)
    # judge 7 gives everything 60: uniform; judge 10 scores at random: erratic
    df.loc[df["judge"] == 7, "y"] = 60.0
    rng = np.random.default_rng(3)
    df.loc[df["judge"] == 10, "y"] = rng.uniform(0, 100, (df["judge"] == 10).sum())
    table = reliability.build_report(fitted(df)).judges.set_index("judge")
    assert table.loc[4, "leniency"] < -10
    assert "harsh" in table.loc[4, "flags"]
    assert "uniform" in table.loc[7, "flags"]
    assert "erratic" in table.loc[10, "flags"]
    assert table.loc[0, "flags"] == ""
    for column in ("ratings", "leniency", "leniency_se", "spread", "consensus_correlation",
                   "downweighted_share"):
        assert column in table.columns


def test_entry_with_one_extreme_rating_and_split_decision_is_flagged():
    df, _ = panel_design(seed=2)
    first = df.index[df["entry"] == 5][0]
    df.loc[first, "y"] = 0.0
    result = fitted(df, cut=10)
    entries = reliability.build_report(result).entries.set_index("entry")
    assert "extreme_rating" in entries.loc[5, "flags"]
    assert "large_disagreement" in entries.loc[5, "flags"]
    cut_line = result.entries.query("in_cut")["adjusted_score"].min()
    straddling = entries[(entries["lowest"] < cut_line) & (entries["highest"] >= cut_line)]
    assert all("split_at_cut" in f for f in straddling["flags"])


def test_design_summary_counts_ratings_pieces_and_conflicts():
    df, _ = panel_design()
    report = reliability.build_report(fitted(df), conflicts_excluded=7)
    assert report.design["ratings"] == len(df)
    assert report.design["connected_pieces"] == 1
    assert report.design["ratings_per_entry_max"] == 4
    assert report.design["conflicts_excluded"] == 7
    assert any("7 judge-entry pairs were excluded" in line for line in map(str, report.summary))


def test_report_works_for_a_simple_method_too():
    df, _ = panel_design(bridge=False)
    report = reliability.build_report(fitted(df, method="mean"))
    assert report.design["connected_pieces"] == 4
    assert not report.judges.empty and not report.entries.empty


# ---------------------------------------------------------------- charts


def test_charts_render_to_vega_lite_with_the_data_they_show():
    leniency = np.tile([-8.0, 0.0, 8.0], 4)
    df, _ = panel_design(leniency=leniency)
    result = fitted(df, cut=10, draws=100)
    report = reliability.build_report(result)
    comparison = ranking.compare_methods(df, groups={int(e): "startup" for e in df["entry"]},
                                         cut=10)
    scores = pd.DataFrame({"criterion": ["market", "market", "layout"],
                           "percent": [40.0, 80.0, 65.0]})
    specs = {
        "leniency": charts.judge_leniency(report.judges).to_dict(),
        "scores": charts.score_distributions(scores).to_dict(),
        "intervals": charts.rank_intervals_near_cut(result.entries, cut=10),
        "agreement": charts.method_agreement(comparison).to_dict(),
    }
    assert "Judge leniency" in str(specs["leniency"]["title"])
    assert len(specs["leniency"]["datasets"][next(iter(specs["leniency"]["datasets"]))]) == 12
    assert "boxplot" in str(specs["scores"])
    assert "rank_low" in str(specs["intervals"]) and "p_cut" in str(specs["intervals"])
    agreement_rows = next(iter(specs["agreement"]["datasets"].values()))
    assert {row["method"] for row in agreement_rows} == {i18n.text(f"ranking_method.{m}") for m in ranking.METHODS}


def test_the_rank_interval_chart_is_built_once_per_language_and_each_rank_gets_its_own_copy():
    df, _ = panel_design(leniency=np.tile([-8.0, 0.0, 8.0], 4))
    result = fitted(df, cut=10, draws=100)
    first = charts.rank_intervals_near_cut(result.entries, cut=10)
    first["title"] = "changed"
    first["spec"]["layer"][1]["encoding"]["color"]["title"] = "changed"
    again = charts.rank_intervals_near_cut(result.entries.head(3), cut=2)
    assert again["title"] == i18n.text("charts.rank_intervals_title")
    assert again["spec"]["layer"][1]["encoding"]["color"]["title"] == i18n.text("charts.borderline")
    assert len(again["datasets"]["entries"]) == 3 and set(again["datasets"]["entries"]["cut_line"]) == {2.5}
    no_cut = charts.rank_intervals_near_cut(result.entries, cut=None)
    assert len(no_cut["spec"]["layer"]) == 2  # no cut line without a cut


def test_report_on_single_ratings_says_agreement_cannot_be_measured():
    df = pd.DataFrame({"entry": [0, 1, 2], "judge": [0, 1, 2], "y": [50.0, 60.0, 70.0],
                       "sheet": "expert_review"})
    report = reliability.build_report(fitted(df, method="mean"))
    assert any("agreement cannot be measured" in line for line in map(str, report.summary))
    assert not any("nan" in line for line in map(str, report.summary))


def test_charts_read_in_traditional_chinese_with_labels_for_their_legend_values():
    df, _ = panel_design(leniency=np.tile([-8.0, 0.0, 8.0], 4))
    result = fitted(df, cut=10, draws=100)
    report = reliability.build_report(result)
    leniency = charts.judge_leniency(report.judges, lang="zh-Hant").to_dict()
    intervals = charts.rank_intervals_near_cut(result.entries, cut=10, lang="zh-Hant")
    assert leniency["title"] == i18n.text("charts.leniency_title", "zh-Hant") != i18n.text("charts.leniency_title")
    assert intervals["title"] == i18n.text("charts.rank_intervals_title", "zh-Hant")
    color = intervals["spec"]["layer"][1]["encoding"]["color"]
    assert color["title"] == i18n.text("charts.borderline", "zh-Hant")
    assert color["scale"]["domain"] == [i18n.text("charts.borderline_no", "zh-Hant"),
                                        i18n.text("charts.borderline_yes", "zh-Hant")]
    rows = intervals["datasets"]["entries"]
    assert set(rows["borderline"]) <= set(color["scale"]["domain"])  # no raw True/False
