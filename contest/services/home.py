"""What each role sees first: entrants their entries, judges their work, organisers the
state of the edition, observers the finalists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from contest import redaction
from contest.auth import Actor
from contest.excel import schema
from contest.models import (
    Edition,
    Assignment,
    AssignmentStatus,
    Category,
    ContestGroup,
    Document,
    Entry,
    EntryStatus,
    JudgeProfile,
    ObserverInterest,
    Publication,
    Role,
    Round,
    ScoreSheet,
    SheetStatus,
    Track,
)
from contest.services import NotFound, audit, blind, require_role
from contest.services import documents as document_service

STATUS_LABELS = {
    EntryStatus.draft: "Draft",
    EntryStatus.submitted: "Submitted",
    EntryStatus.withdrawn: "Withdrawn",
    EntryStatus.eligible: "Eligible",
    EntryStatus.ineligible: "Not eligible",
}


def entrant_overview(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """The entrant's own entries with their status, stage and award."""
    require_role(actor, Role.entrant)
    rows = session.exec(
        select(Entry, ContestGroup.label, Category.label, Round.label)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .join(Category, Category.id == Entry.category_id, isouter=True)
        .join(Round, Round.id == Entry.current_round_id, isouter=True)
        .where(Entry.owner_id == actor.user_id, Entry.edition_id == edition_id)
        .order_by(Entry.created_at)
    ).all()
    awards = published_awards(session, edition_id)
    return [
        {
            "id": e.id,
            "code": e.code,
            "title": e.title or "(untitled)",
            "group": group or "",
            "category": category or "",
            "status": STATUS_LABELS.get(EntryStatus(e.status), e.status),
            "reason": e.eligibility_reason,
            "stage": stage or "",
            "award": awards.get(e.code, ""),
            "submitted_at": e.submitted_at,
        }
        for e, group, category, stage in rows
    ]


def published_awards(session: Session, edition_id: int) -> dict[str, str]:
    """Entry code -> award, from the newest published award list of each round only:
    a decided but unpublished award is not shown to anyone outside the office."""
    latest: dict[int | None, Publication] = {}
    for pub in session.exec(
        select(Publication).where(Publication.edition_id == edition_id, Publication.kind == "awards")
        .order_by(Publication.version)
    ):
        latest[pub.round_id] = pub
    return {row["entry_code"]: row["outcome"] for pub in latest.values() for row in pub.payload}


