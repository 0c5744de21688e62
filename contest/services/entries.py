"""Entrants: registration, profile, entries (draft, submit, withdraw), their patents and the
live eligibility check.

An entrant reaches only their own entries; an id of someone else's entry is answered as if
it did not exist. Nothing can change after the edition's submission deadline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, literal, union_all
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from contest import eligibility, excel, i18n, patents
from contest.labels import label as named
from contest.auth import Actor
from contest.i18n import Message
from contest.dbtypes import utcnow
from contest.models import (
    ApplicantType,
    AuditEvent,
    Category,
    ContestGroup,
    Document,
    Edition,
    Entry,
    EntryStatus,
    Patent,
    PatentKind,
    PatentStatus,
    Region,
    Role,
    Track,
    User,
)
from contest.services import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    accounts,
    audit,
    queries,
    require_role,
)

EDITABLE = (EntryStatus.draft.value, EntryStatus.submitted.value)
LIVE = (EntryStatus.submitted.value, EntryStatus.eligible.value)
PATENT_FIELDS = ("patent_number", "kind", "title", "status", "filing_date", "grant_date", "holder")


@dataclasses.dataclass(frozen=True)
class PatentRow:
    """One stored patent of an entry, as the editor shows it."""

    patent_number: str
    normalised: str
    jurisdiction: str
    kind: str
    title: str
    status: str
    filing_date: dt.date | None
    grant_date: dt.date | None
    holder: str
    is_core: bool
    warnings: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class EntryView:
    entry: Entry
    group: str  # key, "" until the applicant step decides it
    category: str
    track: str
    patents: tuple[PatentRow, ...]
    documents: tuple[Document, ...]
    editable: bool
    deadline: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class Receipt:
    code: str
    title: str
    submitted_at: dt.datetime
    reference: str  # digest of what was submitted
    patents: int
    documents: int


# --- accounts ----------------------------------------------------------------------------


def register_entrant(*, session: Session, email: str, name: str, organisation: str,
                     password: str, password_repeat: str | None = None, address: str = "",
                     language: str = "en", smtp_url: str | None = None, base_url: str = "",
                     now: dt.datetime | None = None) -> accounts.Registration:
    """A new entrant account (accounts.register_entrant: the same answer whether or not the
    address is in use, rate-limited, confirmed by a mailed link when mail is configured)."""
    return accounts.register_entrant(session=session, email=email, name=name, organisation=organisation,
                                     password=password, password_repeat=password_repeat, address=address,
                                     language=language, smtp_url=smtp_url, base_url=base_url, now=now)


def update_profile(*, session: Session, actor: Actor, name: str, organisation: str,
                   phone: str = "", language: str = "en") -> User:
    """Change one's own name, organisation, phone and language (never someone else's)."""
    require_role(actor, Role.entrant, Role.organiser, Role.judge, Role.observer)
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("entries.account_gone")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("entries.name_required")
    code = i18n.normalise_language(language)
    if code is None:
        raise InvalidInput("common.unknown_language", language=language, languages=", ".join(i18n.LANGUAGES))
    user.name, user.organisation = name, (organisation or "").strip()
    user.phone, user.language = (phone or "").strip(), code
    session.add(user)
    audit(session, actor, "user.update_profile", "user", user.id)
    session.commit()
    return user


# --- entries -----------------------------------------------------------------------------


def new_entry_code(*, session: Session, edition: Edition) -> str:
    """The next free code of an edition: preset letters, two-digit year, a counter (GBA26-0042)."""
    year = (edition.created_at or utcnow()).strftime("%y")
    prefix = f"{(edition.preset or 'E').upper()}{year}-"
    count = session.exec(select(func.count()).select_from(Entry)
                         .where(Entry.edition_id == edition.id)).one()
    number = count + 1
    while session.exec(select(Entry.id).where(Entry.edition_id == edition.id,
                                              Entry.code == f"{prefix}{number:04d}")).first():
        number += 1
    return f"{prefix}{number:04d}"


def create_entry(*, session: Session, actor: Actor, edition_id: int,
                 now: dt.datetime | None = None) -> Entry:
    """A new draft entry owned by the entrant, with their details filled in."""
    require_role(actor, Role.entrant)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("common.no_such_edition")
    _check_deadline(edition, now)
    user = session.get(User, actor.user_id)
    for attempt in range(5):
        entry = Entry(edition_id=edition.id, code=new_entry_code(session=session, edition=edition),
                      owner_id=actor.user_id, applicant=user.organisation if user else "",
                      contact_name=actor.name, contact_email=actor.email)
        try:
            # Two entrants starting entries at the same moment may pick the same code; the
            # unique constraint catches it and the loser takes the next one.
            with session.begin_nested():
                session.add(entry)
                session.flush()
            break
        except IntegrityError:
            if attempt == 4:
                raise ServiceError("entries.numbering_failed") from None
    audit(session, actor, "entry.create", "entry", entry.id, edition_id=edition.id, code=entry.code)
    session.commit()
    return entry


def my_entries(*, session: Session, actor: Actor, edition_id: int) -> list[Entry]:
    require_role(actor, Role.entrant)
    return list(session.exec(select(Entry).where(Entry.owner_id == actor.user_id,
                                                 Entry.edition_id == edition_id)
                             .order_by(Entry.created_at, Entry.id)).all())


def get_entry(*, session: Session, actor: Actor, entry_id: int,
              now: dt.datetime | None = None) -> EntryView:
    """The entry with its patents and documents: for its owner and organisers only."""
    entry = load_readable_entry(session, actor, entry_id)
    edition = session.get(Edition, entry.edition_id)
    rows = tuple(_patent_row(p) for p in _patents_of(session, entry.id))
    docs = tuple(session.exec(select(Document).where(Document.entry_id == entry.id)
                              .order_by(Document.kind, Document.uploaded_at, Document.id)).all())
    group, category, track = _keys_of(session, entry)
    return EntryView(
        entry=entry,
        group=group,
        category=category,
        track=track,
        patents=rows,
        documents=docs,
        editable=entry.owner_id == actor.user_id and _is_editable(entry, edition, now),
        deadline=edition.submission_deadline,
    )


def edition_choices(*, session: Session, edition_id: int) -> dict[str, dict[str, str]]:
    """Keys and labels the entry editor offers: groups, categories, tracks, and fixed lists."""
    # One query for the three lists (the editor reads them on every run).
    parts = [
        select(literal(kind).label("kind"), model.key, model.label, model.labels, model.position)
        .where(model.edition_id == edition_id)
        for kind, model in (("group", ContestGroup), ("category", Category), ("track", Track))
    ]
    found: dict[str, dict[str, str]] = {"group": {}, "category": {}, "track": {}}
    for row in session.exec(union_all(*parts).order_by("kind", "position")).all():
        found[row.kind][row.key] = named(row)
    return {
        **found,
        "applicant_type": {t.value: t.value.capitalize() for t in ApplicantType},
        "region": {r.value: r.value.replace("_", " ").capitalize() for r in Region},
        "revenue_band": dict(eligibility.REVENUE_BANDS),
        "kind": {k.value: patents.KIND_LABELS[k.value] for k in PatentKind},
        "status": {s.value: s.value.capitalize() for s in PatentStatus},
    }


def save_project(*, session: Session, actor: Actor, entry_id: int, title: str, category: str,
                 track: str, summary: str, now: dt.datetime | None = None) -> Entry:
    """Step 1: title, category, track and summary."""
    entry, _edition = load_editable_entry(session, actor, entry_id, now)
    problems = []
    title = (title or "").strip()
    if not title:
        problems.append(i18n.msg("entries.title_required"))
    elif len(title) > 300:
        problems.append(i18n.msg("entries.title_too_long", max=300))
    category_id = _id_of(session, Category, entry.edition_id, category, i18n.msg("field.category"), problems)
    track_id = _id_of(session, Track, entry.edition_id, track, i18n.msg("field.track"), problems)
    summary = (summary or "").strip()
    if len(summary) > 8000:
        problems.append(i18n.msg("entries.summary_too_long", max=8000))
    _raise_if(problems)
    entry.title, entry.category_id, entry.track_id, entry.summary = title, category_id, track_id, summary
    record_change(session, actor, entry, "entry.save_project")
    return entry


def save_applicant(*, session: Session, actor: Actor, entry_id: int, applicant: str,
                   applicant_type: str, region: str, revenue_band: str | None,
                   contact_name: str, contact_email: str, contact_phone: str = "",
                   now: dt.datetime | None = None) -> Entry:
    """Step 2: who enters; the revenue band (or being a university/institute) sets the group."""
    entry, _edition = load_editable_entry(session, actor, entry_id, now)
    problems = []
    applicant = (applicant or "").strip()
    if not applicant:
        problems.append(i18n.msg("entries.applicant_required"))
    if region not in {r.value for r in Region}:
        problems.append(i18n.msg("entries.region_required"))
    contact_email = accounts.normalise_email(contact_email)
    if "@" not in contact_email or "." not in contact_email.partition("@")[2]:
        problems.append(i18n.msg("entries.contact_email_invalid"))
    group = None
    try:
        group = eligibility.group_for(applicant_type, revenue_band or None)
    except eligibility.GroupError as error:
        problems.append(error.message)
    group_id = _id_of(session, ContestGroup, entry.edition_id, group, "Group", problems) \
        if group else None
    _raise_if(problems)
    entry.applicant, entry.applicant_type, entry.region = applicant, applicant_type, region
    entry.revenue_band = revenue_band or ""
    entry.group_id = group_id
    entry.contact_name = (contact_name or "").strip()
    entry.contact_email, entry.contact_phone = contact_email, (contact_phone or "").strip()
    record_change(session, actor, entry, "entry.save_applicant", group=group)
    return entry


def save_patents(*, session: Session, actor: Actor, entry_id: int,
                 rows: Sequence[Mapping[str, object]], now: dt.datetime | None = None
                 ) -> tuple[PatentRow, ...]:
    """Step 3: replace the entry's patent list; every row is checked, all or nothing.

    Blank rows are skipped. The core patent stays core if it is still listed.
    """
    entry, _edition = load_editable_entry(session, actor, entry_id, now)
    labelled = [(n, row) for n, row in enumerate(rows, start=1) if not _blank(row)]
    checked = _check_patent_rows(labelled)
    _store_patents(session, entry, checked)
    record_change(session, actor, entry, "entry.save_patents", patents=len(checked))
    return tuple(_patent_row(p) for p in _patents_of(session, entry.id))


def add_patents_from_workbook(*, session: Session, actor: Actor, entry_id: int, data: bytes,
                              now: dt.datetime | None = None) -> tuple[PatentRow, ...]:
    """Add the rows of a `patents` sheet (the patents import template) to the entry's list.

    Errors name the sheet, row and column; nothing is stored unless every row is right.
    """
    entry, _edition = load_editable_entry(session, actor, entry_id, now)
    read = excel.read_workbook("patents", data)
    if not read.ok:
        problems = excel.problem_lines(read.errors, read.omitted)
        raise InvalidInput(problems[0] if len(problems) == 1 else
                           "The workbook has errors; nothing was added.", problems)
    existing = [(n, _as_input(p)) for n, p in enumerate(_patents_of(session, entry.id), start=1)]
    problems, uploaded = [], []
    for row in read.sheets.get("patents", []):
        code = row.get("entry_code")
        if code and str(code).strip().upper() != entry.code.upper():
            problems.append(str(row.error("entry_code", f"belongs to entry {code}, not to "
                                                        f"{entry.code}")))
        values = {key: row.get(key) for key in PATENT_FIELDS + ("jurisdiction",)}
        uploaded.append((i18n.msg("imports.patents_row", row=row.number), values))
    _raise_if(problems)
    if not uploaded:
        raise InvalidInput("entries.patents_sheet_empty")
    checked = _check_patent_rows(existing + uploaded)
    _store_patents(session, entry, checked)
    record_change(session, actor, entry, "entry.add_patents_from_workbook", added=len(uploaded))
    return tuple(_patent_row(p) for p in _patents_of(session, entry.id))


def set_core_patent(*, session: Session, actor: Actor, entry_id: int, normalised: str | None,
                    now: dt.datetime | None = None) -> Entry:
    """Step 4: name one of the entry's patents as the core patent (None: none)."""
    entry, _edition = load_editable_entry(session, actor, entry_id, now)
    rows = _patents_of(session, entry.id)
    if normalised:
        checked = patents.check_patent_list([_as_input(p) for p in rows], core=normalised)
        problems = [i18n.msg("entries.core_patent_problem", problem=p.message)
                    for p in checked.problems if p.column == "core_patent"]
        _raise_if(problems)
    for patent in rows:
        patent.is_core = patent.normalised == normalised
        session.add(patent)
    record_change(session, actor, entry, "entry.set_core_patent", core=normalised)
    return entry


