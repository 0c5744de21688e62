"""Published statistics: entries, advancement and awards by dimension."""

import pandas as pd

from contest import excel


def entries():
    return pd.DataFrame({
        "region": ["guangdong", "hong_kong", "guangdong", None],
        "applicant_type": ["enterprise", "university", "enterprise", "individual"],
        "track": ["ai", "ai", "new_energy", "ai"],
        "category": ["invention", "invention", "design", "invention"],
        "eligible": [True, True, False, True],
        "advanced": [True, False, False, True],
        "award": ["gold", None, "", "silver"],
    })


def row(table, dimension, value):
    found = table[(table["dimension"] == dimension) & (table["value"] == value)]
    assert len(found) == 1
    return found.iloc[0].to_dict()


def test_counts_per_region_add_up_to_all_entries():
    table = excel.entry_statistics(entries())
    assert row(table, "all", "all") == {
        "dimension": "all", "value": "all", "entries": 4, "eligible": 3, "advanced": 2,
        "awards": 2, "gold": 1, "silver": 1}
    regions = table[table["dimension"] == "region"]
    assert regions["entries"].sum() == 4
    assert row(table, "region", "guangdong")["advanced"] == 1
    assert row(table, "region", "(none)")["silver"] == 1


def test_award_columns_follow_the_given_order_and_include_unawarded_levels():
    table = excel.entry_statistics(entries(), awards=["gold", "silver", "excellence"])
    assert list(table.columns)[-3:] == ["gold", "silver", "excellence"]
    assert row(table, "all", "all")["excellence"] == 0


def test_every_published_dimension_appears():
    table = excel.entry_statistics(entries())
    assert {"all", "region", "applicant_type", "track", "category"} <= set(table["dimension"])
    assert row(table, "track", "ai")["entries"] == 3
    assert row(table, "category", "design")["eligible"] == 0


def test_statistics_go_into_the_results_workbook_as_its_last_sheet():
    from datetime import datetime, timezone
    import io
    from openpyxl import load_workbook
    ranking = pd.DataFrame({c: [] for c in (
        "rank", "group", "category", "entry_code", "title", "applicant", "adjusted_score",
        "raw_mean", "n_judges", "rank_low", "rank_high", "flags", "decision")})
    data = excel.results_workbook(excel.ResultsBook(
        "GBA", "final", "model", datetime.now(timezone.utc), ranking,
        statistics=excel.entry_statistics(entries())))
    sheet = load_workbook(io.BytesIO(data))["statistics"]
    assert sheet.title == load_workbook(io.BytesIO(data)).sheetnames[-1]
    assert [c.value for c in sheet[2]][:5] == ["all", "all", 4, 3, 2]
