"""Imports into an edition: all or nothing, every error with sheet, row and column."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from contest import i18n
from contest.auth import SYSTEM
from contest.models import (
    Assignment,
    Category,
    Conflict,
    CriterionScore,
    Entry,
    JudgeProfile,
    Patent,
    Role,
    Round,
    ScoreSheet,
    User,
)
from contest.services import InvalidInput, PermissionDenied, accounts, imports
from tests.unit.test_excel_reader import workbook

pytestmark = pytest.mark.integration

ENTRY_HEADER = ["entry_code", "title", "group", "category", "track", "applicant",
                "applicant_type", "region", "contact_email", "core_patent", "summary"]
PATENT_HEADER = ["entry_code", "patent_number", "jurisdiction", "kind", "title", "status",
                 "filing_date", "grant_date", "holder"]
JUDGE_HEADER = ["email", "name", "organisation", "region", "expertise", "max_load"]
SCORE_HEADER = ["round", "sheet", "entry_code", "judge_email", "criterion", "score", "comment"]
# Valid CN application numbers (check digits computed by the weights 2..9, 2..5, mod 11).
NUMBERS = ["201710601862.3", "95115608.X", "202010123456.2", "202110000001.6"]


def entry_row(code, core, **changes):
    values = dict(entry_code=code, title=f"Portfolio {code}", group="startup",
                  category="invention", track="semiconductors", applicant="Acme Ltd",
                  applicant_type="enterprise", region="guangdong",
                  contact_email="ip@acme.cn", core_patent=core, summary="Sensors.")
    values.update(changes)
    return [values[k] for k in ENTRY_HEADER]


def patent_row(code, number, **changes):
    values = dict(entry_code=code, patent_number=number, jurisdiction=None, kind="invention",
                  title="A circuit", status="granted", filing_date="2020-03-01",
                  grant_date="2022-05-10", holder="Acme Ltd")
    values.update(changes)
    return [values[k] for k in PATENT_HEADER]


def entries_workbook(entries, patents):
    return workbook(entries=[ENTRY_HEADER, *entries], patents=[PATENT_HEADER, *patents])


def good_entries():
    return entries_workbook(
        [entry_row("A-1", "ZL 2017 1060 1862.3"), entry_row("A-2", NUMBERS[2]),
         entry_row(None, NUMBERS[3], applicant="Uni of Macao", applicant_type="university",
                   region="macao")],
        [patent_row("A-1", NUMBERS[0]), patent_row("A-1", NUMBERS[1], filing_date=None,
                                                          grant_date="2000-01-01"),
         patent_row("A-2", NUMBERS[2]), patent_row(None, NUMBERS[3], holder="Uni of Macao")])


@pytest.fixture
def organiser(make_user):
    return make_user(Role.organiser, email="office@example.org")


def run(session, organiser, edition, kind, data, **options):
    return imports.import_workbook(session=session, actor=organiser, edition_id=edition.id,
                                   kind=kind, data=data, **options)


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_good_entries_workbook_imports_every_entry_and_patent(session, organiser, edition):
    report = run(session, organiser, edition, "entries", good_entries())
    assert (report.created, report.updated) == (3, 0)
    entries = {e.code: e for e in session.exec(select(Entry)).all()}
    assert set(entries) == {"A-1", "A-2", "A-3"}  # the blank code continues the numbering
    assert entries["A-3"].applicant_type == "university"
    first = session.exec(select(Patent).where(Patent.entry_id == entries["A-1"].id)
                         .order_by(Patent.position)).all()
    assert [(p.normalised, p.is_core) for p in first] == [("CN201710601862.3", True),
                                                        ("CN95115608.X", False)]
    assert first[0].jurisdiction == "CN" and first[0].status == "granted"
    assert entries["A-1"].status == "submitted"
    assert count(session, Patent) == 4


def test_one_bad_row_names_sheet_row_and_column_and_stores_nothing(session, organiser,
                                                                     edition):
    data = entries_workbook([entry_row("A-1", NUMBERS[0]), entry_row("A-2", "202010123456.1")],
                            [patent_row("A-1", NUMBERS[0]), patent_row("A-2", "202010123456.1")])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "entries", data)
    assert "nothing was stored" in str(caught.value)
    assert any(p.startswith("patents!B3 (patent_number): ") and "check digit" in p
               for p in map(str, caught.value.problems))
    assert count(session, Entry) == 0 and count(session, Patent) == 0


def test_file_level_errors_are_all_listed(session, organiser, edition):
    data = entries_workbook([entry_row("A-1", NUMBERS[0], region="hongkong"),
                             entry_row("A-2", NUMBERS[2], track="cooking")],
                            [patent_row("A-1", NUMBERS[0]), patent_row("A-2", NUMBERS[2])])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "entries", data)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith("entries!H2 (region): 'hongkong' is not one of guangdong")
    assert problems[1].startswith("entries!E3 (track): 'cooking' is not one of "
                                  "electronic_information")
    assert count(session, Entry) == 0


def test_a_dry_run_checks_everything_and_stores_nothing(session, organiser, edition):
    report = run(session, organiser, edition, "entries", good_entries(), dry_run=True)
    assert report.created == 3 and report.dry_run
    assert "dry run: nothing stored" in str(report.summary())
    assert count(session, Entry) == 0 and count(session, Patent) == 0


def test_importing_again_updates_entries_instead_of_duplicating_them(session, organiser,
                                                                     edition):
    run(session, organiser, edition, "entries", good_entries())
    again = entries_workbook([entry_row("A-1", NUMBERS[0], title="Renamed")],
                             [patent_row("A-1", NUMBERS[0])])
    report = run(session, organiser, edition, "entries", again)
    assert (report.created, report.updated) == (0, 1)
    entry = session.exec(select(Entry).where(Entry.code == "A-1")).one()
    assert entry.title == "Renamed"
    assert count(session, Patent) == 3  # A-1 now has one patent; keep theirs


def test_an_import_never_overwrites_an_entrants_own_entry(session, organiser, edition,
                                                         make_user):
    entrant = make_user(Role.entrant)
    session.add(Entry(edition_id=edition.id, code="A-1", owner_id=entrant.user_id,
                      title="Mine"))
    session.commit()
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "entries", good_entries())
    assert [str(p) for p in caught.value.problems] == ["entries!A2 (entry_code): A-1 was entered by an "
                                     "entrant's account; an import never overwrites it"]
    assert session.exec(select(Entry).where(Entry.code == "A-1")).one().title == "Mine"


def test_entry_rules_of_the_editor_apply(session, organiser, edition):
    data = entries_workbook(
        [entry_row("A-1", NUMBERS[0], applicant_type="university", group="growth"),
         entry_row("A-2", NUMBERS[2])],
        [patent_row("A-1", NUMBERS[0]), patent_row("A-2", NUMBERS[2]),
         patent_row("A-2", "2020 1012 3456.2"),
         patent_row("A-2", NUMBERS[1], kind="design")])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "entries", data)
    assert [str(p) for p in caught.value.problems] == [
        "entries!C2 (group): universities and institutes always enter the startup group",
        "patents!B4 (patent_number): patent 2020 1012 3456.2 is listed twice; it is the same "
        "number as patents row 3 (written there as 202010123456.2).",
        "patents!D5 (kind): CN95115608.X is an invention number, but the kind chosen is "
        "design.",
    ]


def test_eligibility_problems_are_reported_without_blocking(session, organiser, edition):
    data = entries_workbook([entry_row("A-1", NUMBERS[1])],
                            [patent_row("A-1", NUMBERS[1], filing_date=None,
                                        grant_date="2000-01-01")])
    report = run(session, organiser, edition, "entries", data)
    assert report.created == 1
    assert any(str(n).startswith("A-1: ") and "before the cut-off date" in str(n) for n in report.notes)


def test_only_organisers_may_import(session, make_user, edition):
    entrant = make_user(Role.entrant)
    with pytest.raises(PermissionDenied):
        run(session, entrant, edition, "entries", good_entries())


def judges_workbook(*rows):
    return workbook(judges=[JUDGE_HEADER, *rows])


def test_judges_become_users_with_the_judge_role_and_a_profile(session, organiser, edition):
    existing = accounts.create_user(actor=SYSTEM, session=session, email="wang@example.org", name="Wang",
                                    roles=[Role.entrant])
    data = judges_workbook(
        ["Li.Wei@Uni.HK", "Li Wei", "HKU", "hong_kong", "semiconductors; new_energy", 30],
        ["wang@example.org", "Wang", "SZU", "guangdong", None, None])
    report = run(session, organiser, edition, "judges", data)
    assert report.created == 2
    assert [str(note) for note in report.notes] == ["1 new judge account(s) have no password yet: send their "
                                                    "invitations from the judge pool."]
    assert i18n.text(report.notes[0], "zh-Hant") == "1 個新評審帳戶尚未設定密碼：請在評審庫中發送邀請。"
    li = session.exec(select(User).where(User.email == "li.wei@uni.hk")).one()
    assert accounts.roles_of(session, li.id) == {"judge"}
    assert accounts.roles_of(session, existing.id) == {"entrant", "judge"}
    profile = session.exec(select(JudgeProfile).where(JudgeProfile.user_id == li.id)).one()
    assert (profile.organisation, profile.region, profile.expertise, profile.max_load) == (
        "HKU", "hong_kong", ["semiconductors", "new_energy"], 30)
    assert run(session, organiser, edition, "judges", data).unchanged == 2


def test_a_judge_with_an_unknown_track_is_refused_and_nothing_stored(session, organiser,
                                                                      edition):
    data = judges_workbook(["a@uni.hk", "A", None, None, "semiconductors", None],
                           ["b@uni.hk", "B", None, None, "astrology", None])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "judges", data)
    assert str(caught.value.problems[0]).startswith("judges!E3 (expertise): 'astrology' is not")
    assert count(session, JudgeProfile) == 0
    assert session.exec(select(User).where(User.email == "a@uni.hk")).first() is None


def test_a_hong_kong_organiser_reads_import_problems_and_summary_in_traditional_chinese(
        session, organiser, edition):
    bad = judges_workbook(["a@uni.hk", "A", None, None, None, None],
                          ["A@uni.hk", "A again", None, None, None, None],
                          ["b@uni.hk", "B", None, None, None, "lots"])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "judges", bad)
    problems = [i18n.text(p, "zh-Hant") for p in caught.value.problems]
    assert problems == ["judges!A3 (email)：與第 2 列重複", "judges!F4 (max_load)：「lots」不是數字"]
    assert [str(p) for p in caught.value.problems] == [
        "judges!A3 (email): duplicate of row 2", "judges!F4 (max_load): 'lots' is not a number"]
    report = run(session, organiser, edition, "judges",
                 judges_workbook(["a@uni.hk", "A", None, None, None, 3]))
    assert i18n.text(report.summary(), "zh-Hant") == "judges：已匯入，新增 1 項，更新 0 項，0 項不變"
    assert str(report.summary()) == "judges: imported 1 new, 0 updated, 0 unchanged"


def _pool(session, organiser, edition):
    run(session, organiser, edition, "entries", good_entries())
    run(session, organiser, edition, "judges", judges_workbook(
        ["j1@uni.hk", "J One", "HKU", "hong_kong", None, None],
        ["j2@uni.hk", "J Two", "CUHK", "hong_kong", None, None]))


def test_conflicts_name_an_entry_or_every_entry_of_an_organisation(session, organiser,
                                                                   edition):
    _pool(session, organiser, edition)
    header = ["judge_email", "entry_code", "organisation", "reason"]
    data = workbook(conflicts=[header, ["j1@uni.hk", "A-1", None, "co-inventor"],
                               ["j2@uni.hk", None, "Acme Ltd", "former employer"]])
    assert run(session, organiser, edition, "conflicts", data).created == 2
    rows = session.exec(select(Conflict).order_by(Conflict.id)).all()
    assert [(c.entry_id is not None, c.organisation, c.source, c.reason) for c in rows] == [
        (True, "", "imported", "co-inventor"), (False, "Acme Ltd", "imported",
                                                "former employer")]
    assert run(session, organiser, edition, "conflicts", data).unchanged == 2


def test_conflicts_with_unknown_judges_or_entries_store_nothing(session, organiser, edition):
    _pool(session, organiser, edition)
    header = ["judge_email", "entry_code", "organisation", "reason"]
    data = workbook(conflicts=[header, ["j1@uni.hk", "A-1", None, "co-inventor"],
                               ["nobody@uni.hk", "A-1", None, "x"],
                               ["j2@uni.hk", "Z-9", None, "y"]])
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "conflicts", data)
    assert [str(p) for p in caught.value.problems] == [
        "conflicts!A3 (judge_email): no judge with this email in the edition's judge pool",
        "conflicts!B4 (entry_code): no entry 'Z-9' in this edition"]
    assert count(session, Conflict) == 0


@pytest.fixture
def assigned(session, organiser, edition):
    """Entries A-1, A-2 with judges j1, j2 assigned in the preliminary; A-3 unassigned."""
    _pool(session, organiser, edition)
    rnd = session.exec(select(Round).where(Round.edition_id == edition.id,
                                           Round.key == "preliminary")).one()
    entries = {e.code: e.id for e in session.exec(select(Entry)).all()}
    judges = {u.email: u.id for u in session.exec(select(User)).all()}
    for code in ("A-1", "A-2"):
        for email in ("j1@uni.hk", "j2@uni.hk"):
            session.add(Assignment(round_id=rnd.id, entry_id=entries[code],
                                   judge_id=judges[email]))
    session.commit()
    return rnd


CRITERIA = {"advancement": 20, "patent_quality": 15, "layout": 16, "market": 12,
            "commercialisation": 9}


def score_rows(code, email, **changes):
    values = {**CRITERIA, **changes}
    return [["preliminary", "expert_review", code, email, key, value, None]
            for key, value in values.items()]


def test_scores_become_submitted_sheets_with_their_totals(session, organiser, edition,
                                                          assigned):
    rows = score_rows("A-1", "j1@uni.hk") + score_rows("A-2", "j2@uni.hk", market=20)
    rows[0][-1] = "=clear lead"
    report = run(session, organiser, edition, "scores",
                 workbook(scores=[SCORE_HEADER, *rows]), round_key="preliminary")
    assert report.created == 2
    sheets = session.exec(select(ScoreSheet).order_by(ScoreSheet.id)).all()
    assert [s.status for s in sheets] == ["submitted", "submitted"]
    assert sheets[0].total == pytest.approx(72.0)
    assert sheets[1].total == pytest.approx(80.0)
    assert sheets[0].comment == "=clear lead"
    assert count(session, CriterionScore) == 10


def test_scores_typed_in_again_update_the_same_sheet(session, organiser, edition, assigned):
    first = workbook(scores=[SCORE_HEADER, *score_rows("A-1", "j1@uni.hk")])
    run(session, organiser, edition, "scores", first)
    again = workbook(scores=[SCORE_HEADER, *score_rows("A-1", "j1@uni.hk", market=20)])
    report = run(session, organiser, edition, "scores", again)
    assert (report.created, report.updated) == (0, 1)
    sheet = session.exec(select(ScoreSheet)).one()
    assert (sheet.total, sheet.version) == (pytest.approx(80.0), 2)
    assert count(session, CriterionScore) == 5


def test_a_score_for_a_pair_without_assignment_is_an_error(session, organiser, edition,
                                                           assigned):
    rows = score_rows("A-1", "j1@uni.hk") + score_rows("A-3", "j1@uni.hk")
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "scores", workbook(scores=[SCORE_HEADER, *rows]))
    assert [str(p) for p in caught.value.problems] == [
        "scores!D7 (judge_email): j1@uni.hk is not assigned to A-3 in round 'preliminary'."]
    assert count(session, ScoreSheet) == 0


def test_scores_are_checked_against_the_rubric(session, organiser, edition, assigned):
    rows = score_rows("A-1", "j1@uni.hk", advancement=30) + score_rows(
        "A-2", "j1@uni.hk", market=7.5)[:-1]
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "scores", workbook(scores=[SCORE_HEADER, *rows]))
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith("scores!F2 (score): ")
    assert "above the maximum of 25" in problems[0]
    assert problems[1].startswith("scores!F10 (score): ") and "step" in problems[1]
    assert problems[2].startswith("scores!E7 (criterion): ") and "required" in problems[2]
    assert count(session, ScoreSheet) == 0


def test_scores_for_another_round_than_the_one_named_are_refused(session, organiser,
                                                                 edition, assigned):
    rows = [["final", *r[1:]] for r in score_rows("A-1", "j1@uni.hk")]
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "scores", workbook(scores=[SCORE_HEADER, *rows]),
            round_key="preliminary")
    assert [str(p) for p in caught.value.problems] == ["scores!A2 (round): this import is for round "
                                     "'preliminary'"]


def test_a_scores_dry_run_stores_nothing(session, organiser, edition, assigned):
    data = workbook(scores=[SCORE_HEADER, *score_rows("A-1", "j1@uni.hk")])
    assert run(session, organiser, edition, "scores", data, dry_run=True).created == 1
    assert count(session, ScoreSheet) == 0 and count(session, CriterionScore) == 0


def test_a_file_that_is_not_a_workbook_is_one_clear_error(session, organiser, edition):
    with pytest.raises(InvalidInput) as caught:
        run(session, organiser, edition, "judges", b"email,name\na@b.org,A\n")
    assert [str(p) for p in caught.value.problems] == ["the file is not an Excel .xlsx workbook"]


def test_import_notes_follow_the_editions_own_core_patent_kinds_as_screening_does(
        session, organiser, edition):
    invention = session.exec(select(Category).where(Category.edition_id == edition.id,
                                                    Category.key == "invention")).one()
    invention.core_kinds = ["design"]
    session.add(invention)
    session.commit()
    data = entries_workbook([entry_row("A-1", NUMBERS[0])], [patent_row("A-1", NUMBERS[0])])
    report = run(session, organiser, edition, "entries", data)
    assert any(str(n).startswith("A-1: ") and "needs a core patent of kind" in str(n)
               for n in report.notes), report.notes
