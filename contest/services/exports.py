"""Downloads for organisers: import templates and the results workbook of a round.

The ranking, per-criterion, judge and reliability sheets come from the results service
(`results.results_for_export`); this module adds what is a plain record of the round:
every submitted criterion score (importable again), the assignments, the rubric and the
published statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from contest import db, excel, i18n
from contest import labels as names
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import (
    Assignment,
    AssignmentStatus,
    Category,
    ContestGroup,
    Criterion,
    CriterionScore,
    Decision,
    Edition,
    Entry,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    Track,
    User,
)
from contest.services import InvalidInput, NotFound, editions, heavy, matchmaking, queries, require_role

BOOK_FIELDS = ("ranking", "criteria", "judges", "reliability", "counts", "warnings",
               "method_settings")


def template(*, session: Session, actor: Actor, edition_id: int | None, kind: str,
             lang: str = "en") -> bytes:
    """An empty import workbook, with the edition's groups, categories and tracks as
    drop-downs when an edition is given."""
    require_role(actor, Role.organiser, Role.entrant)
    if kind not in excel.KINDS:
        raise InvalidInput("exports.unknown_template", kind=kind, kinds=", ".join(excel.KINDS))
    choices = queries.edition_choices(session, edition_id) if edition_id else {}
    return excel.template_workbook(kind, choices={k: v for k, v in choices.items() if v},
                                   lang=lang)


@dataclass(frozen=True)
class ScoresTemplate:
    """The scores import workbook of a round pre-filled with its active assignments."""

    round_key: str
    rows: int  # criterion rows, one per judge, entry, sheet and criterion
    entries: int
    judges: int
    workbooks: tuple[tuple[str, bytes], ...]  # (judge email, or "" for the whole round; .xlsx)


def scores_template(*, session: Session, actor: Actor, edition_id: int, round_key: str,
                    lang: str = "en", per_judge: bool = False) -> ScoresTemplate:
    """Every active assignment of the round as the scores workbook's rows (round, sheet,
    entry_code, judge_email, criterion; scores already submitted filled in), ready for
    offline scoring and importable as it is once the scores are typed in (a judge's sheet
    still blank is left out of the import). `per_judge`: one workbook per judge."""
    require_role(actor, Role.organiser)
    rnd = editions.find_round(session=session, edition_id=edition_id, key=round_key)
    if not rnd.scored:
        raise InvalidInput("exports.round_not_scored", round=names.label(rnd))
    rows = _assignment_rows(session, rnd)
    if not rows:
        raise InvalidInput("exports.no_assignments", round=names.label(rnd))
    parts = [("", rows)]
    if per_judge:
        by_judge: dict[str, list] = {}
        for row in rows:
            by_judge.setdefault(row[3], []).append(row)
        parts = sorted(by_judge.items())
    books = tuple((email, excel.template_workbook("scores", lang=lang, rows=part))
                  for email, part in parts)
    return ScoresTemplate(rnd.key, len(rows), len({r[2] for r in rows}),
                          len({r[3] for r in rows}), books)


def _assignment_rows(session: Session, rnd: Round) -> list[tuple]:
    """(round, sheet, entry_code, judge_email, criterion, score, comment) per criterion of
    every active assignment, by judge, entry and the rubric's order."""
    pairs = session.exec(
        select(User.email, Entry.code, Entry.id, Entry.category_id, User.id)
        .join(Assignment, Assignment.judge_id == User.id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.round_id == rnd.id, Assignment.status == AssignmentStatus.active.value,
               Entry.status.in_(queries.JUDGED_STATUSES))
        .order_by(User.email, Entry.code)).all()
    definitions: dict[int, list[SheetDefinition]] = {}
    for d in session.exec(select(SheetDefinition).where(
            SheetDefinition.round_id == rnd.id, SheetDefinition.active == True)  # noqa: E712
            .order_by(SheetDefinition.position, SheetDefinition.id)):
        definitions.setdefault(d.category_id, []).append(d)
    criteria: dict[int, list[Criterion]] = {}
    for c in session.exec(select(Criterion).where(Criterion.sheet_id.in_(
            [d.id for ds in definitions.values() for d in ds] or [-1]))
            .order_by(Criterion.position, Criterion.id)):
        criteria.setdefault(c.sheet_id, []).append(c)
    submitted = {(sheet_id, entry_id, judge_id, criterion_id): (value, comment)
                 for sheet_id, entry_id, judge_id, criterion_id, value, comment in session.exec(
        select(ScoreSheet.sheet_id, ScoreSheet.entry_id, ScoreSheet.judge_id,
               CriterionScore.criterion_id, CriterionScore.value, CriterionScore.comment)
        .join(CriterionScore, CriterionScore.score_sheet_id == ScoreSheet.id)
        .where(ScoreSheet.round_id == rnd.id,
               ScoreSheet.status == SheetStatus.submitted.value)).all()}
    rows = []
    for email, code, entry_id, category_id, judge_id in pairs:
        for definition in definitions.get(category_id, []):
            for criterion in criteria.get(definition.id, []):
                value, comment = submitted.get((definition.id, entry_id, judge_id, criterion.id),
                                               (None, None))
                rows.append((rnd.key, definition.key, code, email, criterion.key, value,
                             comment or None))
    return rows


