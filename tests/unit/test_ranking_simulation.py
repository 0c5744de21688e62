"""Simulation study (SCORING.md section 3-4): does the model beat mean and zscore?

600 entries, 60 judges, k = 3; judges differ in leniency and are assigned by expertise
(their own track) with a bridging quota of judges from another track. Tracks differ in
true quality, which is exactly what fools per-judge z-scores. Fixed seeds; figures print
with `pytest -s`.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from contest import ranking

N_ENTRIES, N_JUDGES, K, N_TRACKS = 600, 60, 3, 6
SEEDS = (11, 12, 13, 14, 15)


def simulate(seed, *, bridging=0.15, track_sd=7.0, quality_sd=7.0, leniency_sd=7.0,
             noise_sd=6.0):
    """Ratings frame plus true quality; judges' loads stay within a few of each other."""
    rng = np.random.default_rng(seed)
    track_mean = rng.normal(0, track_sd, N_TRACKS)
    entry_track = np.arange(N_ENTRIES) % N_TRACKS
    quality = 60 + track_mean[entry_track] + rng.normal(0, quality_sd, N_ENTRIES)
    judge_track = np.arange(N_JUDGES) % N_TRACKS
    leniency = rng.normal(0, leniency_sd, N_JUDGES)
    load = np.zeros(N_JUDGES, int)
    rows = []
    for entry in rng.permutation(N_ENTRIES):
        chosen: list[int] = []
        # Bridging quota: some entries get one judge from outside their track.
        n_outside = 1 if rng.random() < bridging else 0
        for slot in range(K):
            own_field = slot >= n_outside
            candidates = [j for j in range(N_JUDGES) if j not in chosen
                          and (judge_track[j] == entry_track[entry]) == own_field]
            judge = min(candidates, key=lambda j: (load[j], rng.random()))
            chosen.append(judge)
            load[judge] += 1
        for judge in chosen:
            y = quality[entry] + leniency[judge] + rng.normal(0, noise_sd)
            rows.append((int(entry), judge, float(np.clip(y, 0, 100))))
    ratings = pd.DataFrame(rows, columns=["entry", "judge", "y"]).assign(sheet="expert_review")
    return ratings, quality


@pytest.fixture(scope="module")
def study():
    figures = {"model": [], "mean": [], "zscore": [], "coverage": []}
    for seed in SEEDS:
        ratings, quality = simulate(seed)
        groups = {e: "startup" for e in range(N_ENTRIES)}
        true_rank = stats.rankdata(-quality, method="ordinal")
        for method in ("model", "mean", "zscore"):
            result = ranking.rank_entries(ratings, groups=groups, method=method, cut=100,
                                          draws=1000 if method == "model" else 0, seed=seed)
            got = result.entries.set_index("entry").sort_index()
            figures[method].append(stats.spearmanr(got["adjusted_score"], quality).statistic)
            if method == "model":
                held = (got["rank_low"] <= true_rank) & (true_rank <= got["rank_high"])
                figures["coverage"].append(float(held.mean()))
    means = {k: float(np.mean(v)) for k, v in figures.items()}
    print(f"\nsimulation, {len(SEEDS)} seeds: rank correlation with true quality "
          f"model {means['model']:.3f}, mean {means['mean']:.3f}, zscore {means['zscore']:.3f};"
          f" 90 % rank intervals hold the true rank {means['coverage']:.1%} "
          f"(per seed {', '.join(f'{c:.1%}' for c in figures['coverage'])})")
    return figures


@pytest.mark.slow
def test_model_tracks_true_quality_clearly_better_than_mean_and_zscore(study):
    for model, mean, zscore in zip(study["model"], study["mean"], study["zscore"]):
        assert model > mean and model > zscore
    assert np.mean(study["model"]) > np.mean(study["mean"]) + 0.03
    assert np.mean(study["model"]) > np.mean(study["zscore"]) + 0.1


@pytest.mark.slow
def test_model_rank_intervals_hold_the_true_rank_at_least_85_percent_of_the_time(study):
    assert np.mean(study["coverage"]) >= 0.85
    assert min(study["coverage"]) >= 0.80


def test_simulated_design_is_connected_with_balanced_loads():
    ratings, _ = simulate(SEEDS[0])
    report = ranking.check_design(ratings)
    loads = ratings.groupby("judge").size()
    assert report.connected
    assert loads.max() - loads.min() <= 3
    assert (ratings.groupby("entry")["judge"].nunique() == K).all()
