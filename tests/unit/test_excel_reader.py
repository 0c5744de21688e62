"""Reading import workbooks: every error with sheet, row and column; values normalised."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from contest import excel
from contest.excel import schema

ENTRY_HEADER = ["entry_code", "title", "group", "category", "track", "applicant",
                "applicant_type", "region", "contact_email", "core_patent", "summary"]
PATENT_HEADER = ["entry_code", "patent_number", "jurisdiction", "kind", "title", "status",
                 "filing_date", "grant_date", "holder"]


def workbook(**sheets) -> bytes:
    """An .xlsx with one sheet per keyword: a list of rows, the first being the header."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text a user typed, never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def entry(**changes):
    values = dict(entry_code="E-1", title="Sensor chips", group="startup",
                  category="invention", track="semiconductors", applicant="Acme Ltd",
                  applicant_type="enterprise", region="hong_kong",
                  contact_email="a@acme.hk", core_patent="ZL201710601862.3",
                  summary="Low power.")
    values.update(changes)
    return [values[k] for k in ENTRY_HEADER]


def patent(**changes):
    values = dict(entry_code="E-1", patent_number="ZL201710601862.3", jurisdiction="CN",
                  kind="invention", title="Circuit", status="granted",
                  filing_date="2017-07-21", grant_date="2021-03-02", holder="Acme Ltd")
    values.update(changes)
    return [values[k] for k in PATENT_HEADER]


def entries_file(entries, patents):
    return workbook(entries=[ENTRY_HEADER, *entries], patents=[PATENT_HEADER, *patents])


def messages(result):
    return [str(e) for e in result.errors]


def test_a_good_entries_workbook_reads_every_row_with_its_row_number():
    data = entries_file([entry(), entry(entry_code="E-2", core_patent="95115608.X")],
                        [patent(), patent(entry_code="E-2", patent_number="95115608.X")])
    result = excel.read_workbook("entries", data)
    assert result.errors == []
    rows = result.sheets["entries"]
    assert [r.number for r in rows] == [2, 3]
    assert rows[0]["region"] == "hong_kong"
    assert result.sheets["patents"][1]["grant_date"] == date(2021, 3, 2)


def test_a_region_not_in_the_list_names_sheet_cell_column_and_the_choices():
    data = entries_file([entry(), entry(entry_code="E-2", region="hongkong")], [patent()])
    result = excel.read_workbook("entries", data)
    assert "entries!H3 (region): 'hongkong' is not one of guangdong, hong_kong, macao, " \
           "mainland_other, overseas" in messages(result)


def test_full_width_characters_and_stray_spaces_are_normalised():
    data = entries_file(
        [entry(title="  Sensor\u3000\u3000chips  ", applicant="Ａｃｍｅ  Ltd",
               contact_email=" A@ACME.HK ", group=" Start-up ", region="香港",
               applicant_type="企业", core_patent="ZL２０１７１０６０１８６２．３")],
        [patent(patent_number=" ZL２０１７１０６０１８６２．３ ", status="已授权")])
    result = excel.read_workbook("entries", data)
    assert result.errors == []
    row = result.sheets["entries"][0]
    assert row["title"] == "Sensor chips"
    assert row["applicant"] == "Acme Ltd"
    assert row["contact_email"] == "a@acme.hk"
    assert (row["group"], row["region"], row["applicant_type"]) == ("startup", "hong_kong",
                                                                   "enterprise")
    assert result.sheets["patents"][0]["patent_number"] == "ZL201710601862.3"
    assert result.sheets["patents"][0]["status"] == "granted"


def test_summaries_keep_their_line_breaks_but_lose_stray_spaces():
    data = entries_file([entry(summary="  first  line \r\n\r\n\r\n second ")], [patent()])
    row = excel.read_workbook("entries", data).sheets["entries"][0]
    assert row["summary"] == "first line\n\nsecond"


