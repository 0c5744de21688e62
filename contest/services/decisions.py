"""Decisions on a round: who advances, who wins an award, and the published lists.

Every eligible entry of the round gets a decision, and none silently: an entry without a
rating, or with fewer ratings than the round's judges per entry, is listed before deciding
and needs the organiser's explicit choice (decide it as ranked, or advance / award it or
not, each with a recorded reason; or wait, or assign more judges). A round whose ratings
fall into separate pieces is named piece by piece and can be connected in one step (one
more judge from the main piece for each entry scored apart). Each action is planned first
(plan_*: what it would do, nothing stored), then carried out by the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import func, update
from sqlmodel import Session, select

from contest import i18n, ranking
from contest.labels import Label, label as named
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.i18n import Message
from contest.models import (
    AdvancementRule,
    Assignment,
    AssignmentStatus,
    Category,
    ContestGroup,
    Decision,
    DecisionKind,
    Edition,
    Entry,
    Publication,
    Role,
    Round,
    RoundResult,
    Track,
)
from contest.services import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    assignments,
    audit,
    panels,
    queries,
    require_role,
    standings,
)

ADVANCED, NOT_ADVANCED = "advanced", "not_advanced"
PUBLICATION_KINDS = ("advancement", "awards")
NO_AWARD = ""


# ---------------------------------------------------------------- what a round can decide


@dataclass(frozen=True)
class Tier:
    """An award tier of the edition and how many of each group win it."""

    key: str
    label: str
    per_group: int


def _tiers(edition: Edition) -> list[Tier]:
    return [Tier(a["key"], named(a) if a.get("label") else Label(a["key"]), int(a["per_group"]))
            for a in standings.award_tiers_of(edition)]


def award_tiers(*, session: Session, actor: Actor, edition_id: int) -> list[Tier]:
    """The edition's award tiers with their counts per group (from its settings)."""
    require_role(actor, Role.organiser)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("common.no_such_edition")
    return _tiers(edition)


def _round_tiers(session: Session, rnd: Round) -> list[Tier]:
    """Award tiers belong to the last scored round (the final), if the edition has any."""
    if queries.next_scored_round(session, rnd) is not None:
        return []
    return _tiers(session.get(Edition, rnd.edition_id))


@dataclass(frozen=True)
class RoundActions:
    """What the organiser may decide on a round."""

    round_id: int
    round_label: str
    next_round: str | None  # advancement moves entries into it
    advancement: bool  # a next scored round and an advancement rule
    tiers: tuple[Tier, ...]  # award tiers of this round (only the last scored round has them)
    method: str  # the round's own ranking method


def round_actions(*, session: Session, actor: Actor, round_id: int) -> RoundActions:
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    following = queries.next_scored_round(session, rnd)
    return RoundActions(
        rnd.id, named(rnd), named(following) if following else None,
        following is not None and rnd.advancement_rule != AdvancementRule.none.value,
        tuple(_round_tiers(session, rnd)),
        rnd.method or "model")


# ---------------------------------------------------------------- a disconnected design


@dataclass(frozen=True)
class Piece:
    """A piece of the round's ratings that shares no judge with the main piece."""

    entries: tuple[str, ...]  # entry codes
    judges: tuple[str, ...]  # name <email>


@dataclass(frozen=True)
class DesignCheck:
    """Whether the round's ratings form one connected piece, and if not, what is apart."""

    round_id: int
    connected: bool
    pieces: int
    apart: tuple[Piece, ...]  # every piece but the main one
    stranded: tuple[int, ...]  # ids of the entries scored apart from the main piece
    methods: tuple[str, ...]  # the methods that can rank the ratings as they are


def _pieces(session: Session, rnd: Round) -> tuple[list[dict], list[dict], set[int]]:
    """Per sheet: the main piece and the pieces apart; and every entry scored apart."""
    ratings = standings.load_ratings(session, rnd.id)
    mains, apart, stranded = [], [], set()
    for _sheet, part in ratings.groupby("sheet") if len(ratings) else []:
        report = ranking.check_design(part)
        mains.append(report.components[0])
        for piece in report.components[1:]:
            apart.append(piece)
            stranded.update(piece["entries"])
    return mains, apart, stranded


