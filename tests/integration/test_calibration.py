"""Calibration entries: every judge of the pool scores them first; they join judges assigned
by expertise alone into one design that ranks, give the reliability report a block all
judges scored (ICC, Kendall's W, also in the workbook), and show each judge where their
scores sit against the rest of the panel, once they have submitted them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    AuditEvent,
    Category,
    Entry,
    EntryStatus,
    JudgeProfile,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    Track,
)
from contest.services import InvalidInput, PermissionDenied, calibration, judging, results
from contest.services.standings import DesignSplit
from tests.integration.test_judging import person  # users with one argon2 hash per run

pytestmark = pytest.mark.integration


@dataclass
class Field:
    round: Round
    sheet_id: int
    organiser: object
    judges: list  # three for each of two tracks
    entries: dict  # code -> Entry


def _field(session, edition) -> Field:
    """Two tracks, three judges expert in each, four entries in each; each judge assigned
    only to their own track's entries (a design in two pieces)."""
    rnd = session.exec(select(Round).where(Round.edition_id == edition.id, Round.key == "preliminary")).one()
    invention = session.exec(select(Category).where(Category.edition_id == edition.id,
                                                    Category.key == "invention")).one()
    sheet = session.exec(select(SheetDefinition).where(SheetDefinition.round_id == rnd.id,
                                                       SheetDefinition.category_id == invention.id)).one()
    tracks = session.exec(select(Track).where(Track.edition_id == edition.id).order_by(Track.position)).all()[:2]
    organiser = person(session, Role.organiser, email="office@example.org", name="Office")
    judges, entries = [], {}
    for t, track in enumerate(tracks):
        for n in range(3):
            judge = person(session, Role.judge, email=f"judge{t}{n}@panel.example.org", name=f"Judge {t}{n}")
            session.add(JudgeProfile(edition_id=edition.id, user_id=judge.user_id, organisation=f"Org {t}{n}",
                                     expertise=[track.key]))
            judges.append(judge)
        for n in range(4):
            entry = Entry(edition_id=edition.id, code=f"{'AB'[t]}-{n}", title=f"Portfolio {'AB'[t]}{n}",
                          applicant=f"Applicant {t}{n}", category_id=invention.id, track_id=track.id,
                          status=EntryStatus.eligible.value, current_round_id=rnd.id)
            session.add(entry)
            session.flush()
            entries[entry.code] = entry
            for judge in judges[3 * t:3 * t + 3]:
                session.add(Assignment(round_id=rnd.id, entry_id=entry.id, judge_id=judge.user_id))
    session.commit()
    return Field(rnd, sheet.id, organiser, judges, entries)


def _submit(session, field, judge, code, total):
    entry = field.entries[code]
    session.add(ScoreSheet(round_id=field.round.id, sheet_id=field.sheet_id, entry_id=entry.id,
                           judge_id=judge.user_id, status="submitted", total=total, submitted_at=utcnow()))
    session.commit()


def _quality(code: str) -> float:
    return {"0": 52.0, "1": 61.0, "2": 70.0, "3": 79.0}[code[-1]] + (3.0 if code[0] == "B" else 0.0)


def _score_own_track(session, field):
    for i, judge in enumerate(field.judges):
        for code in field.entries:
            if "AB".index(code[0]) == i // 3:
                _submit(session, field, judge, code, _quality(code) + (i % 3) * 2.0)


@pytest.fixture
def field(session, edition) -> Field:
    return _field(session, edition)


