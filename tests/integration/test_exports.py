"""The results workbook from a real round, and the round trip through its scores sheet."""

from __future__ import annotations

import io
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete
from sqlmodel import select
from typer.testing import CliRunner

from contest import cli, db, excel
from contest.models import CriterionScore, Decision, Entry, Round, ScoreSheet, User
from contest.services import InvalidInput, PermissionDenied, accounts, exports, imports

pytestmark = [pytest.mark.integration, pytest.mark.sqlite_only]  # copies the demo file


@pytest.fixture
def demo(demo_db):
    url, _logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        yield url, session
    engine.dispose()


def organiser_of(session):
    user = session.exec(select(User).where(User.email == "organiser@demo.example.org")).one()
    return accounts.actor_for(session, user)


def export(session, **options):
    actor = organiser_of(session)
    return exports.results_workbook(session=session, actor=actor,
                                    edition_id=_edition_id(session),
                                    round_key=options.pop("round_key", "preliminary"),
                                    **options)


def _edition_id(session):
    return session.exec(select(Entry.edition_id)).first()


def sheet_values(data: bytes, name: str) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data))[name].iter_rows(
        values_only=True)]


def test_the_workbook_of_a_scored_round_has_every_promised_sheet_and_column(demo):
    _url, session = demo
    data = export(session)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["summary", "ranking", "criteria", "scores", "judges",
                                   "reliability", "assignments", "rubric", "statistics", "interest"]
    ranking = [c.value for c in workbook["ranking"][1]]
    assert ranking[:13] == ["rank", "group", "category", "entry_code", "title", "applicant",
                            "adjusted_score", "raw_mean", "n_judges", "rank_low",
                            "rank_high", "flags", "decision"]
    assert [c.value for c in workbook["assignments"][1]][:4] == [
        "round", "entry_code", "judge_email", "status"]
    submitted = session.exec(select(ScoreSheet).where(ScoreSheet.status == "submitted")).all()
    scores = sheet_values(data, "scores")
    assert scores[0] == ["round", "sheet", "entry_code", "judge_email", "criterion", "score",
                         "comment"]
    assert len(scores) - 1 == session.exec(select(CriterionScore).where(
        CriterionScore.score_sheet_id.in_([s.id for s in submitted]))).all().__len__()
    second = workbook["ranking"][2]
    assert isinstance(second[6].value, float) and isinstance(second[0].value, int)
    stats = sheet_values(data, "statistics")
    assert stats[0][:6] == ["dimension", "value", "entries", "eligible", "advanced", "awards"]
    assert {row[0] for row in stats[1:]} >= {"all", "region", "applicant_type", "category"}


def test_statistics_count_advancement_and_awards_by_region(demo):
    _url, session = demo
    rnd = session.exec(select(Round).where(Round.key == "preliminary")).one()
    entries = session.exec(select(Entry).where(Entry.status == "eligible")
                           .order_by(Entry.code)).all()[:3]
    for entry in entries[:2]:
        session.add(Decision(edition_id=entry.edition_id, entry_id=entry.id, round_id=rnd.id,
                             kind="advancement", outcome="advanced"))
    session.add(Decision(edition_id=entries[2].edition_id, entry_id=entries[2].id,
                         round_id=rnd.id, kind="advancement", outcome="not_advanced"))
    session.add(Decision(edition_id=entries[0].edition_id, entry_id=entries[0].id,
                         round_id=rnd.id, kind="award", outcome="gold"))
    session.commit()
    stats = sheet_values(export(session), "statistics")
    header = stats[0]
    rows = {(r[0], r[1]): dict(zip(header, r)) for r in stats[1:]}
    everything = rows[("all", "all")]
    eligible = session.exec(select(Entry).where(Entry.status == "eligible")).all()
    assert (everything["eligible"], everything["advanced"], everything["awards"],
            everything["gold"], everything["silver"]) == (len(eligible), 2, 1, 1, 0)
    region = entries[0].region
    assert rows[("region", region)]["gold"] == 1
    assert sum(r["advanced"] for k, r in rows.items() if k[0] == "region") == 2


def test_a_title_typed_as_a_formula_stays_text_in_the_export(demo):
    _url, session = demo
    entry = session.exec(select(Entry).join(ScoreSheet, ScoreSheet.entry_id == Entry.id)
                         .where(ScoreSheet.status == "submitted")).first()
    entry.title = '=HYPERLINK("http://evil.example","win")'
    session.add(entry)
    session.commit()
    workbook = load_workbook(io.BytesIO(export(session)))
    cells = [row[4] for row in workbook["ranking"].iter_rows(min_row=2)
             if row[3].value == entry.code]
    assert cells[0].value == entry.title and cells[0].data_type == "s"


def test_only_organisers_export_results(demo):
    _url, session = demo
    judge = session.exec(select(User).where(User.email == "judge01@demo.example.org")).one()
    with pytest.raises(PermissionDenied):
        exports.results_workbook(session=session, actor=accounts.actor_for(session, judge),
                                 edition_id=_edition_id(session), round_key="preliminary")


def test_a_round_that_is_not_scored_has_no_results_workbook(demo):
    _url, session = demo
    with pytest.raises(InvalidInput, match="not scored"):
        export(session, round_key="eligibility")


