"""A judge's workspace at ten times the largest edition: 10,000 entries, 1,000 judges,
5 judges an entry (50,000 assignments, 50,000 score sheets, 250,000 criterion scores).
Target: the workspace of a judge with 50 assignments loads, and a save completes, within
150 ms of server time (median of repeated runs; the slowest run is printed too).

    .venv/bin/pytest tests/benchmarks/bench_judge_workspace.py -s
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ct_bench_e \
        .venv/bin/pytest tests/benchmarks/bench_judge_workspace.py -s   # an empty database

The big database is built with bulk inserts (executemany), not the ORM one row at a time.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from sqlalchemy import insert, select, text
from sqlmodel import SQLModel

from contest import auth, db
from contest.auth import SYSTEM
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    Category,
    Criterion,
    CriterionScore,
    Entry,
    JudgeProfile,
    Patent,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    Track,
    User,
    UserRole,
)
from contest.services import accounts, editions, judging

ENTRIES = 10_000
JUDGES = 1_000
PER_ENTRY = 5
TARGET_MS = 150.0
REPEATS = 30


def _chunks(rows, size=5_000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _bulk(conn, table, rows):
    for chunk in _chunks(rows):
        conn.execute(insert(table.__table__), chunk)


def build(url: str) -> dict:
    """The big edition; returns ids the measurements need."""
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        edition = editions.create_edition(session=s, actor=SYSTEM, name="Bench edition")
        rnd = s.execute(select(Round).where(Round.edition_id == edition.id, Round.key == "preliminary")).scalar_one()
        invention = s.execute(select(Category).where(Category.edition_id == edition.id,
                                                  Category.key == "invention")).scalar_one()
        sheet = s.execute(select(SheetDefinition).where(SheetDefinition.round_id == rnd.id,
                                                     SheetDefinition.category_id == invention.id)).scalar_one()
        criteria = s.execute(select(Criterion).where(Criterion.sheet_id == sheet.id)
                          .order_by(Criterion.position)).scalars().all()
        tracks = s.execute(select(Track.id).where(Track.edition_id == edition.id)).scalars().all()
        ids = {"edition": edition.id, "round": rnd.id, "sheet": sheet.id, "category": invention.id,
               "criteria": [(c.id, c.max_points) for c in criteria], "tracks": list(tracks)}
    now = utcnow()
    password_hash = auth.hash_password("bench password 2026")
    with engine.begin() as conn:
        base = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM \"user\"")).scalar_one()
        users = [{"id": base + 1 + j, "email": f"judge{j:04d}@bench.example.org", "name": f"Judge {j}",
                  "organisation": f"Org {j % 200}", "phone": "", "password_hash": password_hash, "active": True,
                  "language": "en", "created_at": now} for j in range(JUDGES)]
        users += [{"id": base + 1 + JUDGES + i, "email": f"entrant{i:05d}@bench.example.org",
                   "name": f"Entrant {i}", "organisation": f"Applicant {i} Ltd", "phone": "",
                   "password_hash": "", "active": True, "language": "en", "created_at": now}
                  for i in range(ENTRIES)]
        _bulk(conn, User, users)
        judge_ids = [base + 1 + j for j in range(JUDGES)]
        _bulk(conn, UserRole, [{"user_id": j, "role": Role.judge.value} for j in judge_ids])
        _bulk(conn, JudgeProfile, [{"edition_id": ids["edition"], "user_id": j, "organisation": f"Org {n % 200}",
                                    "region": "guangdong", "expertise": [], "active": True}
                                   for n, j in enumerate(judge_ids)])
        entry_base = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM entry")).scalar_one()
        _bulk(conn, Entry, [{
            "id": entry_base + 1 + i, "edition_id": ids["edition"], "code": f"B-{i:05d}",
            "owner_id": base + 1 + JUDGES + i, "title": f"Portfolio {i}", "category_id": ids["category"],
            "track_id": ids["tracks"][i % len(ids["tracks"])], "applicant": f"Applicant {i} Ltd",
            "applicant_type": "enterprise", "revenue_band": "", "region": "guangdong", "contact_name": f"Entrant {i}",
            "contact_email": f"entrant{i:05d}@bench.example.org", "contact_phone": "", "summary": "A portfolio.",
            "status": "eligible", "eligibility_reason": "", "current_round_id": ids["round"],
            "created_at": now, "updated_at": now,
        } for i in range(ENTRIES)])
        _bulk(conn, Patent, [{
            "entry_id": entry_base + 1 + i, "number": f"2021{i:07d}1", "normalised": f"CN2021{i:07d}1.{p}",
            "jurisdiction": "CN", "kind": "invention", "title": f"Patent {p}", "status": "granted", "holder": "",
            "is_core": p == 0, "position": p,
        } for i in range(ENTRIES) for p in range(3)])
        pairs = [(entry_base + 1 + i, judge_ids[(i * PER_ENTRY + k) % JUDGES])
                 for i in range(ENTRIES) for k in range(PER_ENTRY)]
        _bulk(conn, Assignment, [{"round_id": ids["round"], "entry_id": e, "judge_id": j, "status": "active",
                                  "source": "automatic", "created_at": now} for e, j in pairs])
        sheet_base = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM score_sheet")).scalar_one()
        # Every pair has its sheet (50,000); a third are still drafts, the rest submitted.
        kept = [(n, e, j) for n, (e, j) in enumerate(pairs)]
        _bulk(conn, ScoreSheet, [{
            "id": sheet_base + 1 + n, "round_id": ids["round"], "sheet_id": ids["sheet"], "entry_id": e,
            "judge_id": j, "status": "draft" if n % 3 == 0 else "submitted", "version": 1, "comment": "",
            "total": None if n % 3 == 0 else 70.0, "reopened_reason": "", "created_at": now, "updated_at": now,
        } for n, e, j in kept])
        _bulk(conn, CriterionScore, [{
            "score_sheet_id": sheet_base + 1 + n, "criterion_id": cid, "value": round(0.7 * mx), "comment": "",
        } for n, _, _ in kept for cid, mx in ids["criteria"]])
    # The judge under test: one who has drafts to save.
    ids["judge"] = judge_ids[0]
    with engine.connect() as conn:
        ids["draft"] = conn.execute(
            select(ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.version).where(
                ScoreSheet.judge_id == ids["judge"], ScoreSheet.status == "draft").limit(1)
        ).one()
        ids["sheets"] = conn.execute(text("SELECT COUNT(*) FROM score_sheet")).scalar_one()
        ids["entries"] = conn.execute(text("SELECT COUNT(*) FROM entry")).scalar_one()
        ids["assigned"] = conn.execute(
            select(Assignment.id).where(Assignment.judge_id == ids["judge"])).all().__len__()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return ids


def _timed(fn, repeats=REPEATS) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), max(times)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        db.migrate(url)
        engine = db.make_engine(url)
        names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'judge.db'}"
        db.migrate(url)
    start = time.perf_counter()
    ids = build(url)
    print(f"\nbuilt {ids['entries']:,} entries and {ids['sheets']:,} sheets in {time.perf_counter() - start:.1f} s "
          f"({url.split('://')[0]})")
    return url, ids


def test_judge_workspace_and_save_stay_within_150_ms(big_db):
    url, ids = big_db
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        user = s.get(User, ids["judge"])
        actor = accounts.actor_for(s, user)
    sheet_id, entry_id, version = ids["draft"]
    state = {"version": version}

    def load_workspace():
        with db.session_scope(engine, read_only=True) as s:
            rounds = judging.judge_workspace(session=s, actor=actor, edition_id=ids["edition"])
            assert sum(r["total"] for r in rounds) == ids["assigned"] == 50

    def open_entry():
        with db.session_scope(engine, read_only=True) as s:
            judging.portfolio(session=s, actor=actor, round_id=ids["round"], entry_id=entry_id)
            judging.score_form(session=s, actor=actor, round_id=ids["round"], entry_id=entry_id)

    def save():
        with db.session_scope(engine) as s:
            saved = judging.save_scores(session=s, actor=actor, sheet_id=sheet_id, expected_version=state["version"],
                                        values={"advancement": 10 + state["version"] % 10, "market": 12})
        state["version"] = saved.version

    for fn in (load_workspace, open_entry, save):
        fn()  # warm the connection pool and the statement caches
    workspace = _timed(load_workspace)
    opened = _timed(open_entry)
    saved = _timed(save)
    engine.dispose()
    print(f"judge workspace (50 assignments): median {workspace[0]:.1f} ms, max {workspace[1]:.1f} ms")
    print(f"open an entry (portfolio + sheet): median {opened[0]:.1f} ms, max {opened[1]:.1f} ms")
    print(f"save a draft (conditional UPDATE + audit): median {saved[0]:.1f} ms, max {saved[1]:.1f} ms")
    assert workspace[0] < TARGET_MS
    assert saved[0] < TARGET_MS