def results_workbook(*, session: Session, actor: Actor, edition_id: int, round_key: str,
                     method: str | None = None, lang: str = "en",
                     progress: Callable[[float], None] | None = None) -> bytes:
    """The results workbook of a round as .xlsx bytes (INTERFACES.md); organisers only."""
    require_role(actor, Role.organiser)
    book = results_book(session=session, actor=actor, edition_id=edition_id,
                        round_key=round_key, method=method, progress=progress)
    data = heavy.compute(excel.results_workbook, book, session=session, lang=lang)  # in a worker
    if progress:
        progress(1.0)
    return data


def interest_workbook(*, session: Session, actor: Actor, edition_id: int, lang: str = "en") -> bytes:
    """Every observer's interest in the edition's entries as the `interest` sheet alone
    (.xlsx bytes); organisers only."""
    require_role(actor, Role.organiser)
    return excel.interest_workbook(matchmaking.interest_frame(session=session, actor=actor,
                                                              edition_id=edition_id), lang=lang)


def results_book(*, session: Session, actor: Actor, edition_id: int, round_key: str,
                 method: str | None = None,
                 progress: Callable[[float], None] | None = None) -> excel.ResultsBook:
    """Everything the results workbook shows, gathered for one round."""
    require_role(actor, Role.organiser)
    db.begin_reading(session)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("common.no_such_edition")
    rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
    if not rnd.scored:
        raise InvalidInput("exports.round_not_scored", round=names.label(rnd))
    method = method or rnd.method
    from contest.services import results  # the results service ranks the round

    # The ranking (with its interval draws) is most of the work: 90 % of the bar.
    found = results.results_for_export(
        session=session, actor=actor, round_id=rnd.id, method=method,
        progress=(lambda f: progress(0.9 * f)) if progress else None)
    parts = _parts(found)
    scores = scores_frame(session=session, round_id=rnd.id)
    assignments = assignments_frame(session=session, round_id=rnd.id)
    counts = {"entries": int(len(parts.get("ranking", ()))),
              "judges": int(assignments["judge_email"].nunique()) if len(assignments) else 0,
              "sheets": int(len(scores.groupby(["sheet", "entry_code", "judge_email"])))
              if len(scores) else 0,
              "scores": int(len(scores)), "assignments": int(len(assignments))}
    counts.update(parts.get("counts") or {})
    return excel.ResultsBook(
        edition=edition.name, round=rnd.key, method=method, generated_at=utcnow(),
        ranking=parts["ranking"], criteria=parts.get("criteria"), scores=scores,
        judges=parts.get("judges"), reliability=parts.get("reliability"),
        assignments=assignments, rubric=rubric_frame(session=session, round_id=rnd.id),
        statistics=statistics_frame(session=session, edition=edition, round_id=rnd.id),
        interest=matchmaking.interest_frame(session=session, actor=actor, edition_id=edition.id),
        counts=counts, warnings=list(parts.get("warnings") or ()),
        method_settings=dict(parts.get("method_settings") or {}), blind=rnd.blind)


def _parts(found) -> dict:
    """The results service's answer as a dict of BOOK_FIELDS (a mapping or an object)."""
    if isinstance(found, Mapping):
        parts = {k: found.get(k) for k in BOOK_FIELDS}
    else:
        parts = {k: getattr(found, k, None) for k in BOOK_FIELDS}
    if parts.get("ranking") is None:
        raise InvalidInput("exports.no_ranking")
    return {k: v for k, v in parts.items() if v is not None}