def entry_eligibility(*, session: Session, actor: Actor, entry_id: int
                      ) -> list[eligibility.RuleResult]:
    """The edition's entry rules applied to the entry as it is now (shown live)."""
    entry = load_readable_entry(session, actor, entry_id)
    return _eligibility(session, entry)


def submit_entry(*, session: Session, actor: Actor, entry_id: int,
                 now: dt.datetime | None = None) -> Receipt:
    """Submit (or re-submit after changes) before the deadline; returns a dated receipt.

    A complete entry is required (project, applicant, patents, core patent); the cap per
    enterprise and required documents block; other rules are the contest office's check.
    """
    entry, edition = load_editable_entry(session, actor, entry_id, now)
    results = _eligibility(session, entry)
    problems = _completeness(session, entry)
    blocking = {"core_patent", "entries_per_enterprise", "documents"}
    problems += [r.message for r in results if not r.passed and r.key in blocking
                 and r.message not in problems]
    _raise_if(problems, i18n.msg("entries.submit_refused"))
    when = now or utcnow()
    entry.status = EntryStatus.submitted.value
    entry.submitted_at = when
    entry.updated_at = when
    session.add(entry)
    reference = _reference(session, entry)
    counts = (len(_patents_of(session, entry.id)),
              session.exec(select(func.count()).select_from(Document)
                           .where(Document.entry_id == entry.id)).one())
    audit(session, actor, "entry.submit", "entry", entry.id, edition_id=edition.id,
          code=entry.code, reference=reference, submitted_at=when.isoformat(),
          patents=counts[0], documents=counts[1],
          failed_rules=[r.key for r in results if not r.passed])
    session.commit()
    return Receipt(entry.code, entry.title, when, reference, *counts)


