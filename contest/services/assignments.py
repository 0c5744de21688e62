"""Judge assignment of a round: preview, commit, manual changes, second look.

Re-running keeps every assignment that already has work (a draft or submitted sheet);
the rest is solved again. Nothing is stored until the organiser commits a preview.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from sqlalchemy import func, insert
from sqlmodel import Session, select

from contest import assignment, db, i18n, organisations
from contest.labels import label as named
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    AssignmentStatus,
    Entry,
    Role,
    Round,
    ScoreSheet,
    SheetStatus,
    Track,
    User,
)
from contest.services import (
    InvalidInput,
    NotFound,
    StaleData,
    audit,
    calibration,
    heavy,
    panels,
    queries,
    refused_by_rule,
    require_role,
)

MAX_JUDGES_PER_ENTRY = 15


@dataclass(frozen=True)
class AssignmentPreview:
    """What committing would do, and the figures to check first."""

    round_id: int
    round_label: str
    per_entry: int
    seed: int
    result: assignment.AssignmentResult
    base: frozenset[tuple[int, int]]        # active (judge, entry) pairs at preview time
    kept: frozenset[tuple[int, int]]        # pairs kept because they have work
    to_add: tuple[tuple[int, int], ...]
    to_withdraw: tuple[tuple[int, int], ...]
    # Pairs with work that must go: the judge is now conflicted or left the pool.
    dropped_work: tuple[tuple[int, int], ...] = ()
    loads: list[dict] = field(default_factory=list)
    entry_codes: dict[int, str] = field(default_factory=dict)
    judge_names: dict[int, str] = field(default_factory=dict)

    @property
    def summary(self) -> list[str]:
        lines = [f"kept with work: {len(self.kept)}"]
        if self.dropped_work:
            lines.append(f"withdrawn although started (conflict or judge left the pool): "
                         f"{len(self.dropped_work)}")
        return lines + assignment.summary_lines(self.result)


def _specs(session: Session, rnd: Round, entries: list[Entry],
           pool: list[queries.PoolJudge]):
    track_key = dict(session.exec(
        select(Track.id, Track.key).where(Track.edition_id == rnd.edition_id)
    ).all())
    entry_specs = [assignment.EntrySpec(e.id, track_key.get(e.track_id)) for e in entries]
    judge_specs = [
        assignment.JudgeSpec(
            id=j.user_id, organisation=organisations.normalise_organisation(j.organisation),
            expertise=frozenset(j.expertise), max_load=j.max_load,
        )
        for j in pool
    ]
    return entry_specs, judge_specs


def _judge_labels(pool: list[queries.PoolJudge]) -> dict[int, str]:
    return queries.pool_labels(pool)


_ID_IN_TEXT = re.compile(r"\b(entry|judge) (\d+)\b")


def _readable(result: assignment.AssignmentResult, codes: dict[int, str],
              names: dict[int, str]) -> assignment.AssignmentResult:
    """The solver names entries and judges by id; organisers know codes and names."""
    def fix(text: str) -> str:
        def swap(match: re.Match) -> str:
            kind, number = match.group(1), int(match.group(2))
            label = (codes if kind == "entry" else names).get(number)
            return f"{kind} {label}" if label else match.group(0)
        return _ID_IN_TEXT.sub(swap, text)

    return dataclasses.replace(
        result,
        unserved=[(entry_id, fix(reason)) for entry_id, reason in result.unserved],
        problems=[fix(problem) for problem in result.problems],
    )


def preview_assignment(
    *, session: Session, actor: Actor, round_id: int, per_entry: int | None = None,
    seed: int = 0, progress: assignment.Progress | None = None,
) -> AssignmentPreview:
    """Solve the round's assignment without storing it: kept work, pairs to add and to
    withdraw, loads, expertise match, conflicts avoided, connectivity, problems."""
    require_role(actor, Role.organiser)
    db.begin_reading(session)
    rnd = queries.scored_round(session, round_id)
    k = rnd.judges_per_entry if per_entry is None else per_entry
    if not 1 <= k <= MAX_JUDGES_PER_ENTRY:
        raise InvalidInput("assignments.judges_per_entry_range", max=MAX_JUDGES_PER_ENTRY, k=k)
    entries = queries.round_entries(session, rnd)
    if not entries:
        raise InvalidInput("assignments.no_entries", round=named(rnd))
    pool = queries.judge_pool(session, rnd.edition_id)
    if not pool:
        raise InvalidInput("assignments.no_judges")
    forbidden = panels.forbidden_pairs(
        session, rnd.edition_id, entries, same_region=rnd.region_conflicts, pool=pool
    )
    active = {(a.judge_id, a.entry_id) for a in queries.active_assignments(session, round_id)}
    pool_ids = {j.user_id for j in pool}
    # Work stays unless it is now conflicted or its judge left the pool.
    with_work = active & queries.pairs_with_work(session, round_id)
    kept = {pair for pair in with_work if pair not in forbidden and pair[0] in pool_ids}
    # Calibration entries keep every judge calibration gave them (contest.services.calibration).
    calibrating_entries = set(calibration.entry_ids(session, round_id))
    calibrating = {pair for pair in active
                   if pair[1] in calibrating_entries and pair not in forbidden and pair[0] in pool_ids}
    existing: dict[int, set[int]] = {}
    for judge_id, entry_id in kept | calibrating:
        existing.setdefault(entry_id, set()).add(judge_id)
    entry_specs, judge_specs = _specs(session, rnd, entries, pool)
    try:
        result = heavy.compute(  # the solve: in a worker, no transaction open
            assignment.assign_judges, entry_specs, judge_specs, session=session, per_entry=k,
            forbidden=forbidden, existing=existing, seed=seed, progress=progress,
        )
    except i18n.RuleError as exc:
        raise refused_by_rule(exc) from None
    result = _readable(result, {e.id: e.code for e in entries}, _judge_labels(pool))
    pairs = set(result.pairs)
    track_of = {spec.id: spec.track for spec in entry_specs}
    fields = {j.user_id: set(j.expertise) for j in pool}
    off_field = {j.user_id: 0 for j in pool}
    for judge_id, entry_id in result.pairs:
        if judge_id in off_field and track_of[entry_id] not in fields[judge_id]:
            off_field[judge_id] += 1
    names = _judge_labels(pool)
    loads = [
        {"judge_id": j.user_id, "judge": names[j.user_id], "email": j.email, "load": result.loads.get(j.user_id, 0),
         "off field": off_field[j.user_id], "cap": j.max_load}
        for j in pool
    ]
    return AssignmentPreview(
        round_id=rnd.id, round_label=named(rnd), per_entry=k, seed=seed, result=result,
        base=frozenset(active), kept=frozenset(kept),
        to_add=tuple(sorted(pairs - active)), to_withdraw=tuple(sorted(active - pairs)),
        dropped_work=tuple(sorted(with_work - kept)), loads=loads, entry_codes={e.id: e.code for e in entries},
        judge_names=names,
    )


@dataclass(frozen=True)
class AssignmentStored:
    """What committing an assignment stored."""

    added: int
    withdrawn: int
    kept: int  # assignments kept because their judge has already worked on them
    total: int  # active assignments of the round now


def commit_assignment(
    *, session: Session, actor: Actor, preview: AssignmentPreview, accept_problems: bool = False,
) -> AssignmentStored:
    """Store a previewed assignment. Refused if the round's assignments or conflicts
    changed since the preview, or if it has problems the organiser has not accepted."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, preview.round_id)
    result = preview.result
    if (result.problems or result.unserved) and not accept_problems:
        raise InvalidInput(
            "The preview has problems; fix them or accept them explicitly.",
            problems=assignment.explained_problems(result),
        )
    # Lock the round (PostgreSQL; SQLite writers already queue) so two commits of two
    # previews cannot both pass the check below.
    session.exec(select(Round.id).where(Round.id == rnd.id).with_for_update()).first()
    rows = {(a.judge_id, a.entry_id): a for a in session.exec(
        select(Assignment).where(Assignment.round_id == rnd.id))}
    active = {pair for pair, row in rows.items() if row.status == AssignmentStatus.active.value}
    if active != set(preview.base):
        raise StaleData("assignments.changed_since_preview")
    entries = queries.round_entries(session, rnd)
    forbidden = panels.forbidden_pairs(
        session, rnd.edition_id, entries, same_region=rnd.region_conflicts
    )
    if any(pair in forbidden for pair in preview.to_add):
        raise StaleData("assignments.conflicts_since_preview")
    panels.withdraw_assignments(session, [rows[pair] for pair in preview.to_withdraw])
    fresh = []
    for judge_id, entry_id in preview.to_add:
        row = rows.get((judge_id, entry_id))
        if row is None:
            fresh.append({"round_id": rnd.id, "entry_id": entry_id, "judge_id": judge_id,
                          "status": AssignmentStatus.active.value, "source": "automatic",
                          "created_at": utcnow(), "created_by": actor.user_id})
        else:
            row.status, row.source = AssignmentStatus.active.value, "automatic"
            session.add(row)
    if fresh:
        # Tens of thousands of rows at the largest scale: one executemany, not one each.
        session.execute(insert(Assignment), fresh)
    audit(session, actor, "assignment.commit", "round", rnd.id, edition_id=rnd.edition_id,
          per_entry=preview.per_entry, seed=preview.seed, added=len(preview.to_add),
          withdrawn=len(preview.to_withdraw), kept=len(preview.kept),
          expertise_match=round(result.expertise_match, 4), connected=result.connected,
          problems=assignment.explained_problems(result))
    session.commit()
    return AssignmentStored(len(preview.to_add), len(preview.to_withdraw), len(preview.kept),
                            len(result.pairs))


