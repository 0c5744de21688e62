"""Import workbooks (entries with patents, judges, conflicts, scores) into an edition.

All or nothing: every row is checked first (file rules in contest.excel, domain rules
here, in one pass), every problem is reported with its sheet, row and column (the first
50 shown, the rest counted), and nothing is stored unless there are none. A dry run checks
everything and stores nothing.

A scores import never loses a judge's work: the file is read and checked with no write
lock held, each target sheet's version is noted then (or taken from the dry run the
organiser looked at), and the short write transaction refuses every sheet a judge saved
since, naming its row, entry and judge, unless the organiser forces the import (recorded
with the version it replaced). Each imported sheet's history shows the import.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from contest import conflicts as conflict_rules
from contest import db, eligibility, excel, i18n, organisations, patents, scoring, workers
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    AuditEvent,
    Category,
    Conflict,
    ConflictSource,
    ContestGroup,
    Criterion,
    CriterionScore,
    Edition,
    Entry,
    EntryStatus,
    JudgeProfile,
    Patent,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    Track,
    User,
    UserRole,
)
from contest.services import (
    InvalidInput,
    NotFound,
    ServiceError,
    accounts,
    audit,
    heavy,
    panels,
    queries,
    require_role,
    text_refusal,
)

KINDS = ("entries", "judges", "conflicts", "scores")

# (round id, sheet definition id, entry id, judge id) -> the sheet's version (0: no sheet)
SheetKey = tuple[int, int, int, int]


@dataclass
class ImportReport:
    """What an import stored (or, in a dry run, would store)."""

    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_examples: int = 0
    notes: list[str | i18n.Message] = field(default_factory=list)
    # Scores: the version of every sheet the file writes, as the check found them. Pass it
    # back as `prepared` to refuse sheets a judge saves between this dry run and the import.
    versions: dict[SheetKey, int] = field(default_factory=dict)
    forced: int = 0  # sheets a judge had saved since, overwritten on the organiser's say

    def summary(self) -> i18n.Message:
        """What was (or would be) imported, rendered at the edge in the reader's language."""
        message_id = "imports.summary_dry_run" if self.dry_run else "imports.summary"
        if self.skipped_examples:
            message_id += "_examples"
        return i18n.msg(message_id, kind=self.kind, created=self.created, updated=self.updated,
                        unchanged=self.unchanged, examples=self.skipped_examples)