def latest_receipt(*, session: Session, actor: Actor, entry_id: int) -> Receipt | None:
    """The receipt of the entry's last submission, as it was issued."""
    entry = load_readable_entry(session, actor, entry_id)
    if entry.status not in LIVE + (EntryStatus.ineligible.value,):
        return None
    event = session.exec(select(AuditEvent).where(
        AuditEvent.object_type == "entry", AuditEvent.object_id == entry.id,
        AuditEvent.action == "entry.submit").order_by(AuditEvent.id.desc())).first()
    if event is None:
        return None
    details = event.details
    return Receipt(entry.code, entry.title, dt.datetime.fromisoformat(details["submitted_at"]),
                   details["reference"], details["patents"], details["documents"])


def withdraw_entry(*, session: Session, actor: Actor, entry_id: int,
                   now: dt.datetime | None = None) -> Entry:
    """The owner withdraws a draft or submitted entry before the deadline."""
    entry, _edition = load_editable_entry(session, actor, entry_id, now)
    entry.status = EntryStatus.withdrawn.value
    record_change(session, actor, entry, "entry.withdraw")
    return entry


# --- permission and state checks -----------------------------------------------------------


def load_readable_entry(session: Session, actor: Actor, entry_id: int) -> Entry:
    """The entry for its owner or an organiser; NotFound for anyone else."""
    require_role(actor, Role.entrant, Role.organiser)
    entry = session.get(Entry, entry_id)
    # Someone else's entry is reported as missing, so ids cannot be probed.
    if entry is None or (entry.owner_id != actor.user_id and not actor.is_organiser):
        raise NotFound("common.no_such_entry")
    return entry