def design_check(*, session: Session, actor: Actor, round_id: int) -> DesignCheck:
    """The round's ratings as a judge-entry graph: its pieces, the entries and judges apart
    from the main piece, and the methods that can rank it as it is."""
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    _mains, apart, stranded = _pieces(session, rnd)
    codes = dict(session.exec(select(Entry.id, Entry.code).where(
        Entry.id.in_(sorted({e for p in apart for e in p["entries"]}) or [-1]))).all())
    labels = {j.user_id: j.label for j in queries.judge_pool(session, rnd.edition_id)}
    shown, seen = [], set()
    for piece in apart:
        key = (tuple(piece["entries"]), tuple(piece["judges"]))
        if key not in seen:
            seen.add(key)
            shown.append(Piece(tuple(sorted(codes.get(e, str(e)) for e in piece["entries"])),
                               tuple(sorted(labels.get(j, str(j)) for j in piece["judges"]))))
    connected = not apart
    return DesignCheck(rnd.id, connected, 1 + len(shown) if apart else 1, tuple(shown),
                       tuple(sorted(stranded)), ranking.methods_for_design(connected))


@dataclass(frozen=True)
class Bridge:
    """One judge from the main piece for one entry scored apart."""

    entry_id: int
    entry: str  # code
    judge_id: int
    judge: str  # name <email>


@dataclass(frozen=True)
class ConnectionPlan:
    round_id: int
    bridges: tuple[Bridge, ...]
    unserved: tuple[tuple[str, Message], ...]  # (entry code, why no judge could take it)


def plan_connection(*, session: Session, actor: Actor, round_id: int) -> ConnectionPlan:
    """For each entry scored apart from the main piece, one more judge from the main piece
    who may score it (panels.refusals: conflicts, colleagues, already on it), within their
    cap; expertise matches first, then the least loaded. Nothing is stored."""
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    mains, _apart, stranded = _pieces(session, rnd)
    main_judges = set().union(*(set(m["judges"]) for m in mains)) if mains else set()
    pool = [j for j in queries.judge_pool(session, rnd.edition_id) if j.user_id in main_judges]
    entries = {e.id: e for e in session.exec(select(Entry).where(
        Entry.id.in_(sorted(stranded) or [-1])).order_by(Entry.code))}
    refused = panels.refusals(session, rnd, [(j.user_id, e) for e in entries for j in pool],
                              pool=pool)
    loads = dict(session.exec(
        select(Assignment.judge_id, func.count()).where(
            Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value)
        .group_by(Assignment.judge_id)).all())
    tracks = dict(session.exec(select(Track.id, Track.key).where(
        Track.edition_id == rnd.edition_id)).all())
    bridges, unserved = [], []
    for entry in sorted(entries.values(), key=lambda e: e.code):
        track = tracks.get(entry.track_id)
        free = [j for j in pool if (j.user_id, entry.id) not in refused
                and (j.max_load is None or loads.get(j.user_id, 0) < j.max_load)]
        if not free:
            reasons = {str(refused.get((j.user_id, entry.id), "")) for j in pool} - {""}
            unserved.append((entry.code, i18n.msg("decisions.no_bridge", entry=entry.code,
                                                  reasons="; ".join(sorted(reasons)[:3]))))
            continue
        best = min(free, key=lambda j: (track not in j.expertise, loads.get(j.user_id, 0),
                                        j.user_id))
        loads[best.user_id] = loads.get(best.user_id, 0) + 1
        bridges.append(Bridge(entry.id, entry.code, best.user_id, best.label))
    return ConnectionPlan(rnd.id, tuple(bridges), tuple(unserved))


def connect_round(*, session: Session, actor: Actor, round_id: int) -> ConnectionPlan:
    """Carry out plan_connection: the judges are assigned (source "bridging"); once they
    have scored, the round's ratings are one piece and any method can rank them."""
    plan = plan_connection(session=session, actor=actor, round_id=round_id)
    rnd = standings.round_of(session, round_id)
    for bridge in plan.bridges:
        row = session.exec(select(Assignment).where(
            Assignment.round_id == rnd.id, Assignment.entry_id == bridge.entry_id,
            Assignment.judge_id == bridge.judge_id)).first()
        row = row or Assignment(round_id=rnd.id, entry_id=bridge.entry_id,
                                judge_id=bridge.judge_id, created_by=actor.user_id)
        row.status, row.source = AssignmentStatus.active.value, "bridging"
        session.add(row)
    audit(session, actor, "assignment.connect", "round", rnd.id, edition_id=rnd.edition_id,
          added=[[b.entry, b.judge_id] for b in plan.bridges],
          unserved=[[code, str(why)] for code, why in plan.unserved])
    session.commit()
    return plan


