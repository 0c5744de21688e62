"""Results of a round: ranking, reliability, second look, advancement, awards, publication.

Loads a round's submitted sheets as one ratings frame (one aggregate query, no ORM object
per row), applies contest.ranking / contest.reliability, and records decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import case, func, update
from sqlmodel import Session, select

from contest import ranking, reliability
from contest.auth import Actor
from contest.models import (
    AdvancementRule,
    Category,
    Conflict,
    ContestGroup,
    Criterion,
    CriterionScore,
    Decision,
    DecisionKind,
    Edition,
    Entry,
    Publication,
    PublicVote,
    Role,
    Round,
    RoundResult,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    User,
)
from contest.services import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    assignments,
    audit,
    queries,
    require_role,
)

DEFAULT_DRAWS = 1000
ADVANCED, NOT_ADVANCED = "advanced", "not_advanced"
PUBLICATION_KINDS = ("advancement", "awards")


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


# ---------------------------------------------------------------- loading


def _round(session: Session, round_id: int) -> Round:
    return queries.scored_round(session, round_id, lacks="rounds.lacks_ranking")


def _sheet_definitions(session: Session, round_id: int) -> list[SheetDefinition]:
    return list(session.exec(select(SheetDefinition).where(SheetDefinition.round_id == round_id)))


def load_ratings(session: Session, round_id: int) -> pd.DataFrame:
    """Submitted sheets of the round's judged entries: entry, judge, sheet, y, heaviest,
    raw_points (one aggregate query)."""
    definitions = _sheet_definitions(session, round_id)
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
        select(Entry.id, Entry.code, Entry.title, Entry.applicant, ContestGroup.key,
               ContestGroup.label, Category.key, Category.label, Entry.current_round_id)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .join(Category, Category.id == Entry.category_id, isouter=True)
        .where(Entry.edition_id == rnd.edition_id, Entry.id.in_(entry_ids or [-1]))
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=[
        "entry", "entry_code", "title", "applicant", "group_key", "group_label",
        "category_key", "category_label", "current_round_id"])
    frame["group_key"] = frame["group_key"].fillna("none")
    frame["group_label"] = frame["group_label"].fillna("(no group)")
    frame["category_key"] = frame["category_key"].fillna("")
    frame["category_label"] = frame["category_label"].fillna("")
    if rnd.rank_by_category:
        frame["pool"] = frame["group_key"] + "/" + frame["category_key"]
        frame["pool_label"] = frame["group_label"] + " / " + frame["category_label"]
    else:
        frame["pool"] = frame["group_key"]
        frame["pool_label"] = frame["group_label"]
    return frame


def _extra(session: Session, rnd: Round, entry_ids: list[int]) -> pd.DataFrame:
    votes = dict(session.execute(
        select(PublicVote.entry_id, PublicVote.votes).where(PublicVote.round_id == rnd.id)).all())
    carried: dict[int, float] = {}
    if rnd.carry_over_weight:
        previous = queries.previous_scored_round(session, rnd)
        if previous is None:
            raise InvalidInput(f"Round '{rnd.label}' carries a previous result, but no scored "
                               "round comes before it.")
        carried = dict(session.execute(
            select(RoundResult.entry_id, RoundResult.adjusted_score)
            .where(RoundResult.round_id == previous.id)).all())
        missing = [e for e in entry_ids if carried.get(e) is None]
        if missing:
            codes = session.exec(select(Entry.code).where(Entry.id.in_(missing[:10]))).all()
            raise InvalidInput(
                f"{len(missing)} entries have no stored result from '{previous.label}' to carry "
                f"over (e.g. {', '.join(codes)}); advance that round first.")
    return pd.DataFrame({"entry": entry_ids,
                         "public_vote": [float(votes.get(e, 0.0)) for e in entry_ids],
                         "carried": [carried.get(e, np.nan) for e in entry_ids]})


def tie_rule_of(edition: Edition) -> tuple[str, ...]:
    """The edition's tie rule (set-up can change it; CONTEST.md's by default), ending with
    the organiser's decision."""
    stored = (edition.rules or {}).get("tie_rule") or ranking.DEFAULT_TIE_RULE
    return (*ranking.check_tie_rule(stored), ranking.ORGANISER)