def load_editable_entry(session: Session, actor: Actor, entry_id: int,
                    now: dt.datetime | None) -> tuple[Entry, Edition]:
    """The owner's entry while it may change: draft or submitted, before the deadline."""
    require_role(actor, Role.entrant)
    found = session.exec(select(Entry, Edition).join(Edition, Edition.id == Entry.edition_id)
                         .where(Entry.id == entry_id)).first()  # one query: every save asks it
    if found is None or found[0].owner_id != actor.user_id:
        raise NotFound("common.no_such_entry")
    entry, edition = found
    _check_deadline(edition, now)
    if entry.status not in EDITABLE:
        raise PermissionDenied("entries.no_longer_changeable", code=entry.code,
                               status=i18n.msg(f"entry_status.{entry.status}"))
    return entry, edition


def _check_deadline(edition: Edition, now: dt.datetime | None) -> None:
    deadline = edition.submission_deadline
    if deadline is not None and (now or utcnow()) > deadline:
        raise PermissionDenied("entries.deadline_passed", at=i18n.Moment(deadline, edition.time_zone))


def _is_editable(entry: Entry, edition: Edition, now: dt.datetime | None) -> bool:
    deadline = edition.submission_deadline
    return entry.status in EDITABLE and (deadline is None or (now or utcnow()) <= deadline)


