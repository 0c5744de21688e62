"""The live board of a roadshow round (semi-final, final): the organiser puts an entry on
stage and decides what the venue screen reveals; the board shows that and nothing else.

Only a scored round that is not blind has a board (a blind round's entrants stay unnamed).
Judges show as J1...Jn, numbered per entry in the order their totals came in: a number names
no one and does not follow a judge from one entry to the next. A judge's total is their
submitted sheets for the entry blended by the sheets' weights, shown once every sheet of
theirs is submitted; drafts never show. The round score is the round's formula
(contest.roadshow) over those totals, labelled partial until every assigned judge is in.

Who sees the board: organisers only. The venue screen is an organiser's signed-in browser
showing the board page full screen; there is no public link to leak.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from contest import roadshow
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.labels import Label, label as named
from contest.models import (
    Assignment,
    AssignmentStatus,
    BoardState,
    Entry,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
)
from contest.services import InvalidInput, NotFound, audit, queries, require_role

BLIND_REFUSED = "board.blind_round"


@dataclass(frozen=True)
class JudgeTotal:
    label: str  # J1, J2, ... in the order the totals came in
    total: float
    dropped: bool  # left out by the formula (trimmed: the highest or the lowest)


@dataclass(frozen=True)
class Standing:
    """An entry's line on the board: its judges' totals (when revealed) and its round score."""

    entry_id: int
    code: str
    title: str
    assigned: int  # judges with an active assignment
    submitted: int  # of them, those whose total is in
    judges: tuple[JudgeTotal, ...]
    score: float | None

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.submitted >= self.assigned


@dataclass(frozen=True)
class BoardView:
    round_id: int
    round: Label
    formula: roadshow.Formula
    on_stage: Standing | None
    totals_revealed: bool
    running_order: tuple[Standing, ...] | None  # None: not shown


@dataclass(frozen=True)
class BoardControl:
    round_id: int
    on_stage: int | None
    reveal_totals: bool
    show_running_order: bool
    entries: list[dict]  # entry_id, code, title, presented (bool), by code


# ---------------------------------------------------------------- which rounds, which state


def _board_round(session: Session, round_id: int) -> Round:
    """The round, if it may have a board: scored and not blind."""
    rnd = queries.scored_round(session, round_id, lacks="board.lacks_board")
    if rnd.blind:
        raise InvalidInput(BLIND_REFUSED, round=named(rnd))
    return rnd


def _state(session: Session, rnd: Round) -> BoardState | None:
    return session.exec(select(BoardState).where(BoardState.round_id == rnd.id)).first()


def _round_entries(session: Session, rnd: Round) -> list[Entry]:
    """The entries the round's judges score (an active assignment), by code."""
    return list(session.exec(
        select(Entry).where(Entry.id.in_(
            select(Assignment.entry_id).where(Assignment.round_id == rnd.id,
                                              Assignment.status == AssignmentStatus.active.value)))
        .order_by(Entry.code)
    ).all())


def board_rounds(*, session: Session, actor: Actor, edition_id: int) -> list[Round]:
    """The edition's rounds that may have a board (scored, not blind), in their order."""
    require_role(actor, Role.organiser)
    return list(session.exec(
        select(Round).where(Round.edition_id == edition_id, Round.scored == True,  # noqa: E712
                            Round.blind == False)  # noqa: E712
        .order_by(Round.position, Round.id)
    ).all())


def live_round(*, session: Session, actor: Actor, edition_id: int) -> int | None:
    """The round whose board the organiser changed last (the one the venue screen follows)."""
    require_role(actor, Role.organiser)
    return session.exec(
        select(BoardState.round_id).join(Round, Round.id == BoardState.round_id)
        .where(Round.edition_id == edition_id, Round.scored == True, Round.blind == False)  # noqa: E712
        .order_by(BoardState.updated_at.desc(), BoardState.id.desc())
    ).first()


def board_control(*, session: Session, actor: Actor, round_id: int) -> BoardControl:
    """The organiser's controls: the round's entries (those presented marked), the entry on
    stage and the reveal switches."""
    require_role(actor, Role.organiser)
    rnd = _board_round(session, round_id)
    state = _state(session, rnd)
    presented = set(state.presented if state else [])
    return BoardControl(
        round_id=rnd.id, on_stage=state.on_stage_entry_id if state else None,
        reveal_totals=bool(state and state.reveal_totals),
        show_running_order=bool(state and state.show_running_order),
        entries=[{"entry_id": e.id, "code": e.code, "title": e.title, "presented": e.id in presented}
                 for e in _round_entries(session, rnd)],
    )


# ---------------------------------------------------------------- the organiser's changes


def _changed(session: Session, actor: Actor, rnd: Round) -> BoardState:
    state = _state(session, rnd) or BoardState(round_id=rnd.id)
    state.updated_at = utcnow()
    state.updated_by = actor.user_id
    return state


def put_on_stage(*, session: Session, actor: Actor, round_id: int, entry_id: int | None) -> BoardState:
    """Put one of the round's entries on stage (None: the stage is empty between teams); it
    joins the running order the first time it goes on."""
    require_role(actor, Role.organiser)
    rnd = _board_round(session, round_id)
    entry = None
    if entry_id is not None:
        entry = next((e for e in _round_entries(session, rnd) if e.id == entry_id), None)
        if entry is None:
            raise NotFound("panels.entry_not_in_round", round=named(rnd))
    state = _changed(session, actor, rnd)
    state.on_stage_entry_id = entry.id if entry else None
    if entry is not None and entry.id not in state.presented:
        state.presented = [*state.presented, entry.id]  # a new list: JSON columns see no append
    session.add(state)
    session.flush()
    audit(session, actor, "board.on_stage", "board_state", state.id, edition_id=rnd.edition_id,
          round=rnd.key, entry=entry.code if entry else None)
    session.commit()
    return state


