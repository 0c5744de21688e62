"""Import workbooks (entries with patents, judges, conflicts, scores) into an edition.

All or nothing: every row is checked first (file rules in contest.excel, domain rules
here), every problem is reported with its sheet, row and column, and nothing is stored
unless there are none. A dry run checks everything and stores nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, select

from contest import conflicts as conflict_rules
from contest import db, eligibility, excel, i18n, organisations, patents, scoring, workers
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
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
)

KINDS = ("entries", "judges", "conflicts", "scores")


@dataclass
class ImportReport:
    """What an import stored (or, in a dry run, would store)."""

    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_examples: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (f"{self.kind}: {verb} {self.created} new, {self.updated} updated, "
                f"{self.unchanged} unchanged")
        if self.skipped_examples:
            text += f"; {self.skipped_examples} example rows skipped"
        return text + (" (dry run: nothing stored)" if self.dry_run else "")


def import_workbook(*, session: Session, actor: Actor, edition_id: int, kind: str,
                    data: bytes, round_key: str | None = None, dry_run: bool = False,
                    progress: Callable[[float], None] | None = None) -> ImportReport:
    """Check and import a workbook of `kind`; raises InvalidInput listing every problem.
    Organisers only (the command line acts as Actor.system()).
    """
    require_role(actor, Role.organiser)
    if kind not in KINDS:
        raise InvalidInput(f"Unknown import '{kind}'; choose one of {', '.join(KINDS)}.")
    db.begin_reading(session)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("No such edition.")
    choices = queries.edition_choices(session, edition.id)
    # Reading the file is most of the work (80 % of the bar): in a worker, no transaction
    # open; the rows are stored afterwards in one short transaction.
    read = heavy.compute(excel.read_workbook, kind, data, session=session, choices=choices,
                         progress=(lambda f: progress(0.8 * f)) if progress else None,
                         timeout=workers.SHORT)
    if progress:
        progress(0.8)
    if read.errors:
        raise _refused(kind, [str(e) for e in read.errors])
    report = ImportReport(kind, dry_run, skipped_examples=read.skipped_examples)
    if read.blank_sheets:  # a pre-filled scores template not scored everywhere yet
        shown = ", ".join(read.blank_sheets[:10]) + (" ..." if len(read.blank_sheets) > 10 else "")
        report.notes.append(i18n.msg("imports.blank_sheets", n=len(read.blank_sheets), sheets=shown))
    importer = {"entries": _import_entries, "judges": _import_judges,
                "conflicts": _import_conflicts, "scores": _import_scores}[kind]
    try:
        errors = importer(session, actor, edition, read, report, round_key)
        if errors:
            raise _refused(kind, [str(e) for e in errors])
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


def _refused(kind: str, problems: list[str]) -> InvalidInput:
    count = len(problems)
    return InvalidInput(f"The {kind} workbook has {count} error{'s' if count != 1 else ''}; "
                        f"nothing was stored.", problems)


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
            errors.append(row.error("group", "universities and institutes always enter the "
                                             "startup group"))
            continue
        if problems:
            continue
        entry = existing.get((row["entry_code"] or "").casefold())
        if entry is not None and entry.owner_id is not None:
            errors.append(row.error("entry_code", f"{entry.code} was entered by an entrant's "
                                                  f"account; an import never overwrites it"))
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
    errors = [rows[p.row].error(p.column, str(p.message)) if p.row is not None else
              entry_row.error("core_patent" if p.column == "core_patent" else None, str(p.message))
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


def _eligibility_notes(session, edition, imported) -> list[str]:
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
            notes.append(f"{entry.code}: {' '.join(failed)}")
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
                errors.append(row.error("email", str(exc)))
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
        report.notes.append(f"{new_accounts} new judge account(s) have no password yet: send "
                            f"their invitations from the judge pool.")
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
            errors.append(row.error("judge_email", "no judge with this email in the edition's "
                                                   "judge pool"))
        entry_id = None
        if row["entry_code"]:
            entry_id = entries.get(row["entry_code"].casefold())
            if entry_id is None:
                errors.append(row.error("entry_code", f"no entry '{row['entry_code']}' in this "
                                                      f"edition"))
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

def _import_scores(session, actor, edition, read, report, round_key):
    errors = []
    rounds = {r.key: r for r in session.exec(select(Round).where(
        Round.edition_id == edition.id)).all()}
    if round_key is not None and round_key not in rounds:
        raise InvalidInput(f"No round '{round_key}'. Rounds: {', '.join(rounds)}.")
    entries = {e.code.casefold(): e for e in session.exec(select(Entry).where(
        Entry.edition_id == edition.id)).all()}
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
    sheets = {(s.round_id, s.sheet_id, s.entry_id, s.judge_id): s for s in session.exec(
        select(ScoreSheet).where(ScoreSheet.round_id.in_(round_ids))).all()}

    groups: dict[tuple, list[excel.Row]] = defaultdict(list)
    for row in read.sheets["scores"]:
        groups[(row["round"], row["sheet"], row["entry_code"].casefold(),
                row["judge_email"])].append(row)
    sheet_ids = {sheet.id for sheet in sheets.values()}
    # Who may score what is decided once for every pair of the file, per round.
    asked: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for (round_value, _sheet, code, email) in groups:
        if code in entries and email in judges:
            asked[round_value].add((judges[email], entries[code].id))
    refused = {(rounds[key].id, *pair): reason for key, pairs in asked.items()
               if key in rounds and rounds[key].scored
               for pair, reason in panels.refusals(session, rounds[key], pairs,
                                                   joining=False).items()}
    done: list[tuple[ScoreSheet, list[Criterion], dict, dict]] = []
    now = utcnow()
    for (round_value, sheet_key, code, email), rows in groups.items():
        first = rows[0]
        rnd = rounds.get(round_value)
        if rnd is None or not rnd.scored:
            errors.append(first.error("round", f"no scored round '{round_value}' in this "
                                               f"edition"))
            continue
        if round_key is not None and round_value != round_key:
            errors.append(first.error("round", f"this import is for round '{round_key}'"))
            continue
        entry = entries.get(code)
        judge_id = judges.get(email)
        if entry is None:
            errors.append(first.error("entry_code", f"no entry '{first['entry_code']}' in this "
                                                    f"edition"))
        if judge_id is None:
            errors.append(first.error("judge_email", "no judge with this email"))
        if entry is None or judge_id is None:
            continue
        reason = refused.get((rnd.id, judge_id, entry.id))
        if reason is not None:
            errors.append(first.error("judge_email", str(reason)))
            continue
        definition = sheet_defs.get((rnd.id, entry.category_id, sheet_key))
        if definition is None:
            errors.append(first.error("sheet", f"round '{rnd.key}' has no sheet '{sheet_key}' "
                                               f"for the category of {entry.code}"))
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
        comments = [r["comment"] for r in rows if r["comment"]]
        sheet = sheets.get((rnd.id, definition.id, entry.id, judge_id))
        if sheet is None:
            sheet = ScoreSheet(round_id=rnd.id, sheet_id=definition.id, entry_id=entry.id,
                               judge_id=judge_id)
            report.created += 1
        else:
            sheet.version += 1
            report.updated += 1
        sheet.status = SheetStatus.submitted.value
        sheet.total = scoring.sheet_total(specs, values)
        sheet.comment = "\n".join(dict.fromkeys(comments))
        sheet.submitted_at = now
        sheet.updated_at = now
        session.add(sheet)
        done.append((sheet, stored, values, by_key))
    if errors:
        return errors
    session.flush()  # one flush gives every new sheet its id
    existing = {}
    if any(sheet.id in sheet_ids for sheet, *_ in done):  # sheets typed in again
        existing = {(s.score_sheet_id, s.criterion_id): s for s in session.exec(
            select(CriterionScore).join(ScoreSheet, ScoreSheet.id == CriterionScore.score_sheet_id)
            .where(ScoreSheet.round_id.in_(round_ids))).all()}
    for sheet, stored, values, by_key in done:
        for criterion in stored:
            score = existing.get((sheet.id, criterion.id)) or CriterionScore(
                score_sheet_id=sheet.id, criterion_id=criterion.id)
            score.value = float(values[criterion.key])
            score.comment = by_key[criterion.key]["comment"] or ""
            session.add(score)
    return errors