def scores_frame(*, session: Session, round_id: int) -> pd.DataFrame:
    """Every submitted criterion score of the round, in the scores import's columns.

    A sheet comment with no per-criterion comment goes on the sheet's first row, so that
    importing the sheet again keeps it.
    """
    rnd = session.get(Round, round_id)
    rows = session.exec(
        select(SheetDefinition.key, Entry.code, User.email, Criterion.key,
               CriterionScore.value, CriterionScore.comment, ScoreSheet.id,
               ScoreSheet.comment, Criterion.position)
        .join(ScoreSheet, ScoreSheet.id == CriterionScore.score_sheet_id)
        .join(SheetDefinition, SheetDefinition.id == ScoreSheet.sheet_id)
        .join(Criterion, Criterion.id == CriterionScore.criterion_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(User, User.id == ScoreSheet.judge_id)
        .where(ScoreSheet.round_id == round_id,
               ScoreSheet.status == SheetStatus.submitted.value)
        .order_by(Entry.code, User.email, SheetDefinition.position, Criterion.position)
    ).all()
    records = []
    commented: set[int] = {r[6] for r in rows if r[5]}
    placed: set[int] = set()
    for sheet, code, email, criterion, value, comment, sheet_id, sheet_comment, _ in rows:
        if not comment and sheet_comment and sheet_id not in commented \
                and sheet_id not in placed:
            comment = sheet_comment
            placed.add(sheet_id)
        records.append((rnd.key, sheet, code, email, criterion, value, comment or None))
    return pd.DataFrame.from_records(records, columns=list(
        excel.schema.RESULT_REQUIRED["scores"]))


def assignments_frame(*, session: Session, round_id: int) -> pd.DataFrame:
    rnd = session.get(Round, round_id)
    rows = session.exec(
        select(Entry.code, User.email, Assignment.status, Assignment.source,
               Assignment.created_at)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(User, User.id == Assignment.judge_id)
        .where(Assignment.round_id == round_id)
        .order_by(Entry.code, User.email)).all()
    frame = pd.DataFrame.from_records(rows, columns=["entry_code", "judge_email", "status",
                                                     "source", "assigned_at"])
    frame.insert(0, "round", rnd.key)
    return frame


def rubric_frame(*, session: Session, round_id: int) -> pd.DataFrame:
    """The active sheets and criteria of the round: the rubric the scores were given on,
    each criterion's label in every language (one column per language)."""
    rnd = session.get(Round, round_id)
    rows = session.exec(
        select(Category.key, SheetDefinition.key, SheetDefinition.weight,
               SheetDefinition.version, Criterion)
        .join(SheetDefinition, SheetDefinition.id == Criterion.sheet_id)
        .join(Category, Category.id == SheetDefinition.category_id)
        .where(SheetDefinition.round_id == round_id,
               SheetDefinition.active == True)  # noqa: E712
        .order_by(Category.position, SheetDefinition.position, Criterion.position)).all()
    records = [(rnd.key, category, sheet, sheet_weight, version, c.key,
                *names.columns_of(c).values(), c.max_points, c.step, c.weight, _bands(c.bands))
               for (category, sheet, sheet_weight, version, c) in rows]
    return pd.DataFrame.from_records(records, columns=[
        "round", "category", "sheet", "sheet_weight", "version", "criterion", *names.LABEL_COLUMNS,
        "max_points", "step", "weight", "descriptors"])


def _bands(bands) -> str:
    parts = []
    for band in bands or []:
        if isinstance(band, Mapping):
            parts.append(f"{band.get('low', '')}-{band.get('high', '')} % "
                         f"{band.get('label', '')}".strip())
    return "; ".join(parts)


def statistics_frame(*, session: Session, edition: Edition, round_id: int) -> pd.DataFrame:
    """Entries, eligible, advanced from this round, and awards by region, applicant type,
    track, category and group."""
    def labels(model):
        return dict(session.exec(select(model.id, model.key).where(
            model.edition_id == edition.id)).all())

    groups, categories, tracks = labels(ContestGroup), labels(Category), labels(Track)
    entries = session.exec(select(Entry.id, Entry.region, Entry.applicant_type, Entry.track_id,
                                  Entry.category_id, Entry.group_id, Entry.status).where(
        Entry.edition_id == edition.id, Entry.status != "draft",
        Entry.status != "withdrawn")).all()
    decisions = session.exec(select(Decision.entry_id, Decision.kind, Decision.outcome,
                                    Decision.round_id).where(
        Decision.edition_id == edition.id, Decision.active == True)).all()  # noqa: E712
    eligible = {e for e, kind, outcome, _ in decisions
                if kind == "eligibility" and outcome == "eligible"}
    advanced = {e for e, kind, outcome, r in decisions
                if kind == "advancement" and r == round_id and outcome == "advanced"}
    awards = {e: outcome for e, kind, outcome, _ in decisions if kind == "award"}
    frame = pd.DataFrame.from_records([
        {"region": region, "applicant_type": applicant_type, "track": tracks.get(track),
         "category": categories.get(category), "group": groups.get(group),
         "eligible": entry_id in eligible or status == "eligible",
         "advanced": entry_id in advanced, "award": awards.get(entry_id)}
        for entry_id, region, applicant_type, track, category, group, status in entries],
        columns=["region", "applicant_type", "track", "category", "group", "eligible",
                 "advanced", "award"])
    order = [a.get("key") for a in edition.rules.get("awards", []) if a.get("key")]
    table = excel.entry_statistics(frame, awards=order or None)
    # after the counts, each value's name in words (rendered in the workbook's language)
    named = {dimension: {r.key: names.label(r) for r in session.exec(
        select(model).where(model.edition_id == edition.id))}
        for dimension, model in (("track", Track), ("category", Category), ("group", ContestGroup))}

    def label(dimension: str, value: str):
        if value == "all":
            return i18n.msg("statistics.all_entries")
        if value == "(none)":
            return i18n.msg("common.unset")
        if dimension in ("region", "applicant_type"):
            return i18n.msg(f"{dimension}.{value}")
        return named.get(dimension, {}).get(value, value)

    table["label"] = pd.Series([label(d, v) for d, v in zip(table["dimension"], table["value"])],
                               index=table.index, dtype=object)
    return table
