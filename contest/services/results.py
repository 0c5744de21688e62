"""Results of a round for the organiser: the ranking, the reliability report, the second
look for the borderline band, and what the results workbook shows. The round is ranked by
services/standings.py; decisions on it are services/decisions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from contest import db, i18n, ranking, reliability
from contest.labels import Label
from contest.auth import Actor
from contest.models import (
    Conflict,
    Criterion,
    CriterionScore,
    Edition,
    Entry,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    User,
)
from contest.services import InvalidInput, assignments, heavy, queries, require_role, standings

DEFAULT_DRAWS = standings.DEFAULT_DRAWS


def rank_round(
    *, session: Session, actor: Actor, round_id: int, method: str | None = None,
    draws: int = DEFAULT_DRAWS, seed: int = 0, top: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> standings.RoundRanking:
    """The round's ranking per group (and category when the round says so): adjusted score
    beside raw mean and judges, rank intervals, chance of clearing the cut, the tie rule."""
    require_role(actor, Role.organiser)
    return standings.rank(session, standings.round_of(session, round_id), method=method,
                          draws=draws, seed=seed, progress=progress, top=top)


# ---------------------------------------------------------------- reliability


def criterion_scores(session: Session, round_id: int) -> pd.DataFrame:
    """Every submitted criterion score of the round: entry, judge, sheet, criterion, value,
    percent of the criterion's maximum."""
    rows = session.execute(
        select(ScoreSheet.entry_id, ScoreSheet.judge_id, SheetDefinition.key, Criterion.key,
               Criterion.label, CriterionScore.value, Criterion.max_points, CriterionScore.comment,
               Criterion.labels)
        .join(SheetDefinition, SheetDefinition.id == ScoreSheet.sheet_id)
        .join(CriterionScore, CriterionScore.score_sheet_id == ScoreSheet.id)
        .join(Criterion, Criterion.id == CriterionScore.criterion_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.submitted.value,
               Entry.status.in_(queries.JUDGED_STATUSES))
    ).all()
    named = {}  # one Label per criterion name
    records = [(*row[:4], named.setdefault((row[4], str(row[8])), Label(row[4], row[8])), *row[5:8])
               for row in rows]
    frame = pd.DataFrame.from_records(records, columns=[
        "entry", "judge", "sheet", "criterion", "criterion_label", "value", "max_points",
        "comment"])
    frame["criterion_label"] = pd.Series([r[4] for r in records], index=frame.index, dtype=object)  # Labels kept
    frame["percent"] = 100.0 * frame["value"].astype(float) / frame["max_points"].astype(float)
    return frame


def _conflicts_excluded(session: Session, rnd: Round, entry_ids: list[int]) -> int:
    return int(session.exec(
        select(func.count()).select_from(Conflict).where(
            Conflict.edition_id == rnd.edition_id, Conflict.entry_id.in_(entry_ids or [-1]))
    ).one())


@dataclass
class RoundReliability:
    ranking: standings.RoundRanking
    report: reliability.ReliabilityReport
    comparison: pd.DataFrame
    criterion_scores: pd.DataFrame


def round_reliability(
    *, session: Session, actor: Actor, round_id: int, method: str | None = None,
    draws: int = DEFAULT_DRAWS, seed: int = 0, progress: Callable[[float], None] | None = None,
) -> RoundReliability:
    """SCORING.md section 6 for the round, plus the methods' agreement and the scores."""
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    ranked = standings.rank(session, rnd, method=method, draws=draws, seed=seed, progress=progress)
    entry_ids = ranked.table["entry_id"].astype(int).tolist()
    with db.reading(session):
        excluded = _conflicts_excluded(session, rnd, entry_ids)
        weights = {d.key: float(d.weight) for d in standings.sheet_definitions(session, rnd.id)}
        extra = standings.extra_columns(session, rnd, entry_ids)
        scores = criterion_scores(session, rnd.id)
    report = heavy.compute(reliability.build_report, ranked.result, session=session,
                           conflicts_excluded=excluded, calibration=ranked.calibration,
                           calibration_ratings=ranked.calibration_ratings)
    comparison = heavy.compute(
        ranking.compare_methods,
        ranked.result.ratings[["entry", "judge", "sheet", "y", "heaviest", "raw_points"]],
        groups=dict(zip(ranked.table["entry_id"], ranked.table["pool"])),
        reference=ranked.method, cut=ranked.cut, sheet_weights=weights, extra=extra,
        public_vote_weight=rnd.public_vote_weight, carry_weight=rnd.carry_over_weight)
    codes = {int(k): v for k, v in zip(ranked.table["entry_id"], ranked.table["entry_code"])}
    comparison["entries_changed"] = comparison["entries_changed"].map(
        lambda text: ", ".join(codes.get(int(e), e) for e in text.split(",") if e))
    _name_people(session, rnd, report, codes)
    return RoundReliability(ranked, report, comparison, scores)


