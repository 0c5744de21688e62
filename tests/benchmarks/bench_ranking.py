"""Scale: 10,000 entries x 5 judges (50,000 sheets of 7 criteria), 1,000 judges.

Run: .venv/bin/pytest tests/benchmarks/bench_ranking.py -s
Targets (README): model fit under 5 s; 1,000 interval draws under 60 s, with progress;
the same round stored in SQLite loads (one aggregate query) and ranks in well under 15 s.
"""

import time

import numpy as np
import pandas as pd
import pytest

from contest import ranking
from contest.auth import SYSTEM

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


@pytest.fixture(scope="module")
def big_database(tmp_path_factory):
    """The same scale stored in SQLite: 10,000 entries, 1,000 judges, 50,000 submitted
    preliminary sheets of 5 criteria (250,000 criterion scores), inserted in bulk."""
    from sqlalchemy import insert
    from sqlmodel import select

    from contest import db
    from contest.models import (Category, ContestGroup, Criterion, CriterionScore, Entry,
                                ScoreSheet, SheetDefinition, User)
    from contest.services import editions

    url = f"sqlite:///{tmp_path_factory.mktemp('bigrank') / 'big.db'}"
    db.migrate(url)
    engine = db.make_engine(url)
    rng = np.random.default_rng(3)
    with db.session_scope(engine) as s:
        edition = editions.create_edition(session=s, actor=SYSTEM, name="Scale")
        rnd = editions.find_round(session=s, edition_id=edition.id, key="preliminary")
        invention = s.exec(select(Category).where(Category.edition_id == edition.id,
                                                  Category.key == "invention")).one()
        group_ids = s.exec(select(ContestGroup.id).where(
            ContestGroup.edition_id == edition.id)).all()
        sheet = s.exec(select(SheetDefinition).where(
            SheetDefinition.round_id == rnd.id, SheetDefinition.category_id == invention.id)).one()
        criteria = s.exec(select(Criterion).where(Criterion.sheet_id == sheet.id)
                          .order_by(Criterion.position)).all()
        s.execute(insert(User), [{"email": f"j{k}@x.org", "name": f"J{k}"}
                                 for k in range(N_JUDGES)])
        judge_ids = s.exec(select(User.id).order_by(User.id)).all()
        s.execute(insert(Entry), [
            {"edition_id": edition.id, "code": f"E{i:05d}", "title": f"Entry {i}",
             "group_id": group_ids[i % 2], "category_id": invention.id, "status": "eligible",
             "current_round_id": rnd.id} for i in range(N_ENTRIES)])
        entry_ids = s.exec(select(Entry.id).order_by(Entry.id)).all()
        quality = rng.uniform(0.3, 0.9, N_ENTRIES)
        leniency = rng.normal(0, 0.08, N_JUDGES)
        pairs = [(i, (i * PER_ENTRY + t + 7 * (i // N_JUDGES)) % N_JUDGES)
                 for i in range(N_ENTRIES) for t in range(PER_ENTRY)]
        maxes = np.array([c.max_points for c in criteria])
        points = np.clip(np.array([quality[i] + leniency[j] for i, j in pairs])[:, None]
                         + rng.normal(0, 0.1, (len(pairs), len(maxes))), 0, 1)
        points = np.round(points * maxes)
        s.execute(insert(ScoreSheet), [
            {"round_id": rnd.id, "sheet_id": sheet.id, "entry_id": entry_ids[i],
             "judge_id": judge_ids[j], "status": "submitted", "total": float(points[k].sum())}
            for k, (i, j) in enumerate(pairs)])
        sheet_ids = s.exec(select(ScoreSheet.id).order_by(ScoreSheet.id)).all()
        s.execute(insert(CriterionScore), [
            {"score_sheet_id": sheet_ids[k], "criterion_id": c.id, "value": float(points[k, n])}
            for k in range(len(pairs)) for n, c in enumerate(criteria)])
        s.commit()
        round_id = rnd.id
    yield engine, round_id
    engine.dispose()


def test_a_stored_round_of_50000_sheets_loads_and_ranks(big_database):
    from contest import db
    from contest.auth import Actor
    from contest.services import results, standings

    engine, round_id = big_database
    office = Actor(user_id=None, email="bench", name="bench", roles=frozenset({"organiser"}))
    with db.session_scope(engine, read_only=True) as s:
        start = time.perf_counter()
        ratings = standings.load_ratings(s, round_id)
        loaded = time.perf_counter() - start
        ranked = results.rank_round(session=s, actor=office, round_id=round_id, draws=0)
        total = time.perf_counter() - start
    print(f"\nstored round: load {len(ratings):,} sheets in {loaded:.2f} s (one query); "
          f"load + rank by model {total:.2f} s")
    assert len(ranked.table) == N_ENTRIES
    assert total < 15
