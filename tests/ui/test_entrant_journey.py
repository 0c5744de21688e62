"""AppTest: a new entrant registers, builds an entry step by step (5 patents, typed and from a
workbook), uploads a PDF, submits and gets a receipt; after a reload everything is there."""

import datetime as dt
import io

import openpyxl
import pytest

from contest.models import Role
from contest.services import demo
from tests.integration.test_entries import make_user, password_hash  # noqa: F401  (fast users)
from tests.ui.apptest_helpers import PAGES, page_text, rendered, sign_in, start_app

EMAIL, PASSWORD = "lin.wei@acme-robotics.example.com", "grippers hold tight 42"
ACME = "Shenzhen Acme Robotics Co., Ltd."
TYPED = [
    {"patent_number": "ZL 2017 1060 1862.3", "kind": None, "title": "Gripper", "status": "granted",
     "filing_date": dt.date(2017, 7, 21), "grant_date": dt.date(2021, 3, 2), "holder": ACME},
    {"patent_number": "202020123456.8", "kind": "utility_model", "title": "Housing", "status": "granted",
     "filing_date": dt.date(2020, 3, 1), "grant_date": dt.date(2020, 11, 10), "holder": ACME},
    {"patent_number": "ＵＳ１０１２３４５６Ｂ２", "kind": None, "title": "US member", "status": "granted",
     "filing_date": None, "grant_date": dt.date(2019, 11, 12), "holder": ACME},
]


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "patents"
    sheet.append(["patent_number", "kind", "title", "status", "grant_date", "holder"])
    sheet.append(["95115608.X", "invention", "Amplifier", "granted", "2000-05-17", ACME])
    sheet.append(["HK1234567", "invention", "HK member", "granted", "2022-01-05", ACME])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def contest_app(db_url, session, edition, make_user, app_env):
    make_user(Role.organiser, email="office@gba.example.org")
    session.close()  # release SQLite's write lock: the app under test writes too
    app_env(db_url)
    return edition


def button(at, label):
    return next(b for b in at.button if b.label == label)


def step(at, name):
    at.radio(key="entry_step").set_value(name).run()
    assert not at.exception, at.exception


