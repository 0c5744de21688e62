"""A round ranked from its stored score sheets: the one loader the results, decisions and
export services share (one aggregate query for the ratings, no ORM object per row), with
the round's cut, the edition's award tiers and tie rule."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import case, func
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from contest import db, ranking, workers
from contest import labels as names
from contest.models import (
    AdvancementRule,
    Category,
    ContestGroup,
    Criterion,
    CriterionScore,
    Decision,
    DecisionKind,
    Edition,
    Entry,
    PublicVote,
    Round,
    RoundResult,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
)
from contest.services import InvalidInput, calibration, heavy, queries, refused_by_rule

DEFAULT_DRAWS = 1000
# A rank is large with ratings x (draws + 1) of at least WORKER_WORK, or WORKER_RATINGS
# ratings: it runs in a fresh worker process with a progress bar (contest.workers.run).
# Below that it takes tens of milliseconds (200 ratings with 1,000 draws: 57 ms), less than
# a fresh worker's start costs, and runs in the resident worker (workers.run_short).
WORKER_RATINGS = 5000
WORKER_WORK = 300_000


def ranks_in_worker(ratings: int, draws: int) -> bool:
    return ratings >= WORKER_RATINGS or ratings * (max(draws, 0) + 1) >= WORKER_WORK


class DesignSplit(InvalidInput):
    """The round's ratings fall into pieces that share no judge, and the method needs them
    connected; names the entries scored apart from the main piece and the way out."""

    def __init__(self, rnd: Round, report: ranking.DesignReport, codes: Mapping[int, str]):
        apart = [codes.get(e, str(e)) for piece in report.components[1:] for e in piece["entries"]]
        super().__init__("results.disconnected", round=names.label(rnd), pieces=report.n_components,
                         n=len(apart), entries=", ".join(sorted(apart)[:12]),
                         methods=", ".join(ranking.methods_for_design(False)))
        self.report = report
        self.stranded = tuple(sorted(apart))


@dataclass
class RoundRanking:
    """A round ranked by one method, with the entries' codes, labels and decisions."""

    round_id: int
    round_key: str
    round_label: str
    edition_id: int
    method: str
    blind: bool
    cut: ranking.Cut | None
    result: ranking.RankingResult
    table: pd.DataFrame  # result.entries plus entry_id, entry_code, title, applicant, labels
    warnings: list[str] = field(default_factory=list)
    calibration: tuple[int, ...] = ()  # the round's calibration entries
    # their sheets when they do not count in the ranking (the reliability report uses them)
    calibration_ratings: pd.DataFrame | None = None


# ---------------------------------------------------------------- loading


def round_of(session: Session, round_id: int) -> Round:
    """The scored round to rank (a refusal names what an unscored one lacks)."""
    return queries.scored_round(session, round_id, lacks="rounds.lacks_ranking")


def sheet_definitions(session: Session, round_id: int) -> list[SheetDefinition]:
    return list(session.exec(select(SheetDefinition).where(SheetDefinition.round_id == round_id)))