@pytest.mark.parametrize("value, expected", [
    (datetime(2021, 3, 2), date(2021, 3, 2)),
    (date(2021, 3, 2), date(2021, 3, 2)),
    ("2021-03-02", date(2021, 3, 2)),
    ("2021/3/2", date(2021, 3, 2)),
    ("2021年3月2日", date(2021, 3, 2)),
    ("２０２１－０３－０２", date(2021, 3, 2)),
    ("2021-03-02T00:00:00", date(2021, 3, 2)),
])
def test_real_excel_dates_and_iso_strings_are_both_accepted(value, expected):
    data = entries_file([entry()], [patent(grant_date=value, filing_date=None)])
    result = excel.read_workbook("entries", data)
    assert result.errors == []
    assert result.sheets["patents"][0]["grant_date"] == expected


@pytest.mark.parametrize("value", ["2021-13-02", "02/03/2021", "soon", 44000])
def test_anything_else_in_a_date_column_is_an_error_at_that_cell(value):
    data = entries_file([entry()], [patent(grant_date=value)])
    assert any(m.startswith("patents!H2 (grant_date): ") and "not a date" in m
               for m in messages(excel.read_workbook("entries", data)))


def test_an_unknown_column_is_an_error_so_a_typo_is_never_dropped():
    header = ENTRY_HEADER[:-1] + ["sumary"]
    data = workbook(entries=[header, entry()], patents=[PATENT_HEADER, patent()])
    result = excel.read_workbook("entries", data)
    assert any(m.startswith("entries!K1 (sumary): unknown column 'sumary'")
               for m in messages(result))
    assert result.sheets.get("entries", []) == []


def test_a_missing_required_column_is_an_error_and_optional_ones_may_be_left_out():
    header = [k for k in ENTRY_HEADER if k not in ("region", "summary", "track")]
    row = [v for k, v in zip(ENTRY_HEADER, entry()) if k in header]
    result = excel.read_workbook("entries", workbook(entries=[header, row],
                                                     patents=[PATENT_HEADER, patent()]))
    assert messages(result) == ["entries column region: required column is missing"]


def test_headers_tolerate_case_and_spaces():
    header = [" Entry Code ", *ENTRY_HEADER[1:]]
    data = workbook(entries=[header, entry()], patents=[PATENT_HEADER, patent()])
    assert excel.read_workbook("entries", data).errors == []


def test_a_missing_sheet_is_one_clear_error():
    result = excel.read_workbook("entries", workbook(entries=[ENTRY_HEADER, entry()]))
    assert messages(result) == ["patents: the workbook has no sheet 'patents' "
                                "(sheets found: entries)"]


def test_every_bad_row_is_reported_not_only_the_first():
    data = entries_file([entry(group="big"), entry(entry_code="E-2", category="music"),
                         entry(entry_code="E-3", title=None)], [patent()])
    result = excel.read_workbook("entries", data)
    found = messages(result)
    assert any(m.startswith("entries!C2 (group): 'big' is not one of startup, growth")
               for m in found)
    assert any(m.startswith("entries!D3 (category): 'music'") for m in found)
    assert "entries!B4 (title): a value is required" in found


def test_example_rows_and_blank_rows_are_skipped():
    data = entries_file([entry(entry_code="EXAMPLE-1", region="nowhere"), [None] * 11,
                         entry(), ["  "] * 11],
                        [patent(entry_code="EXAMPLE-1"), patent()])
    result = excel.read_workbook("entries", data)
    assert result.errors == []
    assert [r.number for r in result.sheets["entries"]] == [4]
    assert result.skipped_examples == 2


def test_a_patent_of_an_entry_not_in_the_file_is_an_error():
    data = entries_file([entry()], [patent(entry_code="E-9")])
    found = messages(excel.read_workbook("entries", data))
    assert found == ["patents!A2 (entry_code): 'E-9' is not an entry_code of the entries sheet"]


def test_an_entry_without_a_code_takes_its_core_patent_from_a_row_without_a_code():
    data = entries_file([entry(entry_code=None)],
                        [patent(entry_code=None), patent(entry_code=None,
                                                         patent_number="95115608.X")])
    result = excel.read_workbook("entries", data)
    assert messages(result) == ["patents!A3 (entry_code): fill entry_code: only the core "
                                "patent of an entry without entry_code may leave it blank"]
    core_row = result.sheets["patents"][0]
    assert excel.entry_key(core_row) == excel.entry_key(result.sheets["entries"][0])


