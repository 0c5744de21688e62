"""Feedback to entrants: per entry and round, the adjusted score, the percentile in the
group, each criterion against the group's spread and the judges' comments without names
(contest.feedback), as data and as a PDF in the reader's language (contest.feedbackpdf).

Nothing reaches an entrant before the round's results are published, nor while the
organiser withholds the round's feedback; comments only when the organiser includes them.
The organiser may read any report of a published round, released or not (to check it
before releasing it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session, select

from contest import config, feedback, feedbackpdf, i18n
from contest import labels as names
from contest.auth import Actor
from contest.models import (
    ContestGroup,
    Criterion,
    CriterionScore,
    Edition,
    Entry,
    Publication,
    Role,
    Round,
    RoundResult,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    User,
)
from contest.services import InvalidInput, NotFound, PermissionDenied, audit, queries, require_role


@dataclass(frozen=True)
class FeedbackSettings:
    """A round's feedback as the organiser set it, and whether its results are published."""

    round_id: int
    released: bool
    comments: bool
    published: bool


def _round(session: Session, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None or not rnd.scored:
        raise NotFound("feedback.no_such_round")
    return rnd


def _first_publication(session: Session, rnd: Round) -> Publication | None:
    return session.exec(select(Publication).where(Publication.round_id == rnd.id)
                        .order_by(Publication.published_at, Publication.id)).first()


def feedback_settings(*, session: Session, actor: Actor, round_id: int) -> FeedbackSettings:
    """Whether the round's feedback is released and includes comments; organisers only."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    return FeedbackSettings(rnd.id, rnd.feedback_released, rnd.feedback_comments,
                            _first_publication(session, rnd) is not None)


def set_feedback(*, session: Session, actor: Actor, round_id: int, released: bool,
                 comments: bool) -> FeedbackSettings:
    """Release (or withhold) the round's feedback to entrants, with or without the judges'
    comments. Released before publication, it reaches entrants once the results are out."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    before = (rnd.feedback_released, rnd.feedback_comments)
    if before != (bool(released), bool(comments)):
        rnd.feedback_released, rnd.feedback_comments = bool(released), bool(comments)
        session.add(rnd)
        audit(session, actor, "feedback.settings", "round", rnd.id, edition_id=rnd.edition_id,
              round=rnd.key, released=rnd.feedback_released, comments=rnd.feedback_comments,
              before={"released": before[0], "comments": before[1]})
        session.commit()
    return feedback_settings(session=session, actor=actor, round_id=rnd.id)


def _may_read(session: Session, actor: Actor, entry: Entry, rnd: Round) -> Publication:
    """The round's first publication, if this actor may read the entry's feedback on it."""
    if actor is None:
        raise PermissionDenied("common.please_sign_in_first")
    organiser = actor.has(Role.organiser)
    if not organiser and not (actor.has(Role.entrant) and entry.owner_id == actor.user_id):
        raise PermissionDenied("feedback.only_own_entries")
    published = _first_publication(session, rnd)
    if published is None:
        raise PermissionDenied("feedback.not_published", round=names.label(rnd))
    if not organiser and not rnd.feedback_released:
        raise PermissionDenied("feedback.withheld", round=names.label(rnd))
    return published


def _pool(session: Session, entry: Entry, rnd: Round) -> dict[int, float | None]:
    """Adjusted scores of the entry's group in the round (and its category when the round
    ranks by category), as frozen when the round was decided."""
    stmt = (select(RoundResult.entry_id, RoundResult.adjusted_score)
            .join(Entry, Entry.id == RoundResult.entry_id)
            .where(RoundResult.round_id == rnd.id, Entry.group_id == entry.group_id))
    if rnd.rank_by_category:
        stmt = stmt.where(Entry.category_id == entry.category_id)
    return dict(session.exec(stmt).all())


def _criteria(session: Session, entry: Entry, rnd: Round) -> list[feedback.CriterionSpec]:
    """The criteria of the sheets the entry was scored on in the round, in sheet order."""
    rows = session.exec(
        select(SheetDefinition, Criterion)
        .join(Criterion, Criterion.sheet_id == SheetDefinition.id)
        .where(SheetDefinition.id.in_(
            select(ScoreSheet.sheet_id).where(ScoreSheet.round_id == rnd.id,
                                              ScoreSheet.entry_id == entry.id,
                                              ScoreSheet.status == SheetStatus.submitted.value)))
        .order_by(SheetDefinition.position, SheetDefinition.id, Criterion.position, Criterion.id)
    ).all()
    several = len({sheet.id for sheet, _ in rows}) > 1
    return [feedback.CriterionSpec(
        f"{sheet.key}/{criterion.key}",
        names.joined((sheet, criterion)) if several else names.label(criterion),
        criterion.max_points) for sheet, criterion in rows]


def report_of(session: Session, entry: Entry, rnd: Round, published: Publication) -> feedback.Report:
    """The entry's feedback in the round (no permission check: callers check)."""
    pool = _pool(session, entry, rnd)
    if entry.id not in pool:
        raise NotFound("feedback.no_result", entry=entry.code, round=names.label(rnd))
    scores: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[str, list[str]] = defaultdict(list)
    judges: set[int] = set()
    for entry_id, judge_id, sheet_key, criterion_key, value, comment in session.exec(
        select(ScoreSheet.entry_id, ScoreSheet.judge_id, SheetDefinition.key, Criterion.key,
               CriterionScore.value, CriterionScore.comment)
        .join(SheetDefinition, SheetDefinition.id == ScoreSheet.sheet_id)
        .join(CriterionScore, CriterionScore.score_sheet_id == ScoreSheet.id)
        .join(Criterion, Criterion.id == CriterionScore.criterion_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(ScoreSheet.round_id == rnd.id, ScoreSheet.status == SheetStatus.submitted.value,
               ScoreSheet.entry_id.in_(list(pool)), Entry.status.in_(queries.JUDGED_STATUSES))
    ).all():
        key = f"{sheet_key}/{criterion_key}"
        if value is not None:
            scores[key][entry_id].append(value)
        if entry_id == entry.id:
            judges.add(judge_id)
            comments[key].append(comment)
    if rnd.feedback_comments:
        comments[feedback.GENERAL] = list(session.exec(select(ScoreSheet.comment).where(
            ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id,
            ScoreSheet.status == SheetStatus.submitted.value)).all())
    identities = [text for name, email in session.exec(
        select(User.name, User.email).where(User.id.in_(
            select(ScoreSheet.judge_id).where(ScoreSheet.round_id == rnd.id)))).all()
        for text in (name, email) if text]
    result = feedback.entry_feedback(
        entry.id, adjusted=pool, criteria=_criteria(session, entry, rnd), scores=scores,
        comments=comments if rnd.feedback_comments else None, judges=len(judges),
        judge_identities=identities)
    edition = session.get(Edition, rnd.edition_id)
    group = session.get(ContestGroup, entry.group_id) if entry.group_id else None
    return feedback.Report(edition.name, entry.id, entry.code, entry.title, rnd.id, rnd.key, names.label(rnd),
                           names.label(group) if group else names.from_message("common.no_group"),
                           published.published_at, edition.time_zone, result)


def _entry_and_round(session: Session, entry_id: int, round_id: int) -> tuple[Entry, Round]:
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise NotFound("feedback.no_such_entry")
    rnd = _round(session, round_id)
    if rnd.edition_id != entry.edition_id:
        raise NotFound("feedback.no_such_round")
    return entry, rnd


def feedback_report(*, session: Session, actor: Actor, entry_id: int, round_id: int) -> feedback.Report:
    """The entry's feedback in the round, for its own entrant once the round's results are
    published and its feedback released (and for the organiser once published)."""
    entry, rnd = _entry_and_round(session, entry_id, round_id)
    published = _may_read(session, actor, entry, rnd)
    return report_of(session, entry, rnd, published)


def feedback_pdf(*, session: Session, actor: Actor, entry_id: int, round_id: int,
                 language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """feedback_report as a PDF in the reader's language."""
    report = feedback_report(session=session, actor=actor, entry_id=entry_id, round_id=round_id)
    return render(report, language)


def render(report: feedback.Report, language: str | None) -> bytes:
    """A report as PDF in a language; refused with what to install when no font has Chinese."""
    try:
        return feedbackpdf.render(report, language=i18n.language_or_default(language),
                                  font_file=config.pdf_font())
    except feedbackpdf.FontMissing as exc:
        raise InvalidInput("feedback.no_font", path=str(exc)) from None


def entrant_feedback(*, session: Session, actor: Actor, edition_id: int) -> list[feedback.Report]:
    """The reports the entrant may read now: each of their entries in each round whose
    results are published and whose feedback is released, newest round first."""
    require_role(actor, Role.entrant)
    rows = session.exec(
        select(Entry, Round)
        .join(RoundResult, RoundResult.entry_id == Entry.id)
        .join(Round, Round.id == RoundResult.round_id)
        .where(Entry.owner_id == actor.user_id, Entry.edition_id == edition_id,
               Round.feedback_released == True)  # noqa: E712
        .order_by(Round.position.desc(), Entry.code)
    ).all()
    found = []
    for entry, rnd in rows:
        published = _first_publication(session, rnd)
        if published is not None:
            found.append(report_of(session, entry, rnd, published))
    return found


def round_reports(*, session: Session, actor: Actor, round_id: int,
                  language: str | None = None) -> Iterator[tuple[int, int, str, bytes]]:
    """Every entry's report of a published round, one at a time as (done, total, entry code,
    PDF), in `language` or else each entrant's own; organisers only."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    published = _first_publication(session, rnd)
    if published is None:
        raise PermissionDenied("feedback.not_published", round=names.label(rnd))
    rows = session.exec(
        select(Entry, User.language).join(RoundResult, RoundResult.entry_id == Entry.id)
        .join(User, User.id == Entry.owner_id, isouter=True)
        .where(RoundResult.round_id == rnd.id).order_by(Entry.code)).all()
    for done, (entry, own_language) in enumerate(rows, start=1):
        report = report_of(session, entry, rnd, published)
        yield done, len(rows), entry.code, render(report, language or own_language)