def test_new_entrant_registers_builds_and_submits_an_entry_that_survives_a_reload(contest_app):
    at = start_app()
    at.switch_page(str(PAGES / "entrant_register.py")).run()
    at.text_input(key="register_name").input("Lin Wei")
    at.text_input(key="register_email").input(EMAIL)
    at.text_input(key="register_org").input(ACME)
    at.text_input(key="register_password").input(PASSWORD)
    at.text_input(key="register_again").input(PASSWORD)
    button(at, "Create account").click().run()
    assert not at.exception, at.exception
    # The same answer whether or not the address was in use: the new entrant then signs in.
    assert "its account is ready: sign in" in page_text(at)
    at = sign_in(start_app(), EMAIL, PASSWORD)
    assert "My entries" in page_text(at)

    button(at, "Start a new entry").click().run()
    entry_id = at.session_state["entry_id"]
    assert "GBA" in at.title[0].value and not at.exception
    # AppTest keeps requesting the default page: point it at the editor the app just opened.
    at.switch_page(str(PAGES / "entrant_entry.py")).run()

    at.text_input(key="project_title").input("Robot gripper portfolio")
    at.selectbox(key="project_category").set_value("invention")
    at.selectbox(key="project_track").set_value("high_end_equipment")
    at.text_area(key="project_summary").input("Grippers that hold anything.")
    button(at, "Save project").click().run()
    assert "Project saved." in page_text(at), page_text(at)

    step(at, "applicant")
    assert at.text_input(key="applicant_name").value == ACME  # from the registration
    at.selectbox(key="applicant_region").set_value("guangdong")
    at.selectbox(key="applicant_band").set_value("le_20m")
    button(at, "Save applicant").click().run()
    assert "Applicant saved." in page_text(at), page_text(at)

    step(at, "patents")
    at.session_state[f"patent_rows_{entry_id}"] = TYPED  # AppTest cannot type into data_editor
    at.run()
    button(at, "Save patents").click().run()
    assert "Patents saved." in page_text(at), page_text(at)
    at.file_uploader(key=f"patents_upload_{entry_id}").upload(
        "patents.xlsx", workbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.run()
    button(at, "Add from workbook").click().run()
    text = page_text(at)
    assert "Patents added from the workbook." in text, text
    for normalised in ("CN201710601862.3", "CN202020123456.8", "US10123456B2", "CN95115608.X", "HK1234567"):
        assert normalised in text

    step(at, "core_patent")
    at.selectbox(key="core_patent").set_value("CN201710601862.3")
    button(at, "Save core patent").click().run()
    assert "Core patent saved." in page_text(at)

    step(at, "documents")
    at.file_uploader(key=f"document_upload_{entry_id}").upload(
        "Evaluation report.pdf", demo.demo_pdf("Report", ["Landscape"]), "application/pdf")
    at.run()
    button(at, "Upload").click().run()
    assert "Analysis and evaluation report uploaded." in page_text(at), page_text(at)
    assert "Evaluation report.pdf" in page_text(at)
    assert [b.label for b in at.download_button if b.label == "Download"] == ["Download"]
    at.toggle[0].set_value(True).run()  # the viewer draws the first page as an image
    assert not at.exception, at.exception
    [image] = at.get("image")
    assert [rendered(c) for c in image.captions] == ["Evaluation report.pdf · page 1 of 2"]

    step(at, "review")
    assert "✗" not in at.dataframe[0].value.to_csv()
    button(at, "Submit entry").click().run()
    text = page_text(at)
    assert "Entry submitted." in text and "Receipt: entry GBA" in text, text
    receipt = next(s.value for s in at.success if s.value.startswith("Receipt"))

    # A reload starts a fresh script session: sign in again and find everything stored.
    again = sign_in(start_app(), EMAIL, PASSWORD)
    table = again.dataframe[0].value
    assert list(table["title"]) == ["Robot gripper portfolio"] and list(table["status"]) == ["Submitted"]
    button(again, "Open entry").click().run()
    step(again, "patents")
    stored = next(d.value for d in again.dataframe if "normalised" in d.value.columns)
    assert list(stored["normalised"]) == ["CN201710601862.3", "CN202020123456.8", "US10123456B2",
                                          "CN95115608.X", "HK1234567"]
    assert list(stored["core"]) == [True, False, False, False, False]  # a tick in the core column
    step(again, "documents")
    assert "Evaluation report.pdf" in page_text(again)
    step(again, "review")
    assert receipt in page_text(again)


def test_registration_with_different_passwords_shows_an_error_and_creates_nothing(contest_app):
    at = start_app()
    at.switch_page(str(PAGES / "entrant_register.py")).run()
    at.text_input(key="register_name").input("Lin Wei")
    at.text_input(key="register_email").input(EMAIL)
    at.text_input(key="register_password").input(PASSWORD)
    at.text_input(key="register_again").input(PASSWORD + "!")
    button(at, "Create account").click().run()
    assert "The two passwords are not the same." in page_text(at)
    assert "My entries" not in page_text(at)


@pytest.fixture
def entrant_with_entry(db_url, session, edition, make_user, app_env):
    from contest.services import entries

    owner = make_user(Role.entrant, email="owner@acme.example.com", organisation=ACME)
    make_user(Role.entrant, email="rival@other.example.com")
    entry = entries.create_entry(session=session, actor=owner, edition_id=edition.id)
    session.close()
    app_env(db_url)
    return entry.id


def open_editor(email, entry_id):
    at = sign_in(start_app(), email, "correct horse battery")
    at.session_state["entry_id"] = entry_id
    return at.switch_page(str(PAGES / "entrant_entry.py")).run()


def test_a_web_page_renamed_pdf_is_refused_on_the_page_and_nothing_is_listed(entrant_with_entry):
    at = open_editor("owner@acme.example.com", entrant_with_entry)
    step(at, "documents")
    at.file_uploader(key=f"document_upload_{entrant_with_entry}").upload(
        "report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf")
    at.run()
    button(at, "Upload").click().run()
    assert not at.exception
    assert "report.pdf is not a PDF (it is a web page); upload a PDF file." in [e.value for e in at.error]
    assert "pages" not in page_text(at)


def test_saving_the_project_shows_it_at_once_and_a_refusal_keeps_what_was_typed(entrant_with_entry, db_url):
    from contest import db
    from contest.models import Entry

    at = open_editor("owner@acme.example.com", entrant_with_entry)
    at.text_input(key="project_title").input("Robot gripper portfolio")
    at.selectbox(key="project_category").set_value("invention")
    at.selectbox(key="project_track").set_value("high_end_equipment")
    button(at, "Save project").click().run()
    # the same click: the heading already names the saved title (the save ran before the page)
    assert "Project saved." in [s.value for s in at.success] and "Robot gripper portfolio" in at.title[0].value
    at.text_input(key="project_title").input("   ")
    at.text_area(key="project_summary").input("A summary typed before the refusal")
    button(at, "Save project").click().run()
    assert not at.exception
    assert "Title: a title is required." in [e.value for e in at.error], [e.value for e in at.error]
    assert "Project saved." not in [s.value for s in at.success]
    assert at.text_area(key="project_summary").value == "A summary typed before the refusal"
    engine = db.make_engine(db_url)
    with db.session_scope(engine, read_only=True) as s:
        stored = s.get(Entry, entrant_with_entry)
        assert (stored.title, stored.summary) == ("Robot gripper portfolio", "")
    engine.dispose()


def test_another_entrant_opening_the_entry_by_its_id_sees_nothing_of_it(entrant_with_entry):
    at = open_editor("rival@other.example.com", entrant_with_entry)
    assert not at.exception
    assert [e.value for e in at.error] == ["No such entry."]
    assert "GBA" not in page_text(at)


def test_an_organiser_has_no_entry_editor_in_the_menu(contest_app):
    at = sign_in(start_app(), "office@gba.example.org", "correct horse battery")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(PAGES / "entrant_entry.py"))


def test_after_the_deadline_the_editor_shows_the_entry_read_only(db_url, session, edition, make_user, app_env):
    from contest.services import entries

    owner = make_user(Role.entrant, email="owner@acme.example.com", organisation=ACME)
    entry = entries.create_entry(session=session, actor=owner, edition_id=edition.id)
    edition.submission_deadline = entry.created_at + dt.timedelta(microseconds=1)
    session.add(edition)
    session.commit()
    session.close()
    app_env(db_url)
    at = open_editor("owner@acme.example.com", entry.id)
    assert "This entry can no longer be changed; you can still read it here." in [i.value for i in at.info]
    assert button(at, "Save project").disabled
    assert at.text_input(key="project_title").disabled


def test_entrant_sees_why_an_entry_was_found_ineligible(demo_db, app_env):
    url, _logins = demo_db
    app_env(url)
    at = sign_in(start_app(), "entrant14@demo.example.org", demo.DEMO_PASSWORDS[Role.entrant])
    table = at.dataframe[0].value
    assert list(table["status"]) == ["Not eligible"]
    assert list(table["reason"]) == ["The core patent was granted before the cut-off date."]