# ---------------------------------------------------------------- entries short of ratings


@dataclass(frozen=True)
class ShortEntry:
    """An eligible entry of the round with fewer ratings than its judges per entry."""

    entry_id: int
    code: str
    title: str
    ratings: int  # judges who submitted a sheet
    needed: int  # the round's judges per entry
    assigned: int  # judges on it now
    rank: int | None  # None: not ranked (no rating)


def _short_entries(session: Session, rnd: Round, table: pd.DataFrame | None) -> list[ShortEntry]:
    ranked = {} if table is None else {
        int(r.entry_id): (int(r.n_judges), int(r.rank)) for r in table.itertuples()}
    entries = {e.id: e for e in queries.round_entries(session, rnd)}
    if ranked:
        for e in session.exec(select(Entry).where(Entry.id.in_(list(ranked)))):
            entries.setdefault(e.id, e)
    assigned = dict(session.exec(
        select(Assignment.entry_id, func.count()).where(
            Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value)
        .group_by(Assignment.entry_id)).all())
    short = []
    for entry in sorted(entries.values(), key=lambda e: e.code):
        n, rank = ranked.get(entry.id, (0, None))
        if n < rnd.judges_per_entry:
            short.append(ShortEntry(entry.id, entry.code, entry.title, n, rnd.judges_per_entry,
                                    int(assigned.get(entry.id, 0)), rank))
    return short


def short_entries(*, session: Session, actor: Actor, round_id: int) -> list[ShortEntry]:
    """The round's eligible entries without a rating or with fewer ratings than the round's
    judges per entry: each needs the organiser's choice before the round is decided."""
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    try:
        table = standings.rank(session, rnd, method="mean", draws=0, seed=0, progress=None).table
    except InvalidInput:  # nothing submitted yet: every entry is short
        table = None
    return _short_entries(session, rnd, table)


def decide_all_short(short: list[ShortEntry], kind: str, reason: str,
                     overrides: Mapping | None = None) -> tuple[dict, dict]:
    """One explicit choice for every entry short of ratings that has none yet (the command
    line's `--unscored decide --reason`): an entry with ratings is decided as ranked; one
    without any rating does not advance (no award). Returns (overrides, accept), the
    given overrides kept."""
    given = {str(k).strip().upper() for k in (overrides or {})}
    out, accept = dict(overrides or {}), {}
    for entry in short:
        if entry.code.upper() in given:
            continue
        if entry.rank is None:
            out[entry.code] = (False if kind == "advancement" else NO_AWARD, reason)
        else:
            accept[entry.code] = reason
    return out, accept


@dataclass(frozen=True)
class MoreJudges:
    added: tuple[tuple[str, str], ...]  # (entry code, judge)
    waiting: tuple[str, ...]  # entries whose judges are all assigned and still to score
    unserved: tuple[str, ...]  # why an entry could not get its judges


def assign_more(*, session: Session, actor: Actor, round_id: int,
                entry_ids: list[int]) -> MoreJudges:
    """Bring the chosen short entries up to the round's judges per entry with judges who
    never had them (a second look for each shortfall); an entry that has its judges and only
    waits for their sheets gets none."""
    require_role(actor, Role.organiser)
    rnd = standings.round_of(session, round_id)
    short = {s.entry_id: s for s in short_entries(session=session, actor=actor, round_id=rnd.id)}
    by_gap: dict[int, list[int]] = {}
    waiting = []
    for entry_id in dict.fromkeys(entry_ids):
        if entry_id not in short:
            continue
        gap = short[entry_id].needed - short[entry_id].assigned
        if gap <= 0:
            waiting.append(short[entry_id].code)
        else:
            by_gap.setdefault(gap, []).append(entry_id)
    added, unserved = [], []
    names = {j.user_id: j.label for j in queries.judge_pool(session, rnd.edition_id)}
    for gap, ids in sorted(by_gap.items()):
        outcome = assignments.second_look(session=session, actor=actor, round_id=rnd.id,
                                          entry_ids=ids, extra=min(gap, 4))
        codes = {i: short[i].code for i in ids}
        added += [(codes.get(e, str(e)), names.get(j, str(j))) for j, e in outcome.added]
        unserved += [reason for _, reason in outcome.unserved]
    return MoreJudges(tuple(added), tuple(waiting), tuple(unserved))


