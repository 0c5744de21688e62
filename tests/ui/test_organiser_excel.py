"""The organiser's Excel page: template downloads, imports listing every error (dry run
first), the results workbook download."""

import io

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from contest import db
from contest.models import (
    Assignment,
    Criterion,
    Entry,
    JudgeProfile,
    Round,
    ScoreSheet,
    SheetDefinition,
    User,
)
from contest.services import accounts, judging
from tests.conftest import login_for
from tests.unit.test_excel_reader import workbook
from tests.ui.apptest_helpers import page_text, sign_in, start_app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["email", "name", "organisation", "region", "expertise", "max_load"]


def judges_workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "judges"
    for row in (HEADER, *rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def excel_page(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    at = sign_in(start_app(), *login_for(logins, "organiser"))
    at.switch_page("contest/ui/pages/organiser_excel.py").run()
    assert not at.exception, at.exception
    return at, url


def profiles(url):
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        found = s.exec(select(func.count()).select_from(JudgeProfile)).one()
    engine.dispose()
    return found


def upload_and_import(at, data, *, dry_run):
    at.selectbox(key="import_kind").set_value("judges").run()
    at.file_uploader(key="import_file").upload("judges.xlsx", data, XLSX)
    at.checkbox(key="import_dry_run").set_value(dry_run)
    at.run()
    at.button(key="import_go").click().run()
    assert not at.exception, at.exception
    return page_text(at)


def test_every_template_can_be_downloaded(excel_page):
    at, _url = excel_page
    labels = [b.label for b in at.download_button]
    assert labels[:5] == ["Entries", "Patents", "Judges", "Conflicts of interest", "Scores"]


def test_an_import_with_errors_lists_each_with_its_cell_and_stores_nothing(excel_page):
    at, url = excel_page
    before = profiles(url)
    text = upload_and_import(at, judges_workbook(
        ["new.judge@uni.hk", "New Judge", "HKU", "hong_kong", None, None],
        ["not an email", "X", None, "atlantis", None, -2]), dry_run=False)
    assert "The judges workbook has 3 errors; nothing was stored." in text
    assert "judges!A3 (email): 'not an email' is not an email address" in text
    assert "judges!D3 (region): 'atlantis' is not one of" in text
    assert "judges!F3 (max_load): '-2' is not a whole number of 0 or more" in text
    assert profiles(url) == before


def test_a_dry_run_reports_and_the_real_import_stores(excel_page):
    at, url = excel_page
    before = profiles(url)
    data = judges_workbook(["new.judge@uni.hk", "New Judge", "HKU", "hong_kong",
                            "new_energy", 12])
    text = upload_and_import(at, data, dry_run=True)
    assert "judges: would import 1 new" in text and "nothing stored" in text
    assert profiles(url) == before
    text = upload_and_import(at, data, dry_run=False)
    assert "judges: imported 1 new" in text
    assert profiles(url) == before + 1


def test_the_results_workbook_is_prepared_for_download(excel_page):
    at, _url = excel_page
    at.selectbox(key="export_round").set_value("preliminary")
    at.selectbox(key="export_method").set_value("mean")
    at.button(key="export_go").click().run()
    assert not at.exception, at.exception
    assert "Download results" in [b.label for b in at.download_button]


SCORES_HEADER = ["round", "sheet", "entry_code", "judge_email", "criterion", "score", "comment"]


def unscored_pair(url):
    """A preliminary assignment whose judge has no sheet yet, with a full set of scores."""
    engine = db.make_engine(url)
    with db.session_scope(engine, read_only=True) as s:
        rnd = s.exec(select(Round).where(Round.key == "preliminary")).one()
        started = set(s.exec(select(ScoreSheet.entry_id, ScoreSheet.judge_id)).all())
        for a in s.exec(select(Assignment).where(Assignment.round_id == rnd.id,
                                                 Assignment.status == "active")):
            if (a.entry_id, a.judge_id) in started:
                continue
            entry, judge = s.get(Entry, a.entry_id), s.get(User, a.judge_id)
            definition = s.exec(select(SheetDefinition).where(
                SheetDefinition.round_id == rnd.id, SheetDefinition.active == True,  # noqa: E712
                SheetDefinition.category_id == entry.category_id)).first()
            criteria = s.exec(select(Criterion).where(Criterion.sheet_id == definition.id)).all()
            rows = [["preliminary", definition.key, entry.code, judge.email, c.key,
                     c.max_points, None] for c in criteria]
            break
    engine.dispose()
    return judge.email, rnd.id, entry.id, definition.id, rows


def test_a_scores_import_refuses_a_sheet_saved_after_its_dry_run_until_forced(excel_page):
    at, url = excel_page
    email, round_id, entry_id, definition_id, rows = unscored_pair(url)
    data = workbook(scores=[SCORES_HEADER, *rows])

    def import_scores(*, dry_run, force=False):
        at.selectbox(key="import_kind").set_value("scores").run()
        at.selectbox(key="import_round").set_value("preliminary")
        at.file_uploader(key="import_file").upload("offline.xlsx", data, XLSX)
        at.checkbox(key="import_dry_run").set_value(dry_run)
        at.checkbox(key="import_force").set_value(force)
        at.run()
        at.button(key="import_go").click().run()
        assert not at.exception, at.exception
        return page_text(at)

    assert "scores: would import 1 new" in import_scores(dry_run=True)
    engine = db.make_engine(url)  # the judge saves a draft after the organiser's check
    with db.session_scope(engine) as s:
        judge = accounts.actor_for(s, s.exec(select(User).where(User.email == email)).one())
        judging.save_scores(session=s, actor=judge, expected_version=0, values={},
                            round_id=round_id, entry_id=entry_id, sheet_def_id=definition_id)
    text = import_scores(dry_run=False)
    assert "The scores workbook has 1 error; nothing was stored." in text
    assert f"judge {email}: the judge started this sheet after the import was prepared" in text
    text = import_scores(dry_run=False, force=True)
    assert "scores: imported 0 new, 1 updated" in text
    assert "1 score sheet(s) a judge had saved after the check were overwritten" in text
    with db.session_scope(engine, read_only=True) as s:
        sheet = s.exec(select(ScoreSheet).where(ScoreSheet.entry_id == entry_id,
                                                ScoreSheet.sheet_id == definition_id)).one()
        assert (sheet.status, sheet.version) == ("submitted", 2)
    engine.dispose()