def record_change(session: Session, actor: Actor, entry: Entry, action: str, **details) -> None:
    """Stamp, audit and commit a change to an entry."""
    entry.updated_at = utcnow()
    session.add(entry)
    audit(session, actor, action, "entry", entry.id, edition_id=entry.edition_id, **details)
    session.commit()


def _raise_if(problems: list[str | Message], heading: Message | None = None) -> None:
    """InvalidInput listing every problem; its message alone must say enough when there is one."""
    if not problems:
        return
    if len(problems) == 1:
        message = problems[0] if heading is None else i18n.msg(
            "entries.heading_and_problem", heading=heading, problem=problems[0])
    else:
        message = i18n.msg("entries.heading_and_count",
                           heading=heading or i18n.msg("entries.please_correct"), n=len(problems))
    raise InvalidInput(message, problems)


# --- patents -----------------------------------------------------------------------------


def _check_patent_rows(labelled: list[tuple[int | Message, Mapping[str, object]]]
                       ) -> list[patents.ListedPatent]:
    """The entry's patent list checked by the one patent-list rule (patents.check_patent_list),
    every problem named by its row; rows are given as (row number or label, values)."""
    def label(name, start: bool) -> Message:
        if isinstance(name, Message):
            return name
        return i18n.msg("entries.patent_row" if start else "patents.row_ref", n=name)

    problems, rows = [], []
    for index, (name, row) in enumerate(labelled):
        values = dict(row)
        for field in ("filing_date", "grant_date"):
            try:
                values[field] = _date(row.get(field))
            except ValueError:
                problems.append((index, i18n.msg("entries.patent_problem", row=label(name, True),
                                                 column=field, problem=i18n.msg(
                                                     "entries.not_a_date", value=str(row.get(field))))))
                values[field] = None
        rows.append(values)
    checked = patents.check_patent_list(rows, labels=[label(name, False) for name, _ in labelled])
    for problem in checked.problems:
        where = label(labelled[problem.row][0], True) if problem.row is not None else None
        problems.append((problem.row if problem.row is not None else len(rows), where and i18n.msg(
            "entries.patent_problem", row=where, column=problem.column, problem=problem.message)
            or problem.message))
    problems.sort(key=lambda item: item[0])
    _raise_if([text for _, text in problems], i18n.msg("entries.patent_list_refused"))
    return list(checked.patents)


def _store_patents(session: Session, entry: Entry, checked: list[patents.ListedPatent]) -> None:
    core = next((p.normalised for p in _patents_of(session, entry.id) if p.is_core), None)
    session.execute(delete(Patent).where(Patent.entry_id == entry.id))
    for position, item in enumerate(checked):
        session.add(Patent(
            entry_id=entry.id, number=item.parsed.raw.strip(),
            normalised=item.parsed.normalised[:80], jurisdiction=item.jurisdiction,
            kind=item.kind, title=item.title, status=item.status, filing_date=item.filing_date,
            grant_date=item.grant_date, holder=item.holder,
            is_core=item.parsed.normalised == core, position=position,
        ))
    session.flush()