# ---------------------------------------------------------------- planning a decision


@dataclass(frozen=True)
class Planned:
    """One entry's decision in a plan."""

    entry_id: int
    code: str
    title: str
    pool: str
    rank: int | None
    ratings: int
    outcome: str  # advanced / not_advanced, or an award tier key ("" for none)
    reason: str
    override: bool  # the organiser's decision differs from the ranking's
    short: bool  # fewer ratings than the round's judges per entry


@dataclass(frozen=True)
class DecisionPlan:
    """What deciding a round would do; `blocking` lists what must be decided first."""

    round_id: int
    round_label: str
    kind: str  # "advancement" or "awards"
    method: str
    next_round: str | None
    rows: tuple[Planned, ...]
    counts: dict[str, int]
    short: tuple[ShortEntry, ...]
    blocking: tuple[Message, ...]
    warnings: tuple = ()
    overrides: int = 0

    @property
    def ready(self) -> bool:
        return not self.blocking


def _ids_by_key(table: pd.DataFrame, short: list[ShortEntry]) -> dict[str, int]:
    ids = {str(c).upper(): int(i) for c, i in zip(table["entry_code"], table["entry_id"])}
    ids.update({s.code.upper(): s.entry_id for s in short})
    return ids


def _keyed(given: Mapping, ids: dict[str, int], known: set[int]) -> tuple[dict[int, object], list]:
    """Choices keyed by entry id or code -> keyed by entry id; unknown ones named."""
    out, problems = {}, []
    for key, value in (given or {}).items():
        text = str(key).strip()
        entry_id = int(text) if text.isdigit() else ids.get(text.upper())
        if entry_id is None or entry_id not in known:
            problems.append(i18n.msg("decisions.not_in_round", entry=text))
            continue
        out[entry_id] = value
    return out, problems


def _unresolved_at_line(table: pd.DataFrame, places: int) -> list[int]:
    """Entries tied after every step of the tie rule whose shared rank straddles the top
    `places` line."""
    found = []
    for _, part in table.groupby("pool"):
        tied = part[part["flags"].str.contains("tie_unresolved")]
        for rank, same in tied.groupby("rank"):
            if rank <= places < rank + len(same) - 1:
                found += [int(e) for e in same["entry_id"]]
    return found