def test_a_duplicate_entry_code_points_at_the_first_row():
    data = entries_file([entry(), entry(entry_code="e-1")], [patent()])
    assert "entries!A3 (entry_code): duplicate of row 2" in messages(
        excel.read_workbook("entries", data))


def test_numbers_are_checked_and_full_width_digits_accepted():
    header = ["round", "sheet", "entry_code", "judge_email", "criterion", "score", "comment"]
    rows = [["preliminary", "expert_review", "E-1", "j@x.org", "market", "１８.５", None],
            ["preliminary", "expert_review", "E-1", "j@x.org", "layout", 12, "=1+1"],
            ["preliminary", "expert_review", "E-1", "j@x.org", "advancement", "lots", None],
            ["preliminary", "expert_review", "E-1", "j@x.org", "drafting", True, None]]
    result = excel.read_workbook("scores", workbook(scores=[header, *rows]))
    assert [r["score"] for r in result.sheets["scores"][:2]] == [18.5, 12]
    assert result.sheets["scores"][1]["comment"] == "=1+1"
    assert messages(result) == ["scores!F4 (score): 'lots' is not a number",
                                "scores!F5 (score): 'TRUE' is not a number"]


def test_round_sheet_and_criterion_keys_are_folded_like_the_keys_they_name():
    header = ["round", "sheet", "entry_code", "judge_email", "criterion", "score"]
    row = [" Preliminary ", "Expert Review", "E-1", "j@x.org", "patent-quality", 10]
    result = excel.read_workbook("scores", workbook(scores=[header, row]))
    assert [result.sheets["scores"][0][k] for k in ("round", "sheet", "criterion")] == [
        "preliminary", "expert_review", "patent_quality"]


def test_the_same_score_twice_is_a_duplicate():
    header = ["round", "sheet", "entry_code", "judge_email", "criterion", "score"]
    row = ["preliminary", "expert_review", "E-1", "j@x.org", "market", 10]
    result = excel.read_workbook("scores", workbook(scores=[header, row, row]))
    assert messages(result) == ["scores!E3 (criterion): duplicate of row 2"]


def test_judges_emails_loads_and_expertise_are_validated():
    header = ["email", "name", "organisation", "region", "expertise", "max_load"]
    rows = [["Li.Wei@Uni.HK", "Li Wei", "HKU", "hong_kong", "semiconductors；new_energy", 40],
            ["li.wei@uni.hk", "Li Wei again", None, None, None, None],
            ["not-an-email", "X", None, None, "cooking", -1],
            ["b@uni.hk", "B", None, None, None, 2.5]]
    result = excel.read_workbook("judges", workbook(judges=[header, *rows]),
                                 choices={"track": ["semiconductors", "new_energy"]})
    first = result.sheets["judges"][0]
    assert first["email"] == "li.wei@uni.hk"
    assert first["expertise"] == ("semiconductors", "new_energy")
    assert first["max_load"] == 40
    assert messages(result) == [
        "judges!A3 (email): duplicate of row 2",
        "judges!A4 (email): 'not-an-email' is not an email address",
        "judges!E4 (expertise): 'cooking' is not one of semiconductors, new_energy",
        "judges!F4 (max_load): '-1' is not a whole number of 0 or more",
        "judges!F5 (max_load): '2.5' is not a whole number of 0 or more",
    ]


def test_tracks_are_checked_only_when_the_edition_gives_them():
    data = entries_file([entry(track="Space Travel")], [patent()])
    assert excel.read_workbook("entries", data).sheets["entries"][0]["track"] == "space_travel"
    limited = excel.read_workbook("entries", data, choices={"track": ["semiconductors"]})
    assert messages(limited) == ["entries!E2 (track): 'Space Travel' is not one of "
                                 "semiconductors"]


def test_an_editions_own_groups_keep_the_built_in_labels_for_the_same_keys():
    data = entries_file([entry(group="初创组"), entry(entry_code="E-2", group="growth")],
                        [patent(), patent(entry_code="E-2")])
    result = excel.read_workbook("entries", data, choices={"group": ["startup"]})
    assert result.sheets["entries"][0]["group"] == "startup"
    assert messages(result) == ["entries!C3 (group): 'growth' is not one of startup"]