def judge_overview(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """Per round: the judge's assignments and how many are submitted (blind rounds: titles
    without the entrant's identity)."""
    require_role(actor, Role.judge)
    sheet_counts = (
        select(
            ScoreSheet.round_id.label("round_id"),
            ScoreSheet.entry_id.label("entry_id"),
            func.count().label("sheets"),
            func.sum(case((ScoreSheet.status == SheetStatus.submitted.value, 1), else_=0)).label("submitted"),
        )
        .where(ScoreSheet.judge_id == actor.user_id)
        .group_by(ScoreSheet.round_id, ScoreSheet.entry_id)
        .subquery()
    )
    rows = session.exec(
        select(Round, Entry, sheet_counts.c.sheets, sheet_counts.c.submitted)
        .join(Assignment, Assignment.round_id == Round.id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(
            sheet_counts,
            and_(sheet_counts.c.round_id == Assignment.round_id, sheet_counts.c.entry_id == Assignment.entry_id),
            isouter=True,
        )
        .where(
            Round.edition_id == edition_id,
            Assignment.judge_id == actor.user_id,
            Assignment.status == AssignmentStatus.active.value,
        )
        .order_by(Round.position, Entry.code)
    ).all()
    places = blind.places_of(session.get(Edition, edition_id))
    hidden = blind.identities(session, [entry for rnd, entry, *_ in rows if rnd.blind], places)
    rounds: dict[int, dict] = {}
    for rnd, entry, sheets, submitted in rows:
        code = entry.code
        title = redaction.redact(entry.title, hidden[entry.id], places) if rnd.blind else entry.title
        info = rounds.setdefault(
            rnd.id, {"round": rnd.label, "round_key": rnd.key, "closes_at": rnd.closes_at, "entries": []}
        )
        if not sheets:
            state = "to do"
        elif submitted and submitted >= sheets:
            state = "submitted"
        else:
            state = "draft"
        info["entries"].append({"code": code, "title": title, "state": state})
    for info in rounds.values():
        info["total"] = len(info["entries"])
        info["done"] = sum(1 for e in info["entries"] if e["state"] == "submitted")
    return list(rounds.values())


def _count_by(session: Session, column, edition_id: int, *joins) -> dict[str, int]:
    query = select(column, func.count()).select_from(Entry)
    for target, on in joins:
        query = query.join(target, on, isouter=True)
    query = query.where(Entry.edition_id == edition_id, Entry.status != EntryStatus.withdrawn.value).group_by(column)
    return {str(k or "unset"): n for k, n in session.exec(query).all()}


def organiser_dashboard(*, session: Session, actor: Actor, edition_id: int) -> dict:
    """Entries per stage, group, category, region and track; judges; progress per round."""
    require_role(actor, Role.organiser)
    by_status = {STATUS_LABELS.get(k, k): n for k, n in _count_by(session, Entry.status, edition_id).items()}
    by_group = _count_by(session, ContestGroup.label, edition_id, (ContestGroup, ContestGroup.id == Entry.group_id))
    by_category = _count_by(session, Category.label, edition_id, (Category, Category.id == Entry.category_id))
    by_region = {
        schema.REGIONS.get(k, (k,))[0]: n for k, n in _count_by(session, Entry.region, edition_id).items()
    }
    by_track = _count_by(session, Track.label, edition_id, (Track, Track.id == Entry.track_id))
    by_stage = {
        ("Not in a round yet" if k == "unset" else k): n
        for k, n in _count_by(session, Round.label, edition_id, (Round, Round.id == Entry.current_round_id)).items()
    }
    judges = session.exec(
        select(func.count()).select_from(JudgeProfile).where(JudgeProfile.edition_id == edition_id)
    ).one()
    progress = []
    for rnd in session.exec(select(Round).where(Round.edition_id == edition_id, Round.scored == True).order_by(Round.position)):  # noqa: E712
        assigned = session.exec(
            select(func.count()).select_from(Assignment).where(
                Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value
            )
        ).one()
        sheet_rows = dict(
            session.exec(
                select(ScoreSheet.status, func.count()).where(ScoreSheet.round_id == rnd.id).group_by(ScoreSheet.status)
            ).all()
        )
        if assigned or sheet_rows:
            progress.append(
                {
                    "round": rnd.label,
                    "assignments": assigned,
                    "draft_sheets": sheet_rows.get(SheetStatus.draft.value, 0),
                    "submitted_sheets": sheet_rows.get(SheetStatus.submitted.value, 0),
                }
            )
    return {
        "entries": sum(by_status.values()),
        "by_status": by_status,
        "by_stage": by_stage,
        "by_group": by_group,
        "by_category": by_category,
        "by_region": by_region,
        "by_track": by_track,
        "judges": judges,
        "progress": progress,
    }


def showcase_round(session: Session, edition_id: int) -> Round | None:
    """The round observers browse: the final once it has entries, else the furthest
    scored round that has entries (so investors can follow the field as it narrows)."""
    return session.exec(
        select(Round)
        .join(Entry, Entry.current_round_id == Round.id)
        .where(Round.edition_id == edition_id, Round.scored == True)  # noqa: E712
        .order_by(Round.position.desc())
    ).first()


def observer_finalists(*, session: Session, actor: Actor, edition_id: int) -> dict:
    """Entries of the showcase round, with the observer's own marks (no contact details)."""
    require_role(actor, Role.observer)
    shown = showcase_round(session, edition_id)
    if shown is None:
        return {"round": None, "entries": []}
    marked = set(
        session.exec(select(ObserverInterest.entry_id).where(ObserverInterest.observer_id == actor.user_id)).all()
    )
    rows = session.exec(
        select(Entry, Track.label, ContestGroup.label)
        .join(Track, Track.id == Entry.track_id, isouter=True)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .where(Entry.edition_id == edition_id, Entry.current_round_id == shown.id)
        .order_by(Entry.code)
    ).all()
    decks: dict[int, list[dict]] = {}
    ids = [e.id for e, _track, _group in rows]
    for start in range(0, len(ids), 500):
        for d in session.exec(select(Document).where(Document.entry_id.in_(ids[start:start + 500]),
                                                     Document.kind.in_(document_service.OBSERVER_KINDS))
                              .order_by(Document.id)):
            decks.setdefault(d.entry_id, []).append({
                "id": d.id, "name": d.name, "pages": d.pages, "kind": d.kind,
                "viewer_key": document_service.viewer_key(d, blind=False)})
    return {
        "round": shown.label,
        "entries": [
            {
                "id": e.id, "code": e.code, "title": e.title, "applicant": e.applicant, "track": track or "",
                "group": group or "", "region": e.region or "", "summary": e.summary, "interested": e.id in marked,
                "documents": decks.get(e.id, []),
            }
            for e, track, group in rows
        ],
    }


def filter_finalists(entries: Sequence[Mapping], *, text: str = "", groups: Sequence[str] = (),
                     tracks: Sequence[str] = (), regions: Sequence[str] = ()) -> list[Mapping]:
    """Finalists whose code, title, applicant or summary holds every word of the text, in
    any of the chosen groups, tracks and regions (an empty choice keeps all)."""
    words = text.casefold().split()
    return [
        e for e in entries
        if all(word in " ".join((e["code"], e["title"], e["applicant"] or "", e["summary"] or "")).casefold()
               for word in words)
        and (not groups or e["group"] in groups)
        and (not tracks or e["track"] in tracks)
        and (not regions or e["region"] in regions)
    ]


def set_interest(*, session: Session, actor: Actor, entry_id: int, interested: bool, note: str = "") -> None:
    """An observer marks (or unmarks) a finalist they want to meet."""
    require_role(actor, Role.observer)
    entry = session.get(Entry, entry_id)
    shown = showcase_round(session, entry.edition_id) if entry else None
    if entry is None or shown is None or entry.current_round_id != shown.id:
        raise NotFound("Only entries still in the running can be marked.")
    existing = session.exec(
        select(ObserverInterest).where(ObserverInterest.observer_id == actor.user_id, ObserverInterest.entry_id == entry_id)
    ).first()
    if interested and existing is None:
        session.add(ObserverInterest(observer_id=actor.user_id, entry_id=entry_id, note=note))
    elif not interested and existing is not None:
        session.delete(existing)
    else:
        return
    audit(session, actor, "observer.interest", "entry", entry_id, edition_id=entry.edition_id, interested=interested)
    session.commit()