def load_ratings(session: Session, round_id: int) -> pd.DataFrame:
    """Submitted sheets of the round's judged entries: entry, judge, sheet, y, heaviest,
    raw_points (one aggregate query)."""
    definitions = sheet_definitions(session, round_id)
    heaviest: dict[int, tuple[int, float]] = {}
    for d in definitions:
        criteria = list(session.exec(select(Criterion).where(Criterion.sheet_id == d.id)
                                     .order_by(Criterion.position)))
        if criteria:
            top = max(criteria, key=lambda c: (c.weight, -c.position))
            heaviest[d.id] = (top.id, float(top.max_points))
    heaviest_ids = [cid for cid, _ in heaviest.values()] or [-1]
    stmt = (
        select(
            ScoreSheet.entry_id, ScoreSheet.judge_id, SheetDefinition.key, ScoreSheet.sheet_id,
            ScoreSheet.total,
            func.sum(CriterionScore.value),
            func.sum(case((CriterionScore.criterion_id.in_(heaviest_ids), CriterionScore.value),
                          else_=0.0)),
        )
        .join(SheetDefinition, SheetDefinition.id == ScoreSheet.sheet_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(CriterionScore, CriterionScore.score_sheet_id == ScoreSheet.id, isouter=True)
        .where(ScoreSheet.round_id == round_id,
               ScoreSheet.status == SheetStatus.submitted.value,
               Entry.status.in_(queries.JUDGED_STATUSES))
        .group_by(ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.judge_id, SheetDefinition.key,
                  ScoreSheet.sheet_id, ScoreSheet.total)
    )
    rows = session.execute(stmt).all()
    frame = pd.DataFrame.from_records(
        rows, columns=["entry", "judge", "sheet", "sheet_id", "y", "raw_points", "heaviest_points"])
    frame = frame.astype({"entry": "int64", "judge": "int64", "y": "float64",
                          "raw_points": "float64", "heaviest_points": "float64"})
    max_points = frame["sheet_id"].map({k: v[1] for k, v in heaviest.items()}).astype(float)
    frame["heaviest"] = 100.0 * frame["heaviest_points"] / max_points
    return frame.drop(columns=["heaviest_points", "sheet_id"])


def _entries_frame(session: Session, entry_ids: list[int], rnd: Round) -> pd.DataFrame:
    rows = session.execute(
        select(Entry.id, Entry.code, Entry.title, Entry.applicant, ContestGroup, Category, Entry.current_round_id)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .join(Category, Category.id == Entry.category_id, isouter=True)
        .where(Entry.edition_id == rnd.edition_id, Entry.id.in_(entry_ids or [-1]))
    ).all()
    no_group = names.from_message("common.no_group")
    # One Label per group and category, shared by their entries: a worker hands the table
    # back pickled, and a Label pickled once per entry was rebuilt once per entry.
    made: dict[tuple, names.Label] = {}

    def named(kind: str, thing) -> names.Label:
        key = (kind, thing.id)
        if key not in made:
            made[key] = names.label(thing)
        return made[key]

    records = [(entry_id, code, title, applicant, group.key if group else "none",
                named("group", group) if group else no_group, category.key if category else "",
                named("category", category) if category else "", current)
               for entry_id, code, title, applicant, group, category, current in rows]
    frame = pd.DataFrame.from_records(records, columns=[
        "entry", "entry_code", "title", "applicant", "group_key", "group_label",
        "category_key", "category_label", "current_round_id"])
    # object columns: a text column would keep only the English of each name (a Label)
    frame["group_label"] = pd.Series([r[5] for r in records], index=frame.index, dtype=object)
    frame["category_label"] = pd.Series([r[7] for r in records], index=frame.index, dtype=object)
    if rnd.rank_by_category:
        frame["pool"] = frame["group_key"] + "/" + frame["category_key"]
        joined: dict[tuple, names.Label] = {}
        frame["pool_label"] = pd.Series(
            [joined.setdefault((id(r[5]), id(r[7])), names.joined((r[5], r[7]))) for r in records],
            index=frame.index, dtype=object)
    else:
        frame["pool"] = frame["group_key"]
        frame["pool_label"] = frame["group_label"]
    return frame


def extra_columns(session: Session, rnd: Round, entry_ids: list[int]) -> pd.DataFrame:
    votes = dict(session.execute(
        select(PublicVote.entry_id, PublicVote.votes).where(PublicVote.round_id == rnd.id)).all())
    carried: dict[int, float] = {}
    if rnd.carry_over_weight:
        previous = queries.previous_scored_round(session, rnd)
        if previous is None:
            raise InvalidInput("results.no_previous_round", round=names.label(rnd))
        carried = dict(session.execute(
            select(RoundResult.entry_id, RoundResult.adjusted_score)
            .where(RoundResult.round_id == previous.id)).all())
        missing = [e for e in entry_ids if carried.get(e) is None]
        if missing:
            codes = session.exec(select(Entry.code).where(Entry.id.in_(missing[:10]))).all()
            raise InvalidInput("results.previous_result_missing", n=len(missing),
                               round=names.label(previous), codes=", ".join(codes))
    return pd.DataFrame({"entry": entry_ids,
                         "public_vote": [float(votes.get(e, 0.0)) for e in entry_ids],
                         "carried": [carried.get(e, np.nan) for e in entry_ids]})


def tie_rule_of(edition: Edition) -> tuple[str, ...]:
    """The edition's tie rule (set-up can change it; CONTEST.md's by default), ending with
    the organiser's decision."""
    stored = (edition.rules or {}).get("tie_rule") or ranking.DEFAULT_TIE_RULE
    return (*ranking.check_tie_rule(stored), ranking.ORGANISER)


def award_tiers_of(edition: Edition) -> list[dict]:
    """The edition's award tiers with a count per group (from its settings)."""
    return [a for a in (edition.rules or {}).get("awards", []) if int(a.get("per_group", 0)) > 0]


def round_cut(rnd: Round, edition: Edition) -> ranking.Cut | None:
    """The round's advancement cut; a round without advancement uses the award places."""
    if rnd.advancement_rule == AdvancementRule.top_n.value and rnd.advancement_value >= 1:
        return ranking.Cut(top=int(rnd.advancement_value))
    if rnd.advancement_rule == AdvancementRule.threshold.value:
        return ranking.Cut(threshold=float(rnd.advancement_value))
    places = sum(int(a["per_group"]) for a in award_tiers_of(edition))
    return ranking.Cut(top=places) if places else None


def rank(session: Session, rnd: Round, *, method: str | None, draws: int, seed: int,
         progress: Callable[[float], None] | None, top: int | None = None) -> RoundRanking:
    """The round ranked from its submitted sheets by `method` (the round's own by default):
    the pure ranking (contest.ranking) with the round's weights, public vote, carried
    result, cut and the edition's tie rule, plus codes, labels and current decisions.
    No permission check: callers check their actor.

    A rank runs whole in a worker process (contest.workers), reading included, on a
    connection of its own to the same database: a large one (loading 50,000 sheets and
    10,000 entries into frames is seconds of Python work) in a worker of its own at the
    lowest CPU priority, with a progress bar; a small one (tens of milliseconds) in the app
    process's resident worker, at the app's own priority. In the app process either would hold the GIL against every
    other tab of it: a 60-entry rank with 1,000 draws took 150 ms at the median and over
    300 ms at the 95th percentile there, with 30 other tabs busy."""
    method = method or rnd.method or "model"
    if method not in ranking.METHODS:
        raise InvalidInput("results.unknown_method", method=method,
                           methods=", ".join(ranking.METHODS))
    url = _url_for_worker(session)
    if url is not None and not workers.in_worker() and not db.holds_writes(session):
        with db.reading(session):
            count = _count_ratings(session, rnd.id)
        db.release(session)
        if ranks_in_worker(count, draws):
            return workers.run(_rank_stored, url, rnd.id, method=method, draws=draws, seed=seed, top=top,
                               progress=progress, timeout=workers.LONG)
        return workers.run_short(_rank_stored, url, rnd.id, method=method, draws=draws, seed=seed, top=top)
    return _rank(session, rnd, method=method, draws=draws, seed=seed, progress=progress, top=top)


def _url_for_worker(session: Session) -> str | None:
    """The session's database as another process can open it (None for an in-memory one)."""
    url = session.get_bind().url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def _count_ratings(session: Session, round_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(ScoreSheet).where(
        ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.submitted.value)).one())