def _plan(session: Session, rnd: Round, kind: str, *, method: str | None,
          overrides: Mapping | None, accept: Mapping | None, draws: int = 0,
          seed: int = 0) -> tuple[DecisionPlan, standings.RoundRanking]:
    """The one planner of advancement and awards (the pages, the CLI and the decisions
    themselves all go through it)."""
    ranked = standings.rank(session, rnd, method=method, draws=draws, seed=seed, progress=None)
    table = ranked.table
    short = _short_entries(session, rnd, table)
    short_ids = {s.entry_id for s in short}
    ids = _ids_by_key(table, short)
    known = set(ids.values())
    overrides, problems = _keyed(overrides or {}, ids, known)
    accepted, more = _keyed(accept or {}, ids, known)
    problems += more
    tiers = _round_tiers(session, rnd) if kind == "awards" else []
    lines, total = [], 0
    for tier in tiers:
        total += tier.per_group
        lines.append((total, tier.key))
    keys = {t.key for t in tiers}
    codes = {**dict(zip(table["entry_id"].astype(int), table["entry_code"])),
             **{s.entry_id: s.code for s in short}}
    for entry_id, (wanted, reason) in overrides.items():
        if not (reason or "").strip():
            problems.append(i18n.msg("results.override_needs_reason", code=codes[entry_id]))
        if kind == "awards" and wanted and wanted not in keys:
            problems.append(i18n.msg("results.unknown_tier", tier=wanted,
                                     tiers=", ".join(sorted(keys))))
    for entry_id, reason in accepted.items():
        if not (reason or "").strip():
            problems.append(i18n.msg("decisions.choice_needs_reason", entry=codes[entry_id]))
        if entry_id not in set(table["entry_id"].astype(int)):
            problems.append(i18n.msg("decisions.unranked_as_ranked", entry=codes[entry_id]))
    undecided = sorted(codes[s.entry_id] for s in short
                       if s.entry_id not in overrides and s.entry_id not in accepted)
    if undecided:
        problems.append(i18n.msg("decisions.short_undecided", n=len(undecided),
                                 entries=", ".join(undecided), needed=rnd.judges_per_entry))
    places = [p for p, _ in lines] if kind == "awards" else (
        [ranked.cut.top] if ranked.cut is not None and ranked.cut.top is not None else [])
    tied = sorted({codes[e] for p in places for e in _unresolved_at_line(table, p)
                   if e not in overrides})
    if tied:
        problems.append(i18n.msg("results.tied_at_cut" if kind == "advancement"
                                 else "results.tied_at_award_line", codes=", ".join(tied)))

    rows = []
    for row in table.itertuples():
        entry_id = int(row.entry_id)
        if kind == "advancement":
            outcome = ADVANCED if row.in_cut else NOT_ADVANCED
        else:
            outcome = next((key for places_, key in lines if row.rank <= places_), NO_AWARD)
        reason, override = i18n.text("results.rank_in_pool", rank=int(row.rank),
                                     pool=row.pool_label), False
        if entry_id in overrides:
            wanted, given = overrides[entry_id]
            wanted = (ADVANCED if wanted else NOT_ADVANCED) if kind == "advancement" \
                else (wanted or NO_AWARD)
            override, outcome, reason = wanted != outcome, wanted, (given or "").strip()
        elif entry_id in accepted:
            reason = (accepted[entry_id] or "").strip()
        rows.append(Planned(entry_id, row.entry_code, row.title, row.pool_label, int(row.rank),
                            int(row.n_judges), outcome, reason, override, entry_id in short_ids))
    ranked_ids = {r.entry_id for r in rows}
    for s in short:  # not ranked: no rating at all
        if s.entry_id in ranked_ids or s.entry_id not in overrides:
            continue
        wanted, given = overrides[s.entry_id]
        outcome = (ADVANCED if wanted else NOT_ADVANCED) if kind == "advancement" \
            else (wanted or NO_AWARD)
        rows.append(Planned(s.entry_id, s.code, s.title, "", None, 0, outcome,
                            (given or "").strip(), True, True))
    if kind == "advancement":
        advanced = sum(r.outcome == ADVANCED for r in rows)
        counts = {"advanced": advanced, "not_advanced": len(rows) - advanced}
    else:
        counts = {t.key: sum(r.outcome == t.key for r in rows) for t in tiers}
    following = queries.next_scored_round(session, rnd)
    plan = DecisionPlan(rnd.id, named(rnd), kind, ranked.method,
                        named(following) if following else None, tuple(rows), counts,
                        tuple(short), tuple(problems), tuple(ranked.warnings),
                        sum(r.override for r in rows))
    return plan, ranked


def _advancement_round(session: Session, round_id: int) -> Round:
    rnd = standings.round_of(session, round_id)
    if queries.next_scored_round(session, rnd) is None:
        raise InvalidInput("results.last_round", round=named(rnd))
    if rnd.advancement_rule == AdvancementRule.none.value or standings.round_cut(
            rnd, session.get(Edition, rnd.edition_id)) is None:
        raise InvalidInput("results.no_advancement_rule", round=named(rnd))
    return rnd


def _award_round(session: Session, round_id: int) -> Round:
    rnd = standings.round_of(session, round_id)
    if not _round_tiers(session, rnd):
        raise InvalidInput("decisions.no_award_tiers", round=named(rnd))
    return rnd


def plan_advancement(*, session: Session, actor: Actor, round_id: int, method: str | None = None,
                     overrides: Mapping | None = None, accept: Mapping | None = None) -> DecisionPlan:
    """What deciding advancement would do (nothing stored): the round's cut (top N per
    group or a threshold), overrides {entry: (advance?, reason)}, and for each entry short
    of ratings either an override or accept {entry: reason} (decide it as ranked)."""
    require_role(actor, Role.organiser)
    rnd = _advancement_round(session, round_id)
    return _plan(session, rnd, "advancement", method=method, overrides=overrides,
                 accept=accept)[0]