def _name_people(session: Session, rnd: Round, report: reliability.ReliabilityReport, codes: dict[int, str]) -> None:
    """Judges by name (and organisation), entries by code: organisers do not know ids."""
    judge_ids = set(report.judges["judge"].astype(int)) if not report.judges.empty else set()
    for text in report.blocks.get("judges", []):
        judge_ids |= {int(j) for j in str(text).split(",") if j}
    names = queries.person_labels(session, judge_ids, edition_id=rnd.edition_id)
    if not report.judges.empty:
        report.judges.insert(0, "judge_name", report.judges["judge"].astype(int).map(names))
    if not report.entries.empty:
        report.entries.insert(0, "entry_code", report.entries["entry"].astype(int).map(codes))
    if not report.blocks.empty and "judges" in report.blocks:
        report.blocks["judges"] = report.blocks["judges"].map(
            lambda text: "; ".join(names.get(int(j), j) for j in str(text).split(",") if j))


# ---------------------------------------------------------------- second look


def request_second_look(
    *, session: Session, actor: Actor, round_id: int, entry_ids: list[int] | None = None,
    extra: int = 2, method: str | None = None, draws: int = DEFAULT_DRAWS, seed: int = 0,
) -> assignments.SecondLook:
    """Extra judges (2-4, none who had the entry) for the borderline band, or for the given
    entries; once they have scored, ranking the round again refits with their sheets."""
    require_role(actor, Role.organiser)
    if not 1 <= extra <= 4:
        raise InvalidInput("results.second_look_adds_between")
    rnd = standings.round_of(session, round_id)
    if entry_ids is None:
        ranked = standings.rank(session, rnd, method=method, draws=draws, seed=seed, progress=None)
        band = ranked.table[ranked.table["borderline"]]
        entry_ids = band["entry_id"].astype(int).tolist()
        if not entry_ids:
            return assignments.SecondLook((), ())
    return assignments.second_look(session=session, actor=actor, round_id=rnd.id,
                                   entry_ids=entry_ids, extra=extra, seed=seed)


# ---------------------------------------------------------------- advancement and awards


# ---------------------------------------------------------------- export (results workbook)


@dataclass
class ResultsExport:
    """What the results workbook needs from the ranking, as DataFrames (INTERFACES.md)."""

    ranking: pd.DataFrame
    criteria: pd.DataFrame
    judges: pd.DataFrame
    reliability: pd.DataFrame
    warnings: list[str]
    counts: dict[str, int]
    method_settings: dict[str, object]
    blind: bool


