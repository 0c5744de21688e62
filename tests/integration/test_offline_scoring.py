"""A round's assignments out before scoring: the results workbook is written before any
sheet is submitted (assignments filled, ranking sheets empty saying why), and the scores
template comes pre-filled with every active assignment's rows, importable as it is once
the scores are typed in (a sheet still blank is left out and named)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import update
from sqlmodel import select

from contest.excel import schema
from contest.models import Assignment, Criterion, ScoreSheet, SheetDefinition
from contest.services import InvalidInput, exports, imports
from tests.integration.test_results import _scored_template, organiser, preliminary, scored  # noqa: F401

pytestmark = pytest.mark.integration


def nothing_submitted(session, rnd):
    session.execute(update(ScoreSheet).where(ScoreSheet.round_id == rnd.id)
                    .values(status="draft", total=None, submitted_at=None))
    session.commit()


def rows_of(data: bytes, sheet: str) -> list[dict]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def active_pairs(session, rnd):
    return set(session.exec(select(Assignment.entry_id, Assignment.judge_id).where(
        Assignment.round_id == rnd.id, Assignment.status == "active")).all())


def test_the_results_workbook_is_written_before_any_sheet_is_submitted(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    nothing_submitted(scored, rnd)
    data = exports.results_workbook(session=scored, actor=office, edition_id=rnd.edition_id,
                                    round_key=rnd.key)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:8] == list(schema.RESULT_SHEETS)
    ranking = book["ranking"]
    assert [c.value for c in ranking[1]][:13] == list(schema.RESULT_REQUIRED["ranking"])
    assert ranking.max_row == 1  # empty, and its first header note says why
    assert "No score sheet has been submitted in Preliminary yet" in ranking["A1"].comment.text
    summary = [row[0] for row in book["summary"].iter_rows(values_only=True)]
    assert any(str(line).startswith("No score sheet has been submitted") for line in summary)
    assignments = rows_of(data, "assignments")
    assert len([a for a in assignments if a["status"] == "active"]) == len(active_pairs(scored, rnd))
    assert {a["round"] for a in assignments} == {"preliminary"}
    assert rows_of(data, "scores") == []


def test_the_scores_template_is_pre_filled_and_imports_as_it_is_once_scored(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    nothing_submitted(scored, rnd)
    made = exports.scores_template(session=scored, actor=office, edition_id=rnd.edition_id,
                                   round_key=rnd.key)
    [(whole, data)] = made.workbooks
    rows = rows_of(data, "scores")
    criteria = {d.category_id: len(scored.exec(select(Criterion).where(Criterion.sheet_id == d.id)).all())
                for d in scored.exec(select(SheetDefinition).where(SheetDefinition.round_id == rnd.id,
                                                                   SheetDefinition.active == True))}  # noqa: E712
    pairs = active_pairs(scored, rnd)
    assert whole == "" and made.rows == len(rows) == 5 * len(pairs) and set(criteria.values()) == {5}
    assert {(r["round"], r["sheet"]) for r in rows} == {("preliminary", "expert_review")}
    assert all(r["score"] is None and r["comment"] is None for r in rows)
    # Nothing typed in yet: every sheet is blank, nothing is imported, nothing refused.
    report = imports.import_workbook(session=scored, actor=office, edition_id=rnd.edition_id,
                                     kind="scores", data=data, round_key=rnd.key, dry_run=True)
    assert report.created == 0 and f"{len(pairs)} score sheets were left blank" in str(report.notes[0])

    # The office types in the paper sheets of one judge, and half of another's first sheet.
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["scores"]
    judges = sorted({r["judge_email"] for r in rows})
    first, second = judges[0], judges[1]
    partial_row = None
    for number, row in enumerate(rows, start=2):
        if row["judge_email"] == first:
            sheet.cell(row=number, column=6, value=10)
            sheet.cell(row=number, column=7, value="typed from paper")
        elif row["judge_email"] == second and partial_row is None:
            sheet.cell(row=number, column=6, value=10)
            partial_row = number + 1  # the next criterion of that sheet stays blank
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput) as refused:
        imports.import_workbook(session=scored, actor=office, edition_id=rnd.edition_id,
                                kind="scores", data=out.getvalue(), round_key=rnd.key)
    assert f"scores!F{partial_row} (score): a value is required" in [str(p) for p in refused.value.problems]
    sheet.cell(row=partial_row - 1, column=6).value = None  # that sheet waits for its paper
    out = io.BytesIO()
    book.save(out)
    report = imports.import_workbook(session=scored, actor=office, edition_id=rnd.edition_id,
                                     kind="scores", data=out.getvalue(), round_key=rnd.key)
    typed = len({r["entry_code"] for r in rows if r["judge_email"] == first})
    assert report.updated + report.created == typed
    assert f"{len(pairs) - typed} score sheets were left blank" in str(report.notes[0])
    submitted = scored.exec(select(ScoreSheet).where(ScoreSheet.round_id == rnd.id,
                                                     ScoreSheet.status == "submitted")).all()
    assert len(submitted) == typed and {s.total for s in submitted} == {50}


def test_one_scores_workbook_per_judge_holds_only_that_judges_rows(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    made = exports.scores_template(session=scored, actor=office, edition_id=rnd.edition_id,
                                   round_key=rnd.key, per_judge=True)
    assert len(made.workbooks) == made.judges == len({j for _, j in active_pairs(scored, rnd)})
    total = 0
    for email, data in made.workbooks:
        rows = rows_of(data, "scores")
        assert {r["judge_email"] for r in rows} == {email}
        total += len(rows)
        # Scores already submitted are filled in, so the workbook imports as it is.
        assert all(isinstance(r["score"], (int, float)) for r in rows)
    assert total == made.rows
    report = imports.import_workbook(session=scored, actor=office, edition_id=rnd.edition_id,
                                     kind="scores", data=made.workbooks[0][1], round_key=rnd.key,
                                     dry_run=True)
    assert report.updated == len({r["entry_code"] for r in rows_of(made.workbooks[0][1], "scores")})


def test_a_round_without_assignments_has_no_scores_template_and_says_what_to_do(scored):
    office = organiser(scored)
    with pytest.raises(InvalidInput, match="no active assignments yet: assign judges first"):
        exports.scores_template(session=scored, actor=office, edition_id=preliminary(scored).edition_id,
                                round_key="semifinal")
