"""Scoring progress of a round: per judge, per entry and per track; overdue work;
reminders sent by SMTP when CONTEST_SMTP_URL is set, otherwise listed to copy."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from contest import config, i18n
from contest.labels import from_message, label as named
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    AssignmentStatus,
    Edition,
    Entry,
    JudgeProfile,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    Track,
    User,
)
from contest.services import audit, mail, queries, require_role

TO_DO, DRAFT, SUBMITTED = "to do", "draft", "submitted"


def work_states(session: Session, rnd: Round) -> dict[tuple[int, int], str]:
    """State of each active (judge, entry) assignment: to do (no sheet), draft (some
    sheet not yet submitted), submitted (every sheet its category needs submitted)."""
    needed = Counter(
        category_id for category_id in session.exec(
            select(SheetDefinition.category_id).where(
                SheetDefinition.round_id == rnd.id, SheetDefinition.active == True  # noqa: E712
            )
        ).all()
    )
    category_of = dict(session.exec(
        select(Entry.id, Entry.category_id).join(Assignment, Assignment.entry_id == Entry.id)
        .where(Assignment.round_id == rnd.id)
    ).all())
    sheets: dict[tuple[int, int], list[str]] = defaultdict(list)
    for judge_id, entry_id, status in session.exec(
        select(ScoreSheet.judge_id, ScoreSheet.entry_id, ScoreSheet.status).where(
            ScoreSheet.round_id == rnd.id, ScoreSheet.status != SheetStatus.withdrawn.value
        )
    ).all():
        sheets[(judge_id, entry_id)].append(status)
    states: dict[tuple[int, int], str] = {}
    for judge_id, entry_id in session.exec(
        select(Assignment.judge_id, Assignment.entry_id).where(
            Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value
        )
    ).all():
        statuses = sheets.get((judge_id, entry_id), [])
        submitted = sum(1 for s in statuses if s == SheetStatus.submitted.value)
        if not statuses:
            states[(judge_id, entry_id)] = TO_DO
        elif submitted >= max(1, needed.get(category_of.get(entry_id), 1)) and \
                submitted == len(statuses):
            states[(judge_id, entry_id)] = SUBMITTED
        else:
            states[(judge_id, entry_id)] = DRAFT
    return states


@dataclass(frozen=True)
class JudgeProgress:
    judge_id: int
    judge: str  # name (organisation)
    email: str
    assigned: int
    to_do: int
    draft: int
    submitted: int
    overdue: int  # work not submitted after the round closed
    done: float  # share submitted


@dataclass(frozen=True)
class EntryProgress:
    code: str
    track: str
    assigned: int
    needed: int  # the round's judges per entry
    to_do: int
    draft: int
    submitted: int
    complete: bool  # its judges are all there and have all submitted


@dataclass(frozen=True)
class TrackCoverage:
    track: str
    entries: int
    fully_scored: int
    coverage: float  # share of the entries fully scored
    understaffed: int  # entries with fewer judges than the round's judges per entry
    sheets_submitted: int
    sheets_assigned: int
    expert_judges: int  # active judges with the track among their expertise


@dataclass(frozen=True)
class RoundProgress:
    round: str
    closes_at: datetime | None
    closed: bool
    assigned: int
    to_do: int
    draft: int
    submitted: int
    overdue: int
    judges: tuple[JudgeProgress, ...]  # the most overdue first, then the least done
    entries: tuple[EntryProgress, ...]
    tracks: tuple[TrackCoverage, ...]


def round_progress(*, session: Session, actor: Actor, round_id: int,
                   now: datetime | None = None) -> RoundProgress:
    """Per judge, per entry and per track: assigned, to do, draft, submitted; work not
    submitted after the round closes is overdue."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    now = now or utcnow()
    states = work_states(session, rnd)
    closed = rnd.closes_at is not None and now > rnd.closes_at
    judges = {u.id: u for u in session.exec(
        select(User).join(Assignment, Assignment.judge_id == User.id)
        .where(Assignment.round_id == rnd.id).distinct()
    ).all()}
    tracks = {t.id: named(t) for t in session.exec(
        select(Track).where(Track.edition_id == rnd.edition_id)
    ).all()}
    entries = {e.id: e for e in session.exec(
        select(Entry).where((Entry.current_round_id == rnd.id) | Entry.id.in_(
            select(Assignment.entry_id).where(Assignment.round_id == rnd.id)
        ))
    ).all()}

    per_judge: dict[int, Counter] = defaultdict(Counter)
    per_entry: dict[int, Counter] = defaultdict(Counter)
    for (judge_id, entry_id), state in states.items():
        per_judge[judge_id][state] += 1
        per_entry[entry_id][state] += 1
    judge_rows = []
    names = queries.person_labels(session, per_judge, edition_id=rnd.edition_id)
    for judge_id, counts in per_judge.items():
        user = judges.get(judge_id)
        assigned = sum(counts.values())
        judge_rows.append(JudgeProgress(
            judge_id, names.get(judge_id, f"#{judge_id}"), user.email if user else "", assigned,
            counts[TO_DO], counts[DRAFT], counts[SUBMITTED],
            assigned - counts[SUBMITTED] if closed else 0,
            round(counts[SUBMITTED] / assigned, 3) if assigned else 0.0))
    judge_rows.sort(key=lambda r: (-r.overdue, r.done, r.judge))

    entry_rows = []
    track_totals: dict[str, Counter] = defaultdict(Counter)
    for entry_id, entry in sorted(entries.items(), key=lambda kv: kv[1].code):
        counts = per_entry.get(entry_id, Counter())
        assigned = sum(counts.values())
        complete = assigned >= rnd.judges_per_entry and counts[SUBMITTED] >= rnd.judges_per_entry
        track = tracks.get(entry.track_id) or from_message("common.no_track")
        entry_rows.append(EntryProgress(entry.code, track, assigned, rnd.judges_per_entry,
                                        counts[TO_DO], counts[DRAFT], counts[SUBMITTED], complete))
        totals = track_totals[track]
        totals["entries"] += 1
        totals["fully scored"] += complete
        totals["understaffed"] += assigned < rnd.judges_per_entry
        totals["sheets submitted"] += counts[SUBMITTED]
        totals["sheets assigned"] += assigned
    experts = Counter()
    for expertise in session.exec(select(JudgeProfile.expertise).where(
        JudgeProfile.edition_id == rnd.edition_id, JudgeProfile.active == True  # noqa: E712
    )).all():
        for key in expertise or ():
            experts[key] += 1
    track_key = {named(t): t.key for t in session.exec(
        select(Track).where(Track.edition_id == rnd.edition_id))}
    track_rows = [
        TrackCoverage(track, t["entries"], t["fully scored"],
                      round(t["fully scored"] / t["entries"], 3) if t["entries"] else 0.0,
                      t["understaffed"], t["sheets submitted"], t["sheets assigned"],
                      experts[track_key.get(track)])
        for track, t in sorted(track_totals.items())
    ]
    totals = Counter(states.values())
    return RoundProgress(
        named(rnd), rnd.closes_at, closed, len(states), totals[TO_DO], totals[DRAFT],
        totals[SUBMITTED], (len(states) - totals[SUBMITTED]) if closed else 0,
        tuple(judge_rows), tuple(entry_rows), tuple(track_rows))


