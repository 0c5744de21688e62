"""No lost updates under real concurrency (SQLite here, PostgreSQL in CI): threads saving
distinct sheets all succeed, threads racing on one sheet leave exactly one winner and the
others told to reload, and nobody sees a database error."""

from __future__ import annotations

import threading

from sqlmodel import select

from contest import db
from contest.models import CriterionScore, Criterion, ScoreSheet
from contest.services import StaleData, judging
from tests.integration.test_judging import build_scene

DISTINCT = 32
RACERS = 8


def _run_together(engine, jobs):
    """Run each job in its own thread and session, released at the same moment."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def work(index, job):
        try:
            with db.session_scope(engine) as session:
                barrier.wait(timeout=60)
                outcomes[index] = job(session)
        except Exception as exc:  # noqa: BLE001 - every outcome is inspected by the test
            outcomes[index] = exc

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _saver(scene, judge, entry_index, advancement, version):
    def job(session):
        return judging.save_scores(
            session=session, actor=judge, round_id=scene.round.id, entry_id=scene.entries[entry_index].id,
            sheet_def_id=scene.sheet_def_id, expected_version=version, values={"advancement": advancement},
        )
    return job


def _stored_advancement(session, scene, entry_index):
    sheet = session.exec(select(ScoreSheet).where(ScoreSheet.entry_id == scene.entries[entry_index].id)).one()
    value = session.exec(
        select(CriterionScore.value).join(Criterion, Criterion.id == CriterionScore.criterion_id)
        .where(CriterionScore.score_sheet_id == sheet.id, Criterion.key == "advancement")
    ).one()
    return sheet.version, value


def test_distinct_saves_all_land_and_a_race_on_one_sheet_has_exactly_one_winner(session, edition, engine):
    scene = build_scene(session, edition, entries=DISTINCT + 1, judges=1)
    judge = scene.judges[0]
    contested = DISTINCT
    first = judging.save_scores(
        session=session, actor=judge, round_id=scene.round.id, entry_id=scene.entries[contested].id,
        sheet_def_id=scene.sheet_def_id, expected_version=0, values={"advancement": 1},
    )
    jobs = [_saver(scene, judge, n, n % 25, 0) for n in range(DISTINCT)]
    jobs += [_saver(scene, judge, contested, 10 + r, first.version) for r in range(RACERS)]
    outcomes = _run_together(engine, jobs)

    distinct, race = outcomes[:DISTINCT], outcomes[DISTINCT:]
    assert all(isinstance(o, judging.SavedSheet) for o in distinct), [o for o in distinct if isinstance(o, Exception)]
    winners = [o for o in race if isinstance(o, judging.SavedSheet)]
    losers = [o for o in race if isinstance(o, StaleData)]
    assert len(winners) == 1 and len(losers) == RACERS - 1, race
    assert all("reload" in str(o) for o in losers)

    session.expire_all()
    for n in range(DISTINCT):
        assert _stored_advancement(session, scene, n) == (1, n % 25)
    version, value = _stored_advancement(session, scene, contested)
    winner_value = 10 + race.index(winners[0])
    assert (version, value) == (2, winner_value)


def test_racing_to_create_the_same_sheet_leaves_one_sheet_and_one_winner(session, edition, engine):
    scene = build_scene(session, edition, entries=1, judges=1)
    judge = scene.judges[0]
    outcomes = _run_together(engine, [_saver(scene, judge, 0, 5 + r, 0) for r in range(RACERS)])
    winners = [o for o in outcomes if isinstance(o, judging.SavedSheet)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, StaleData) for o in outcomes if o is not winners[0]), outcomes
    session.expire_all()
    assert _stored_advancement(session, scene, 0) == (1, 5 + outcomes.index(winners[0]))
