"""Eligibility screening (初审): the queue of submitted entries with the automatic rule
results, and the organiser's decision with its reason, one entry or many at a time.

An eligible entry moves into the first scored round; the entrant sees the status and
the reason on their own page. Every decision is a Decision row and an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from contest import eligibility, i18n
from contest.labels import label as named
from contest.auth import Actor
from contest.models import (
    Assignment,
    AssignmentStatus,
    Category,
    ContestGroup,
    Decision,
    DecisionKind,
    Edition,
    Entry,
    EntryStatus,
    Role,
    Round,
    Track,
)
from contest.services import InvalidInput, NotFound, audit, panels, queries, require_role

SCREENABLE = (EntryStatus.submitted.value, EntryStatus.eligible.value, EntryStatus.ineligible.value)


def screening_queue(*, session: Session, actor: Actor, edition_id: int,
                    statuses: tuple[str, ...] = SCREENABLE) -> list[dict]:
    """Submitted entries (and those already decided) with the automatic rule results.

    Entries awaiting a decision come first, then by code.
    """
    require_role(actor, Role.organiser)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("common.no_such_edition")
    wanted = [s for s in statuses if s in SCREENABLE]
    entries = list(session.exec(select(Entry).where(Entry.edition_id == edition_id, Entry.status.in_(wanted))
                                .order_by(Entry.code)))
    results = queries.automatic_results(session, edition, entries)
    labels = {}
    for model, name in ((ContestGroup, "group"), (Category, "category"), (Track, "track")):
        labels[name] = {r.id: named(r) for r in session.exec(select(model).where(model.edition_id == edition_id))}
    rows = []
    for e in entries:
        failed = eligibility.failures(results[e.id])
        rows.append({
            "id": e.id, "code": e.code, "title": e.title, "applicant": e.applicant,
            "applicant_type": e.applicant_type, "group": labels["group"].get(e.group_id, ""),
            "category": labels["category"].get(e.category_id, ""), "track": labels["track"].get(e.track_id, ""),
            "region": e.region, "status": e.status, "status_label": i18n.msg(f"screening_status.{e.status}"),
            "rules_passed": not failed, "rule_problems": eligibility.joined(failed),
            "results": [{"rule": r.key, "passed": r.passed, "message": r.message} for r in results[e.id]],
            "reason": e.eligibility_reason, "submitted_at": e.submitted_at,
        })
    rows.sort(key=lambda r: (r["status"] != EntryStatus.submitted.value, r["code"]))
    return rows


def _screening_round(session: Session, edition_id: int, first: Round) -> Round | None:
    """The unscored round before the first scored one (the eligibility check), if any."""
    return session.exec(select(Round).where(Round.edition_id == edition_id, Round.scored == False,  # noqa: E712
                                            Round.position < first.position)
                        .order_by(Round.position.desc())).first()


def entry_ids_by_code(*, session: Session, actor: Actor, edition_id: int,
                      codes: list[str]) -> list[int]:
    """The ids of the edition's entries with these codes (any case), in the order given;
    refused naming every code the edition does not have."""
    require_role(actor, Role.organiser)
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        raise InvalidInput("screening.no_codes")
    known = {code.casefold(): entry_id for code, entry_id in session.exec(
        select(Entry.code, Entry.id).where(Entry.edition_id == edition_id)).all()}
    unknown = [c for c in wanted if c.casefold() not in known]
    if unknown:
        raise InvalidInput("screening.unknown_codes", n=len(unknown), codes=", ".join(unknown))
    return [known[c.casefold()] for c in wanted]


def awaiting_ids(*, session: Session, actor: Actor, edition_id: int) -> list[int]:
    """The entries submitted and still awaiting the eligibility check, by code."""
    require_role(actor, Role.organiser)
    return list(session.exec(select(Entry.id).where(
        Entry.edition_id == edition_id, Entry.status == EntryStatus.submitted.value)
        .order_by(Entry.code)).all())


@dataclass(frozen=True)
class ScreeningOutcome:
    changed: int
    unchanged: int
    round_label: str
    assignments_withdrawn: int = 0  # judges taken off entries found not eligible
    changed_codes: tuple[str, ...] = ()
    dry_run: bool = False  # nothing was stored


def decide_eligibility(*, session: Session, actor: Actor, entry_ids: list[int], eligible: bool,
                       reason: str = "", dry_run: bool = False) -> ScreeningOutcome:
    """Mark entries eligible (into the first scored round) or not eligible, all or none.

    Not eligible needs a reason; so does eligible for an entry the automatic rules fail
    (recorded as an override). An entry found not eligible loses its judges in the round.
    A dry run applies every rule and says what would change, storing nothing.
    """
    require_role(actor, Role.organiser)
    reason = (reason or "").strip()
    ids = list(dict.fromkeys(int(i) for i in entry_ids))
    if not ids:
        raise InvalidInput("screening.choose_entries")
    entries = list(session.exec(select(Entry).where(Entry.id.in_(ids)).order_by(Entry.code)))
    if len(entries) != len(ids) or len({e.edition_id for e in entries}) != 1:
        raise NotFound("screening.entries_gone")
    edition = session.get(Edition, entries[0].edition_id)
    first = queries.first_scored_round(session, edition.id)
    if first is None:
        raise InvalidInput("screening.no_scored_round")
    problems = []
    wrong_state = [f"{e.code} ({e.status})" for e in entries if e.status not in SCREENABLE]
    if wrong_state:
        problems.append("Only submitted entries can be screened: " + ", ".join(wrong_state) + ".")
    moved_on = [e.code for e in entries if e.current_round_id not in (None, first.id)]
    if moved_on:
        problems.append("Already past the first round, so eligibility is no longer decided here: "
                        + ", ".join(moved_on) + ".")
    results = queries.automatic_results(session, edition, entries)
    failing = [e.code for e in entries if not eligibility.is_eligible(results[e.id])]
    if not eligible and not reason:
        problems.append("Give the reason the entrant will see for not being eligible.")
    if eligible and failing and not reason:
        problems.append("The automatic rules fail for " + ", ".join(failing)
                        + ": give a reason to mark them eligible anyway (recorded as an override).")
    if problems:
        raise InvalidInput(problems[0] if len(problems) == 1 else "Nothing was changed:", problems)
    screening_round = _screening_round(session, edition.id, first)
    outcome = EntryStatus.eligible.value if eligible else EntryStatus.ineligible.value
    changed = unchanged = assignments_withdrawn = 0
    changed_codes = []
    active_decisions: dict[int, list[Decision]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        for old in session.exec(select(Decision).where(
                Decision.entry_id.in_(ids[start:start + 500]), Decision.kind == DecisionKind.eligibility.value,
                Decision.active == True)):  # noqa: E712
            active_decisions[old.entry_id].append(old)
    for entry in entries:
        if entry.status == outcome and entry.eligibility_reason == reason:
            unchanged += 1
            continue
        override = eligible and not eligibility.is_eligible(results[entry.id])
        for old in active_decisions[entry.id]:
            old.active = False
            session.add(old)
        session.add(Decision(
            edition_id=edition.id, entry_id=entry.id, round_id=screening_round.id if screening_round else None,
            kind=DecisionKind.eligibility.value, outcome=outcome, reason=reason, override=override,
            decided_by=actor.user_id,
        ))
        previous = entry.status
        withdrawn = []
        if not eligible and entry.current_round_id is not None:
            withdrawn = list(session.exec(select(Assignment).where(
                Assignment.entry_id == entry.id, Assignment.round_id == entry.current_round_id,
                Assignment.status == AssignmentStatus.active.value)))
            panels.withdraw_assignments(session, withdrawn)
            assignments_withdrawn += len(withdrawn)
        entry.status = outcome
        entry.eligibility_reason = reason
        entry.current_round_id = first.id if eligible else None
        entry.updated_at = dt.datetime.now(dt.timezone.utc)
        session.add(entry)
        audit(session, actor, "entry.eligibility", "entry", entry.id, edition_id=edition.id, code=entry.code,
              previous=previous, outcome=outcome, reason=reason, override=override,
              automatic_failures=[str(m) for m in eligibility.failures(results[entry.id])],
              assignments_withdrawn=[row.judge_id for row in withdrawn])
        changed += 1
        changed_codes.append(entry.code)
    round_label = named(first)
    if dry_run:
        session.flush()  # the save rules run; then nothing is kept
        session.rollback()
    else:
        session.commit()
    return ScreeningOutcome(changed=changed, unchanged=unchanged, round_label=round_label,
                            assignments_withdrawn=assignments_withdrawn,
                            changed_codes=tuple(changed_codes), dry_run=dry_run)
