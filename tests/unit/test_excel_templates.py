"""Import templates: exact columns, drop-downs, skipped example rows, explanations."""

import io

import pytest
from openpyxl import load_workbook

from contest import excel
from contest.excel import schema


def open_template(kind, **options):
    return load_workbook(io.BytesIO(excel.template_workbook(kind, **options)))


@pytest.mark.parametrize("kind, sheets", [
    ("entries", ["entries", "patents"]), ("patents", ["patents"]), ("judges", ["judges"]),
    ("conflicts", ["conflicts"]), ("scores", ["scores"])])
def test_each_template_has_its_sheets_with_the_exact_columns(kind, sheets):
    workbook = open_template(kind)
    assert workbook.sheetnames[:len(sheets)] == sheets
    assert "instructions" in workbook.sheetnames
    for spec in schema.sheets_for(kind):
        assert [c.value for c in workbook[spec.name][1]] == list(spec.keys)


def test_the_columns_are_those_of_interfaces():
    assert schema.sheets_for("entries")[0].keys == (
        "entry_code", "title", "group", "category", "track", "applicant", "applicant_type",
        "region", "contact_email", "core_patent", "summary")
    assert schema.sheets_for("entries")[1].keys == (
        "entry_code", "patent_number", "jurisdiction", "kind", "title", "status",
        "filing_date", "grant_date", "holder")
    assert schema.sheets_for("judges")[0].keys == ("email", "name", "organisation",
                                                   "region", "expertise", "max_load")
    assert schema.sheets_for("conflicts")[0].keys == ("judge_email", "entry_code",
                                                      "organisation", "reason")
    assert schema.sheets_for("scores")[0].keys == ("round", "sheet", "entry_code",
                                                   "judge_email", "criterion", "score",
                                                   "comment")


def _lists(workbook):
    lists = workbook["lists"]
    found = {}
    for col in lists.iter_cols():
        found[col[0].value] = [c.value for c in col[1:] if c.value is not None]
    return found


def _validated_columns(sheet):
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[sheet.cell(row=1, column=cell_range.min_col).value] = validation
    return found


def test_enumerated_columns_have_drop_downs_of_their_allowed_values():
    workbook = open_template("entries")
    validations = _validated_columns(workbook["entries"])
    assert {"group", "category", "applicant_type", "region"} <= set(validations)
    assert "track" not in validations  # no tracks given
    assert validations["region"].type == "list"
    sheet_name, cells = validations["region"].formula1.split("!")
    assert sheet_name.strip("'") == "lists"
    assert [c[0].value for c in workbook["lists"][cells.replace("$", "")]] == \
        ["guangdong", "hong_kong", "macao", "mainland_other", "overseas"]
    lists = _lists(workbook)
    assert lists["region"] == ["guangdong", "hong_kong", "macao", "mainland_other", "overseas"]
    assert lists["group"] == ["startup", "growth"]
    patents = _validated_columns(workbook["patents"])
    assert {"kind", "status"} <= set(patents)
    assert workbook["lists"].sheet_state == "hidden"


def test_tracks_get_a_drop_down_when_the_edition_gives_them():
    workbook = open_template("entries", choices={"track": ["semiconductors", "new_energy"]})
    assert "track" in _validated_columns(workbook["entries"])
    assert _lists(workbook)["track"] == ["semiconductors", "new_energy"]


def test_number_columns_refuse_negative_values_in_excel():
    validation = _validated_columns(open_template("scores")["scores"])["score"]
    assert (validation.type, validation.operator, validation.formula1) == (
        "decimal", "greaterThanOrEqual", "0")


@pytest.mark.parametrize("kind", schema.KINDS)
def test_example_rows_are_marked_and_skipped_by_the_import(kind):
    data = excel.template_workbook(kind)
    workbook = load_workbook(io.BytesIO(data))
    first_cells = [row[0].value for spec in schema.sheets_for(kind)
                   for row in workbook[spec.name].iter_rows(min_row=2)]
    assert first_cells and all(v.startswith("EXAMPLE") for v in first_cells)
    result = excel.read_workbook(kind, data)
    assert result.errors == []
    assert all(rows == [] for rows in result.sheets.values())
    assert result.skipped_examples == len(first_cells)


@pytest.mark.parametrize("kind", schema.KINDS)
def test_the_instructions_explain_every_column(kind):
    sheet = open_template(kind)["instructions"]
    described = {(row[0].value, row[1].value) for row in sheet.iter_rows() if row[1].value}
    for spec in schema.sheets_for(kind):
        for col in spec.columns:
            assert (spec.name, col.key) in described


def test_the_instructions_say_how_example_rows_work():
    texts = " ".join(str(c.value) for row in open_template("judges")["instructions"]
                     .iter_rows() for c in row if c.value)
    assert "EXAMPLE" in texts and "skips" in texts


def test_a_chinese_template_keeps_the_keys_and_explains_in_chinese():
    workbook = open_template("judges", lang="zh")
    assert [c.value for c in workbook["judges"][1]][:2] == ["email", "name"]
    assert workbook["judges"]["A1"].comment.text.startswith("邮箱")
    assert workbook["instructions"]["A1"].value == "填写说明"


def test_header_cells_carry_a_note_and_the_header_is_frozen():
    sheet = open_template("scores")["scores"]
    assert sheet["F1"].comment.text.startswith("Score (points)")
    assert sheet.freeze_panes == "A2"


def test_a_track_named_like_a_formula_stays_text_in_the_lists():
    workbook = open_template("entries", choices={"track": ["=cmd()", "ai"]})
    cells = [c for col in workbook["lists"].iter_cols() for c in col if c.value == "=cmd()"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_an_unknown_template_kind_is_refused():
    with pytest.raises(ValueError, match="unknown workbook kind 'prizes'"):
        excel.template_workbook("prizes")