def test_a_conflict_needs_an_entry_code_or_an_organisation():
    header = ["judge_email", "entry_code", "organisation", "reason"]
    rows = [["j@x.org", "E-1", None, "co-author"], ["j@x.org", None, "Acme Ltd", "employer"],
            ["j@x.org", None, None, "unclear"]]
    result = excel.read_workbook("conflicts", workbook(conflicts=[header, *rows]))
    assert messages(result) == ["conflicts!B4 (entry_code): fill entry_code, or "
                                "organisation for every entry of that applicant"]


def test_a_patents_upload_for_one_entry_needs_no_entry_code():
    header = [k for k in PATENT_HEADER if k != "entry_code"]
    rows = [patent()[1:], patent(patent_number="95115608.X")[1:]]
    result = excel.read_workbook("patents", workbook(patents=[header, *rows]))
    assert result.errors == []
    assert len(result.sheets["patents"]) == 2


def test_a_value_under_a_column_without_a_name_is_an_error():
    data = workbook(conflicts=[["judge_email", "entry_code", "organisation", "reason"],
                               ["j@x.org", "E-1", None, "co-author", "stray"]])
    assert messages(excel.read_workbook("conflicts", data)) == [
        "conflicts!E2 (None): a value stands in a column without a name in row 1"]


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("data, expected", [
    (b"", "the file is empty"),
    (b"name,title\nE-1,x\n", "the file is not an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "this is an old .xls"),
    (b"PK\x03\x04garbage", "the file is not an Excel .xlsx workbook (damaged zip archive)"),
    (_zip({"hello.txt": b"hi"}), "the file is a zip archive but not an Excel .xlsx workbook"),
    (_zip({"xl/workbook.xml": b"<nope"}), "the file could not be read"),
    (_zip({"xl/workbook.xml": b"", "xl/bomb.xml": b"\0" * 50_000_000}),
     "the file unpacks to far more data than a workbook holds"),
])
def test_a_malformed_file_gives_one_clear_error_and_no_traceback(data, expected):
    result = excel.read_workbook("judges", data)
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(expected)
    assert result.sheets == {}


def test_a_truncated_workbook_gives_one_clear_error():
    good = workbook(judges=[["email", "name"], ["a@b.org", "A"]])
    result = excel.read_workbook("judges", good[: len(good) // 2])
    assert len(result.errors) == 1
    assert "Excel .xlsx workbook" in str(result.errors[0])


def test_reading_a_large_sheet_reports_progress():
    header = ["email", "name"]
    rows = [[f"judge{i}@uni.hk", f"Judge {i}"] for i in range(5000)]
    seen = []
    result = excel.read_workbook("judges", workbook(judges=[header, *rows]),
                                 progress=seen.append)
    assert len(result.sheets["judges"]) == 5000
    assert seen and seen == sorted(seen) and 0 < seen[0] and seen[-1] <= 1.0


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown workbook kind"):
        excel.read_workbook("prizes", workbook(prizes=[["a"]]))


def test_a_row_error_helper_points_at_the_cell_for_the_services():
    data = entries_file([entry()], [patent()])
    row = excel.read_workbook("entries", data).sheets["patents"][0]
    assert str(row.error("patent_number", "wrong check digit")) == \
        "patents!B2 (patent_number): wrong check digit"
    assert str(row.error(None, "entry is closed")) == "patents row 2: entry is closed"


def test_the_enumerations_match_the_stored_records():
    from contest import models
    assert list(schema.REGIONS) == [r.value for r in models.Region]
    assert list(schema.APPLICANT_TYPES) == [t.value for t in models.ApplicantType]
    assert list(schema.PATENT_KINDS) == [k.value for k in models.PatentKind]
    assert list(schema.PATENT_STATUSES) == [s.value for s in models.PatentStatus]


def test_a_filled_in_template_reads_back():
    template = load_workbook(io.BytesIO(excel.template_workbook("entries")))
    template["entries"].append(entry())
    template["patents"].append(patent())
    out = io.BytesIO()
    template.save(out)
    result = excel.read_workbook("entries", out.getvalue())
    assert result.errors == []
    assert [r["entry_code"] for r in result.sheets["entries"]] == ["E-1"]
    assert result.skipped_examples == 3


# --- formulas (issue 11, item 6): never trust a formula's cached value ------------------


def with_formula(data: bytes, sheet: str, cell: str, formula: str, cached: str) -> bytes:
    """The workbook with `cell` of `sheet` holding a formula whose cached value is `cached`
    (a forged cache: Excel would show the formula's own result)."""
    book = load_workbook(io.BytesIO(data))
    book[sheet][cell] = f"={formula}"
    out = io.BytesIO()
    book.save(out)
    source, forged = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body.replace(f"<f>{formula}</f><v />".encode(),
                                    f"<f>{formula}</f><v>{cached}</v>".encode())
            target.writestr(item, body)
    return forged.getvalue()


SCORES_HEADER = ["round", "sheet", "entry_code", "judge_email", "criterion", "score", "comment"]
JUDGES_HEADER = ["email", "name", "organisation", "region", "expertise", "max_load"]
CONFLICTS_HEADER = ["judge_email", "entry_code", "organisation", "reason"]


@pytest.mark.parametrize("kind, data, sheet, cell, column, formula, cached", [
    ("scores", workbook(scores=[SCORES_HEADER, ["preliminary", "expert_review", "E-1",
                                                "j@uni.hk", "market", 5, None]]),
     "scores", "F2", "score", "1+1", "15"),
    ("entries", entries_file([entry()], [patent()]), "entries", "B2", "title",
     'CONCATENATE("Sensor"," chips")', "Sensor chips"),
    ("entries", entries_file([entry()], [patent()]), "patents", "H2", "grant_date",
     "DATE(2021,3,2)", "44257"),
    ("judges", workbook(judges=[JUDGES_HEADER, ["j@uni.hk", "J", None, None, None, 3]]),
     "judges", "F2", "max_load", "1+2", "30"),
    ("conflicts", workbook(conflicts=[CONFLICTS_HEADER, ["j@uni.hk", "E-1", None, "x"]]),
     "conflicts", "B2", "entry_code", 'LOWER("E-1")', "E-2"),
    ("patents", workbook(patents=[PATENT_HEADER, patent()]), "patents", "B2", "patent_number",
     'TRIM("ZL201710601862.3")', "ZL201710601862.3"),
])
def test_a_formula_cell_is_refused_in_every_kind_of_workbook(kind, data, sheet, cell, column,
                                                             formula, cached):
    forged = with_formula(data, sheet, cell, formula, cached)
    assert f"<v>{cached}</v>".encode() in b"".join(
        zipfile.ZipFile(io.BytesIO(forged)).read(n) for n in
        zipfile.ZipFile(io.BytesIO(forged)).namelist() if n.startswith("xl/worksheets/"))
    result = excel.read_workbook(kind, forged)
    assert messages(result) == [f"{sheet}!{cell} ({column}): a formula; type the value"]
    assert result.errors[0].render("zh-Hant") == f"{sheet}!{cell} ({column})：這是公式；請直接輸入數值"


def test_text_that_only_starts_with_an_equals_sign_stays_text():
    data = workbook(judges=[JUDGES_HEADER, ["j@uni.hk", "=Wang", None, None, None, None]])
    result = excel.read_workbook("judges", data)
    assert result.ok and result.sheets["judges"][0]["name"] == "=Wang"


def test_errors_past_the_kept_thousand_are_counted_and_stop_the_stored_data_checks():
    rows = [[f"judge{n}", "Name", None, None, None, -1] for n in range(600)]
    result = excel.read_workbook("judges", workbook(judges=[JUDGES_HEADER, *rows]))
    assert (len(result.errors), result.omitted, result.complete) == (excel.reader.MAX_ERRORS,
                                                                     200, False)
    fine = excel.read_workbook("judges", workbook(judges=[JUDGES_HEADER, *rows[:3]]))
    assert (fine.omitted, fine.complete) == (0, True)
