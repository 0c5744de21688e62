"""Judges' work: the assignment list, the (blind) portfolio view, score sheets saved with
optimistic locking, submission, reopening, declared conflicts and a sheet's audit trail.

A judge only ever reaches entries assigned to them and only their own sheets; nothing here
returns another judge's scores or comments, or any ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only, object_session
from sqlmodel import Session, select

from contest import documents, i18n, redaction, scoring
from contest.labels import Label, label as named
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    CalibrationEntry,
    Category,
    Conflict,
    ConflictSource,
    ContestGroup,
    Criterion,
    CriterionScore,
    Document,
    Edition,
    Entry,
    Patent,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    Track,
    User,
)
from contest.services import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleData,
    audit,
    queries,
    require_role,
)
from contest.services import blind as blind_rounds
from contest.services import documents as document_service

STALE_MESSAGE = "judging.stale"
NOT_ASSIGNED = "judging.not_assigned"
NOT_YOUR_SHEET = "judging.not_your_sheet"
LOCKED_MESSAGE = "judging.locked"
MAX_COMMENT = 4000
MAX_REASON = 1000
# Larger PDFs are offered for download only: inline viewing sends the whole file to the page.

STATE_TO_DO = "to do"
STATE_DRAFT = "draft"
STATE_SUBMITTED = "submitted"


@dataclass(frozen=True)
class SavedSheet:
    """What a save returns: the sheet's id, its new version, status and total (if submitted)."""

    sheet_id: int
    version: int
    status: str
    total: float | None


# --- small pure helpers ----------------------------------------------------------------


def criterion_spec(criterion: Criterion) -> scoring.CriterionSpec:
    """A stored criterion as the scoring rules see it (preset bands when it has none)."""
    bands = tuple(
        scoring.Band(float(b["low"]), float(b["high"]), named(b)) for b in (criterion.bands or [])
    ) or scoring.DEFAULT_BANDS
    return scoring.CriterionSpec(
        key=criterion.key, label=named(criterion), max_points=float(criterion.max_points),
        step=float(criterion.step), weight=float(criterion.weight), bands=bands,
    )


def partial_total(criteria: Sequence[scoring.CriterionSpec], values: Mapping[str, object]) -> float:
    """The running total (0-100) of the criteria scored so far; empty ones count 0."""
    weights = scoring.normalised_weights(criteria)
    total = 0.0
    for c in criteria:
        raw = values.get(c.key)
        try:
            number = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and c.max_points:
            total += weights[c.key] * min(max(number, 0.0), c.max_points) / c.max_points
    return 100.0 * total


def band_points(criterion: scoring.CriterionSpec) -> list[tuple[float, float, str]]:
    """Each band descriptor as (low points, high points, label) for showing beside the input."""
    return [
        (b.low_pct * criterion.max_points / 100.0, b.high_pct * criterion.max_points / 100.0, b.label)
        for b in sorted(criterion.bands, key=lambda b: b.low_pct)
    ]


def next_to_score(entries: Sequence[Mapping]) -> Mapping | None:
    """The entry to open next: calibration entries before all others (they are scored
    first); within each, a started draft first, then the first one still to do."""
    for calibrating in (True, False):
        for state in (STATE_DRAFT, STATE_TO_DO):
            for entry in entries:
                if entry["state"] == state and bool(entry.get("calibration")) == calibrating:
                    return entry
    return None


def filter_entries(
    entries: Sequence[Mapping], *, states: Sequence[str] = (), text: str = "", track: str = ""
) -> list[Mapping]:
    """Entries in any of the given states, whose code or title holds the text, of the track."""
    needle = text.strip().casefold()
    return [
        e for e in entries
        if (not states or e["state"] in states)
        and (not needle or needle in e["code"].casefold() or needle in e["title"].casefold())
        and (not track or e["track"] == track)
    ]


# --- loading with permission checks ----------------------------------------------------


