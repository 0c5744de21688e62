"""Imports never lose a judge's work (issue 11, item 6), on SQLite and PostgreSQL.

A scores import notes each sheet's version when it is prepared (its check, or the dry run
the organiser looked at) and refuses, row by row, the sheets a judge saved since, unless
forced (recorded). Each sheet's history shows the import with its file. Formula cells are
refused. Every error is found in one pass and the list is capped at 50 plus "and N more".
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from contest import db, i18n
from contest.models import (
    AuditEvent,
    Conflict,
    CriterionScore,
    Entry,
    Round,
    ScoreSheet,
    SheetDefinition,
    User,
)
from contest.services import InvalidInput, accounts, judging
from tests.integration.test_imports import (  # noqa: F401  (fixtures)
    JUDGE_HEADER,
    NUMBERS,
    SCORE_HEADER,
    _pool,
    assigned,
    entries_workbook,
    entry_row,
    organiser,
    patent_row,
    run,
    score_rows,
)
from tests.unit.test_excel_reader import with_formula, workbook

pytestmark = pytest.mark.integration


def scores_file(*groups):
    return workbook(scores=[SCORE_HEADER, *[row for group in groups for row in group]])


def judge(session, email):
    return accounts.actor_for(session, session.exec(select(User).where(User.email == email)).one())


def draft_by_judge(engine, email, code, values):
    """The judge saves a draft from their own browser session (another connection)."""
    with db.session_scope(engine) as other:
        actor = judge(other, email)
        entry = other.exec(select(Entry).where(Entry.code == code)).one()
        definition = other.exec(select(SheetDefinition).where(
            SheetDefinition.round_id == _round_id(other), SheetDefinition.key == "expert_review",
            SheetDefinition.category_id == entry.category_id)).one()
        form = judging.score_form(session=other, actor=actor, round_id=definition.round_id,
                                  entry_id=entry.id)
        version = next(s["version"] for s in form["sheets"] if s["sheet_def_id"] == definition.id)
        return judging.save_scores(session=other, actor=actor, expected_version=version,
                                   values=values, round_id=definition.round_id,
                                   entry_id=entry.id, sheet_def_id=definition.id)


def _round_id(session):
    return session.exec(select(Round.id).where(Round.key == "preliminary")).first()


def sheet_of(session, code, email):
    session.expire_all()
    found = session.exec(select(ScoreSheet).join(Entry, Entry.id == ScoreSheet.entry_id)
                         .join(User, User.id == ScoreSheet.judge_id)
                         .where(Entry.code == code, User.email == email)).first()
    session.rollback()
    return found


def problems(caught) -> list[str]:
    return [str(p) for p in caught.value.problems]


# ------------------------------------------------------------- versions


def test_a_draft_saved_while_the_import_runs_is_never_overwritten(session, engine, organiser,
                                                                  edition, assigned):
    """The finding: the import read the sheets, the judge saved a draft, the import wrote
    over it. Now the write compares versions and refuses that row, storing nothing."""
    saved = []

    def judge_saves_meanwhile(fraction):
        if fraction >= 0.9 and not saved:  # checked, not yet written
            saved.append(draft_by_judge(engine, "j1@uni.hk", "A-1", {"market": 3}))

    data = scores_file(score_rows("A-1", "j1@uni.hk"), score_rows("A-2", "j2@uni.hk"))
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "scores", data, progress=judge_saves_meanwhile,
            file_name="week1.xlsx")
    assert saved and saved[0].version == 1
    assert str(caught.value) == "The scores workbook has 1 error; nothing was stored."
    [line] = problems(caught)
    assert line.startswith("scores!D2 (judge_email): A-1, judge j1@uni.hk: the judge started "
                           "this sheet after the import was prepared (now version 1)")
    mine = sheet_of(session, "A-1", "j1@uni.hk")
    assert (mine.status, mine.version, mine.total) == ("draft", 1, None)
    assert sheet_of(session, "A-2", "j2@uni.hk") is None  # all or nothing
    values = session.exec(select(CriterionScore.value).where(
        CriterionScore.score_sheet_id == mine.id, CriterionScore.value.is_not(None))).all()
    assert values == [3.0]


def test_a_save_after_the_dry_run_refuses_the_import_of_that_sheet(session, engine, organiser,
                                                                   edition, assigned):
    draft_by_judge(engine, "j1@uni.hk", "A-1", {"market": 3})  # before: the import's to replace
    data = scores_file(score_rows("A-1", "j1@uni.hk"))
    checked = run(session, organiser, edition, "scores", data, dry_run=True)
    assert list(checked.versions.values()) == [1]
    draft_by_judge(engine, "j1@uni.hk", "A-1", {"market": 4})  # after the organiser's check
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "scores", data, prepared=checked.versions)
    assert problems(caught) == [
        "scores!D2 (judge_email): A-1, judge j1@uni.hk: the judge saved this sheet after the "
        "import was prepared (version 1 then, 2 now), so it was not overwritten and nothing "
        "was stored. Look at the judge's work, then import again (the file is checked anew) "
        "or force the import to overwrite it (recorded)."]
    assert sheet_of(session, "A-1", "j1@uni.hk").version == 2
    # In Chinese too, naming the same row, entry and judge.
    assert caught.value.problems[0].render("zh-Hant").startswith(
        "scores!D2 (judge_email)：A-1，評審 j1@uni.hk：匯入準備後該評審又儲存了這張評分表")


def test_forcing_overwrites_and_the_sheets_history_records_what_it_replaced(
        session, engine, organiser, edition, assigned):
    data = scores_file(score_rows("A-1", "j1@uni.hk"), score_rows("A-2", "j1@uni.hk"))
    checked = run(session, organiser, edition, "scores", data, dry_run=True)
    draft_by_judge(engine, "j1@uni.hk", "A-1", {"market": 4})
    report = run(session, organiser, edition, "scores", data, prepared=checked.versions,
                 force=True, file_name="week1.xlsx")
    assert (report.created, report.updated, report.forced) == (1, 1, 1)
    sheet = sheet_of(session, "A-1", "j1@uni.hk")
    assert (sheet.status, sheet.version, sheet.total) == ("submitted", 2, pytest.approx(72.0))
    history = judging.sheet_history(session=session, actor=organiser, sheet_id=sheet.id)
    assert [(h["action"], h["version"]) for h in history] == [("sheet.save", 1),
                                                             ("sheet.import", 2)]
    assert history[1]["who"].endswith("<office@example.org>")
    assert history[1]["note"].render("en") == ("imported from workbook week1.xlsx, replacing version 1 the judge "
                                               "had saved (forced by the organiser)")
    assert "從工作簿 week1.xlsx 匯入" in history[1]["note"].render("zh-Hant")
    summary = session.exec(select(AuditEvent).where(AuditEvent.action == "import.scores")).one()
    assert (summary.details["forced"], summary.details["file"]) == (1, "week1.xlsx")


def test_each_imported_sheet_shows_the_import_in_its_history(session, organiser, edition,
                                                             assigned):
    first = scores_file(score_rows("A-1", "j1@uni.hk"))
    run(session, organiser, edition, "scores", first, file_name="round-1.xlsx")
    run(session, organiser, edition, "scores",
        scores_file(score_rows("A-1", "j1@uni.hk", market=20)), file_name="round-1-fixed.xlsx")
    sheet = sheet_of(session, "A-1", "j1@uni.hk")
    for viewer in (organiser, judge(session, "j1@uni.hk")):  # the organiser and the judge
        history = judging.sheet_history(session=session, actor=viewer, sheet_id=sheet.id)
        assert [(h["action"], h["version"], h["total"]) for h in history] == [
            ("sheet.import", 1, pytest.approx(72.0)), ("sheet.import", 2, pytest.approx(80.0))]
        assert [h["note"].render("en") for h in history] == [
            "imported from workbook round-1.xlsx", "imported from workbook round-1-fixed.xlsx"]
        assert "office@example.org" in history[0]["who"]


def test_a_draft_saved_before_the_import_was_prepared_is_replaced_and_versioned(
        session, engine, organiser, edition, assigned):
    """The import moves the version on, so a page still holding the old one reloads."""
    draft_by_judge(engine, "j1@uni.hk", "A-1", {"market": 3})
    run(session, organiser, edition, "scores", scores_file(score_rows("A-1", "j1@uni.hk")))
    sheet = sheet_of(session, "A-1", "j1@uni.hk")
    assert (sheet.version, sheet.status) == (2, "submitted")


# ------------------------------------------------------------- formulas


def test_a_formula_score_is_refused_whatever_its_cached_value(session, organiser, edition,
                                                              assigned):
    # F2 computes 2; the forged cache says 15
    data = with_formula(scores_file(score_rows("A-1", "j1@uni.hk")), "scores", "F2", "1+1", "15")
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "scores", data)
    assert problems(caught) == ["scores!F2 (score): a formula; type the value"]
    assert caught.value.problems[0].render("zh-Hans") == "scores!F2 (score)：这是公式；请直接输入数值"
    assert session.exec(select(func.count()).select_from(ScoreSheet)).one() == 0


# ------------------------------------------------------------- one pass, capped


def test_conflicts_report_file_and_stored_data_errors_in_one_pass(session, organiser, edition):
    _pool(session, organiser, edition)
    header = ["judge_email", "entry_code", "organisation", "reason"]
    data = workbook(conflicts=[header, ["not an email", "A-1", None, "x"],
                               ["j1@uni.hk", "Z-9", None, "y"],
                               ["nobody@uni.hk", "A-2", None, "z"]])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "conflicts", data)
    assert problems(caught) == [
        "conflicts!A2 (judge_email): 'not an email' is not an email address",
        "conflicts!B3 (entry_code): no entry 'Z-9' in this edition",
        "conflicts!A4 (judge_email): no judge with this email in the edition's judge pool"]
    assert session.exec(select(func.count()).select_from(Conflict)).one() == 0


def test_entries_report_file_and_stored_data_errors_in_one_pass(session, organiser, edition):
    data = entries_workbook(
        [entry_row("A-1", NUMBERS[0], category="poetry"),
         entry_row("A-2", NUMBERS[2], applicant_type="university", group="growth")],
        [patent_row("A-1", NUMBERS[0]), patent_row("A-2", NUMBERS[2])])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "entries", data)
    assert problems(caught) == [
        "entries!D2 (category): 'poetry' is not one of invention, design, ic_layout",
        "entries!C3 (group): universities and institutes always enter the startup group"]


def test_a_long_list_of_errors_shows_fifty_and_counts_the_rest(session, organiser, edition):
    rows = [[f"judge{n}", "Name", None, "atlantis", None, None] for n in range(120)]
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "judges", workbook(judges=[JUDGE_HEADER, *rows]))
    shown = problems(caught)
    assert str(caught.value) == "The judges workbook has 240 errors; nothing was stored."
    assert len(shown) == 51 and shown[-1] == "and 190 more"
    assert shown[0] == "judges!A2 (email): 'judge0' is not an email address"
    assert i18n.text(caught.value.problems[-1], "zh-Hant") == "另有 190 處"


def test_errors_beyond_what_the_reader_keeps_are_still_counted(session, organiser, edition):
    rows = [[f"judge{n}", "Name", None, None, None, -1] for n in range(700)]
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "judges", workbook(judges=[JUDGE_HEADER, *rows]))
    assert str(caught.value) == "The judges workbook has 1400 errors; nothing was stored."
    assert problems(caught)[-1] == "and 1350 more"