def _awards(edition: Edition) -> list[dict]:
    return [a for a in (edition.rules or {}).get("awards", []) if int(a.get("per_group", 0)) > 0]


def round_cut(rnd: Round, edition: Edition) -> ranking.Cut | None:
    """The round's advancement cut; a round without advancement uses the award places."""
    if rnd.advancement_rule == AdvancementRule.top_n.value and rnd.advancement_value >= 1:
        return ranking.Cut(top=int(rnd.advancement_value))
    if rnd.advancement_rule == AdvancementRule.threshold.value:
        return ranking.Cut(threshold=float(rnd.advancement_value))
    places = sum(int(a["per_group"]) for a in _awards(edition))
    return ranking.Cut(top=places) if places else None


def _rank(session: Session, rnd: Round, *, method: str | None, draws: int, seed: int,
          progress: Callable[[float], None] | None, top: int | None = None) -> RoundRanking:
    method = method or rnd.method or "model"
    if method not in ranking.METHODS:
        raise InvalidInput(f"Unknown method '{method}'; choose {', '.join(ranking.METHODS)}.")
    ratings = load_ratings(session, rnd.id)
    if ratings.empty:
        raise InvalidInput(f"No submitted score sheets in '{rnd.label}' yet.")
    entry_ids = sorted(int(e) for e in ratings["entry"].unique())
    entries = _entries_frame(session, entry_ids, rnd)
    groups = dict(zip(entries["entry"].astype(int), entries["pool"]))
    weights = {}
    for d in _sheet_definitions(session, rnd.id):
        weights.setdefault(d.key, float(d.weight))
    edition = session.get(Edition, rnd.edition_id)
    cut = ranking.Cut(top=top) if top else round_cut(rnd, edition)
    try:
        result = ranking.rank_entries(
            ratings, groups=groups, method=method, sheet_weights=weights,
            extra=_extra(session, rnd, entry_ids), public_vote_weight=rnd.public_vote_weight,
            carry_weight=rnd.carry_over_weight, cut=cut, draws=draws, seed=seed,
            progress=progress, tie_rule=tie_rule_of(edition))
    except ranking.DisconnectedDesign as exc:
        raise InvalidInput(str(exc)) from None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    table = result.entries.merge(entries, on="entry", how="left")
    decisions = dict(session.execute(
        select(Decision.entry_id, Decision.outcome).where(
            Decision.round_id == rnd.id, Decision.active == True,  # noqa: E712
            Decision.kind.in_([DecisionKind.advancement.value, DecisionKind.award.value]))
    ).all())
    table["decision"] = table["entry"].map(lambda e: decisions.get(int(e), ""))
    table = table.rename(columns={"entry": "entry_id"})
    return RoundRanking(rnd.id, rnd.key, rnd.label, rnd.edition_id, method, rnd.blind, cut,
                        result, table, list(result.warnings))


