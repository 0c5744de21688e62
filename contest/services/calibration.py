"""Calibration entries: a few entries of a round that every judge of the pool scores first.

They tie every judge into one connected design (so the judge-offset model can always put
the judges on one scale), give the reliability report a block that all judges scored (its
ICC and Kendall's W), and, once a judge has submitted them, show that judge where their
scores sit against the rest of the panel (leniency and spread; nobody else's identity).
The organiser chooses whether the calibration sheets count in the ranking.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from sqlmodel import Session, select

from contest.auth import Actor
from contest.labels import label as named
from contest.models import (
    Assignment,
    AssignmentStatus,
    CalibrationEntry,
    Entry,
    Role,
    RoundResult,
    ScoreSheet,
    SheetStatus,
)
from contest.services import InvalidInput, audit, panels, queries, require_role

FEWEST, MOST = 2, 5
SOURCE = "calibration"  # Assignment.source of the pairs calibration adds


def entry_ids(session: Session, round_id: int) -> list[int]:
    """The round's calibration entries, in the organiser's order."""
    return list(session.exec(select(CalibrationEntry.entry_id).where(CalibrationEntry.round_id == round_id)
                             .order_by(CalibrationEntry.position, CalibrationEntry.id)).all())


def pairs(session: Session, round_id: int) -> set[tuple[int, int]]:
    """(judge_id, entry_id) of the active assignments calibration made in the round."""
    return set(session.exec(select(Assignment.judge_id, Assignment.entry_id).where(
        Assignment.round_id == round_id, Assignment.source == SOURCE,
        Assignment.status == AssignmentStatus.active.value)).all())


@dataclass(frozen=True)
class CalibrationSettings:
    entries: tuple[dict, ...]  # {entry_id, code, title} in order
    counts: bool  # whether their sheets count in the ranking
    judges: int  # judges assigned to every calibration entry
    skipped: tuple[dict, ...]  # {entry code, judge}: a conflict kept the judge off it
    candidates: tuple[str, ...]  # codes of the round's entries, to choose from


def calibration_settings(*, session: Session, actor: Actor, round_id: int) -> CalibrationSettings:
    """What the organiser sees: the calibration entries, whether they count, who scores them."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    ids = entry_ids(session, rnd.id)
    entries = {e.id: e for e in session.exec(select(Entry).where(Entry.id.in_(ids or [-1]))).all()}
    made = pairs(session, rnd.id)
    pool = queries.judge_pool(session, rnd.edition_id)
    names = queries.pool_labels(pool)
    skipped, on_every = [], {j.user_id for j in pool}
    for entry_id in ids:
        on_it = {j for j, e in made if e == entry_id} | _other_pairs(session, rnd.id, entry_id)
        skipped += [{"entry_code": entries[entry_id].code, "judge": names[j.user_id]}
                    for j in pool if j.user_id not in on_it]
        on_every &= on_it
    judges = len(on_every) if ids else 0
    return CalibrationSettings(
        entries=tuple({"entry_id": i, "code": entries[i].code, "title": entries[i].title} for i in ids if i in entries),
        counts=rnd.calibration_counts, judges=judges, skipped=tuple(skipped),
        candidates=tuple(sorted(e.code for e in queries.round_entries(session, rnd))))


def _other_pairs(session: Session, round_id: int, entry_id: int) -> set[int]:
    """Judges on the entry through an ordinary assignment."""
    return set(session.exec(select(Assignment.judge_id).where(
        Assignment.round_id == round_id, Assignment.entry_id == entry_id,
        Assignment.status == AssignmentStatus.active.value, Assignment.source != SOURCE)).all())