def import_workbook(*, session: Session, actor: Actor, edition_id: int, kind: str,
                    data: bytes, round_key: str | None = None, dry_run: bool = False,
                    force: bool = False, file_name: str = "",
                    prepared: Mapping[SheetKey, int] | None = None,
                    progress: Callable[[float], None] | None = None) -> ImportReport:
    """Check and import a workbook of `kind`; raises InvalidInput listing every problem.
    Organisers only (the command line acts as Actor.system()).

    Scores: `prepared` is the `versions` of the dry run the organiser checked (else the
    versions found while this call checks the file); a sheet a judge saved since is refused
    for its row, or with `force` overwritten and recorded. `file_name` goes into each
    imported sheet's history.
    """
    require_role(actor, Role.organiser)
    if kind not in KINDS:
        raise InvalidInput("imports.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    # The name as the history shows it: no folders, nothing unprintable, not too long.
    file_name = "".join(ch for ch in PurePath(file_name or "").name if ch.isprintable())[:200]
    db.release(session)  # hold no lock while the file is read
    db.begin_reading(session)
    edition = session.get(Edition, edition_id)
    if edition is None:
        session.rollback()
        raise NotFound("common.no_such_edition")
    choices = queries.edition_choices(session, edition.id)
    # Reading the file is most of the work (80 % of the bar): in a worker, no transaction
    # open; the rows are stored afterwards in one short transaction.
    read = heavy.compute(excel.read_workbook, kind, data, session=session, choices=choices,
                         progress=(lambda f: progress(0.8 * f)) if progress else None,
                         timeout=workers.SHORT)
    if progress:
        progress(0.8)
    report = ImportReport(kind, dry_run, skipped_examples=read.skipped_examples)
    if read.blank_sheets:  # a pre-filled scores template not scored everywhere yet
        shown = ", ".join(read.blank_sheets[:10]) + (" ..." if len(read.blank_sheets) > 10 else "")
        report.notes.append(i18n.msg("imports.blank_sheets", n=len(read.blank_sheets), sheets=shown))
    checkable = _checkable(kind, read)
    if kind == "scores":
        return _scores(session, actor, edition_id, read, checkable, report, round_key=round_key,
                       force=force, file_name=file_name, prepared=prepared, progress=progress)
    importer = {"entries": _import_entries, "judges": _import_judges,
                "conflicts": _import_conflicts}[kind]
    try:
        edition = session.get(Edition, edition_id)
        errors = importer(session, actor, edition, checkable, report, round_key) \
            if checkable is not None else []
        if read.errors or errors:
            raise _refused(kind, [*read.errors, *errors], omitted=read.omitted)
        session.flush()
    except BaseException:
        session.rollback()
        raise
    if progress:
        progress(0.9)
    if dry_run:
        session.rollback()
        return report
    audit(session, actor, f"import.{kind}", "edition", edition.id, edition_id=edition.id,
          created=report.created, updated=report.updated, unchanged=report.unchanged,
          round=round_key)
    session.commit()
    if progress:
        progress(1.0)
    return report


def _refused(kind: str, errors: list, omitted: int = 0) -> InvalidInput:
    """Every problem counted; the first 50 listed, then "and N more"."""
    count = len(errors) + omitted
    return InvalidInput("imports.refused_one" if count == 1 else "imports.refused",
                        problems=excel.problem_lines(errors, omitted), kind=kind, n=count)


def _checkable(kind: str, read: excel.ImportRows) -> excel.ImportRows | None:
    """The rows the checks against stored data can trust, so every error is found in one
    pass: rows without a file error (an entry with a bad patents row, and a score sheet
    with a bad row, are left out whole). None when a sheet could not be read at all."""
    if not read.complete:
        return None
    sheets = {name: read.rows_without_errors(name) for name in read.sheets}
    bad = {(e.sheet, e.row) for e in read.errors if e.row is not None}

    def broken(sheet, key):
        return {key(row) for row in read.sheets.get(sheet, []) if (sheet, row.number) in bad}

    if kind == "entries":
        keys = broken("patents", excel.entry_key) | broken("entries", excel.entry_key)
        sheets["entries"] = [r for r in sheets["entries"] if excel.entry_key(r) not in keys]
    if kind == "scores":
        keys = broken("scores", _score_group)
        sheets["scores"] = [r for r in sheets["scores"] if _score_group(r) not in keys]
    return excel.ImportRows(sheets, [], read.skipped_examples, complete=True)


def _score_group(row: excel.Row) -> tuple:
    """The rows of one score sheet: round, sheet, entry and judge."""
    return (row["round"], row["sheet"], (row["entry_code"] or "").casefold(), row["judge_email"])


# ---------------------------------------------------------------- entries

def _import_entries(session, actor, edition, read, report, round_key):
    errors: list[excel.CellError] = []
    ids = {name: {k: i for i, k in session.exec(select(model.id, model.key).where(
        model.edition_id == edition.id)).all()}
        for name, model in (("group", ContestGroup), ("category", Category),
                            ("track", Track))}
    existing = {e.code.casefold(): e for e in session.exec(
        select(Entry).where(Entry.edition_id == edition.id)).all()}
    portfolio: dict[str, list[excel.Row]] = defaultdict(list)
    for row in read.sheets["patents"]:
        portfolio[excel.entry_key(row)].append(row)
    codes = _code_maker([e.code for e in existing.values()] + [
        r["entry_code"] for r in read.sheets["entries"] if r["entry_code"]])
    imported: list[tuple[Entry, list[Patent]]] = []
    for row in read.sheets["entries"]:
        rows = portfolio.get(excel.entry_key(row), [])
        found, problems = _portfolio(row, rows)
        errors += problems
        if row["applicant_type"] in ("university", "institute") and row["group"] != "startup":
            errors.append(row.error("group", i18n.msg("imports.startup_group_only")))
            continue
        if problems:
            continue
        entry = existing.get((row["entry_code"] or "").casefold())
        if entry is not None and entry.owner_id is not None:
            errors.append(row.error("entry_code", i18n.msg("imports.entered_by_entrant", code=entry.code)))
            continue
        if entry is None:
            entry = Entry(edition_id=edition.id, code=row["entry_code"] or next(codes),
                          status=EntryStatus.submitted.value, submitted_at=utcnow())
            report.created += 1
        else:
            session.exec(delete(Patent).where(Patent.entry_id == entry.id))
            report.updated += 1
        entry.title = row["title"]
        entry.group_id = ids["group"][row["group"]]
        entry.category_id = ids["category"][row["category"]]
        entry.track_id = ids["track"].get(row["track"]) if row["track"] else None
        entry.applicant = row["applicant"]
        entry.applicant_type = row["applicant_type"]
        entry.revenue_band = "" if row["applicant_type"] in ("university", "institute") else (
            "le_20m" if row["group"] == "startup" else "gt_20m")
        entry.region = row["region"]
        entry.contact_email = row["contact_email"] or ""
        entry.summary = row["summary"] or ""
        entry.updated_at = utcnow()
        session.add(entry)
        imported.append((entry, found))
    if errors:
        return errors
    session.flush()
    for entry, found in imported:
        for patent in found:
            patent.entry_id = entry.id
            session.add(patent)
    report.notes += _eligibility_notes(session, edition, imported)
    return []


def _portfolio(entry_row, rows) -> tuple[list[Patent], list[excel.CellError]]:
    """The entry's patents checked by the one patent-list rule the entrant editor uses
    (patents.check_patent_list): every problem of every row in one pass."""
    checked = patents.check_patent_list(
        [row.values for row in rows], core=entry_row["core_patent"],
        labels=[i18n.msg("imports.patents_row", row=row.number) for row in rows])
    errors = [rows[p.row].error(p.column, p.message) if p.row is not None else
              entry_row.error("core_patent" if p.column == "core_patent" else None, p.message)
              for p in checked.problems]
    found = [Patent(
        entry_id=0, number=item.parsed.raw.strip(), normalised=item.parsed.normalised,
        jurisdiction=item.jurisdiction, kind=item.kind, title=item.title, status=item.status,
        filing_date=item.filing_date, grant_date=item.grant_date, holder=item.holder,
        is_core=item.core, position=position)
        for position, item in enumerate(checked.patents)]
    return found, errors


def _code_maker(taken_codes: list[str]):
    """New codes continue the edition's numbering (prefix and width of its codes)."""
    pattern = re.compile(r"^(.*?)(\d+)$")
    prefixes: Counter = Counter()
    top: dict[str, int] = defaultdict(int)
    width = 4
    for code in taken_codes:
        match = pattern.match(code)
        if match:
            prefixes[match.group(1)] += 1
            top[match.group(1)] = max(top[match.group(1)], int(match.group(2)))
            width = len(match.group(2))
    prefix = prefixes.most_common(1)[0][0] if prefixes else "E-"
    number = top[prefix]
    taken = {code.casefold() for code in taken_codes}
    while True:
        number += 1
        code = f"{prefix}{number:0{width}d}"
        if code.casefold() not in taken:
            taken.add(code.casefold())
            yield code


def _eligibility_notes(session, edition, imported) -> list[i18n.Message]:
    """The entry rules each imported entry fails today (screening decides; documents are
    uploaded later, so that rule is left out here)."""
    if edition.core_patent_cutoff is None:
        return []
    rules = queries.edition_rules(session, edition, documents=False)
    categories = dict(session.exec(select(Category.id, Category.key).where(
        Category.edition_id == edition.id)).all())
    applicants = Counter(organisations.normalise_organisation(a) for a in session.exec(
        select(Entry.applicant).where(Entry.edition_id == edition.id,
                                      Entry.status != EntryStatus.withdrawn.value)).all())
    notes = []
    for entry, found in imported:
        core = next((p.normalised for p in found if p.is_core), None)
        facts = eligibility.EntryFacts(
            applicant=entry.applicant, applicant_type=entry.applicant_type,
            category=categories.get(entry.category_id, ""), core_patent=core,
            patents=tuple(eligibility.PatentFacts(p.normalised, p.kind or None, p.status,
                                                  p.grant_date, p.holder, p.jurisdiction)
                          for p in found))
        others = applicants[organisations.normalise_organisation(entry.applicant)] - 1
        failed = eligibility.failures(eligibility.check_entry(
            facts, rules, entries_by_same_applicant=max(others, 0)))
        if failed:
            notes.append(i18n.msg("imports.eligibility_note", code=entry.code,
                                  problems=eligibility.joined(failed)))
    return notes


# ---------------------------------------------------------------- judges

def _import_judges(session, actor, edition, read, report, round_key):
    errors = []
    rows = read.sheets["judges"]
    emails = [r["email"] for r in rows]
    users = {u.email: u for u in session.exec(select(User).where(User.email.in_(emails))).all()}
    profiles = {p.user_id: p for p in session.exec(select(JudgeProfile).where(
        JudgeProfile.edition_id == edition.id)).all()}
    new_accounts = 0
    for row in rows:
        user = users.get(row["email"])
        if user is None:
            new_accounts += 1
            try:
                user = accounts.create_user(session=session, email=row["email"],
                                            name=row["name"], roles=[Role.judge],
                                            organisation=row["organisation"] or "",
                                            actor=actor, commit=False)
            except ServiceError as exc:
                errors.append(row.error("email", exc.message))
                continue
        else:
            accounts.add_roles(session=session, actor=actor, user=user, roles=[Role.judge])
        profile = profiles.get(user.id)
        values = dict(organisation=row["organisation"] or "", region=row["region"] or "",
                      expertise=list(row["expertise"] or ()), max_load=row["max_load"])
        if profile is None:
            session.add(JudgeProfile(edition_id=edition.id, user_id=user.id, **values))
            report.created += 1
        elif any(getattr(profile, k) != v for k, v in values.items()) or not profile.active:
            for key, value in values.items():
                setattr(profile, key, value)
            profile.active = True
            session.add(profile)
            report.updated += 1
        else:
            report.unchanged += 1
    if new_accounts:
        report.notes.append(i18n.msg("imports.judges_without_password", n=new_accounts))
    return errors


# ---------------------------------------------------------------- conflicts

def _import_conflicts(session, actor, edition, read, report, round_key):
    errors = []
    judges = dict(session.exec(select(User.email, User.id).join(
        JudgeProfile, JudgeProfile.user_id == User.id).where(
        JudgeProfile.edition_id == edition.id)).all())
    entries = {code.casefold(): i for i, code in session.exec(select(Entry.id, Entry.code).where(
        Entry.edition_id == edition.id)).all()}
    known = {(c.judge_id, c.entry_id, c.organisation.casefold()) for c in session.exec(
        select(Conflict).where(Conflict.edition_id == edition.id)).all()}
    affected: list[tuple[int, int]] = []
    org_rules: list[tuple[int, str, str]] = []
    for row in read.sheets["conflicts"]:
        judge_id = judges.get(row["judge_email"])
        if judge_id is None:
            errors.append(row.error("judge_email", i18n.msg("imports.no_judge_in_pool")))
        entry_id = None
        if row["entry_code"]:
            entry_id = entries.get(row["entry_code"].casefold())
            if entry_id is None:
                errors.append(row.error("entry_code", i18n.msg("imports.no_such_entry", code=row["entry_code"])))
                continue
        if judge_id is None:
            continue
        organisation = row["organisation"] or ""
        key = (judge_id, entry_id, organisation.casefold())
        if key in known:
            report.unchanged += 1
            continue
        known.add(key)
        session.add(Conflict(edition_id=edition.id, judge_id=judge_id, entry_id=entry_id,
                             organisation=organisation, source=ConflictSource.imported.value,
                             reason=row["reason"],
                             created_by=actor.user_id))
        if entry_id is not None:
            affected.append((judge_id, entry_id))
        else:
            org_rules.append((judge_id, organisation, row["reason"]))
        report.created += 1
    if errors:
        return errors
    # As when the organiser records a conflict: the pair's unstarted assignments go.
    affected += [(hit.judge_id, hit.entry_id) for hit in conflict_rules.organisation_conflicts(
        org_rules, [panels.entry_facts(e) for e in queries.judged_entries(session, edition.id)])]
    withdrawn = panels.withdraw_unsubmitted(session, affected)
    if withdrawn:
        report.notes.append(i18n.msg("imports.assignments_withdrawn", n=len(withdrawn)))
    return errors


# ---------------------------------------------------------------- scores

@dataclass
class _SheetImport:
    """One score sheet of the file, checked, as it will be written."""

    row: excel.Row  # its first row, for messages
    key: SheetKey
    entry_code: str
    judge_email: str
    version: int  # the sheet's version when the import was prepared (0: none yet)
    total: float
    comment: str
    scores: dict[int, tuple[float, str]]  # criterion id -> (value, comment)


def _scores(session, actor, edition_id, read, checkable, report, *, round_key, force, file_name,
            prepared, progress):
    """Check the file with no write lock held, then write in one short transaction that
    refuses (or with `force` overwrites and records) sheets a judge saved since."""
    errors: list = []
    plan: list[_SheetImport] = []
    db.begin_reading(session)
    try:
        if checkable is not None:
            errors, plan = _prepare_scores(session, edition_id, checkable, round_key)
    finally:
        session.rollback()
    if read.errors or errors:
        raise _refused("scores", [*read.errors, *errors], omitted=read.omitted)
    if prepared is not None:  # the dry run the organiser looked at
        for item in plan:
            item.version = prepared.get(item.key, item.version)
    report.versions = {item.key: item.version for item in plan}
    report.created = sum(1 for item in plan if item.version == 0)
    report.updated = len(plan) - report.created
    if progress:
        progress(0.9)
    if report.dry_run:
        return report
    try:
        errors = _write_scores(session, actor, edition_id, plan, report, force=force,
                               file_name=file_name, round_key=round_key)
        if errors:
            raise _refused("scores", errors)
    except IntegrityError:
        # A judge created one of these sheets between our look and our insert.
        session.rollback()
        raise InvalidInput("imports.sheet_started_meanwhile") from None
    except BaseException:
        session.rollback()
        raise
    session.commit()
    if progress:
        progress(1.0)
    return report


def _prepare_scores(session, edition_id, read, round_key):
    """Every check of a scores file against stored data; writes nothing."""
    errors = []
    rounds = {r.key: r for r in session.exec(select(Round).where(
        Round.edition_id == edition_id)).all()}
    if round_key is not None and round_key not in rounds:
        raise InvalidInput("editions.no_such_round", key=round_key, rounds=", ".join(rounds))
    entries = {e.code.casefold(): e for e in session.exec(select(Entry).where(
        Entry.edition_id == edition_id)).all()}
    judges = dict(session.exec(select(User.email, User.id).join(
        UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.judge.value)).all())
    round_ids = [r.id for r in rounds.values()]
    sheet_defs = {(s.round_id, s.category_id, s.key): s for s in session.exec(
        select(SheetDefinition).where(SheetDefinition.round_id.in_(round_ids),
                                      SheetDefinition.active == True)).all()}  # noqa: E712
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for c in session.exec(select(Criterion).where(Criterion.sheet_id.in_(
            [s.id for s in sheet_defs.values()])).order_by(Criterion.position)).all():
        criteria[c.sheet_id].append(c)
    versions = {(r, d, e, j): v for r, d, e, j, v in session.exec(
        select(ScoreSheet.round_id, ScoreSheet.sheet_id, ScoreSheet.entry_id,
               ScoreSheet.judge_id, ScoreSheet.version).where(
            ScoreSheet.round_id.in_(round_ids))).all()}

    groups: dict[tuple, list[excel.Row]] = defaultdict(list)
    for row in read.sheets["scores"]:
        groups[_score_group(row)].append(row)
    # Who may score what is decided once for every pair of the file, per round.
    asked: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for (round_value, _sheet, code, email) in groups:
        if code in entries and email in judges:
            asked[round_value].add((judges[email], entries[code].id))
    refused = {(rounds[key].id, *pair): reason for key, pairs in asked.items()
               if key in rounds and rounds[key].scored
               for pair, reason in panels.refusals(session, rounds[key], pairs,
                                                   joining=False).items()}
    plan: list[_SheetImport] = []
    for (round_value, sheet_key, code, email), rows in groups.items():
        first = rows[0]
        rnd = rounds.get(round_value)
        if rnd is None or not rnd.scored:
            errors.append(first.error("round", i18n.msg("imports.no_scored_round", round=round_value)))
            continue
        if round_key is not None and round_value != round_key:
            errors.append(first.error("round", i18n.msg("imports.other_round", round=round_key)))
            continue
        entry = entries.get(code)
        judge_id = judges.get(email)
        if entry is None:
            errors.append(first.error("entry_code", i18n.msg("imports.no_such_entry", code=first["entry_code"])))
        if judge_id is None:
            errors.append(first.error("judge_email", i18n.msg("imports.no_such_judge")))
        if entry is None or judge_id is None:
            continue
        reason = refused.get((rnd.id, judge_id, entry.id))
        if reason is not None:
            errors.append(first.error("judge_email", reason))
            continue
        definition = sheet_defs.get((rnd.id, entry.category_id, sheet_key))
        if definition is None:
            errors.append(first.error("sheet", i18n.msg("imports.no_such_sheet", round=rnd.key, sheet=sheet_key,
                                                        code=entry.code)))
            continue
        stored = criteria[definition.id]
        specs = [scoring.CriterionSpec(c.key, c.label, c.max_points, c.step, c.weight)
                 for c in stored]
        by_key = {r["criterion"]: r for r in rows}
        values = {key: r["score"] for key, r in by_key.items()}
        try:
            scoring.validate_scores(specs, values, complete=True)
        except scoring.ScoreError as exc:
            for key, message in exc.problems:
                row = by_key.get(key)
                errors.append(row.error("score", message) if row and key in
                              {c.key for c in stored} else (row or first).error(
                    "criterion", message))
            continue
        key = (rnd.id, definition.id, entry.id, judge_id)
        comment = "\n".join(dict.fromkeys(r["comment"] for r in rows if r["comment"]))
        # The sheets are written in bulk, past the save guard: the one text rule here.
        refusal = text_refusal(ScoreSheet.__table__.c.comment, comment) if comment else None
        if refusal is not None:
            errors.append(first.error("comment", refusal))
            continue
        plan.append(_SheetImport(
            row=first, key=key, entry_code=entry.code, judge_email=email,
            version=versions.get(key, 0), total=scoring.sheet_total(specs, values),
            comment=comment,
            scores={c.id: (float(values[c.key]), by_key[c.key]["comment"] or "")
                    for c in stored}))
    return errors, plan


def _write_scores(session, actor, edition_id, plan, report, *, force, file_name, round_key):
    """The short write: the target sheets are locked (PostgreSQL: FOR UPDATE; SQLite: the
    write transaction), each one's version compared with the prepared one, then written."""
    round_ids = sorted({item.key[0] for item in plan})
    judge_ids = sorted({item.key[3] for item in plan})
    current: dict[SheetKey, tuple[int, int]] = {}
    for chunk in _chunks(judge_ids):
        for sid, r, d, e, j, version in session.exec(
                select(ScoreSheet.id, ScoreSheet.round_id, ScoreSheet.sheet_id,
                       ScoreSheet.entry_id, ScoreSheet.judge_id, ScoreSheet.version)
                .where(ScoreSheet.round_id.in_(round_ids), ScoreSheet.judge_id.in_(chunk))
                .with_for_update()).all():
            current[(r, d, e, j)] = (sid, version)
    errors, replaced = [], {}
    for item in plan:
        now_version = current.get(item.key, (None, 0))[1]
        if now_version == item.version:
            continue
        if force:
            replaced[item.key] = now_version
            continue
        message = (i18n.msg("imports.sheet_started", entry=item.entry_code,
                            judge=item.judge_email, now=now_version) if item.version == 0 else
                   i18n.msg("imports.sheet_changed", entry=item.entry_code,
                            judge=item.judge_email, then=item.version, now=now_version))
        errors.append(item.row.error("judge_email", message))
    if errors:
        return errors
    now = utcnow()
    report.created = report.updated = 0
    fresh = []
    for item in plan:
        found = current.get(item.key)
        if found is None:
            sheet = ScoreSheet(round_id=item.key[0], sheet_id=item.key[1], entry_id=item.key[2],
                               judge_id=item.key[3], version=1, created_at=now)
            fresh.append((item, sheet))
            report.created += 1
        else:
            report.updated += 1
    for item, sheet in fresh:
        sheet.status, sheet.total, sheet.comment = SheetStatus.submitted.value, item.total, item.comment
        sheet.submitted_at = sheet.updated_at = now
        session.add(sheet)
    session.flush()  # one flush gives every new sheet its id
    ids = {item.key: sheet.id for item, sheet in fresh}
    updates = [item for item in plan if item.key in current]
    if updates:
        table = ScoreSheet.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values(version=bindparam("b_version"), status=SheetStatus.submitted.value,
                    total=bindparam("b_total"), comment=bindparam("b_comment"), submitted_at=now,
                    updated_at=now),
            [{"b_id": current[i.key][0], "b_version": current[i.key][1] + 1, "b_total": i.total,
              "b_comment": i.comment} for i in updates])
        ids.update({item.key: current[item.key][0] for item in updates})
    stored = {}
    for chunk in _chunks([current[i.key][0] for i in updates]):
        stored.update({(s.score_sheet_id, s.criterion_id): s for s in session.exec(
            select(CriterionScore).where(CriterionScore.score_sheet_id.in_(chunk))).all()})
    for item in plan:
        for criterion_id, (value, comment) in item.scores.items():
            score = stored.get((ids[item.key], criterion_id)) or CriterionScore(
                score_sheet_id=ids[item.key], criterion_id=criterion_id)
            score.value, score.comment = value, comment
            session.add(score)
    # Each sheet's history shows the import as its own event.
    report.forced = len(replaced)
    if plan:
        session.execute(insert(AuditEvent), [dict(
            at=now, actor_id=actor.user_id, edition_id=edition_id, action="sheet.import",
            object_type="score_sheet", object_id=ids[item.key],
            details={"version": current[item.key][1] + 1 if item.key in current else 1,
                     "total": item.total, "file": file_name, "round": round_key,
                     **({"forced": True, "replaced_version": replaced[item.key]}
                        if item.key in replaced else {})}) for item in plan])
    audit(session, actor, "import.scores", "edition", edition_id, edition_id=edition_id,
          created=report.created, updated=report.updated, unchanged=report.unchanged,
          round=round_key, file=file_name, forced=report.forced)
    return []


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start:start + size]