def test_round_trip_export_import_scores_into_an_unscored_copy_gives_the_same_ranking(
        demo, tmp_path):
    url, session = demo
    before = export(session)
    # The same edition as it was before scoring: a copy without any score sheets.
    copy = tmp_path / "copy.db"
    shutil.copy(url.removeprefix("sqlite:///"), copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    with db.session_scope(engine) as other:
        other.exec(delete(CriterionScore))
        other.exec(delete(ScoreSheet))
        other.commit()
        report = imports.import_workbook(session=other, actor=organiser_of(other),
                                         edition_id=_edition_id(other), kind="scores",
                                         data=before, round_key="preliminary")
        assert report.created == len({tuple(r[1:4]) for r in sheet_values(before, "scores")[1:]})
        after = export(other)
    engine.dispose()
    assert sheet_values(after, "ranking") == sheet_values(before, "ranking")
    assert sheet_values(after, "scores") == sheet_values(before, "scores")


def test_contest_export_writes_the_workbook(demo_db, app_env, tmp_path):
    url, _logins = demo_db
    app_env(url)
    out = tmp_path / "results.xlsx"
    run = CliRunner().invoke(cli.app, ["export", "--round", "preliminary", "--out", str(out),
                                       "--method", "mean", "--lang", "zh"])
    missing = CliRunner().invoke(cli.app, ["export", "--round", "quarterfinal", "--out",
                                           str(out)])
    assert run.exit_code == 0, run.output
    workbook = load_workbook(io.BytesIO(out.read_bytes()))
    summary = {row[0]: row[1] for row in workbook["summary"].iter_rows(values_only=True)}
    assert summary["method"] == "mean"
    assert workbook["ranking"]["A1"].comment.text == excel.schema.column_label("rank", "zh")
    assert missing.exit_code == 1 and "No round 'quarterfinal'" in missing.output


def test_the_template_service_offers_the_editions_tracks(demo):
    _url, session = demo
    data = exports.template(session=session, actor=organiser_of(session),
                            edition_id=_edition_id(session), kind="entries")
    lists = load_workbook(io.BytesIO(data))["lists"]
    tracks = [c.value for col in lists.iter_cols() if col[0].value == "track"
              for c in col[1:] if c.value]
    assert tracks[:2] == ["electronic_information", "high_end_equipment"]


SIMPLIFIED_ONLY = set("评组项块说选择图录导设专应时间编单价")  # characters Traditional Chinese writes otherwise


def test_workbooks_exported_in_traditional_chinese_keep_their_keys(demo_db, app_env, tmp_path):
    url, _logins = demo_db
    app_env(url)
    out = tmp_path / "results.xlsx"
    run = CliRunner().invoke(cli.app, ["export", "--round", "preliminary", "--out", str(out), "--method", "mean",
                                       "--language", "zh-Hant"])
    assert run.exit_code == 0, run.output
    workbook = load_workbook(io.BytesIO(out.read_bytes()))
    assert workbook.sheetnames[:8] == list(excel.schema.RESULT_SHEETS)
    ranking = workbook["ranking"]
    assert [c.value for c in ranking[1]][:13] == list(excel.schema.RESULT_REQUIRED["ranking"])
    notes = [c.comment.text for c in ranking[1] if c.comment]
    assert notes[0] == "組內排名" and "校正分：一位平均尺度評審會給出的分數" in notes
    assert not SIMPLIFIED_ONLY & set("".join(notes))
    groups = {c.value for c in list(ranking.iter_cols(min_col=2, max_col=2))[0][1:]}
    assert groups <= {"初創組", "成長組"} and groups  # the edition's names in Traditional Chinese
    summary = [[c for c in row if c is not None] for row in workbook["summary"].iter_rows(values_only=True)]
    assert summary[0] == ["評審結果"]
    assert ["sheet", "column", "繁體中文", "English", "简体中文"] in summary  # the legend, the reader's language first
    # the method's warning in the reader's language, not in English
    assert ["僅當每位評審為全部項目評分時才公平；否則項目得分取決於所分到評審的寬嚴程度。"] in summary
    assert not [row for row in summary if row and "Fair only" in str(row[0])]
    statistics = [row for row in workbook["statistics"].iter_rows(values_only=True)]
    everything = dict(zip(statistics[0], statistics[1]))
    assert (everything["value"], everything["label"]) == ("all", "全部參賽項目")  # the key, and its name in words
    for kind in excel.KINDS:
        path = tmp_path / f"{kind}.xlsx"
        made = CliRunner().invoke(cli.app, ["template", kind, "--out", str(path), "--language", "zh-Hant"])
        assert made.exit_code == 0, made.output
        book = load_workbook(io.BytesIO(path.read_bytes()))
        specs = excel.schema.sheets_for(kind)
        assert [s for s in book.sheetnames if s not in ("instructions", "lists")] == [s.name for s in specs]
        for spec in specs:
            header = list(book[spec.name][1])
            assert [c.value for c in header] == list(spec.keys), kind
            for cell, col in zip(header, spec.columns):
                assert cell.comment.text == (f"{excel.schema.column_label(col.key, 'zh-Hant')}\n"
                                             f"{excel.schema.column_help(col, 'zh-Hant')}")
                assert not SIMPLIFIED_ONLY & set(cell.comment.text), (kind, col.key, cell.comment.text)
        instructions = [row[0] for row in book["instructions"].iter_rows(values_only=True) if row[0]]
        assert instructions[0] == "填寫說明" and not SIMPLIFIED_ONLY & set("".join(instructions))
    assert "電郵" in load_workbook(tmp_path / "judges.xlsx")["judges"]["A1"].comment.text