def test_calibration_joins_judges_assigned_by_expertise_alone_into_a_design_that_ranks(session, field):
    _score_own_track(session, field)
    with pytest.raises(DesignSplit):
        results.rank_round(session=session, actor=field.organiser, round_id=field.round.id, draws=0)
    settings = calibration.set_calibration(session=session, actor=field.organiser, round_id=field.round.id,
                                           entry_codes=["A-1", "B-2"])
    assert [e["code"] for e in settings.entries] == ["A-1", "B-2"] and settings.judges == 6
    assigned = set(session.exec(select(Assignment.judge_id, Assignment.entry_id)
                                .where(Assignment.source == calibration.SOURCE)).all())
    # each judge is added to the other track's calibration entry (their own they had already)
    assert len(assigned) == 6
    for i, judge in enumerate(field.judges):
        other = "B-2" if i < 3 else "A-1"
        _submit(session, field, judge, other, _quality(other) + (i % 3) * 2.0)

    ranked = results.rank_round(session=session, actor=field.organiser, round_id=field.round.id, draws=0)
    assert sorted(ranked.table["entry_code"]) == sorted(field.entries)
    reliability = results.round_reliability(session=session, actor=field.organiser, round_id=field.round.id,
                                            draws=0)
    block = reliability.report.blocks[reliability.report.blocks["calibration"]]
    assert len(block) == 1 and block.iloc[0]["n_judges"] == 6 and block.iloc[0]["n_entries"] == 2
    assert 0.0 <= block.iloc[0]["kendall_w"] <= 1.0 and block.iloc[0]["icc_a1"] == block.iloc[0]["icc_a1"]
    export = results.results_for_export(session, field.round.id, "model", actor=field.organiser, draws=0)
    measures = set(export.reliability["measure"])
    assert {"calibration block: icc_a1", "calibration block: kendall_w"} <= measures
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "calibration.set")).all()
    assert event.details["after"] == {"entries": ["A-1", "B-2"], "counts": True} and event.details["assigned"] == 6


def test_a_large_rank_read_and_run_in_a_worker_process_refuses_a_split_design_in_the_readers_language(
        session, field, monkeypatch):
    """A large round is read and ranked whole in a worker process (standings.rank); its
    refusal comes back whole: the message id, the entries named, readable in Chinese."""
    from contest import workers
    from contest.services import standings

    _score_own_track(session, field)
    monkeypatch.setattr(standings, "WORKER_WORK", 1)  # this small round goes where a large one would
    sent = []
    real = workers.run
    monkeypatch.setattr(workers, "run", lambda fn, *a, **k: sent.append(fn.__name__) or real(fn, *a, **k))
    with pytest.raises(DesignSplit) as split:
        results.rank_round(session=session, actor=field.organiser, round_id=field.round.id, draws=0)
    assert sent == ["_rank_stored"]
    assert split.value.message.id == "results.disconnected" and split.value.stranded == ("B-0", "B-1", "B-2", "B-3")
    assert "B-0" in split.value.render("zh_Hant") and split.value.render("zh_Hant") != split.value.render("en")
    calibration.set_calibration(session=session, actor=field.organiser, round_id=field.round.id,
                                entry_codes=["A-1", "B-2"])
    for i, judge in enumerate(field.judges):
        other = "B-2" if i < 3 else "A-1"
        _submit(session, field, judge, other, _quality(other) + (i % 3) * 2.0)
    ranked = results.rank_round(session=session, actor=field.organiser, round_id=field.round.id, draws=20)
    assert sent == ["_rank_stored", "_rank_stored"]
    assert sorted(ranked.table["entry_code"]) == sorted(field.entries) and ranked.result.draws == 20


def test_practice_calibration_entries_are_left_out_of_the_ranking_but_not_the_reliability_block(session, field):
    _score_own_track(session, field)
    calibration.set_calibration(session=session, actor=field.organiser, round_id=field.round.id,
                                entry_codes=["A-1", "A-2"], counts=False)
    for judge in field.judges[3:]:
        for code in ("A-1", "A-2"):
            _submit(session, field, judge, code, _quality(code))
    ranked = results.rank_round(session=session, actor=field.organiser, round_id=field.round.id,
                                method="mean", draws=0)
    assert "A-1" not in set(ranked.table["entry_code"]) and "A-0" in set(ranked.table["entry_code"])
    report = results.round_reliability(session=session, actor=field.organiser, round_id=field.round.id,
                                       method="mean", draws=0).report
    assert report.blocks["calibration"].any()