def plan_awards(*, session: Session, actor: Actor, round_id: int, method: str | None = None,
                overrides: Mapping | None = None, accept: Mapping | None = None) -> DecisionPlan:
    """What granting the awards would do (nothing stored): tiers per group by rank (the
    edition's counts, e.g. gold 5, silver 8, excellence 12), overrides {entry: (tier or ""
    for none, reason)}, and a choice for each entry short of ratings."""
    require_role(actor, Role.organiser)
    rnd = _award_round(session, round_id)
    return _plan(session, rnd, "awards", method=method, overrides=overrides, accept=accept)[0]


def _refuse_unless_ready(plan: DecisionPlan) -> None:
    if plan.blocking:
        first = plan.blocking[0] if len(plan.blocking) == 1 else i18n.msg(
            "decisions.not_decided", n=len(plan.blocking))
        raise InvalidInput(first, list(plan.blocking))


def _store_results(session: Session, ranked: standings.RoundRanking) -> None:
    session.execute(RoundResult.__table__.delete().where(RoundResult.round_id == ranked.round_id))

    def number(value, kind=float):
        return None if value is None or pd.isna(value) else kind(value)

    now = utcnow()
    session.execute(RoundResult.__table__.insert(), [
        {"round_id": ranked.round_id, "entry_id": int(row.entry_id), "method": ranked.method,
         "adjusted_score": number(row.adjusted_score), "raw_mean": number(row.raw_mean),
         "n_judges": int(row.n_judges), "rank": number(row.rank, int),
         "rank_low": number(row.rank_low, int), "rank_high": number(row.rank_high, int),
         "p_cut": number(row.p_cut), "flags": str(row.flags)[:400], "computed_at": now}
        for row in ranked.table.itertuples()
    ])


def _replace_decisions(session: Session, actor: Actor, rnd: Round, kind: str,
                       rows: list[Planned]) -> None:
    session.execute(
        update(Decision).where(Decision.round_id == rnd.id, Decision.kind == kind,
                               Decision.active == True)  # noqa: E712
        .values(active=False).execution_options(synchronize_session=False))
    for row in rows:
        session.add(Decision(edition_id=rnd.edition_id, round_id=rnd.id, kind=kind,
                             decided_by=actor.user_id, entry_id=row.entry_id,
                             outcome=row.outcome, reason=row.reason[:1000],
                             override=row.override))


def _choices_for_audit(plan: DecisionPlan) -> tuple[dict, dict]:
    overrides = {str(r.entry_id): [r.outcome, r.reason] for r in plan.rows if r.override}
    short = {r.code: {"ratings": r.ratings, "outcome": r.outcome, "reason": r.reason,
                      "choice": "override" if r.override else "as_ranked"}
             for r in plan.rows if r.short}
    return overrides, short


def advance_round(*, session: Session, actor: Actor, round_id: int, method: str | None = None,
                  overrides: Mapping | None = None, accept: Mapping | None = None,
                  draws: int = 0, seed: int = 0) -> DecisionPlan:
    """Decide who advances, as plan_advancement says; refused while anything is left to
    decide (entries short of ratings, ties at the cut). Stores the round's results and one
    decision per entry; entries move to the next round when the list is published."""
    require_role(actor, Role.organiser)
    rnd = _advancement_round(session, round_id)
    plan, ranked = _plan(session, rnd, "advancement", method=method, overrides=overrides,
                         accept=accept, draws=draws, seed=seed)
    _refuse_unless_ready(plan)
    _store_results(session, ranked)
    _replace_decisions(session, actor, rnd, DecisionKind.advancement.value, list(plan.rows))
    overridden, short = _choices_for_audit(plan)
    audit(session, actor, "results.advance", "round", rnd.id, edition_id=rnd.edition_id,
          method=plan.method, advanced=plan.counts["advanced"], total=len(plan.rows),
          next_round=queries.next_scored_round(session, rnd).key, overrides=overridden,
          short_of_ratings=short)
    session.commit()
    return plan


