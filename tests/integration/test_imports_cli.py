"""`contest template` and `contest import`: one line per error, non-zero exit, nothing
stored on failure, nothing stored by a dry run."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select
from typer.testing import CliRunner

from contest import cli
from contest.models import Entry, Patent, ScoreSheet
from contest.services import judging
from tests.integration.test_imports import (  # noqa: F401  (fixtures)
    JUDGE_HEADER,
    NUMBERS,
    SCORE_HEADER,
    assigned,
    entries_workbook,
    entry_row,
    good_entries,
    organiser,
    patent_row,
    score_rows,
)
from tests.unit.test_excel_reader import workbook

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_db(db_url, app_env, edition):
    app_env(db_url)  # the command reads DATABASE_URL like the real one
    return db_url


def contest(*args):
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def counts(session):
    session.expire_all()
    found = (session.exec(select(func.count()).select_from(Entry)).one(),
             session.exec(select(func.count()).select_from(Patent)).one())
    session.rollback()  # end the read so the command can write
    return found


def test_import_entries_with_one_bad_row_names_sheet_row_and_column(cli_db, session,
                                                                     tmp_path):
    bad = entries_workbook([entry_row("A-1", NUMBERS[0]), entry_row("A-2", NUMBERS[2],
                                                                    category="poetry")],
                           [patent_row("A-1", NUMBERS[0]), patent_row("A-2", NUMBERS[2])])
    path = tmp_path / "entries.xlsx"
    path.write_bytes(bad)
    result = contest("import", "entries", path)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == ["error: entries!D3 (category): 'poetry' is not one of invention, design, "
                      "ic_layout"]
    assert counts(session) == (0, 0)


def test_import_entries_stores_a_good_workbook_and_a_dry_run_stores_nothing(cli_db, session,
                                                                            tmp_path):
    path = tmp_path / "entries.xlsx"
    path.write_bytes(good_entries())
    dry = contest("import", "entries", path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would import 3 new" in dry.stdout and "nothing stored" in dry.stdout
    assert counts(session) == (0, 0)
    real = contest("import", "entries", path)
    assert real.exit_code == 0, real.output
    assert "entries: imported 3 new, 0 updated" in real.stdout
    assert counts(session) == (3, 4)


def test_import_of_a_file_that_is_not_a_workbook_fails_in_one_line(cli_db, tmp_path):
    path = tmp_path / "entries.xlsx"
    path.write_text("entry_code,title\nA-1,x\n")
    result = contest("import", "entries", path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == \
        "error: the file is not an Excel .xlsx workbook"
    missing = contest("import", "entries", tmp_path / "nope.xlsx")
    assert missing.exit_code == 1 and "cannot read" in missing.stderr


def test_template_writes_a_workbook_with_the_editions_tracks(cli_db, tmp_path):
    out = tmp_path / "entries-template.xlsx"
    result = contest("template", "entries", "--out", out)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(io.BytesIO(out.read_bytes()))
    assert workbook.sheetnames[:2] == ["entries", "patents"]
    tracks = [c.value for col in workbook["lists"].iter_cols() if col[0].value == "track"
              for c in col[1:] if c.value]
    assert "semiconductors" in tracks
    unknown = contest("template", "prizes", "--out", out)
    assert unknown.exit_code == 1 and "unknown template 'prizes'" in unknown.stderr


def test_template_works_without_a_database_and_does_not_create_one(app_env, tmp_path):
    missing = tmp_path / "none.db"
    app_env(f"sqlite:///{missing}")
    out = tmp_path / "judges.xlsx"
    result = contest("template", "judges", "--out", out, "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert load_workbook(io.BytesIO(out.read_bytes()))["instructions"]["A1"].value == "填写说明"
    assert not missing.exists()


def test_a_scores_import_by_command_names_its_file_in_each_sheets_history_and_may_force(
        cli_db, session, organiser, edition, assigned, tmp_path):
    path = tmp_path / "offline-scores.xlsx"
    path.write_bytes(workbook(scores=[SCORE_HEADER, *score_rows("A-1", "j1@uni.hk")]))
    result = contest("import", "scores", path, "--round", "preliminary", "--force")
    assert result.exit_code == 0, result.output
    assert "scores: imported 1 new, 0 updated" in result.stdout
    session.expire_all()
    sheet = session.exec(select(ScoreSheet)).one()
    history = judging.sheet_history(session=session, actor=organiser, sheet_id=sheet.id)
    assert [(h["action"], h["who"]) for h in history] == [("sheet.import", "system")]
    assert history[0]["note"].render("en") == "imported from workbook offline-scores.xlsx"


def test_a_long_list_of_errors_prints_fifty_lines_and_how_many_more(cli_db, session, tmp_path):
    rows = [[f"judge{n}", "Name", None, "atlantis", None, None] for n in range(120)]
    path = tmp_path / "judges.xlsx"
    path.write_bytes(workbook(judges=[JUDGE_HEADER, *rows]))
    result = contest("import", "judges", path)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 51 and errors[-1] == "error: and 190 more"