def rank_round(
    *, session: Session, actor: Actor, round_id: int, method: str | None = None,
    draws: int = DEFAULT_DRAWS, seed: int = 0, top: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> RoundRanking:
    """The round's ranking per group (and category when the round says so): adjusted score
    beside raw mean and judges, rank intervals, chance of clearing the cut, the tie rule."""
    require_role(actor, Role.organiser)
    return _rank(session, _round(session, round_id), method=method, draws=draws, seed=seed,
                 progress=progress, top=top)


# ---------------------------------------------------------------- reliability


def criterion_scores(session: Session, round_id: int) -> pd.DataFrame:
    """Every submitted criterion score of the round: entry, judge, sheet, criterion, value,
    percent of the criterion's maximum."""
    rows = session.execute(
        select(ScoreSheet.entry_id, ScoreSheet.judge_id, SheetDefinition.key, Criterion.key,
               Criterion.label, CriterionScore.value, Criterion.max_points, CriterionScore.comment)
        .join(SheetDefinition, SheetDefinition.id == ScoreSheet.sheet_id)
        .join(CriterionScore, CriterionScore.score_sheet_id == ScoreSheet.id)
        .join(Criterion, Criterion.id == CriterionScore.criterion_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.submitted.value,
               Entry.status.in_(queries.JUDGED_STATUSES))
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=[
        "entry", "judge", "sheet", "criterion", "criterion_label", "value", "max_points",
        "comment"])
    frame["percent"] = 100.0 * frame["value"].astype(float) / frame["max_points"].astype(float)
    return frame


def _conflicts_excluded(session: Session, rnd: Round, entry_ids: list[int]) -> int:
    return int(session.exec(
        select(func.count()).select_from(Conflict).where(
            Conflict.edition_id == rnd.edition_id, Conflict.entry_id.in_(entry_ids or [-1]))
    ).one())


@dataclass
class RoundReliability:
    ranking: RoundRanking
    report: reliability.ReliabilityReport
    comparison: pd.DataFrame
    criterion_scores: pd.DataFrame


def round_reliability(
    *, session: Session, actor: Actor, round_id: int, method: str | None = None,
    draws: int = DEFAULT_DRAWS, seed: int = 0, progress: Callable[[float], None] | None = None,
) -> RoundReliability:
    """SCORING.md section 6 for the round, plus the methods' agreement and the scores."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    ranked = _rank(session, rnd, method=method, draws=draws, seed=seed, progress=progress)
    entry_ids = ranked.table["entry_id"].astype(int).tolist()
    report = reliability.build_report(
        ranked.result, conflicts_excluded=_conflicts_excluded(session, rnd, entry_ids))
    comparison = ranking.compare_methods(
        ranked.result.ratings[["entry", "judge", "sheet", "y", "heaviest", "raw_points"]],
        groups=dict(zip(ranked.table["entry_id"], ranked.table["pool"])),
        reference=ranked.method, cut=ranked.cut,
        sheet_weights={d.key: float(d.weight) for d in _sheet_definitions(session, rnd.id)},
        extra=_extra(session, rnd, entry_ids), public_vote_weight=rnd.public_vote_weight,
        carry_weight=rnd.carry_over_weight)
    codes = dict(zip(ranked.table["entry_id"], ranked.table["entry_code"]))
    comparison["entries_changed"] = comparison["entries_changed"].map(
        lambda text: ", ".join(codes.get(int(e), e) for e in text.split(",") if e))
    return RoundReliability(ranked, report, comparison, criterion_scores(session, rnd.id))


# ---------------------------------------------------------------- second look


def request_second_look(
    *, session: Session, actor: Actor, round_id: int, entry_ids: list[int] | None = None,
    extra: int = 2, method: str | None = None, draws: int = DEFAULT_DRAWS, seed: int = 0,
) -> dict:
    """Extra judges (2-4, none who had the entry) for the borderline band, or for the given
    entries; once they have scored, ranking the round again refits with their sheets."""
    require_role(actor, Role.organiser)
    if not 1 <= extra <= 4:
        raise InvalidInput("A second look adds between 1 and 4 judges to an entry.")
    rnd = _round(session, round_id)
    if entry_ids is None:
        ranked = _rank(session, rnd, method=method, draws=draws, seed=seed, progress=None)
        band = ranked.table[ranked.table["borderline"]]
        entry_ids = band["entry_id"].astype(int).tolist()
        if not entry_ids:
            return {"entries": [], "added": [], "unserved": [], "problems": []}

    outcome = assignments.second_look(session=session, actor=actor, round_id=rnd.id,
                                      entry_ids=entry_ids, extra=extra, seed=seed)
    codes = dict(session.execute(select(Entry.id, Entry.code).where(
        Entry.id.in_(entry_ids or [-1]))).all())
    outcome["entries"] = [codes.get(e, str(e)) for e in entry_ids]
    return outcome


# ---------------------------------------------------------------- advancement and awards


def _store_results(session: Session, ranked: RoundRanking) -> None:
    session.execute(RoundResult.__table__.delete().where(RoundResult.round_id == ranked.round_id))

    def number(value, kind=float):
        return None if value is None or pd.isna(value) else kind(value)

    session.execute(RoundResult.__table__.insert(), [
        {"round_id": ranked.round_id, "entry_id": int(row.entry_id), "method": ranked.method,
         "adjusted_score": number(row.adjusted_score), "raw_mean": number(row.raw_mean),
         "n_judges": int(row.n_judges), "rank": number(row.rank, int),
         "rank_low": number(row.rank_low, int), "rank_high": number(row.rank_high, int),
         "p_cut": number(row.p_cut), "flags": str(row.flags)[:400],
         "computed_at": _now()}
        for row in ranked.table.itertuples()
    ])


def _now():
    from contest.dbtypes import utcnow

    return utcnow()


def _normalise_overrides(table: pd.DataFrame, overrides: Mapping[int | str, tuple]
                         ) -> dict[int, tuple]:
    """Overrides keyed by entry id or entry code -> keyed by entry id."""
    ids = {str(c).upper(): int(i) for c, i in zip(table["entry_code"], table["entry_id"])}
    out, unknown = {}, []
    for key, value in (overrides or {}).items():
        if isinstance(key, str) and not key.strip().isdigit():
            if key.strip().upper() not in ids:
                unknown.append(key)
                continue
            out[ids[key.strip().upper()]] = value
        else:
            out[int(key)] = value
    if unknown:
        raise InvalidInput(f"Entry {unknown[0]} is not ranked in this round.")
    return out


def _check_overrides(table: pd.DataFrame, overrides: Mapping[int, tuple[object, str]]) -> None:
    known = set(table["entry_id"].astype(int))
    problems = []
    for entry_id, (_, reason) in overrides.items():
        code = table.loc[table["entry_id"] == entry_id, "entry_code"]
        label = code.iloc[0] if len(code) else str(entry_id)
        if int(entry_id) not in known:
            problems.append(f"Entry {label} is not ranked in this round.")
        elif not (reason or "").strip():
            problems.append(f"Entry {label}: an override needs a reason.")
    if problems:
        raise InvalidInput(problems[0] if len(problems) == 1 else "Some overrides cannot be "
                           "recorded.", problems)


def _unresolved_at_line(table: pd.DataFrame, places: int) -> list[str]:
    """Entries tied after every rule whose shared rank straddles the top `places` line."""
    codes = []
    for _, part in table.groupby("pool"):
        tied = part[part["flags"].str.contains("tie_unresolved")]
        for rank, same in tied.groupby("rank"):
            if rank <= places < rank + len(same) - 1:
                codes += list(same["entry_code"])
    return codes


def _replace_decisions(session: Session, actor: Actor, rnd: Round, kind: str,
                       rows: list[dict]) -> None:
    session.execute(
        update(Decision).where(Decision.round_id == rnd.id, Decision.kind == kind,
                               Decision.active == True)  # noqa: E712
        .values(active=False).execution_options(synchronize_session=False))
    for row in rows:
        session.add(Decision(edition_id=rnd.edition_id, round_id=rnd.id, kind=kind,
                             decided_by=actor.user_id, **row))


def advance_round(
    *, session: Session, actor: Actor, round_id: int, method: str | None = None,
    overrides: Mapping[int | str, tuple[bool, str]] | None = None, draws: int = 0, seed: int = 0,
) -> dict:
    """Decide who advances: the round's cut (top N per group or a threshold), with
    organiser overrides (by entry id or code) that each need a reason. Stores the round's results and one
    decision per entry; entries move to the next round when the list is published."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    following = queries.next_scored_round(session, rnd)
    if following is None:
        raise InvalidInput(f"'{rnd.label}' is the last scored round: grant awards instead.")
    ranked = _rank(session, rnd, method=method, draws=draws, seed=seed, progress=None)
    if ranked.cut is None or rnd.advancement_rule == AdvancementRule.none.value:
        raise InvalidInput(f"Round '{rnd.label}' has no advancement rule; set top N or a "
                           "threshold first.")
    overrides = _normalise_overrides(ranked.table, overrides or {})
    _check_overrides(ranked.table, overrides)
    table = ranked.table
    if ranked.cut.top is not None:
        undecided = [c for c in _unresolved_at_line(table, ranked.cut.top)
                     if int(table.loc[table["entry_code"] == c, "entry_id"].iloc[0])
                     not in overrides]
        if undecided:
            raise InvalidInput(
                "Entries tied after every published tie rule straddle the cut: "
                f"{', '.join(undecided)}. Decide each with a recorded reason.")
    rows = []
    for row in table.itertuples():
        entry_id = int(row.entry_id)
        advance, reason = bool(row.in_cut), f"Rank {row.rank} in {row.pool_label}."
        override = False
        if entry_id in overrides:
            wanted, given = overrides[entry_id]
            override = bool(wanted) != bool(row.in_cut)
            advance, reason = bool(wanted), given.strip()
        rows.append({"entry_id": entry_id, "outcome": ADVANCED if advance else NOT_ADVANCED,
                     "reason": reason, "override": override})
    _store_results(session, ranked)
    _replace_decisions(session, actor, rnd, DecisionKind.advancement.value, rows)
    advanced = sum(r["outcome"] == ADVANCED for r in rows)
    audit(session, actor, "results.advance", "round", rnd.id, edition_id=rnd.edition_id,
          method=ranked.method, advanced=advanced, total=len(rows), next_round=following.key,
          overrides={str(r["entry_id"]): [r["outcome"], r["reason"]] for r in rows
                     if r["override"]})
    session.commit()
    return {"advanced": advanced, "not_advanced": len(rows) - advanced,
            "overrides": sum(r["override"] for r in rows), "next_round": following.label}


def grant_awards(
    *, session: Session, actor: Actor, round_id: int, method: str | None = None,
    overrides: Mapping[int | str, tuple[str, str]] | None = None,
) -> dict:
    """Award tiers per group by rank (counts from the edition's settings, e.g. gold 5,
    silver 8, excellence 12); an override (tier or "" for none) needs a reason."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    edition = session.get(Edition, rnd.edition_id)
    tiers = _awards(edition)
    if not tiers:
        raise InvalidInput("This edition has no award tiers configured.")
    ranked = _rank(session, rnd, method=method, draws=0, seed=0, progress=None)
    table = ranked.table
    overrides = _normalise_overrides(table, overrides or {})
    _check_overrides(table, overrides)
    keys = {t["key"] for t in tiers}
    bad = [t for t, _ in overrides.values() if t and t not in keys]
    if bad:
        raise InvalidInput(f"Unknown award tier '{bad[0]}'; tiers: {', '.join(sorted(keys))}.")
    lines, total = [], 0
    for tier in tiers:
        total += int(tier["per_group"])
        lines.append((total, tier["key"]))
    undecided = [c for places, _ in lines for c in _unresolved_at_line(table, places)
                 if int(table.loc[table["entry_code"] == c, "entry_id"].iloc[0]) not in overrides]
    if undecided:
        raise InvalidInput("Entries tied after every published tie rule straddle an award "
                           f"line: {', '.join(sorted(set(undecided)))}. Decide each with a reason.")
    rows = []
    for row in table.itertuples():
        entry_id = int(row.entry_id)
        tier = next((key for places, key in lines if row.rank <= places), "")
        reason, override = f"Rank {row.rank} in {row.pool_label}.", False
        if entry_id in overrides:
            wanted, given = overrides[entry_id]
            override, tier, reason = (wanted or "") != tier, wanted or "", given.strip()
        if tier:
            rows.append({"entry_id": entry_id, "outcome": tier, "reason": reason,
                         "override": override})
    _store_results(session, ranked)
    _replace_decisions(session, actor, rnd, DecisionKind.award.value, rows)
    counts = {t["key"]: sum(r["outcome"] == t["key"] for r in rows) for t in tiers}
    audit(session, actor, "results.awards", "round", rnd.id, edition_id=rnd.edition_id,
          method=ranked.method, counts=counts,
          overrides={str(r["entry_id"]): [r["outcome"], r["reason"]] for r in rows
                     if r["override"]})
    session.commit()
    return counts


def award_tiers(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """The edition's award tiers with their counts per group (from its settings)."""
    require_role(actor, Role.organiser)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("No such edition.")
    return [{"key": a["key"], "label": a.get("label", a["key"]), "per_group": int(a["per_group"])}
            for a in _awards(edition)]


def round_decisions(*, session: Session, actor: Actor, round_id: int) -> pd.DataFrame:
    """The round's active advancement and award decisions, overrides with their reasons."""
    require_role(actor, Role.organiser)
    rows = session.execute(
        select(Entry.code, Decision.kind, Decision.outcome, Decision.override, Decision.reason,
               RoundResult.rank, Decision.decided_at)
        .join(Entry, Entry.id == Decision.entry_id)
        .join(RoundResult, (RoundResult.entry_id == Decision.entry_id)
              & (RoundResult.round_id == Decision.round_id), isouter=True)
        .where(Decision.round_id == round_id, Decision.active == True,  # noqa: E712
               Decision.kind.in_([DecisionKind.advancement.value, DecisionKind.award.value]))
        .order_by(Decision.kind, Decision.override.desc(), RoundResult.rank, Entry.code)
    ).all()
    return pd.DataFrame.from_records(rows, columns=[
        "entry_code", "kind", "outcome", "override", "reason", "rank", "decided_at"])


# ---------------------------------------------------------------- publication


def _publication_rows(session: Session, rnd: Round, kind: str) -> list[dict]:
    decision_kind = DecisionKind.advancement.value if kind == "advancement" else \
        DecisionKind.award.value
    wanted = [ADVANCED] if kind == "advancement" else None
    stmt = (
        select(Entry.code, Entry.title, Entry.applicant, ContestGroup.label, Category.label,
               Decision.outcome, RoundResult.rank, Decision.override)
        .join(Entry, Entry.id == Decision.entry_id)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .join(Category, Category.id == Entry.category_id, isouter=True)
        .join(RoundResult, (RoundResult.entry_id == Decision.entry_id)
              & (RoundResult.round_id == Decision.round_id), isouter=True)
        .where(Decision.round_id == rnd.id, Decision.kind == decision_kind,
               Decision.active == True)  # noqa: E712
        .order_by(ContestGroup.position, RoundResult.rank, Entry.code)
    )
    if wanted:
        stmt = stmt.where(Decision.outcome.in_(wanted))
    return [{"entry_code": code, "title": title, "applicant": applicant, "group": group or "",
             "category": category or "", "outcome": outcome, "rank": rank}
            for code, title, applicant, group, category, outcome, rank, _ in
            session.execute(stmt).all()]


def publish_results(
    *, session: Session, actor: Actor, round_id: int, kind: str = "advancement",
    title: str = "", note: str = "",
) -> Publication:
    """Publish the round's advancement list or award list to entrants and observers.

    A list already published is never changed: a correction is a new version whose note
    says what changed. Publishing advancement moves the advancing entries into the next
    round (and back out of it any entry a correction removes).
    """
    require_role(actor, Role.organiser)
    if kind not in PUBLICATION_KINDS:
        raise InvalidInput(f"Unknown list '{kind}'; publish 'advancement' or 'awards'.")
    rnd = _round(session, round_id)
    rows = _publication_rows(session, rnd, kind)
    if not rows:
        raise InvalidInput(f"There are no {kind} decisions for '{rnd.label}' to publish yet.")
    previous = session.exec(
        select(Publication).where(Publication.round_id == rnd.id, Publication.kind == kind)
        .order_by(Publication.version.desc())
    ).first()
    if previous is not None:
        if previous.payload == rows:
            raise InvalidInput(f"Nothing changed since version {previous.version} of this list.")
        if not (note or "").strip():
            raise InvalidInput("This list was published before: a correction needs a note "
                               "saying what changed and why.")
    version = previous.version + 1 if previous else 1
    default_title = f"{rnd.label}: {'entries advancing' if kind == 'advancement' else 'awards'}"
    publication = Publication(
        edition_id=rnd.edition_id, round_id=rnd.id, kind=kind, version=version,
        title=(title or "").strip() or default_title, note=(note or "").strip(), payload=rows,
        published_by=actor.user_id)
    session.add(publication)
    moved = 0
    if kind == "advancement":
        following = queries.next_scored_round(session, rnd)
        outcomes = dict(session.execute(select(Decision.entry_id, Decision.outcome).where(
            Decision.round_id == rnd.id, Decision.kind == DecisionKind.advancement.value,
            Decision.active == True)).all())  # noqa: E712
        for entry in session.exec(select(Entry).where(Entry.id.in_(list(outcomes) or [-1]))):
            target = following.id if outcomes[entry.id] == ADVANCED else rnd.id
            if following is not None and entry.current_round_id in (rnd.id, following.id) \
                    and entry.current_round_id != target:
                entry.current_round_id = target
                session.add(entry)
                moved += 1
    session.flush()
    audit(session, actor, "results.publish", "publication", publication.id,
          edition_id=rnd.edition_id, round=rnd.key, kind=kind, version=version,
          entries=len(rows), correction=version > 1, note=publication.note, moved=moved)
    session.commit()
    return publication


def published_results(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """Every published list of the edition, newest first, corrections included; an
    entrant's own entries are marked."""
    if actor is None or not actor.roles:
        raise PermissionDenied("Please sign in first.")
    mine: set[str] = set()
    if actor.has(Role.entrant):
        mine = set(session.exec(select(Entry.code).where(
            Entry.owner_id == actor.user_id, Entry.edition_id == edition_id)).all())
    labels = dict(session.execute(select(Round.id, Round.label).where(
        Round.edition_id == edition_id)).all())
    lists = []
    for p in session.exec(select(Publication).where(Publication.edition_id == edition_id)
                          .order_by(Publication.published_at.desc(), Publication.id.desc())):
        lists.append({
            "id": p.id, "round": labels.get(p.round_id, ""), "kind": p.kind,
            "version": p.version, "correction": p.version > 1, "title": p.title,
            "note": p.note, "published_at": p.published_at,
            "rows": [{**row, "mine": row["entry_code"] in mine} for row in p.payload],
        })
    return lists


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
                       draws: int = DEFAULT_DRAWS, seed: int = 0,
                       progress: Callable[[float], None] | None = None) -> ResultsExport:
    """The ranking, per-criterion, per-judge and reliability sheets of a round's results
    workbook. The caller checks that its actor may export."""
    rnd = _round(session, round_id)
    ranked = _rank(session, rnd, method=method, draws=draws, seed=seed, progress=progress)
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
    scores = criterion_scores(session, rnd.id)
    criteria = (scores.groupby(["entry", "sheet", "criterion"])["value"]
                .agg(["mean", "min", "max", "count"]).reset_index())
    criteria.insert(0, "group", criteria["entry"].map(pools))
    criteria.insert(1, "entry_code", criteria["entry"].map(codes))
    criteria = criteria.drop(columns="entry").rename(columns={"count": "n_judges"})
    criteria = criteria.sort_values(["group", "entry_code", "sheet", "criterion"])

    report = reliability.build_report(
        ranked.result, conflicts_excluded=_conflicts_excluded(session, rnd, list(codes)))
    people = dict(session.execute(select(User.id, User.email)).all())
    names = dict(session.execute(select(User.id, User.name)).all())
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
        rel_rows += [{"measure": f"block {row['judges']}: {k}", "sheet": row["sheet"], "value": v}
                     for k, v in row.items() if k in ("n_entries", "icc_a1", "icc_ak", "kendall_w")]
    rel_rows += [{"measure": "summary", "sheet": "", "value": line} for line in report.summary]
    settings = {"method": ranked.method, "draws": draws, "seed": seed,
                "cut": (f"top {ranked.cut.top} per group" if ranked.cut and ranked.cut.top
                        else f"score >= {ranked.cut.threshold}" if ranked.cut else "none"),
                "public_vote_weight": rnd.public_vote_weight,
                "carry_over_weight": rnd.carry_over_weight,
                "sigma": {k: round(v, 3) for k, v in ranked.result.sigma.items()},
                "tau": {k: round(v, 3) for k, v in ranked.result.tau.items()},
                "tie_rule": ", ".join(tie_rule_of(session.get(Edition, rnd.edition_id)))}
    counts = {"entries": len(t), "sheets": len(ranked.result.ratings),
              "judges": int(ranked.result.ratings["judge"].nunique()),
              "borderline": int(t["borderline"].sum()), "in_cut": int(t["in_cut"].sum())}
    return ResultsExport(ranking_frame.reset_index(drop=True), criteria.reset_index(drop=True),
                         judges, pd.DataFrame(rel_rows), ranked.warnings, counts, settings,
                         rnd.blind)