def grant_awards(*, session: Session, actor: Actor, round_id: int, method: str | None = None,
                 overrides: Mapping | None = None, accept: Mapping | None = None) -> DecisionPlan:
    """Grant the round's award tiers, as plan_awards says; refused while anything is left
    to decide, and in a round without award tiers."""
    require_role(actor, Role.organiser)
    rnd = _award_round(session, round_id)
    plan, ranked = _plan(session, rnd, "awards", method=method, overrides=overrides,
                         accept=accept)
    _refuse_unless_ready(plan)
    _store_results(session, ranked)
    _replace_decisions(session, actor, rnd, DecisionKind.award.value,
                       [r for r in plan.rows if r.outcome != NO_AWARD])
    overridden, short = _choices_for_audit(plan)
    audit(session, actor, "results.awards", "round", rnd.id, edition_id=rnd.edition_id,
          method=plan.method, counts=plan.counts, overrides=overridden, short_of_ratings=short)
    session.commit()
    return plan


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
    stmt = (
        select(Entry.code, Entry.title, Entry.applicant, ContestGroup, Category,
               Decision.outcome, RoundResult.rank)
        .join(Entry, Entry.id == Decision.entry_id)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .join(Category, Category.id == Entry.category_id, isouter=True)
        .join(RoundResult, (RoundResult.entry_id == Decision.entry_id)
              & (RoundResult.round_id == Decision.round_id), isouter=True)
        .where(Decision.round_id == rnd.id, Decision.kind == decision_kind,
               Decision.active == True)  # noqa: E712
        .order_by(ContestGroup.position, RoundResult.rank, Entry.code)
    )
    if kind == "advancement":
        stmt = stmt.where(Decision.outcome == ADVANCED)
    # names as published, in every language (group_labels: {language: name})
    return [{"entry_code": code, "title": title, "applicant": applicant,
             "group": group.label if group else "", "group_labels": dict(group.labels or {}) if group else {},
             "category": category.label if category else "",
             "category_labels": dict(category.labels or {}) if category else {},
             "outcome": outcome, "rank": rank}
            for code, title, applicant, group, category, outcome, rank in
            session.execute(stmt).all()]


@dataclass(frozen=True)
class PublicationPlan:
    """What publishing a list would do."""

    round_id: int
    kind: str
    version: int  # > 1: a correction, which needs a note
    rows: tuple[dict, ...]  # the list as it would be published
    moves_in: tuple[str, ...] = ()  # entries that would move into the next round
    moves_out: tuple[str, ...] = ()  # entries a correction would take back out of it
    next_round: str | None = None
    blocking: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return not self.blocking


def _moves(session: Session, rnd: Round, following: Round | None) -> tuple[list[Entry], list[Entry]]:
    if following is None:
        return [], []
    outcomes = dict(session.execute(select(Decision.entry_id, Decision.outcome).where(
        Decision.round_id == rnd.id, Decision.kind == DecisionKind.advancement.value,
        Decision.active == True)).all())  # noqa: E712
    moving_in, moving_out = [], []
    for entry in session.exec(select(Entry).where(Entry.id.in_(list(outcomes) or [-1]))
                              .order_by(Entry.code)):
        target = following.id if outcomes[entry.id] == ADVANCED else rnd.id
        if entry.current_round_id in (rnd.id, following.id) and entry.current_round_id != target:
            (moving_in if target == following.id else moving_out).append(entry)
    return moving_in, moving_out


def _publication_plan(session: Session, rnd: Round, kind: str, note: str) -> PublicationPlan:
    if kind not in PUBLICATION_KINDS:
        raise InvalidInput("results.unknown_list", kind=kind)
    if kind == "awards" and not _round_tiers(session, rnd):
        raise InvalidInput("decisions.no_award_tiers", round=named(rnd))
    rows = _publication_rows(session, rnd, kind)
    if not rows:
        raise InvalidInput("results.nothing_to_publish", kind=i18n.msg(f"decisions.list_{kind}"),
                           round=named(rnd))
    previous = session.exec(
        select(Publication).where(Publication.round_id == rnd.id, Publication.kind == kind)
        .order_by(Publication.version.desc())
    ).first()
    blocking = []
    if previous is not None:
        if previous.payload == rows:
            blocking.append(i18n.msg("results.nothing_changed", version=previous.version))
        elif not (note or "").strip():
            blocking.append(i18n.msg("results.list_was_published_before"))
    following = queries.next_scored_round(session, rnd) if kind == "advancement" else None
    moving_in, moving_out = _moves(session, rnd, following)
    return PublicationPlan(rnd.id, kind, previous.version + 1 if previous else 1, tuple(rows),
                           tuple(e.code for e in moving_in), tuple(e.code for e in moving_out),
                           named(following) if following else None, tuple(blocking))