def set_reveal(*, session: Session, actor: Actor, round_id: int, totals: bool, running_order: bool) -> BoardState:
    """What the board shows: the judges' totals and the formula's result for the entry on
    stage (live), and the running order with the round scores of the entries before it."""
    require_role(actor, Role.organiser)
    rnd = _board_round(session, round_id)
    state = _changed(session, actor, rnd)
    state.reveal_totals, state.show_running_order = bool(totals), bool(running_order)
    session.add(state)
    session.flush()
    audit(session, actor, "board.reveal", "board_state", state.id, edition_id=rnd.edition_id,
          round=rnd.key, totals=state.reveal_totals, running_order=state.show_running_order)
    session.commit()
    return state


# ---------------------------------------------------------------- the board


def _judge_totals(session: Session, rnd: Round, entries: Sequence[Entry]) -> dict[int, tuple[int, list[float]]]:
    """entry id -> (judges assigned, their totals in the order they came in): a judge's total
    blends their submitted sheets by weight once every sheet of their entry's category is in."""
    ids = [e.id for e in entries]
    assigned: dict[int, set[int]] = defaultdict(set)
    for entry_id, judge_id in session.exec(
        select(Assignment.entry_id, Assignment.judge_id).where(
            Assignment.round_id == rnd.id, Assignment.entry_id.in_(ids),
            Assignment.status == AssignmentStatus.active.value)
    ).all():
        assigned[entry_id].add(judge_id)
    sheets: dict[int | None, dict[int, float]] = defaultdict(dict)  # category -> definition -> weight
    for definition_id, category_id, weight in session.exec(
        select(SheetDefinition.id, SheetDefinition.category_id, SheetDefinition.weight).where(
            SheetDefinition.round_id == rnd.id, SheetDefinition.active == True)  # noqa: E712
    ).all():
        sheets[category_id][definition_id] = float(weight)
    found: dict[tuple[int, int], list] = defaultdict(list)
    for row in session.exec(
        select(ScoreSheet.entry_id, ScoreSheet.judge_id, ScoreSheet.sheet_id, ScoreSheet.total,
               ScoreSheet.submitted_at, ScoreSheet.id).where(
            ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id.in_(ids),
            ScoreSheet.status == SheetStatus.submitted.value, ScoreSheet.total.is_not(None))
    ).all():
        found[(row[0], row[1])].append(row[2:])
    out = {}
    for entry in entries:
        weights = sheets.get(entry.category_id, {})
        done = []
        for judge_id in assigned.get(entry.id, ()):
            rows = [r for r in found.get((entry.id, judge_id), []) if r[0] in weights]
            if not weights or {r[0] for r in rows} != set(weights):
                continue
            share = sum(weights.values())
            total = (sum(weights[r[0]] * r[1] for r in rows) / share if share > 0
                     else sum(r[1] for r in rows) / len(rows))
            done.append((max(r[2] for r in rows), min(r[3] for r in rows), total))
        out[entry.id] = (len(assigned.get(entry.id, ())), [total for *_order, total in sorted(done)])
    return out


def _standing(entry: Entry, assigned: int, totals: list[float], formula: roadshow.Formula, *,
              with_judges: bool) -> Standing:
    outcome = roadshow.apply(formula, totals)
    judges = tuple(JudgeTotal(f"J{n + 1}", total, n in outcome.dropped) for n, total in enumerate(totals))
    return Standing(entry.id, entry.code, entry.title, assigned, len(totals),
                    judges if with_judges else (), outcome.score)


def board_view(*, session: Session, actor: Actor, round_id: int) -> BoardView:
    """What the venue screen shows, and only what the organiser revealed: the entry on stage
    (its judges' totals and the formula's result once totals are revealed) and, when shown,
    the running order of the entries presented before it with their round scores."""
    require_role(actor, Role.organiser)
    rnd = _board_round(session, round_id)
    formula = roadshow.formula_for(rnd.method)
    state = _state(session, rnd)
    if state is None:
        return BoardView(rnd.id, named(rnd), formula, None, False, None)
    wanted = [state.on_stage_entry_id] if state.on_stage_entry_id else []
    if state.show_running_order:
        wanted += [i for i in state.presented if i != state.on_stage_entry_id]
    entries = {e.id: e for e in session.exec(select(Entry).where(Entry.id.in_(wanted))).all()} if wanted else {}
    totals = _judge_totals(session, rnd, list(entries.values()))
    on_stage = None
    if state.on_stage_entry_id in entries:
        entry = entries[state.on_stage_entry_id]
        assigned, judged = totals[entry.id]
        if state.reveal_totals:
            on_stage = _standing(entry, assigned, judged, formula, with_judges=True)
        else:  # how many totals are in, never the totals
            on_stage = Standing(entry.id, entry.code, entry.title, assigned, len(judged), (), None)
    running = None
    if state.show_running_order:
        running = tuple(_standing(entries[i], *totals[i], formula, with_judges=False)
                        for i in state.presented if i != state.on_stage_entry_id and i in entries)
    return BoardView(rnd.id, named(rnd), formula, on_stage, state.reveal_totals, running)