def test_a_judge_scores_calibration_first_and_sees_the_check_only_after_submitting_them(session, field):
    calibration.set_calibration(session=session, actor=field.organiser, round_id=field.round.id,
                                entry_codes=["A-1", "B-2"])
    me, *others = field.judges
    [workspace] = judging.judge_workspace(session=session, actor=me, edition_id=field.round.edition_id)
    assert [e["code"] for e in workspace["entries"][:2]] == ["A-1", "B-2"]
    assert all(e["calibration"] for e in workspace["entries"][:2]) and workspace["calibration_to_do"] == 2
    assert judging.next_to_score(workspace["entries"])["code"] == "A-1"
    for judge in others:
        _submit(session, field, judge, "A-1", 60.0)
        _submit(session, field, judge, "B-2", 80.0)
    _submit(session, field, me, "A-1", 70.0)
    check = calibration.self_check(session=session, actor=me, round_id=field.round.id)
    assert not check.ready and check.to_submit == 1 and check.rows == ()  # nothing to anchor on yet
    _submit(session, field, me, "B-2", 86.0)
    check = calibration.self_check(session=session, actor=me, round_id=field.round.id)
    assert check.ready and check.leniency == pytest.approx(8.0)  # +10 and +6 against the others
    assert [(r["code"], r["mine"], r["panel_mean"], r["panel_n"]) for r in check.rows] == [
        ("A-1", 70.0, 60.0, 5), ("B-2", 86.0, 80.0, 5)]
    assert (check.my_spread, check.panel_spread) == (16.0, 20.0)
    assert not any("@" in str(value) or "Judge" in str(value) for row in check.rows for value in row.values())


def test_calibration_refuses_too_many_unknown_entries_and_anyone_but_the_organiser(session, field):
    rnd = field.round.id
    with pytest.raises(InvalidInput, match="Choose 2 to 5 calibration entries"):
        calibration.set_calibration(session=session, actor=field.organiser, round_id=rnd, entry_codes=["A-1"])
    with pytest.raises(InvalidInput, match="Not entries of Preliminary: Z-9"):
        calibration.set_calibration(session=session, actor=field.organiser, round_id=rnd, entry_codes=["A-1", "Z-9"])
    with pytest.raises(PermissionDenied):
        calibration.set_calibration(session=session, actor=field.judges[0], round_id=rnd, entry_codes=["A-1", "A-2"])
    assert calibration.entry_ids(session, rnd) == []
    assert not session.exec(select(Assignment).where(Assignment.source == calibration.SOURCE)).all()


def test_changing_the_calibration_entries_withdraws_unstarted_pairs_and_keeps_work(session, field):
    rnd = field.round.id
    calibration.set_calibration(session=session, actor=field.organiser, round_id=rnd, entry_codes=["A-1", "B-2"])
    _submit(session, field, field.judges[0], "B-2", 75.0)  # an A judge already scored the B entry
    calibration.set_calibration(session=session, actor=field.organiser, round_id=rnd, entry_codes=["A-3", "B-0"])
    active = set(session.exec(select(Assignment.judge_id, Assignment.entry_id).where(
        Assignment.source == calibration.SOURCE, Assignment.status == "active")).all())
    b2 = field.entries["B-2"].id
    assert (field.judges[0].user_id, b2) in active  # started work stays
    assert not any(entry == b2 and judge != field.judges[0].user_id for judge, entry in active)


def test_the_suggestion_spreads_over_tracks_without_earlier_results(session, field):
    picks = calibration.suggest_calibration(session=session, actor=field.organiser, round_id=field.round.id, n=3)
    assert picks == ["A-0", "B-0", "A-1"]


def test_a_new_assignment_keeps_every_calibration_pair(session, field):
    from contest.services import assignments

    calibration.set_calibration(session=session, actor=field.organiser, round_id=field.round.id,
                                entry_codes=["A-1", "B-2"])
    preview = assignments.preview_assignment(session=session, actor=field.organiser, round_id=field.round.id)
    pairs = set(preview.result.pairs)
    for judge in field.judges:
        assert (judge.user_id, field.entries["A-1"].id) in pairs and (judge.user_id, field.entries["B-2"].id) in pairs
    assert not {(j, e) for j, e in preview.to_withdraw if e in (field.entries["A-1"].id, field.entries["B-2"].id)}
