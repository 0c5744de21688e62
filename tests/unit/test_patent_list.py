"""What a valid patent list is: one rule (patents.check_patent_list), every problem of
every row in one pass, the core patent's own number checked before whether it is listed."""

from datetime import date

import pytest

from contest import patents


def row(number, **changes):
    values = {"patent_number": number, "jurisdiction": None, "kind": "invention",
              "status": "granted", "filing_date": date(2020, 3, 1),
              "grant_date": date(2022, 5, 10), "title": "A circuit", "holder": "Acme"}
    return {**values, **changes}


def problems(check):
    return [(p.row, p.column, str(p.message)) for p in check.problems]


def test_a_good_list_marks_its_core_patent_and_keeps_the_order():
    check = patents.check_patent_list([row("201710601862.3"), row("95115608.X")],
                                      core="ZL 2017 1060 1862.3")
    assert check.ok
    assert [(p.parsed.normalised, p.core) for p in check.patents] == [
        ("CN201710601862.3", True), ("CN95115608.X", False)]


def test_every_problem_of_one_row_is_reported_in_one_pass():
    bad = row("201710601862.4", jurisdiction="US", kind="design", status="sold",
              filing_date=date(2021, 1, 1), grant_date=date(2020, 1, 1))
    assert problems(patents.check_patent_list([bad])) == [
        (0, "patent_number", "CN application number 201710601862.4: check digit should be 3."),
        (0, "jurisdiction", "US does not match the number, which is a CN number."),
        (0, "kind", "CN201710601862.4 is an invention number, but the kind chosen is design."),
        (0, "status", "choose granted, pending or lapsed, not 'sold'."),
        (0, "grant_date", "the grant date is before the filing date."),
    ]


def test_a_core_patent_with_a_wrong_check_digit_is_told_the_check_digit_not_that_it_is_missing():
    check = patents.check_patent_list([row("201710601862.3")], core="ZL201710601862.4")
    assert problems(check) == [
        (None, "core_patent", "CN application number 201710601862.4: check digit should be 3.")]


def test_a_core_patent_that_is_not_listed_is_named():
    check = patents.check_patent_list([row("201710601862.3")], core="95115608.X")
    assert problems(check) == [
        (None, "core_patent", "the core patent CN95115608.X is not among this entry's patents.")]


def test_the_same_patent_written_two_ways_names_the_first_row():
    check = patents.check_patent_list([row("201710601862.3"), row("ZL 2017 1060 1862.3")],
                                      labels=["row 1", "row 2"])
    assert problems(check) == [
        (1, "patent_number", "patent ZL 2017 1060 1862.3 is listed twice; it is the same number "
                             "as row 1 (written there as 201710601862.3).")]


def test_a_list_longer_than_the_limit_is_refused_once_with_the_count():
    rows = [row(f"US{10000000 + n}B2") for n in range(4)]
    assert problems(patents.check_patent_list(rows, max_patents=3)) == [
        (None, "patent_number", "An entry lists at most 3 patents; this one has 4.")]


@pytest.mark.parametrize(("kind", "expected"), [
    ("", "choose invention, utility model, design or IC layout design; the number does not say."),
    ("trademark", "choose invention, utility model, design or IC layout design, not 'trademark'."),
])
def test_a_kind_the_number_does_not_say_must_be_chosen_from_the_kinds(kind, expected):
    assert problems(patents.check_patent_list([row("HK1234567", kind=kind)])) == [
        (0, "kind", expected)]