def _patents_of(session: Session, entry_id: int) -> list[Patent]:
    return list(session.exec(select(Patent).where(Patent.entry_id == entry_id)
                             .order_by(Patent.position, Patent.id)).all())


def _patent_row(patent: Patent) -> PatentRow:
    return PatentRow(patent.number, patent.normalised, patent.jurisdiction, patent.kind,
                     patent.title, patent.status, patent.filing_date, patent.grant_date,
                     patent.holder, patent.is_core,
                     patents.parse_patent_number(patent.number).warnings)


def _as_input(patent: Patent) -> dict[str, object]:
    return {"patent_number": patent.number, "kind": patent.kind, "title": patent.title,
            "status": patent.status, "filing_date": patent.filing_date,
            "grant_date": patent.grant_date, "holder": patent.holder}


def _blank(row: Mapping[str, object]) -> bool:
    return not any(_text(row.get(field)) for field in PATENT_FIELDS if field != "status"
                   and field != "kind")


def _text(value: object) -> str:
    # Table cells arrive as None, NaN or pandas NA when left empty.
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if value != value:  # pandas.NA and NaT compare unequal to themselves
            return ""
    except TypeError:
        return ""
    return str(value).strip()


def _date(value: object) -> dt.date | None:
    if not _text(value):  # also pandas NaT, which passes for a datetime
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    text = _text(value)
    return dt.date.fromisoformat(text[:10]) if text else None


# --- eligibility and submission ------------------------------------------------------------


def _eligibility(session: Session, entry: Entry) -> list[eligibility.RuleResult]:
    # The same computation the contest office's screening shows, so both always agree.
    edition = session.get(Edition, entry.edition_id)
    return queries.automatic_results(session, edition, [entry])[entry.id]


def _completeness(session: Session, entry: Entry) -> list[Message]:
    problems = []
    if not entry.title:
        problems.append(i18n.msg("entries.incomplete_title"))
    if entry.category_id is None:
        problems.append(i18n.msg("entries.incomplete_category"))
    if entry.track_id is None:
        problems.append(i18n.msg("entries.incomplete_track"))
    if not entry.applicant or entry.group_id is None or not entry.region:
        problems.append(i18n.msg("entries.incomplete_applicant"))
    if not _patents_of(session, entry.id):
        problems.append(i18n.msg("entries.incomplete_patents"))
    return problems


def _reference(session: Session, entry: Entry) -> str:
    """A digest of the submitted content, so entrant and office can show the same version."""
    content = {
        "code": entry.code, "title": entry.title, "summary": entry.summary,
        "applicant": entry.applicant, "category": entry.category_id, "track": entry.track_id,
        "group": entry.group_id,
        "patents": [[p.normalised, p.kind, p.status, str(p.grant_date), p.holder, p.is_core]
                    for p in _patents_of(session, entry.id)],
        "documents": sorted(session.exec(select(Document.sha256).where(
            Document.entry_id == entry.id)).all()),
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}".upper()


def _keys_of(session: Session, entry: Entry) -> tuple[str, str, str]:
    """The keys of the entry's group, category and track ("" for none), in one query."""
    def key(model, row_id):
        return select(model.key).where(model.id == row_id).scalar_subquery()

    found = session.exec(select(key(ContestGroup, entry.group_id), key(Category, entry.category_id),
                                key(Track, entry.track_id))).one()
    return tuple(value or "" for value in found)


def _id_of(session: Session, model, edition_id: int, key: str | None, label: Message,
           problems: list) -> int | None:
    if not key:
        problems.append(i18n.msg("entries.choose_one", field=label))
        return None
    row = session.exec(select(model).where(model.edition_id == edition_id,
                                           model.key == key)).first()
    if row is None:
        problems.append(i18n.msg("entries.not_offered", field=label, key=key))
        return None
    return row.id