def _rank_stored(url: str, round_id: int, *, method: str, draws: int, seed: int, top: int | None,
                 progress: Callable[[float], None] | None = None) -> RoundRanking:
    """In a worker process: the round read from the database at `url` and ranked in place."""
    with db.session_scope(_worker_engine(url), read_only=True) as session:
        rnd = session.get(Round, round_id)
        return _rank(session, rnd, method=method, draws=draws, seed=seed, progress=progress, top=top)


@functools.lru_cache(maxsize=4)
def _worker_engine(url: str):
    """A worker's engine for `url`, kept for the process's life (the resident worker's next
    rank finds its statements compiled); no pool, so no connection outlives a session."""
    return db.make_engine(url, poolclass=NullPool)


def _rank(session: Session, rnd: Round, *, method: str, draws: int, seed: int,
          progress: Callable[[float], None] | None, top: int | None) -> RoundRanking:
    with db.reading(session):  # a short read; nothing is held while the ranking runs
        ratings = load_ratings(session, rnd.id)
        calibrating = tuple(calibration.entry_ids(session, rnd.id))
        left_out = None
        if calibrating and not rnd.calibration_counts:  # practice portfolios: not ranked
            practice = ratings["entry"].isin(calibrating)
            left_out, ratings = ratings[practice], ratings[~practice]
        if ratings.empty:
            raise InvalidInput("results.no_sheets", round=names.label(rnd))
        entry_ids = sorted(int(e) for e in ratings["entry"].unique())
        entries = _entries_frame(session, entry_ids, rnd)
        groups = dict(zip(entries["entry"].astype(int), entries["pool"]))
        weights = {}
        for d in sheet_definitions(session, rnd.id):
            weights.setdefault(d.key, float(d.weight))
        edition = session.get(Edition, rnd.edition_id)
        cut = ranking.Cut(top=top) if top else round_cut(rnd, edition)
        inputs = dict(groups=groups, method=method, sheet_weights=weights,
                      extra=extra_columns(session, rnd, entry_ids),
                      public_vote_weight=rnd.public_vote_weight, carry_weight=rnd.carry_over_weight,
                      cut=cut, draws=draws, seed=seed, tie_rule=tie_rule_of(edition))
    try:
        result = heavy.compute(ranking.rank_entries, ratings, session=session, progress=progress,
                               heavy=ranks_in_worker(len(ratings), draws) and not workers.in_worker(), **inputs)
    except ranking.DisconnectedDesign as exc:
        raise DesignSplit(rnd, exc.report, dict(zip(entries["entry"], entries["entry_code"]))) \
            from None
    except ValueError as exc:
        raise refused_by_rule(exc, entries=dict(zip(entries["entry"], entries["entry_code"]))) from None
    table = result.entries.merge(entries, on="entry", how="left")
    with db.reading(session):
        decisions = dict(session.execute(
            select(Decision.entry_id, Decision.outcome).where(
                Decision.round_id == rnd.id, Decision.active == True,  # noqa: E712
                Decision.kind.in_([DecisionKind.advancement.value, DecisionKind.award.value]))
        ).all())
    table["decision"] = table["entry"].map(lambda e: decisions.get(int(e), ""))
    table = table.rename(columns={"entry": "entry_id"})
    return RoundRanking(rnd.id, rnd.key, names.label(rnd), rnd.edition_id, method, rnd.blind, cut,
                        result, table, list(result.warnings), calibrating, left_out)