def _assigned_round_entry(session: Session, actor: Actor, round_id: int, entry_id: int,
                          sheet_def_id: int | None = None, *, entry_columns: Sequence = ()
                          ) -> tuple[Round, Entry, SheetDefinition | None]:
    """The round and entry of the judge's active assignment (PermissionDenied when there is
    none), and the sheet definition `sheet_def_id` names (None when it names none): one
    query, as each of the judge's saves and pages asks it. `entry_columns`: only these of
    the entry's three dozen columns are read now (a save needs four; others load on use)."""
    require_role(actor, Role.judge)
    wanted = select(Round, Entry, SheetDefinition) if sheet_def_id is not None else select(Round, Entry)
    if entry_columns:
        wanted = wanted.options(load_only(*entry_columns))
    wanted = (
        wanted.select_from(Assignment)
        .join(Round, Round.id == Assignment.round_id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(
            Assignment.round_id == round_id, Assignment.entry_id == entry_id,
            Assignment.judge_id == actor.user_id, Assignment.status == AssignmentStatus.active.value,
        )
    )
    if sheet_def_id is not None:
        wanted = wanted.outerjoin(SheetDefinition, SheetDefinition.id == sheet_def_id)
    found = session.exec(wanted).first()
    if found is None:
        raise PermissionDenied(NOT_ASSIGNED)
    rnd, entry = found[0], found[1]
    if entry.edition_id != rnd.edition_id:
        raise NotFound("judging.no_entry_in_round")
    return rnd, entry, (found[2] if sheet_def_id is not None else None)


def _round_entry(session: Session, actor: Actor, round_id: int, entry_id: int) -> tuple[Round, Entry]:
    """The round and entry of the judge's active assignment (PermissionDenied without one)."""
    rnd, entry, _ = _assigned_round_entry(session, actor, round_id, entry_id)
    return rnd, entry


def _sheet_definitions(session: Session, round_id: int, category_id: int | None) -> list[SheetDefinition]:
    return list(session.exec(
        select(SheetDefinition).where(
            SheetDefinition.round_id == round_id, SheetDefinition.category_id == category_id,
            SheetDefinition.active == True,  # noqa: E712
        ).order_by(SheetDefinition.position, SheetDefinition.id)
    ).all())


def _criteria(session: Session, sheet_def_id: int) -> list[Criterion]:
    return list(session.exec(
        select(Criterion).where(Criterion.sheet_id == sheet_def_id).order_by(Criterion.position, Criterion.id)
    ).all())


def _round_closed(rnd: Round) -> i18n.Message | None:
    if rnd.closes_at is not None and utcnow() > rnd.closes_at:
        edition = object_session(rnd).get(Edition, rnd.edition_id) if object_session(rnd) else None
        return i18n.msg("judging.round_closed", round=named(rnd),
                        at=i18n.Moment(rnd.closes_at, edition.time_zone if edition else None))
    return None


# --- the assignment list ---------------------------------------------------------------


def _blind_terms(session: Session, edition_id: int, entries: Sequence[Entry]) -> dict[int, tuple]:
    """entry id -> (identity terms, places) for text a judge reads in a blind round."""
    if not entries:
        return {}
    places = blind_rounds.places_of(session.get(Edition, edition_id))
    found = blind_rounds.identities(session, list({e.id: e for e in entries}.values()), places)
    return {entry_id: (terms, places) for entry_id, terms in found.items()}


def judge_workspace(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """Per round: the judge's active assignments, each with its state (to do, draft,
    submitted), and the round's progress. Blind rounds show no applicant names."""
    require_role(actor, Role.judge)
    rows = session.exec(
        select(Round, Entry, Track.label, Track.labels)
        .join(Assignment, Assignment.round_id == Round.id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(Track, Track.id == Entry.track_id, isouter=True)
        .where(
            Round.edition_id == edition_id, Assignment.judge_id == actor.user_id,
            Assignment.status == AssignmentStatus.active.value,
        )
        .order_by(Round.position, Entry.code)
    ).all()
    if not rows:
        return []
    round_ids = sorted({r[0].id for r in rows})
    needed = {
        (rid, cid): n for rid, cid, n in session.exec(
            select(SheetDefinition.round_id, SheetDefinition.category_id, func.count())
            .where(SheetDefinition.round_id.in_(round_ids), SheetDefinition.active == True)  # noqa: E712
            .group_by(SheetDefinition.round_id, SheetDefinition.category_id)
        ).all()
    }
    mine: dict[tuple[int, int], list[str]] = {}
    for rid, eid, status in session.exec(
        select(ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.status).where(
            ScoreSheet.judge_id == actor.user_id, ScoreSheet.round_id.in_(round_ids),
            ScoreSheet.status != SheetStatus.withdrawn.value,
        )
    ).all():
        mine.setdefault((rid, eid), []).append(status)
    hidden = _blind_terms(session, edition_id, [entry for rnd, entry, *_track in rows if rnd.blind])
    calibrating = set(session.exec(select(CalibrationEntry.round_id, CalibrationEntry.entry_id)
                                   .where(CalibrationEntry.round_id.in_(round_ids))).all())
    rounds: dict[int, dict] = {}
    for rnd, entry, track, track_labels in rows:
        entry_id, code, title, category_id = entry.id, entry.code, entry.title, entry.category_id
        info = rounds.setdefault(rnd.id, {
            "round_id": rnd.id, "round": named(rnd), "round_key": rnd.key, "blind": rnd.blind,
            "closes_at": rnd.closes_at, "entries": [],
        })
        statuses = mine.get((rnd.id, entry_id), [])
        submitted = sum(1 for s in statuses if s == SheetStatus.submitted.value)
        need = needed.get((rnd.id, category_id), 0)
        if need and submitted >= need:
            state = STATE_SUBMITTED
        elif statuses:
            state = STATE_DRAFT
        else:
            state = STATE_TO_DO
        info["entries"].append({
            "round_id": rnd.id, "entry_id": entry_id, "code": code,
            "title": redaction.redact(title, *hidden[entry_id]) if rnd.blind else title,
            "track": Label(track, track_labels) if track else "", "state": state,
            "calibration": (rnd.id, entry_id) in calibrating,
        })
    for info in rounds.values():
        info["entries"].sort(key=lambda e: not e["calibration"])  # scored first, listed first
        info["calibration_to_do"] = sum(1 for e in info["entries"]
                                        if e["calibration"] and e["state"] != STATE_SUBMITTED)
        info["total"] = len(info["entries"])
        info["done"] = sum(1 for e in info["entries"] if e["state"] == STATE_SUBMITTED)
        info["drafts"] = sum(1 for e in info["entries"] if e["state"] == STATE_DRAFT)
        info["to_do"] = info["total"] - info["done"]
    return list(rounds.values())


# --- the portfolio ---------------------------------------------------------------------


def portfolio(*, session: Session, actor: Actor, round_id: int, entry_id: int) -> dict:
    """The project, its patents and documents for an assigned judge. In a blind round the
    applicant's name, organisation, contact and region are left out and redacted from text."""
    rnd, entry = _round_entry(session, actor, round_id, entry_id)
    terms, places = _blind_terms(session, entry.edition_id, [entry])[entry.id] if rnd.blind else ((), ())

    def shown(text: str) -> str:
        return redaction.redact(text or "", terms, places) if rnd.blind else (text or "")

    category = session.get(Category, entry.category_id) if entry.category_id else None
    track = session.get(Track, entry.track_id) if entry.track_id else None
    group = session.get(ContestGroup, entry.group_id) if entry.group_id else None
    patents = session.exec(select(Patent).where(Patent.entry_id == entry.id).order_by(Patent.position, Patent.id)).all()
    docs = session.exec(select(Document).where(Document.entry_id == entry.id).order_by(Document.id)).all()
    result = {
        "round_id": rnd.id, "round": named(rnd), "blind": rnd.blind, "entry_id": entry.id, "code": entry.code,
        "title": shown(entry.title), "category": named(category) if category else "",
        "track": named(track) if track else "", "group": named(group) if group else "",
        "summary": shown(entry.summary),
        "patents": [
            {
                "number": p.number, "jurisdiction": p.jurisdiction, "kind": p.kind, "status": p.status,
                "grant_date": p.grant_date, "title": shown(p.title), "core": p.is_core,
                **({} if rnd.blind else {"holder": p.holder}),
            }
            for p in patents
        ],
        "documents": [
            {"id": d.id, "kind": d.kind, "name": _document_name(entry, d, rnd.blind), "pages": d.pages,
             "size": d.size, "viewer_key": document_service.viewer_key(d, blind=rnd.blind)}
            for d in docs
        ],
    }
    if not rnd.blind:
        result.update({
            "applicant": entry.applicant, "applicant_type": entry.applicant_type, "region": entry.region,
            "contact_name": entry.contact_name, "contact_email": entry.contact_email,
            "contact_phone": entry.contact_phone,
        })
    return result


def _document_name(entry: Entry, doc: Document, blind: bool) -> str:
    if not blind:
        return doc.name
    # An uploaded file name often carries the company's name; a neutral one cannot.
    return documents.sanitise_filename(f"{entry.code}-{doc.kind}-{doc.id}")


def document_for_judge(
    *, session: Session, actor: Actor, round_id: int, entry_id: int, document_id: int
) -> tuple[str, bytes]:
    """(file name, PDF bytes) of a document of an assigned entry; in a blind round the PDF's
    metadata (author, creator, producer, title, XMP) is stripped first."""
    rnd, entry = _round_entry(session, actor, round_id, entry_id)
    doc = session.get(Document, document_id)
    if doc is None or doc.entry_id != entry.id:
        raise NotFound("judging.no_document")
    # The documents service decides who may read a file (and strips it when every one of the
    # judge's rounds for the entry is blind); this round being blind is enough here.
    found = document_service.get_document_for_viewer(session=session, actor=actor, document_id=doc.id)
    if not found.data:
        raise NotFound("judging.document_file_missing", name=doc.name)
    data = found.data
    if rnd.blind and not found.metadata_stripped:
        places = blind_rounds.places_of(session.get(Edition, entry.edition_id))
        data = document_service.judge_copy(data, places=places,
                                           identities=blind_rounds.identities(session, [entry], places)[entry.id])
    return _document_name(entry, doc, rnd.blind), data


# --- score form and saving -------------------------------------------------------------


def score_form(*, session: Session, actor: Actor, round_id: int, entry_id: int) -> dict:
    """The judge's own sheets for an assigned entry: criteria (max, step, bands), the saved
    values and comments, status and version (0: nothing saved yet)."""
    rnd, entry = _round_entry(session, actor, round_id, entry_id)
    sheets = []
    for definition in _sheet_definitions(session, rnd.id, entry.category_id):
        criteria = _criteria(session, definition.id)
        specs = [criterion_spec(c) for c in criteria]
        row = session.exec(
            select(ScoreSheet).where(
                ScoreSheet.round_id == rnd.id, ScoreSheet.sheet_id == definition.id,
                ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == actor.user_id,
            )
        ).first()
        values: dict[str, float | None] = {c.key: None for c in criteria}
        comments: dict[str, str] = {c.key: "" for c in criteria}
        if row is not None:
            key_of = {c.id: c.key for c in criteria}
            for score in session.exec(select(CriterionScore).where(CriterionScore.score_sheet_id == row.id)).all():
                if score.criterion_id in key_of:
                    values[key_of[score.criterion_id]] = score.value
                    comments[key_of[score.criterion_id]] = score.comment
        sheets.append({
            "sheet_def_id": definition.id, "key": definition.key, "label": named(definition),
            "weight": definition.weight, "criteria": specs,
            "descriptions": {c.key: named(c, "description") for c in criteria},
            "sheet_id": row.id if row else None, "version": row.version if row else 0,
            "status": row.status if row else SheetStatus.draft.value,
            "values": values, "comments": comments, "comment": row.comment if row else "",
            "total": row.total if row else None, "submitted_at": row.submitted_at if row else None,
            "reopened_reason": row.reopened_reason if row else "",
        })
    return {"round_id": rnd.id, "entry_id": entry.id, "code": entry.code, "closed": _round_closed(rnd),
            "sheets": sheets}


def _check_comments(
    specs: Sequence[scoring.CriterionSpec], checked: Mapping[str, float], comments: Mapping[str, str],
    *, submit: bool,
) -> list[i18n.Message]:
    problems = []
    known = {c.key for c in specs}
    for key, text in comments.items():
        if key not in known:
            problems.append(i18n.msg("scoring.unknown_criterion", key=key))
        elif len(text or "") > MAX_COMMENT:
            label = next(c.label for c in specs if c.key == key)
            problems.append(i18n.msg("judging.comment_too_long", criterion=label, max=MAX_COMMENT))
    if submit:
        for c in specs:
            if c.key in checked and scoring.comment_required(c, checked[c.key]) and not (comments.get(c.key) or "").strip():
                band = scoring.band_for(c, checked[c.key]).label
                problems.append(i18n.msg("judging.comment_required", criterion=c.label, value=f"{checked[c.key]:g}",
                                         band=band))
    return problems


def save_scores(
    *,
    session: Session,
    actor: Actor,
    expected_version: int,
    values: Mapping[str, object],
    comments: Mapping[str, str] | None = None,
    comment: str = "",
    submit: bool = False,
    sheet_id: int | None = None,
    round_id: int | None = None,
    entry_id: int | None = None,
    sheet_def_id: int | None = None,
) -> SavedSheet:
    """Save (submit=False: a draft, criteria may be empty) or submit (every criterion, lock)
    the judge's sheet, given by sheet_id or by (round_id, entry_id, sheet_def_id).

    `values` and `comments` are the whole sheet: a criterion left out is empty. The save is
    a conditional UPDATE on (id, version); a stale expected_version raises StaleData and
    keeps the newer data. expected_version 0 means "no sheet saved yet".
    """
    require_role(actor, Role.judge)
    comments = dict(comments or {})
    rnd, entry, definition = _sheet_to_save(session, actor, sheet_id, round_id, entry_id, sheet_def_id)
    if len(comment or "") > 8000:
        raise InvalidInput("judging.overall_comment_too_long", max=8000)
    criteria = _criteria(session, definition.id)
    specs = [criterion_spec(c) for c in criteria]
    checked = _checked_scores(specs, values, comments, submit=submit)
    total = scoring.sheet_total(specs, checked) if submit else None
    status = SheetStatus.submitted.value if submit else SheetStatus.draft.value
    sheet_pk, new_version = _store_sheet(session, actor, rnd, entry, definition, expected_version,
                                         status=status, comment=comment or "", total=total)
    _write_criterion_scores(session, sheet_pk, criteria, checked, comments)
    audit(
        session, actor, "sheet.submit" if submit else "sheet.save", "score_sheet", sheet_pk,
        edition_id=rnd.edition_id, entry=entry.code, round=rnd.key, sheet=definition.key, version=new_version,
        scores=checked, total=total,
    )
    session.commit()
    return SavedSheet(sheet_id=sheet_pk, version=new_version, status=status, total=total)


def _sheet_to_save(session: Session, actor: Actor, sheet_id: int | None, round_id: int | None,
                   entry_id: int | None, sheet_def_id: int | None) -> tuple[Round, Entry, SheetDefinition]:
    """The round, entry and sheet definition a save is for, once the judge may save it:
    their own sheet, an active assignment, the entry's category, the round still open."""
    if sheet_id is not None:
        existing = session.get(ScoreSheet, sheet_id)
        if existing is None or existing.judge_id != actor.user_id:
            raise PermissionDenied(NOT_YOUR_SHEET)
        round_id, entry_id, sheet_def_id = existing.round_id, existing.entry_id, existing.sheet_id
    elif round_id is None or entry_id is None or sheet_def_id is None:
        raise InvalidInput("judging.which_sheet")
    rnd, entry, definition = _assigned_round_entry(
        session, actor, round_id, entry_id, sheet_def_id,
        entry_columns=(Entry.id, Entry.edition_id, Entry.category_id, Entry.code))
    if (definition is None or definition.round_id != rnd.id or definition.category_id != entry.category_id
            or not definition.active):
        raise NotFound("judging.sheet_not_for_entry")
    closed = _round_closed(rnd)
    if closed:
        raise ServiceError(closed)
    return rnd, entry, definition


def _checked_scores(specs: list[scoring.CriterionSpec], values: Mapping[str, object],
                    comments: Mapping[str, str], *, submit: bool) -> dict[str, float]:
    """The scores by the rubric's rules (all of them to submit), and the comments it asks for."""
    try:
        checked = scoring.validate_scores(specs, values, complete=submit)
    except scoring.ScoreError as exc:
        problems = [message for _, message in exc.problems]
        raise InvalidInput(problems[0] if len(problems) == 1 else "judging.scores_refused", problems) from None
    comment_problems = _check_comments(specs, checked, comments, submit=submit)
    if comment_problems:
        raise InvalidInput(
            comment_problems[0] if len(comment_problems) == 1 else "judging.comments_missing", comment_problems
        )
    return checked


def _store_sheet(session: Session, actor: Actor, rnd: Round, entry: Entry, definition: SheetDefinition,
                 expected_version: int, *, status: str, comment: str, total: float | None) -> tuple[int, int]:
    """Insert the sheet (expected version 0) or update it under its version; (id, new
    version). A stale version, a submitted or a withdrawn sheet is refused, keeping what is
    stored. The common case, a draft saved again, is one UPDATE … RETURNING."""
    now = utcnow()
    submitted_at = now if status == SheetStatus.submitted.value else None
    mine = (ScoreSheet.round_id == rnd.id, ScoreSheet.sheet_id == definition.id,
            ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == actor.user_id)
    if expected_version == 0:
        row = ScoreSheet(
            round_id=rnd.id, sheet_id=definition.id, entry_id=entry.id, judge_id=actor.user_id, status=status,
            version=1, comment=comment, total=total, submitted_at=submitted_at, created_at=now, updated_at=now,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            # The sheet exists (another tab created it first, or this page is stale): theirs stays.
            session.rollback()
            raise StaleData(STALE_MESSAGE) from None
        return row.id, 1
    updated = session.execute(
        update(ScoreSheet)
        .where(*mine, ScoreSheet.version == expected_version, ScoreSheet.status == SheetStatus.draft.value)
        .values(
            version=ScoreSheet.version + 1, status=status, comment=comment, total=total,
            submitted_at=submitted_at, updated_at=now,
        )
        .returning(ScoreSheet.id)
        .execution_options(synchronize_session=False)
    ).first()
    if updated is not None:
        return updated[0], expected_version + 1
    stored = session.exec(select(ScoreSheet.version, ScoreSheet.status).where(*mine)).first()
    session.rollback()
    if stored is None or stored[0] != expected_version:
        raise StaleData(STALE_MESSAGE)
    if stored[1] == SheetStatus.submitted.value:
        raise ServiceError(LOCKED_MESSAGE)
    raise PermissionDenied("judging.sheet_withdrawn")


def _write_criterion_scores(
    session: Session, sheet_pk: int, criteria: Sequence[Criterion], checked: Mapping[str, float],
    comments: Mapping[str, str],
) -> None:
    # Runs after the sheet row is ours (inserted, or updated under its version), so no other
    # save of this sheet writes these rows at the same time.
    existing = {
        s.criterion_id: s
        for s in session.exec(select(CriterionScore).where(CriterionScore.score_sheet_id == sheet_pk)).all()
    }
    for c in criteria:
        row = existing.get(c.id) or CriterionScore(score_sheet_id=sheet_pk, criterion_id=c.id)
        row.value = checked.get(c.key)
        row.comment = (comments.get(c.key) or "").strip()
        session.add(row)


# --- the organiser: reopen, overview, history ------------------------------------------


def reopen_sheet(
    *, session: Session, actor: Actor, sheet_id: int, reason: str, expected_version: int | None = None
) -> SavedSheet:
    """The organiser reopens a submitted sheet, with a reason; the judge can edit and
    resubmit. The version moves on, so a page holding the old version must reload."""
    require_role(actor, Role.organiser)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("judging.reopen_reason_needed")
    if len(reason) > MAX_REASON:
        raise InvalidInput("judging.reason_too_long", max=MAX_REASON)
    sheet = session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFound("judging.no_sheet", id=sheet_id)
    if sheet.status != SheetStatus.submitted.value:
        raise InvalidInput("judging.only_submitted_reopen", id=sheet_id, status=i18n.msg(f"sheet_status.{sheet.status}"))
    version = sheet.version if expected_version is None else expected_version
    result = session.execute(
        update(ScoreSheet)
        .where(ScoreSheet.id == sheet_id, ScoreSheet.version == version,
               ScoreSheet.status == SheetStatus.submitted.value)
        .values(version=ScoreSheet.version + 1, status=SheetStatus.draft.value, submitted_at=None, total=None,
                reopened_reason=reason, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise StaleData(STALE_MESSAGE)
    rnd = session.get(Round, sheet.round_id)
    audit(session, actor, "sheet.reopen", "score_sheet", sheet_id, edition_id=rnd.edition_id if rnd else None,
          reason=reason, version=version + 1)
    session.commit()
    return SavedSheet(sheet_id=sheet_id, version=version + 1, status=SheetStatus.draft.value, total=None)


def find_sheets(
    *, session: Session, actor: Actor, edition_id: int, entry_code: str = "", judge_email: str = "",
    status: str = "", limit: int = 200,
) -> list[dict]:
    """The organiser's list of score sheets, filtered by entry code, judge email or status."""
    require_role(actor, Role.organiser)
    query = (
        select(ScoreSheet, Round, Entry.code, User.email, User.name, SheetDefinition)
        .join(Round, Round.id == ScoreSheet.round_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(User, User.id == ScoreSheet.judge_id)
        .join(SheetDefinition, SheetDefinition.id == ScoreSheet.sheet_id)
        .where(Round.edition_id == edition_id)
    )
    if entry_code.strip():
        query = query.where(func.lower(Entry.code) == entry_code.strip().lower())
    if judge_email.strip():
        query = query.where(func.lower(User.email) == judge_email.strip().lower())
    if status:
        query = query.where(ScoreSheet.status == status)
    rows = session.exec(query.order_by(Entry.code, User.email).limit(limit)).all()
    return [
        {"sheet_id": s.id, "round": named(rnd), "entry": code, "judge": f"{name} <{email}>", "sheet": named(definition),
         "status": s.status, "version": s.version, "total": s.total, "submitted_at": s.submitted_at,
         "reopened_reason": s.reopened_reason}
        for s, rnd, code, email, name, definition in rows
    ]


def sheet_history(*, session: Session, actor: Actor, sheet_id: int) -> list[dict]:
    """Every recorded step of a sheet (saves, submissions, reopenings, withdrawal) with who
    and when; for the organiser, or the sheet's own judge."""
    require_role(actor, Role.organiser, Role.judge)
    sheet = session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFound("judging.no_sheet", id=sheet_id)
    if not actor.is_organiser and sheet.judge_id != actor.user_id:
        raise PermissionDenied(NOT_YOUR_SHEET)
    rows = session.exec(
        select(AuditEvent, User.name, User.email)
        .join(User, User.id == AuditEvent.actor_id, isouter=True)
        .where(AuditEvent.object_type == "score_sheet", AuditEvent.object_id == sheet_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [
        {"at": event.at, "who": f"{name} <{email}>" if name else "system", "action": event.action,
         "version": event.details.get("version"), "total": event.details.get("total"),
         "reason": event.details.get("reason", ""), "note": _history_note(event)}
        for event, name, email in rows
    ]


def _history_note(event: AuditEvent) -> i18n.Message | None:
    """What an event of a sheet's history says beyond its action: an import names its file
    (and, when forced, the judge's version it replaced)."""
    if event.action != "sheet.import":
        return None
    details = event.details
    if details.get("forced"):
        return i18n.msg("judging.imported_forced", file=details.get("file") or "-",
                        version=details.get("replaced_version"))
    return i18n.msg("judging.imported_from", file=details.get("file") or "-")


# --- conflicts declared by the judge, and replacements ---------------------------------


def declare_conflict(*, session: Session, actor: Actor, round_id: int, entry_id: int, reason: str) -> Conflict:
    """A judge declares a conflict with an assigned entry: the conflict is recorded with its
    reason, the judge's assignments and sheets for the entry are withdrawn."""
    rnd, entry = _round_entry(session, actor, round_id, entry_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("judging.conflict_reason_needed")
    if len(reason) > MAX_REASON:
        raise InvalidInput("judging.reason_too_long", max=MAX_REASON)
    conflict = Conflict(edition_id=entry.edition_id, judge_id=actor.user_id, entry_id=entry.id,
                        source=ConflictSource.declared.value, reason=reason, created_by=actor.user_id)
    session.add(conflict)
    session.flush()
    withdrawn = session.exec(
        select(Assignment).where(Assignment.entry_id == entry.id, Assignment.judge_id == actor.user_id,
                                 Assignment.status == AssignmentStatus.active.value)
    ).all()
    for a in withdrawn:
        a.status = AssignmentStatus.withdrawn.value
        session.add(a)
        audit(session, actor, "assignment.withdraw", "assignment", a.id, edition_id=entry.edition_id,
              entry=entry.code, reason="conflict declared")
    sheets = session.exec(
        select(ScoreSheet.id, ScoreSheet.version).where(
            ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == actor.user_id,
            ScoreSheet.status != SheetStatus.withdrawn.value,
        )
    ).all()
    for sid, version in sheets:
        session.execute(
            update(ScoreSheet).where(ScoreSheet.id == sid)
            .values(version=ScoreSheet.version + 1, status=SheetStatus.withdrawn.value, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        audit(session, actor, "sheet.withdraw", "score_sheet", sid, edition_id=entry.edition_id,
              version=version + 1, reason=reason)
    audit(session, actor, "conflict.declare", "conflict", conflict.id, edition_id=entry.edition_id,
          entry=entry.code, round=rnd.key, reason=reason)
    session.commit()
    return conflict


def declared_conflicts(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """Conflicts judges declared, with the rounds where the entry is now short of judges."""
    require_role(actor, Role.organiser)
    rows = session.exec(
        select(Conflict, Entry.code, User.name, User.email)
        .join(Entry, Entry.id == Conflict.entry_id)
        .join(User, User.id == Conflict.judge_id)
        .where(Conflict.edition_id == edition_id, Conflict.source == ConflictSource.declared.value)
        .order_by(Conflict.created_at.desc())
    ).all()
    out = []
    names = queries.person_labels(session, {c.judge_id for c, *_ in rows}, edition_id=edition_id)
    for conflict, code, _name, _email in rows:
        rounds = session.exec(
            select(Round.id, Round.label, Round.labels, Round.judges_per_entry)
            .join(Assignment, Assignment.round_id == Round.id)
            .where(Assignment.entry_id == conflict.entry_id, Assignment.judge_id == conflict.judge_id)
        ).all()
        for rid, label, round_labels, k in rounds:
            active = session.exec(
                select(func.count()).select_from(Assignment).where(
                    Assignment.round_id == rid, Assignment.entry_id == conflict.entry_id,
                    Assignment.status == AssignmentStatus.active.value,
                )
            ).one()
            out.append({"conflict_id": conflict.id, "round_id": rid, "round": Label(label, round_labels), "entry_id": conflict.entry_id,
                        "entry": code, "judge": names[conflict.judge_id], "reason": conflict.reason,
                        "declared_at": conflict.created_at, "judges_now": active, "judges_needed": k})
    return out


def my_sheet_ids(*, session: Session, actor: Actor, round_id: int, entry_id: int) -> list[int]:
    """Ids of the judge's own sheets for an entry in a round (for showing their history)."""
    require_role(actor, Role.judge)
    return list(session.exec(
        select(ScoreSheet.id).where(ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id,
                                    ScoreSheet.judge_id == actor.user_id).order_by(ScoreSheet.id)
    ).all())
