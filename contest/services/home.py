"""What each role sees first: entrants their entries, judges their work, organisers the
state of the edition, observers the finalists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from contest import redaction
from contest.labels import Label, label as named
from contest.auth import Actor
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
    Publication,
    Role,
    Round,
    ScoreSheet,
    SheetStatus,
    Track,
)
from contest.services import blind, queries, require_role
from contest.services import documents as document_service

@dataclass(frozen=True)
class EntrantEntry:
    """One of the entrant's own entries as their home page lists it."""

    id: int
    code: str
    title: str
    group: str
    category: str
    status: str  # the entry's status key (draft, submitted, ...): pages show it in words
    reason: str | None  # the eligibility decision's reason
    stage: str  # the round it is in
    award: str  # a published award tier's name (a Label), or ""
    submitted_at: datetime | None


def entrant_overview(*, session: Session, actor: Actor, edition_id: int) -> list[EntrantEntry]:
    """The entrant's own entries with their status, stage and award."""
    require_role(actor, Role.entrant)
    rows = session.exec(
        select(Entry, ContestGroup, Category, Round)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .join(Category, Category.id == Entry.category_id, isouter=True)
        .join(Round, Round.id == Entry.current_round_id, isouter=True)
        .where(Entry.owner_id == actor.user_id, Entry.edition_id == edition_id)
        .order_by(Entry.created_at)
    ).all()
    awards = published_awards(session, edition_id)
    edition = session.get(Edition, edition_id)
    tiers = {tier.get("key"): named(tier) for tier in ((edition.rules or {}).get("awards", []) if edition else [])}
    return [
        EntrantEntry(e.id, e.code, e.title or "(untitled)", named(group) if group else "",
                     named(category) if category else "",
                     e.status, e.eligibility_reason,
                     named(stage) if stage else "", tiers.get(awards.get(e.code), awards.get(e.code, "")),
                     e.submitted_at)
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


@dataclass(frozen=True)
class JudgeEntry:
    code: str
    title: str  # without the entrant's identity in a blind round
    state: str  # to do, draft or submitted


@dataclass
class JudgeRound:
    """The judge's assignments in one round."""

    round: str
    round_key: str
    closes_at: datetime | None
    entries: list[JudgeEntry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def done(self) -> int:
        return sum(1 for e in self.entries if e.state == "submitted")


def judge_overview(*, session: Session, actor: Actor, edition_id: int) -> list[JudgeRound]:
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
    rounds: dict[int, JudgeRound] = {}
    for rnd, entry, sheets, submitted in rows:
        code = entry.code
        title = redaction.redact(entry.title, hidden[entry.id], places) if rnd.blind else entry.title
        info = rounds.setdefault(rnd.id, JudgeRound(named(rnd), rnd.key, rnd.closes_at))
        if not sheets:
            state = "to do"
        elif submitted and submitted >= sheets:
            state = "submitted"
        else:
            state = "draft"
        info.entries.append(JudgeEntry(code, title, state))
    return list(rounds.values())


def _count_by(session: Session, column, edition_id: int) -> dict[str | None, int]:
    """Entries (not withdrawn) by a column of theirs; None counts those without a value."""
    query = (select(column, func.count()).select_from(Entry)
             .where(Entry.edition_id == edition_id, Entry.status != EntryStatus.withdrawn.value).group_by(column))
    counts: dict[str | None, int] = {}
    for k, n in session.exec(query).all():
        counts[k or None] = counts.get(k or None, 0) + n
    return counts


def _count_named(session: Session, column, model, edition_id: int) -> dict[Label | None, int]:
    """Entries by the group, category, track or round they point to, by its name (a Label)."""
    names = {r.id: named(r) for r in session.exec(select(model).where(model.edition_id == edition_id)
                                                   .order_by(model.position, model.id))}
    return {names.get(k) if k is not None else None: n
            for k, n in _count_by(session, column, edition_id).items()}


@dataclass(frozen=True)
class RoundSheets:
    """Scoring so far in one scored round."""

    round: str
    assignments: int
    draft_sheets: int
    submitted_sheets: int


@dataclass(frozen=True)
class Dashboard:
    """The state of the edition at a glance; each by_* counts entries by a label."""

    entries: int
    by_status: dict[str, int]
    by_stage: dict[str, int]
    by_group: dict[str, int]
    by_category: dict[str, int]
    by_region: dict[str, int]
    by_track: dict[str, int]
    judges: int
    progress: tuple[RoundSheets, ...]


def organiser_dashboard(*, session: Session, actor: Actor, edition_id: int) -> Dashboard:
    """Entries per stage, group, category, region and track; judges; progress per round."""
    require_role(actor, Role.organiser)
    by_status = _count_by(session, Entry.status, edition_id)
    by_group = _count_named(session, Entry.group_id, ContestGroup, edition_id)
    by_category = _count_named(session, Entry.category_id, Category, edition_id)
    by_region = _count_by(session, Entry.region, edition_id)
    by_track = _count_named(session, Entry.track_id, Track, edition_id)
    by_stage = _count_named(session, Entry.current_round_id, Round, edition_id)
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
            progress.append(RoundSheets(named(rnd), assigned, sheet_rows.get(SheetStatus.draft.value, 0),
                                        sheet_rows.get(SheetStatus.submitted.value, 0)))
    return Dashboard(sum(by_status.values()), by_status, by_stage, by_group, by_category, by_region,
                     by_track, judges, tuple(progress))


@dataclass(frozen=True)
class Deck:
    """A document observers may read (a roadshow deck)."""

    id: int
    name: str
    pages: int | None
    kind: str
    viewer_key: str


@dataclass(frozen=True)
class Finalist:
    """An entry of the showcase round as observers see it (no contact details)."""

    id: int
    code: str
    title: str
    applicant: str | None
    track: str
    group: str
    region: str
    summary: str | None
    documents: tuple[Deck, ...]


@dataclass(frozen=True)
class Showcase:
    round: str | None  # None: no scored round has entries yet
    entries: tuple[Finalist, ...]


def observer_finalists(*, session: Session, actor: Actor, edition_id: int) -> Showcase:
    """Entries of the showcase round, with the observer's own marks (no contact details)."""
    require_role(actor, Role.observer)
    shown = queries.showcase_round(session, edition_id)
    if shown is None:
        return Showcase(None, ())
    rows = session.exec(
        select(Entry, Track, ContestGroup)
        .join(Track, Track.id == Entry.track_id, isouter=True)
        .join(ContestGroup, ContestGroup.id == Entry.group_id, isouter=True)
        .where(Entry.edition_id == edition_id, Entry.current_round_id == shown.id)
        .order_by(Entry.code)
    ).all()
    decks: dict[int, list[Deck]] = {}
    ids = [e.id for e, _track, _group in rows]
    for start in range(0, len(ids), 500):
        for d in session.exec(select(Document).where(Document.entry_id.in_(ids[start:start + 500]),
                                                     Document.kind.in_(document_service.OBSERVER_KINDS))
                              .order_by(Document.id)):
            decks.setdefault(d.entry_id, []).append(Deck(
                d.id, d.name, d.pages, d.kind, document_service.viewer_key(d, blind=False)))
    return Showcase(named(shown), tuple(
        Finalist(e.id, e.code, e.title, e.applicant, named(track) if track else "",
                 named(group) if group else "", e.region or "", e.summary,
                 tuple(decks.get(e.id, ())))
        for e, track, group in rows))


def filter_finalists(entries: Sequence[Finalist], *, text: str = "", groups: Sequence[str] = (),
                     tracks: Sequence[str] = (), regions: Sequence[str] = ()) -> list[Finalist]:
    """Finalists whose code, title, applicant or summary holds every word of the text, in
    any of the chosen groups, tracks and regions (an empty choice keeps all)."""
    words = text.casefold().split()
    return [
        e for e in entries
        if all(word in " ".join((e.code, e.title, e.applicant or "", e.summary or "")).casefold()
               for word in words)
        and (not groups or e.group in groups)
        and (not tracks or e.track in tracks)
        and (not regions or e.region in regions)
    ]