def results_for_export(session: Session, round_id: int, method: str | None = None, *,
                       actor: Actor, draws: int = DEFAULT_DRAWS, seed: int = 0,
                       progress: Callable[[float], None] | None = None) -> ResultsExport:
    """The ranking, per-criterion, per-judge and reliability sheets of a round's results
    workbook (applicants named outside blind rounds); organisers only. Before any sheet is
    submitted they are empty, and a warning says why (the assignments are worth having)."""
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    if not _anything_submitted(session, rnd):
        return _nothing_scored_yet(session, rnd, method or rnd.method or "model")
    ranked = standings.rank(session, rnd, method=method, draws=draws, seed=seed, progress=progress)
    t = ranked.table
    ranking_frame = pd.DataFrame({
        "rank": t["rank"], "group": t["group_label"], "category": t["category_label"],
        "entry_code": t["entry_code"], "title": t["title"],
        "applicant": None if rnd.blind else t["applicant"],
        "adjusted_score": t["adjusted_score"].round(3), "raw_mean": t["raw_mean"].round(3),
        "n_judges": t["n_judges"], "rank_low": t["rank_low"], "rank_high": t["rank_high"],
        "flags": t["flags"], "decision": t["decision"],
        "se": t["se"].round(3), "score_low": t["score_low"].round(3),
        "score_high": t["score_high"].round(3), "p_cut": t["p_cut"].round(3),
        "borderline": t["borderline"], "in_cut": t["in_cut"],
        "tie_broken_by": t["tie_broken_by"],
    })
    codes = dict(zip(t["entry_id"], t["entry_code"]))
    pools = dict(zip(t["entry_id"], t["group_label"]))
    with db.reading(session):
        scores = criterion_scores(session, rnd.id)
        excluded = _conflicts_excluded(session, rnd, list(codes))
        people = dict(session.execute(select(User.id, User.email)).all())
        names = dict(session.execute(select(User.id, User.name)).all())
        tie_rule = ", ".join(standings.tie_rule_of(session.get(Edition, rnd.edition_id)))
    criteria = (scores.groupby(["entry", "sheet", "criterion"])["value"]
                .agg(["mean", "min", "max", "count"]).reset_index())
    criteria.insert(0, "group", pd.Series([pools.get(e) for e in criteria["entry"]], index=criteria.index,
                                          dtype=object))
    criteria.insert(1, "entry_code", criteria["entry"].map(codes))
    criteria = criteria.drop(columns="entry").rename(columns={"count": "n_judges"})
    criteria = criteria.sort_values(["group", "entry_code", "sheet", "criterion"])

    report = heavy.compute(reliability.build_report, ranked.result, session=session,
                           conflicts_excluded=excluded, calibration=ranked.calibration,
                           calibration_ratings=ranked.calibration_ratings)
    judges = report.judges.copy()
    judges.insert(0, "judge_email", judges["judge"].map(people))
    judges.insert(1, "name", judges["judge"].map(names))
    judges = judges.drop(columns="judge")

    rel_rows = [{"measure": k, "sheet": "", "value": v} for k, v in report.design.items()]
    for frame in (report.variance, report.alpha):
        for row in frame.to_dict("records"):
            rel_rows += [{"measure": k, "sheet": row["sheet"], "value": v}
                         for k, v in row.items() if k != "sheet"]
    for row in report.blocks.to_dict("records"):
        block = "calibration block" if row["calibration"] else f"block {row['judges']}"
        rel_rows += [{"measure": f"{block}: {k}", "sheet": row["sheet"], "value": v}
                     for k, v in row.items() if k in ("n_entries", "n_judges", "icc_a1", "icc_ak", "kendall_w")]
    rel_rows += [{"measure": "summary", "sheet": "", "value": line} for line in report.summary]
    settings = {"method": ranked.method, "draws": draws, "seed": seed,
                "cut": (f"top {ranked.cut.top} per group" if ranked.cut and ranked.cut.top
                        else f"score >= {ranked.cut.threshold}" if ranked.cut else "none"),
                "public_vote_weight": rnd.public_vote_weight,
                "carry_over_weight": rnd.carry_over_weight,
                "sigma": {k: round(v, 3) for k, v in ranked.result.sigma.items()},
                "tau": {k: round(v, 3) for k, v in ranked.result.tau.items()},
                "tie_rule": tie_rule}
    counts = {"entries": len(t), "sheets": len(ranked.result.ratings),
              "judges": int(ranked.result.ratings["judge"].nunique()),
              "borderline": int(t["borderline"].sum()), "in_cut": int(t["in_cut"].sum())}
    return ResultsExport(ranking_frame.reset_index(drop=True), criteria.reset_index(drop=True),
                         judges, pd.DataFrame(rel_rows), ranked.warnings, counts, settings,
                         rnd.blind)


def _anything_submitted(session: Session, rnd: Round) -> bool:
    return session.exec(
        select(ScoreSheet.id).join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(ScoreSheet.round_id == rnd.id, ScoreSheet.status == SheetStatus.submitted.value,
               Entry.status.in_(queries.JUDGED_STATUSES)).limit(1)).first() is not None


def _nothing_scored_yet(session: Session, rnd: Round, method: str) -> ResultsExport:
    """The export of a round no judge has scored yet: the ranking sheets empty, saying why."""
    def empty(*columns: str) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})

    return ResultsExport(
        ranking=empty("rank", "group", "category", "entry_code", "title", "applicant",
                      "adjusted_score", "raw_mean", "n_judges", "rank_low", "rank_high", "flags",
                      "decision"),
        criteria=empty("group", "entry_code", "sheet", "criterion", "mean", "min", "max",
                       "n_judges"),
        judges=empty("judge_email", "name"), reliability=empty("measure", "sheet", "value"),
        warnings=[i18n.msg("exports.nothing_scored_yet", round=Label(rnd.label, rnd.labels))],
        counts={"entries": len(queries.round_entries(session, rnd)), "sheets": 0, "judges": 0},
        method_settings={"method": method}, blind=rnd.blind)