@dataclass(frozen=True)
class Reminder:
    """A reminder to one judge with unfinished work."""

    to: str
    name: str
    left: int  # entries not yet submitted
    subject: str
    body: str


@dataclass(frozen=True)
class RemindersSent:
    sent: tuple[str, ...]  # addresses
    failed: tuple[str, ...]  # one line per address that failed
    to_copy: tuple[Reminder, ...]  # no mail server: the reminders to copy


def reminders(*, session: Session, actor: Actor, round_id: int) -> list[Reminder]:
    """One message per judge with unfinished work in the round: to, subject, body."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    open_work: dict[int, Counter] = defaultdict(Counter)
    for (judge_id, _), state in work_states(session, rnd).items():
        if state != SUBMITTED:
            open_work[judge_id][state] += 1
    users = {u.id: u for u in session.exec(
        select(User).where(User.id.in_(list(open_work) or [-1]))
    ).all()}
    edition = session.get(Edition, rnd.edition_id)
    deadline = (i18n.msg("mail.reminder_deadline", at=i18n.Moment(rnd.closes_at, edition.time_zone if edition else None))
                if rnd.closes_at else i18n.msg("mail.reminder_no_deadline"))
    messages = []
    for judge_id in sorted(open_work, key=lambda j: users[j].email if j in users else ""):
        user = users.get(judge_id)
        if user is None or not user.active:
            continue
        counts = open_work[judge_id]
        left = counts[TO_DO] + counts[DRAFT]
        language = i18n.language_or_default(user.language)  # the recipient's language
        words = dict(name=user.name, left=left, round=named(rnd), to_do=counts[TO_DO], draft=counts[DRAFT])
        messages.append(Reminder(user.email, user.name, left,
                                 i18n.text("mail.reminder_subject", language, **words),
                                 i18n.text("mail.reminder_body", language, deadline=deadline, **words)))
    return messages


def send_reminders(*, session: Session, actor: Actor, round_id: int,
                   smtp_url: str | None = None) -> RemindersSent:
    """Send the reminders by SMTP when a server is configured (CONTEST_SMTP_URL);
    otherwise return them to copy. Failures are listed per address, never hidden."""
    require_role(actor, Role.organiser)
    rnd = queries.scored_round(session, round_id)
    messages = reminders(session=session, actor=actor, round_id=round_id)
    smtp_url = smtp_url if smtp_url is not None else config.settings().smtp_url
    sent, failed = [], []
    if smtp_url:
        for message in messages:
            try:
                mail.send_mail(smtp_url, message.to, message.subject, message.body)
                sent.append(message.to)
            except mail.MailError as exc:
                failed.append(exc.message)  # said in the organiser's language on the page
    audit(session, actor, "progress.remind", "round", rnd.id, edition_id=rnd.edition_id,
          sent=len(sent), failed=len(failed), listed=0 if smtp_url else len(messages))
    session.commit()
    return RemindersSent(tuple(sent), tuple(failed), () if smtp_url else tuple(messages))
