"""The results workbook, read back with openpyxl: sheets, columns, cell types, text safety."""

import io
import math
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from contest import excel
from contest.excel import schema

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\tindented", "\rreturn", "#N/A", "=1+1"]


def ranking(n=12):
    groups = ["startup", "growth"]
    return pd.DataFrame({
        "rank": [i // 2 + 1 for i in range(n)],
        "group": [groups[i % 2] for i in range(n)],
        "category": "invention",
        "entry_code": [f"E-{i:03d}" for i in range(n)],
        "title": [HOSTILE[i % len(HOSTILE)] for i in range(n)],
        "applicant": [f"Applicant {i}" for i in range(n)],
        "adjusted_score": [90.0 - i for i in range(n)],
        "raw_mean": [89.5 - i for i in range(n)],
        "n_judges": 3,
        "rank_low": [max(1, i // 2) for i in range(n)],
        "rank_high": [i // 2 + 2 for i in range(n)],
        "flags": "",
        "decision": ["advanced" if i < 6 else None for i in range(n)],
    })


def scores():
    return pd.DataFrame({
        "round": "preliminary", "sheet": "expert_review", "entry_code": ["E-000", "E-000"],
        "judge_email": "j@x.org", "criterion": ["market", "layout"], "score": [18.5, 12.0],
        "comment": ["=cmd", None],
    })


def book(**changes):
    values = dict(
        edition="GBA 2025", round="preliminary", method="model",
        generated_at=datetime(2025, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=8))),
        ranking=ranking(), scores=scores(),
        criteria=pd.DataFrame({"group": "startup", "entry_code": ["E-000"],
                               "sheet": "expert_review", "criterion": ["market"],
                               "mean": [17.25]}),
        judges=pd.DataFrame({"judge_email": ["j@x.org"], "ratings": [12],
                             "leniency": [-1.5]}),
        reliability=pd.DataFrame({"measure": ["alpha"], "value": [0.61]}),
        assignments=pd.DataFrame({"round": ["preliminary"], "entry_code": ["E-000"],
                                  "judge_email": ["j@x.org"], "status": ["active"],
                                  "assigned_at": [datetime(2025, 5, 2, 8, 0,
                                                           tzinfo=timezone.utc)],
                                  "due": [date(2025, 5, 20)]}),
        rubric=pd.DataFrame({"sheet": ["expert_review"], "criterion": ["market"],
                             "max_points": [20], "weight": [0.2]}),
        counts={"entries": 12, "judges": 1}, warnings=["=WARN()", "judge j has 2 ratings"],
        method_settings={"huber_c": 1.345, "draws": 2000},
    )
    values.update(changes)
    return excel.ResultsBook(**values)


def read(results, lang="en"):
    return load_workbook(io.BytesIO(excel.results_workbook(results, lang=lang)))


def header(sheet):
    return [c.value for c in sheet[1]]


def column(sheet, key):
    index = header(sheet).index(key) + 1
    return [sheet.cell(row=r, column=index) for r in range(2, sheet.max_row + 1)]


def test_sheets_come_in_the_promised_order_with_statistics_last():
    stats = excel.entry_statistics(pd.DataFrame({"region": ["guangdong"],
                                                 "category": ["invention"]}))
    workbook = read(book(statistics=stats))
    assert workbook.sheetnames == ["summary", "ranking", "criteria", "scores", "judges",
                                   "reliability", "assignments", "rubric", "statistics"]


def test_every_sheet_starts_with_the_columns_interfaces_promises():
    workbook = read(book())
    for name, required in schema.RESULT_REQUIRED.items():
        if name in workbook.sheetnames:
            assert header(workbook[name])[:len(required)] == list(required)
    assert header(workbook["scores"]) == ["round", "sheet", "entry_code", "judge_email",
                                          "criterion", "score", "comment"]


def test_a_sheet_missing_a_promised_column_is_refused():
    with pytest.raises(ValueError, match="'ranking' lacks column.*rank_low"):
        excel.results_workbook(book(ranking=ranking().drop(columns=["rank_low"])))


def test_hostile_strings_are_stored_as_text_never_as_formulas():
    workbook = read(book())
    titles = column(workbook["ranking"], "title")
    assert {c.value for c in titles} == set(HOSTILE)
    assert all(c.data_type == "s" for c in titles)
    assert all(c.quotePrefix for c in titles)
    comment = column(workbook["scores"], "comment")[0]
    assert (comment.value, comment.data_type) == ("=cmd", "s")
    summary_texts = {c.value: c.data_type for row in workbook["summary"].iter_rows()
                     for c in row if isinstance(c.value, str)}
    assert summary_texts["=WARN()"] == "s"


def test_a_formula_like_edition_name_is_text_in_the_summary():
    workbook = read(book(edition="=1+1"))
    cell = next(c for row in workbook["summary"].iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"


def test_numbers_stay_numbers_and_dates_stay_dates():
    workbook = read(book())
    sheet = workbook["ranking"]
    assert all(isinstance(c.value, int) for c in column(sheet, "rank"))
    scores_cells = column(sheet, "adjusted_score")
    assert all(c.data_type == "n" and isinstance(c.value, float) for c in scores_cells)
    assert scores_cells[0].number_format == "0.00"
    assignments = workbook["assignments"]
    assigned = column(assignments, "assigned_at")[0]
    assert assigned.is_date and assigned.value == datetime(2025, 5, 2, 8, 0)
    due = column(assignments, "due")[0]
    assert due.is_date and due.value == datetime(2025, 5, 20)
    assert column(workbook["scores"], "score")[0].value == 18.5


def test_missing_values_are_empty_cells():
    frame = ranking()
    frame.loc[0, "adjusted_score"] = math.nan
    frame["decision"] = frame["decision"].astype(object)
    workbook = read(book(ranking=frame))
    cells = {c.value for c in column(workbook["ranking"], "decision")}
    assert None in cells and "nan" not in cells and "None" not in cells
    codes = [c.value for c in column(workbook["ranking"], "entry_code")]
    missing_row = codes.index("E-000")
    assert column(workbook["ranking"], "adjusted_score")[missing_row].value is None


def test_characters_xml_cannot_hold_are_dropped_instead_of_breaking_the_file():
    frame = ranking()
    frame.loc[0, "title"] = "bell\x07 and nul\x00 and form\x0c feed"
    frame.loc[1, "title"] = "x" * 40_000
    workbook = read(book(ranking=frame))
    titles = {c.value for c in column(workbook["ranking"], "title")}
    assert "bell and nul and form feed" in titles
    assert max(len(t) for t in titles) == 32767


def test_ranking_is_grouped_and_ordered_by_rank():
    workbook = read(book())
    groups = [c.value for c in column(workbook["ranking"], "group")]
    ranks = [c.value for c in column(workbook["ranking"], "rank")]
    assert groups == sorted(groups)
    assert ranks == [1, 2, 3, 4, 5, 6] * 2


def test_a_blind_round_leaves_the_applicant_empty():
    workbook = read(book(blind=True))
    assert all(c.value is None for c in column(workbook["ranking"], "applicant"))


def test_header_notes_and_the_legend_speak_the_users_language():
    workbook = read(book(), lang="zh")
    sheet = workbook["ranking"]
    assert sheet["A1"].value == "rank"
    assert sheet["A1"].comment.text.startswith("组内排名")
    legend = [[c.value for c in row] for row in workbook["summary"].iter_rows()]
    assert ["ranking", "adjusted_score", "校正分：一位平均尺度评委会给出的分数",  # the reader's language first
            "Adjusted score: what an average judge would have given",
            "校正分：一位平均尺度評審會給出的分數"] in legend
    english = read(book(), lang="en")
    assert english["ranking"]["A1"].comment.text.startswith("Rank within the group")


def test_the_summary_holds_edition_round_method_time_counts_warnings_and_settings():
    rows = [[c.value for c in row] for row in read(book())["summary"].iter_rows()]
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["edition"] == "GBA 2025"
    assert values["round"] == "preliminary"
    assert values["method"] == "model"
    assert values["generated_at"] == datetime(2025, 6, 1, 1, 30)  # shown in UTC
    assert values["entries"] == 12
    assert values["huber_c"] == 1.345
    assert ["judge j has 2 ratings"] == [r[0] for r in rows if r[0] == "judge j has 2 ratings"]


def test_sheets_have_a_styled_frozen_filtered_header_and_sized_columns():
    workbook = read(book())
    sheet = workbook["ranking"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("1F4E78")
    assert sheet.freeze_panes == "E2"
    assert workbook["scores"].freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}13"
    assert sheet.column_dimensions["E"].width >= len('=HYPERLINK("http://evil.example","x")')


def test_scores_carry_a_colour_scale():
    workbook = read(book())
    ranges = {str(cf.sqref): [r.type for r in cf.rules]
              for cf in workbook["ranking"].conditional_formatting}
    letter = get_column_letter(schema.RESULT_REQUIRED["ranking"].index("adjusted_score") + 1)
    assert ranges[f"{letter}2:{letter}13"] == ["colorScale"]
    score_ranges = [str(cf.sqref) for cf in workbook["scores"].conditional_formatting]
    assert score_ranges == ["F2:F3"]


def test_the_summary_has_a_bar_chart_of_the_leading_entries_per_group():
    workbook = read(book(ranking=ranking(30)))
    charts = workbook["summary"]._charts
    assert len(charts) == 2
    refs = [charts[i].series[0].val.numRef.f for i in range(2)]
    # 15 growth rows first (rows 2-16), then startup (rows 17-31); top 10 of each.
    assert refs == ["'ranking'!$G$2:$G$11", "'ranking'!$G$17:$G$26"]


def test_empty_sheets_still_carry_their_columns():
    workbook = read(book(ranking=ranking(0), scores=pd.DataFrame(),
                         assignments=pd.DataFrame()))
    assert header(workbook["assignments"]) == ["round", "entry_code", "judge_email", "status"]
    assert workbook["ranking"].max_row == 1


def test_the_exported_scores_sheet_is_a_valid_scores_import():
    data = excel.results_workbook(book())
    result = excel.read_workbook("scores", data)
    assert result.errors == []
    assert [(r["criterion"], r["score"]) for r in result.sheets["scores"]] == [
        ("market", 18.5), ("layout", 12.0)]