def run_assignment(
    *, session: Session, actor: Actor, round_id: int, per_entry: int | None = None,
    seed: int = 0, progress: assignment.Progress | None = None,
) -> AssignmentPreview:
    """Preview and commit in one step (the CLI); refused when there are problems."""
    preview = preview_assignment(session=session, actor=actor, round_id=round_id,
                                 per_entry=per_entry, seed=seed, progress=progress)
    commit_assignment(session=session, actor=actor, preview=preview)
    return preview


def _withdraw(session: Session, row: Assignment) -> None:
    panels.withdraw_assignments(session, [row])


def _entry_in_round(session: Session, rnd: Round, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None or entry.current_round_id != rnd.id:
        raise NotFound("panels.entry_not_in_round", round=named(rnd))
    return entry


def _pieces_if_added(session: Session, rnd: Round, entry: Entry, judge_ids: list[int],
                     leaving: int | None = None) -> dict[int, int]:
    """Connected pieces of the round's design (its active assignments) once each judge
    also takes the entry (and `leaving` is taken off it)."""
    pairs = [(a.judge_id, a.entry_id) for a in queries.active_assignments(session, rnd.id)
             if not (a.judge_id == leaving and a.entry_id == entry.id)]
    return assignment.pieces_if_added(pairs, entry.id, judge_ids)


def _require_connected_choice(session: Session, rnd: Round, entry: Entry, judge_id: int,
                              leaving: int | None = None) -> None:
    """Refuse a judge who would split the round's design into more pieces than another
    allowed judge would: scores from separate pieces cannot be compared."""
    pool = queries.judge_pool(session, rnd.edition_id)
    refused = panels.refusals(session, rnd, [(j.user_id, entry.id) for j in pool],
                              leaving=leaving, pool=pool)
    allowed = [j for j in pool if (j.user_id, entry.id) not in refused]
    pieces = _pieces_if_added(session, rnd, entry, [j.user_id for j in allowed] + [judge_id],
                              leaving)
    best = min((pieces[j.user_id] for j in allowed), default=pieces[judge_id])
    if pieces[judge_id] > max(best, 1):
        better = [j.label for j in allowed if pieces[j.user_id] == best][:3]
        chosen = next((j.label for j in pool if j.user_id == judge_id), str(judge_id))
        raise InvalidInput("assignments.would_disconnect", judge=chosen, entry=entry.code,
                           pieces=pieces[judge_id], better=", ".join(better))


@dataclass(frozen=True)
class Replacement:
    """A judge who may replace a withdrawn one on an entry, and why they are offered."""

    judge_id: int
    judge: str  # name <email>
    organisation: str
    expertise_match: bool
    load: int  # active assignments in the round
    keeps_connected: bool  # the round's design stays in as few pieces as it can


def replacement_suggestions(*, session: Session, actor: Actor, round_id: int, entry_id: int,
                            count: int = 3) -> list[Replacement]:
    """Up to `count` judges who may replace a withdrawn one (panels.refusals, fresh: never
    one the entry had): first those who keep the round's design connected, then expertise
    matches, then the least loaded."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    entry = _entry_in_round(session, rnd, entry_id)
    pool = queries.judge_pool(session, rnd.edition_id)
    refused = panels.refusals(session, rnd, [(j.user_id, entry.id) for j in pool], fresh=True,
                              pool=pool)
    allowed = [j for j in pool if (j.user_id, entry.id) not in refused]
    if not allowed:
        return []
    pieces = _pieces_if_added(session, rnd, entry, [j.user_id for j in allowed])
    best = min(pieces.values())
    loads = dict(session.exec(
        select(Assignment.judge_id, func.count()).where(
            Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value)
        .group_by(Assignment.judge_id)
    ).all())
    track = session.get(Track, entry.track_id) if entry.track_id else None
    names = queries.pool_labels(pool)
    offered = [
        Replacement(j.user_id, names[j.user_id], j.organisation,
                    bool(track and track.key in j.expertise), loads.get(j.user_id, 0),
                    pieces[j.user_id] == best)
        for j in allowed
    ]
    offered.sort(key=lambda r: (not r.keeps_connected, not r.expertise_match, r.load, r.judge_id))
    return offered[:count]


def assign_replacement(*, session: Session, actor: Actor, round_id: int, entry_id: int,
                       judge_id: int) -> Assignment:
    """The organiser assigns a replacement judge to an entry in a round: one who may join
    it (panels.refusals, never one it had) and keeps the design connected when one can."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    entry = _entry_in_round(session, rnd, entry_id)
    panels.require_may_join(session, rnd, judge_id, entry.id, fresh=True)
    _require_connected_choice(session, rnd, entry, judge_id)
    row = Assignment(round_id=rnd.id, entry_id=entry.id, judge_id=judge_id, source="replacement",
                     created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit(session, actor, "assignment.replace", "assignment", row.id, edition_id=entry.edition_id,
          entry=entry.code, round=rnd.key, judge_id=judge_id)
    session.commit()
    return row


def add_judge(*, session: Session, actor: Actor, round_id: int, entry_id: int,
              judge_id: int) -> None:
    """The organiser adds one judge to one entry (never a conflicted one)."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    entry = _entry_in_round(session, rnd, entry_id)
    panels.require_may_join(session, rnd, judge_id, entry.id)
    _require_connected_choice(session, rnd, entry, judge_id)
    panels.activate_assignment(session, rnd.id, entry.id, judge_id, actor.user_id, source="manual")
    audit(session, actor, "assignment.add", "entry", entry.id, edition_id=rnd.edition_id,
          round_id=rnd.id, judge_id=judge_id)
    session.commit()


def _active_row(session: Session, rnd: Round, entry: Entry, judge_id: int) -> Assignment:
    row = session.exec(select(Assignment).where(
        Assignment.round_id == rnd.id, Assignment.entry_id == entry.id,
        Assignment.judge_id == judge_id, Assignment.status == AssignmentStatus.active.value,
    )).first()
    if row is None:
        raise NotFound("assignments.judge_not_assigned", entry=entry.code)
    submitted = session.exec(select(ScoreSheet.id).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id,
        ScoreSheet.judge_id == judge_id, ScoreSheet.status == SheetStatus.submitted.value,
    )).first()
    if submitted is not None:
        raise InvalidInput(
            f"The judge has already submitted a sheet for entry {entry.code}; "
            "it cannot be taken away."
        )
    return row


def remove_judge(*, session: Session, actor: Actor, round_id: int, entry_id: int,
                 judge_id: int) -> None:
    """The organiser takes a judge off an entry; refused once they have submitted."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    entry = _entry_in_round(session, rnd, entry_id)
    _withdraw(session, _active_row(session, rnd, entry, judge_id))
    audit(session, actor, "assignment.remove", "entry", entry.id, edition_id=rnd.edition_id,
          round_id=rnd.id, judge_id=judge_id)
    session.commit()


def swap_judge(*, session: Session, actor: Actor, round_id: int, entry_id: int,
               old_judge_id: int, new_judge_id: int) -> None:
    """Replace one judge of an entry by another, in one step."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    entry = _entry_in_round(session, rnd, entry_id)
    row = _active_row(session, rnd, entry, old_judge_id)
    panels.require_may_join(session, rnd, new_judge_id, entry.id, leaving=old_judge_id)
    _require_connected_choice(session, rnd, entry, new_judge_id, leaving=old_judge_id)
    _withdraw(session, row)
    panels.activate_assignment(session, rnd.id, entry.id, new_judge_id, actor.user_id, source="manual")
    audit(session, actor, "assignment.swap", "entry", entry.id, edition_id=rnd.edition_id,
          round_id=rnd.id, old_judge_id=old_judge_id, new_judge_id=new_judge_id)
    session.commit()


@dataclass(frozen=True)
class SecondLook:
    """The judges added for a second look, and the entries that could not get them all."""

    added: tuple[tuple[int, int], ...]  # (judge id, entry id)
    unserved: tuple[tuple[int, str], ...]  # (entry id, why)
    problems: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()  # the codes of the entries asked for


def second_look(
    *, session: Session, actor: Actor, round_id: int, entry_ids: list[int], extra: int = 2,
    seed: int = 0,
) -> SecondLook:
    """Add `extra` judges to each given entry, none of whom had it before (in any
    status), none conflicted, one per organisation; stores what it can and names each
    entry it could not fully serve."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    entries = [_entry_in_round(session, rnd, entry_id) for entry_id in dict.fromkeys(entry_ids)]
    if not entries:
        raise InvalidInput("assignments.choose_second_look")
    pool = queries.judge_pool(session, rnd.edition_id)
    forbidden = set(panels.refusals(
        session, rnd, [(j.user_id, e.id) for e in entries for j in pool], fresh=True, pool=pool))
    had: dict[int, set[int]] = {}
    for row in session.exec(select(Assignment).where(
        Assignment.round_id == rnd.id, Assignment.entry_id.in_([e.id for e in entries])
    )):
        had.setdefault(row.entry_id, set()).add(row.judge_id)
    entry_specs, judge_specs = _specs(session, rnd, entries, pool)
    try:
        result = assignment.second_look(
            entry_specs, judge_specs, extra=extra, forbidden=forbidden, existing=had, seed=seed
        )
    except i18n.RuleError as exc:
        raise refused_by_rule(exc) from None
    result = _readable(result, {e.id: e.code for e in entries}, _judge_labels(pool))
    for judge_id, entry_id in result.added:
        panels.activate_assignment(session, rnd.id, entry_id, judge_id, actor.user_id, source="second_look")
    audit(session, actor, "assignment.second_look", "round", rnd.id, edition_id=rnd.edition_id,
          entries=[e.id for e in entries], extra=extra, added=len(result.added),
          unserved=[reason for _, reason in result.unserved])
    session.commit()
    return SecondLook(tuple(result.added), tuple(result.unserved), tuple(result.problems),
                      tuple(e.code for e in entries))


def set_round_rules(*, session: Session, actor: Actor, round_id: int, judges_per_entry: int,
                    region_conflicts: bool) -> Round:
    """The organiser sets how many judges score each entry and whether a judge from the
    applicant's region counts as conflicted in this round."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    if not 1 <= judges_per_entry <= MAX_JUDGES_PER_ENTRY:
        raise InvalidInput(
            f"Judges per entry must be between 1 and {MAX_JUDGES_PER_ENTRY}, not {judges_per_entry}."
        )
    before = (rnd.judges_per_entry, rnd.region_conflicts)
    rnd.judges_per_entry = judges_per_entry
    rnd.region_conflicts = bool(region_conflicts)
    session.add(rnd)
    audit(session, actor, "round.assignment_rules", "round", rnd.id, edition_id=rnd.edition_id,
          before=list(before), after=[judges_per_entry, bool(region_conflicts)])
    session.commit()
    return rnd


@dataclass(frozen=True)
class EntryPanel:
    """An entry of the round and the judges on it now."""

    id: int
    code: str
    judges: int
    needed: int  # the round's judges per entry
    names: str  # the judges by name, comma-separated
    judge_ids: tuple[int, ...]


def round_assignments(*, session: Session, actor: Actor, round_id: int) -> list[EntryPanel]:
    """Per entry of the round: its judges (by name) and how many it has."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    by_entry: dict[int, list[int]] = {}
    for row in queries.active_assignments(session, rnd.id):
        by_entry.setdefault(row.entry_id, []).append(row.judge_id)
    names = queries.person_labels(session, {j for judges in by_entry.values() for j in judges},
                                    edition_id=rnd.edition_id)
    return [
        EntryPanel(entry.id, entry.code, len(by_entry.get(entry.id, [])), rnd.judges_per_entry,
                   ", ".join(sorted(names.get(j, "?") for j in by_entry.get(entry.id, []))),
                   tuple(sorted(by_entry.get(entry.id, []))))
        for entry in queries.round_entries(session, rnd)
    ]
