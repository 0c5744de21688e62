"""One patent-list rule for every path: the entrant's editor (typed rows, a workbook of
patents), and the office's entries import give the same answer on the same list."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from contest.models import Entry, Patent, Role
from contest.services import InvalidInput, entries, imports
from tests.unit.test_excel_reader import workbook

pytestmark = pytest.mark.integration

ACME = "Shenzhen Acme Robotics Co., Ltd."
GOOD = "201710601862.3"
FIELDS = ("patent_number", "jurisdiction", "kind", "title", "status", "filing_date",
          "grant_date", "holder")


def patent(number, **changes):
    values = dict(patent_number=number, jurisdiction=None, kind="invention", title="A circuit",
                  status="granted", filing_date="2020-03-01", grant_date="2022-05-10",
                  holder=ACME)
    return {**values, **changes}


CASES = {
    "every problem of one row": ([patent(GOOD), patent(
        "202020123456.9", jurisdiction="US", kind="design", filing_date="2021-01-01",
        grant_date="2020-01-01")], GOOD),
    "the same patent twice": ([patent(GOOD), patent("ZL 2017 1060 1862.3")], GOOD),
    "too many patents": ([patent(f"US{10000000 + n}B2") for n in range(201)], "US10000000B2"),
    "core patent with a wrong check digit": ([patent(GOOD)], "ZL201710601862.4"),
    "core patent not listed": ([patent(GOOD)], "95115608.X"),
}

_LINE = re.compile(r"^(?:Row \d+ |patents row \d+ |\w+![A-Z]+\d+ )?\((\w+)\): (.*)$")
_OTHER_ROW = re.compile(r"as (?:patents )?row \d+")
_WHOLE = re.compile(r"^(?:\w+ row \d+: )?(.*)$")


def answer(problems) -> list[tuple[str, str]]:
    """(column, message) of each problem, wherever the path says it is."""
    found = []
    for problem in map(str, problems):
        if problem.startswith("Core patent: "):
            found.append(("core_patent", problem.removeprefix("Core patent: ")))
            continue
        match = _LINE.match(problem)
        found.append((match.group(1), match.group(2)) if match else
                     ("", _WHOLE.match(problem).group(1)))  # the list as a whole
    # Each path names another row its own way ("row 1", "patents row 2").
    return sorted((column, _OTHER_ROW.sub("as <row>", text)) for column, text in found)


@pytest.fixture
def entrant(make_user):
    return make_user(Role.entrant, email="founder@acme.example.com", organisation=ACME)


@pytest.fixture
def organiser(make_user):
    return make_user(Role.organiser, email="office@example.org")


def by_editor(session, edition, entrant, rows, core):
    draft = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    problems = []
    try:
        entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=rows)
    except InvalidInput as exc:
        problems += exc.problems
        entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=rows[:1])
    try:
        entries.set_core_patent(session=session, actor=entrant, entry_id=draft.id,
                                normalised=core if core == "95115608.X" else
                                core.replace("ZL", "CN").replace(" ", ""))
    except InvalidInput as exc:
        problems += exc.problems
    return problems


def by_editor_workbook(session, edition, entrant, rows, core):
    draft = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    data = workbook(patents=[["entry_code", *FIELDS], *[[None, *(r[f] for f in FIELDS)]
                                                        for r in rows]])
    problems = []
    try:
        entries.add_patents_from_workbook(session=session, actor=entrant, entry_id=draft.id,
                                          data=data)
    except InvalidInput as exc:
        problems += exc.problems
    return problems


def by_import(session, edition, organiser, rows, core):
    header = ["entry_code", "title", "group", "category", "track", "applicant",
              "applicant_type", "region", "contact_email", "core_patent", "summary"]
    entry = ["A-1", "Robots", "startup", "invention", "semiconductors", ACME, "enterprise",
             "guangdong", "ip@acme.example.com", core, "Grippers."]
    data = workbook(entries=[header, entry],
                    patents=[["entry_code", *FIELDS], *[["A-1", *(r[f] for f in FIELDS)]
                                                        for r in rows]])
    with pytest.raises(InvalidInput) as caught:
        imports.import_workbook(session=session, actor=organiser, edition_id=edition.id,
                                kind="entries", data=data)
    assert session.exec(select(func.count()).select_from(Patent).join(
        Entry, Entry.id == Patent.entry_id).where(Entry.code == "A-1")).one() == 0
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("case", CASES)
def test_the_editor_and_the_import_give_the_same_answer(session, edition, entrant, organiser,
                                                        case):
    rows, core = CASES[case]
    typed = answer(by_editor(session, edition, entrant, rows, core))
    imported = answer(by_import(session, edition, organiser, rows, core))
    assert typed and typed == imported


@pytest.mark.parametrize("case", ["every problem of one row", "the same patent twice",
                                  "too many patents"])
def test_a_workbook_of_patents_in_the_editor_gives_the_same_answer(session, edition, entrant,
                                                                   organiser, case):
    rows, core = CASES[case]
    uploaded = answer(by_editor_workbook(session, edition, entrant, rows, core))
    imported = [p for p in answer(by_import(session, edition, organiser, rows, core))
                if p[0] != "core_patent"]
    assert uploaded and uploaded == imported


def test_a_wrong_check_digit_on_the_core_patent_is_the_one_problem_named(session, edition,
                                                                          organiser):
    rows, core = CASES["core patent with a wrong check digit"]
    problems = [str(p) for p in by_import(session, edition, organiser, rows, core)]
    assert problems == ["entries!J2 (core_patent): CN application number 201710601862.4: "
                        "check digit should be 3."]