def plan_publication(*, session: Session, actor: Actor, round_id: int, kind: str = "advancement",
                     note: str = "") -> PublicationPlan:
    """What publishing the round's list would do: the rows, the version (a correction
    needs a note), the entries that would move into the next round or back out of it."""
    require_role(actor, Role.organiser)
    return _publication_plan(session, standings.round_of(session, round_id), kind, note)


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
    rnd = standings.round_of(session, round_id)
    plan = _publication_plan(session, rnd, kind, note)
    if plan.blocking:
        raise InvalidInput(plan.blocking[0], list(plan.blocking))
    default_title = _default_title(rnd, kind).render(i18n.DEFAULT_LANGUAGE)
    publication = Publication(
        edition_id=rnd.edition_id, round_id=rnd.id, kind=kind, version=plan.version,
        title=(title or "").strip() or default_title, note=(note or "").strip(),
        payload=list(plan.rows), published_by=actor.user_id)
    session.add(publication)
    following = queries.next_scored_round(session, rnd) if kind == "advancement" else None
    moving_in, moving_out = _moves(session, rnd, following)
    for entry in moving_in:
        entry.current_round_id = following.id
        session.add(entry)
    for entry in moving_out:
        entry.current_round_id = rnd.id
        session.add(entry)
    session.flush()
    audit(session, actor, "results.publish", "publication", publication.id,
          edition_id=rnd.edition_id, round=rnd.key, kind=kind, version=plan.version,
          entries=len(plan.rows), correction=plan.version > 1, note=publication.note,
          moved=len(moving_in) + len(moving_out))
    session.commit()
    return publication


@dataclass(frozen=True)
class PublishedRow:
    entry_code: str
    title: str
    applicant: str | None
    group: str
    category: str
    outcome: str  # advanced, or an award tier key
    rank: int | None
    mine: bool  # one of the reader's own entries


@dataclass(frozen=True)
class PublishedList:
    """A published advancement or award list, as entrants and observers read it."""

    id: int
    round: str
    kind: str  # advancement or awards
    version: int
    correction: bool  # a later version of a list published before
    title: str
    note: str
    published_at: datetime
    rows: tuple[PublishedRow, ...]


def _default_title(rnd: Round, kind: str) -> Message:
    return i18n.msg("results.title_advancing" if kind == "advancement" else "results.title_awards",
                    round=named(rnd))


def _published_title(publication: Publication, rnd: Round | None) -> str | Message:
    """The title as published; the default title reads in the reader's language."""
    if rnd is not None and publication.title == _default_title(rnd, publication.kind).render(i18n.DEFAULT_LANGUAGE):
        return _default_title(rnd, publication.kind)
    return publication.title


def published_results(*, session: Session, actor: Actor, edition_id: int) -> list[PublishedList]:
    """Every published list of the edition, newest first, corrections included; an
    entrant's own entries are marked."""
    if actor is None or not actor.roles:
        raise PermissionDenied("common.please_sign_first")
    mine: set[str] = set()
    if actor.has(Role.entrant):
        mine = set(session.exec(select(Entry.code).where(
            Entry.owner_id == actor.user_id, Entry.edition_id == edition_id)).all())
    rounds = {r.id: r for r in session.exec(select(Round).where(Round.edition_id == edition_id))}
    tiers = {t.key: t.label for t in _tiers(session.get(Edition, edition_id))}
    lists = []
    for p in session.exec(select(Publication).where(Publication.edition_id == edition_id)
                          .order_by(Publication.published_at.desc(), Publication.id.desc())):
        lists.append(PublishedList(
            p.id, named(rounds[p.round_id]) if p.round_id in rounds else "", p.kind, p.version, p.version > 1,
            _published_title(p, rounds.get(p.round_id)), p.note,
            p.published_at, tuple(
                PublishedRow(row["entry_code"], row.get("title") or "", row.get("applicant"),
                             Label(row.get("group") or "", row.get("group_labels")),
                             Label(row.get("category") or "", row.get("category_labels")),
                             tiers.get(row.get("outcome") or "", row.get("outcome") or ""),
                             row.get("rank"), row["entry_code"] in mine)
                for row in p.payload)))
    return lists