def set_calibration(*, session: Session, actor: Actor, round_id: int, entry_codes: list[str],
                    counts: bool = True) -> CalibrationSettings:
    """Make these 2-5 entries of the round (none: calibration off) the ones every judge of
    the pool scores first, assigning each judge to each of them unless a conflict forbids
    it; a calibration pair a judge has already worked on stays. Audited."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    codes = list(dict.fromkeys(c.strip() for c in entry_codes if c and c.strip()))
    if codes and not FEWEST <= len(codes) <= MOST:
        raise InvalidInput("calibration.how_many", fewest=FEWEST, most=MOST, n=len(codes))
    in_round = {e.code: e for e in queries.round_entries(session, rnd)}
    unknown = [c for c in codes if c not in in_round]
    if unknown:
        raise InvalidInput("calibration.not_in_round", codes=", ".join(unknown), round=named(rnd))
    chosen = [in_round[c] for c in codes]
    before = {"entries": [_code(session, i) for i in entry_ids(session, rnd.id)], "counts": rnd.calibration_counts}
    for row in session.exec(select(CalibrationEntry).where(CalibrationEntry.round_id == rnd.id)).all():
        session.delete(row)
    session.flush()
    for position, entry in enumerate(chosen):
        session.add(CalibrationEntry(round_id=rnd.id, entry_id=entry.id, position=position,
                                     created_by=actor.user_id))
    # Pairs calibration added to entries no longer chosen go, unless the judge worked on them.
    keep = {e.id for e in chosen}
    with_work = queries.pairs_with_work(session, rnd.id)
    gone = [a for a in session.exec(select(Assignment).where(
        Assignment.round_id == rnd.id, Assignment.source == SOURCE,
        Assignment.status == AssignmentStatus.active.value)).all()
        if a.entry_id not in keep and (a.judge_id, a.entry_id) not in with_work]
    panels.withdraw_assignments(session, gone)
    pool = queries.judge_pool(session, rnd.edition_id)
    forbidden = panels.forbidden_pairs(session, rnd.edition_id, chosen, same_region=rnd.region_conflicts, pool=pool)
    active = {(a.judge_id, a.entry_id) for a in queries.active_assignments(session, rnd.id)}
    added = 0
    for entry in chosen:
        for judge in pool:
            pair = (judge.user_id, entry.id)
            if pair not in active and pair not in forbidden:
                panels.activate_assignment(session, rnd.id, entry.id, judge.user_id, actor.user_id, source=SOURCE)
                added += 1
    rnd.calibration_counts = bool(counts)
    session.add(rnd)
    after = {"entries": codes, "counts": bool(counts)}
    if after != before or added or gone:
        audit(session, actor, "calibration.set", "round", rnd.id, edition_id=rnd.edition_id,
              before=before, after=after, assigned=added, withdrawn=len(gone))
    session.commit()
    return calibration_settings(session=session, actor=actor, round_id=rnd.id)


def _code(session: Session, entry_id: int) -> str:
    entry = session.get(Entry, entry_id)
    return entry.code if entry else str(entry_id)


def suggest_calibration(*, session: Session, actor: Actor, round_id: int, n: int = 3) -> list[str]:
    """Entry codes typical of the field: with results of the previous scored round, the
    entries at evenly spaced quantiles of its adjusted scores (low, middle, high); without,
    one entry from each of the round's largest tracks in turn (lowest code first)."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    n = max(FEWEST, min(MOST, n))
    entries = queries.round_entries(session, rnd)
    previous = queries.previous_scored_round(session, rnd)
    if previous is not None:
        codes = {e.id: e.code for e in entries}
        scored = sorted((score, codes[entry_id]) for entry_id, score in session.exec(
            select(RoundResult.entry_id, RoundResult.adjusted_score).where(
                RoundResult.round_id == previous.id, RoundResult.entry_id.in_(list(codes) or [-1]),
                RoundResult.adjusted_score != None)).all())  # noqa: E711
        if len(scored) >= n:
            picks = [scored[round((k + 1) * (len(scored) - 1) / (n + 1))][1] for k in range(n)]
            if len(set(picks)) == n:
                return picks
    by_track: dict = {}
    for entry in sorted(entries, key=lambda e: e.code):
        by_track.setdefault(entry.track_id, []).append(entry.code)
    queues = sorted(by_track.values(), key=lambda codes: (-len(codes), codes[0]))
    picks: list[str] = []
    while len(picks) < min(n, len(entries)):
        for queue in queues:
            if queue and len(picks) < n:
                picks.append(queue.pop(0))
    return picks


# --- the judge's self-check ------------------------------------------------------------------


@dataclass(frozen=True)
class SelfCheck:
    """Where a judge's calibration scores sit against the rest of the panel's."""

    ready: bool  # False until the judge has submitted every calibration sheet
    to_submit: int  # calibration entries the judge has still to submit
    rows: tuple[dict, ...]  # per entry: code, mine, panel_mean, panel_low, panel_high, panel_n
    leniency: float | None  # mean of (mine - panel mean): above 0 is more generous
    my_spread: float | None  # highest minus lowest of my totals
    panel_spread: float | None  # the same for the panel's means


def self_check(*, session: Session, actor: Actor, round_id: int) -> SelfCheck | None:
    """The judge's calibration check for a round (None: the round has no calibration entry
    assigned to them). Shown only once they submitted all of theirs, so it cannot anchor
    their scores; the panel is everyone else's submitted sheets, never named."""
    require_role(actor, Role.judge)
    rnd = queries.scored_round(session, round_id)
    ids = entry_ids(session, rnd.id)
    mine_assigned = set(session.exec(select(Assignment.entry_id).where(
        Assignment.round_id == rnd.id, Assignment.judge_id == actor.user_id,
        Assignment.status == AssignmentStatus.active.value, Assignment.entry_id.in_(ids or [-1]))).all())
    ids = [i for i in ids if i in mine_assigned]
    if not ids:
        return None
    sheets = session.exec(select(ScoreSheet.entry_id, ScoreSheet.judge_id, ScoreSheet.total).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id.in_(ids),
        ScoreSheet.status == SheetStatus.submitted.value, ScoreSheet.total != None)).all()  # noqa: E711
    totals: dict[tuple[int, int], list[float]] = {}
    for entry_id, judge_id, total in sheets:
        totals.setdefault((entry_id, judge_id), []).append(float(total))
    mine = {e: statistics.fmean(totals[(e, actor.user_id)]) for e in ids if (e, actor.user_id) in totals}
    waiting = len([e for e in ids if e not in mine])
    if waiting:
        return SelfCheck(False, waiting, (), None, None, None)
    rows, gaps = [], []
    for entry_id in ids:
        others = [statistics.fmean(v) for (e, j), v in totals.items() if e == entry_id and j != actor.user_id]
        row = {"code": _code(session, entry_id), "mine": round(mine[entry_id], 1),
               "panel_mean": round(statistics.fmean(others), 1) if others else None,
               "panel_low": round(min(others), 1) if others else None,
               "panel_high": round(max(others), 1) if others else None, "panel_n": len(others)}
        rows.append(row)
        if others:
            gaps.append(mine[entry_id] - statistics.fmean(others))
    means = [r["panel_mean"] for r in rows if r["panel_mean"] is not None]
    return SelfCheck(
        True, 0, tuple(rows),
        leniency=round(statistics.fmean(gaps), 1) if gaps else None,
        my_spread=round(max(mine.values()) - min(mine.values()), 1),
        panel_spread=round(max(means) - min(means), 1) if len(means) >= 2 else None)
