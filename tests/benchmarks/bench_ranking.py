"""Scale: 10,000 entries x 5 judges (50,000 sheets of 7 criteria), 1,000 judges.

Run: .venv/bin/pytest tests/benchmarks/bench_ranking.py -s
Targets (README): model fit under 5 s; 1,000 interval draws under 60 s, with progress.
"""

import time

import numpy as np
import pandas as pd
import pytest

from contest import ranking

N_ENTRIES, N_JUDGES, PER_ENTRY = 10_000, 1_000, 5
POINTS = np.array([20, 15, 10, 15, 15, 10, 15])  # the gba roadshow sheet


@pytest.fixture(scope="module")
def big_round():
    rng = np.random.default_rng(7)
    quality = rng.uniform(0.3, 0.9, N_ENTRIES)
    leniency = rng.normal(0, 0.08, N_JUDGES)
    # Each entry takes 5 distinct judges; judges cycle so loads stay within one.
    judges = (np.arange(N_ENTRIES)[:, None] * PER_ENTRY + np.arange(PER_ENTRY)) % N_JUDGES
    judges = (judges + rng.integers(0, N_JUDGES, N_ENTRIES)[:, None]) % N_JUDGES
    entry = np.repeat(np.arange(N_ENTRIES), PER_ENTRY)
    judge = judges.ravel()
    share = quality[entry] + leniency[judge]
    share = np.clip(share[:, None] + rng.normal(0, 0.1, (len(entry), len(POINTS))), 0, 1)
    points = np.round(share * POINTS)  # whole points, as judges type them
    ratings = pd.DataFrame({
        "entry": entry, "judge": judge, "sheet": "roadshow",
        "y": 100 * points.sum(axis=1) / POINTS.sum(),
        "heaviest": 100 * points[:, 0] / POINTS[0],
        "raw_points": points.sum(axis=1),
    })
    groups = {i: ("startup" if i % 2 else "growth") for i in range(N_ENTRIES)}
    return ratings, groups


def test_model_ranks_50000_sheets_under_5_seconds(big_round):
    ratings, groups = big_round
    start = time.perf_counter()
    result = ranking.rank_entries(ratings, groups=groups, method="model", cut=100)
    elapsed = time.perf_counter() - start
    print(f"\nmodel fit, {len(ratings):,} sheets, {N_ENTRIES:,} entries, {N_JUDGES:,} judges: "
          f"{elapsed:.2f} s (sigma {result.sigma['roadshow']:.2f}, "
          f"tau {result.tau['roadshow']:.2f})")
    assert len(result.entries) == N_ENTRIES
    assert elapsed < 5


def test_1000_interval_draws_under_60_seconds_with_progress(big_round):
    ratings, groups = big_round
    seen: list[float] = []
    start = time.perf_counter()
    result = ranking.rank_entries(ratings, groups=groups, method="model", cut=100, draws=1000,
                                  seed=1, progress=seen.append)
    elapsed = time.perf_counter() - start
    band = int(result.entries["borderline"].sum())
    print(f"\nmodel fit + 1,000 draws: {elapsed:.2f} s; progress updates {len(seen)}; "
          f"borderline entries {band}")
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert result.entries["rank_low"].notna().all()
    assert elapsed < 60
