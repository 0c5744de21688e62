"""Entrant services on a real database: registration, the entry editor's steps, patents
typed and uploaded, submission with a receipt, the deadline, and who may see what."""

import datetime as dt
import io

import openpyxl
import pypdf
import pytest
from reportlab.pdfgen import canvas
from sqlmodel import select

from contest import auth, i18n
from contest.auth import SYSTEM
from contest.dbtypes import utcnow
from contest.models import Assignment, AuditEvent, Document, DocumentBlob, Entry, Patent, Role, User
from contest.services import InvalidInput, NotFound, PermissionDenied, accounts, editions, entries
from contest.services import documents as document_service
from contest.services import demo
from tests.conftest import PASSWORD

pytestmark = pytest.mark.integration

MB = 1024 * 1024
ACME = "Shenzhen Acme Robotics Co., Ltd."
PATENTS = [
    {"patent_number": "ZL201710601862.3", "kind": "invention", "title": "Gripper", "status": "granted",
     "filing_date": dt.date(2017, 7, 21), "grant_date": dt.date(2021, 3, 2), "holder": ACME},
    {"patent_number": "202020123456.8", "kind": "", "title": "Sensor housing", "status": "granted",
     "filing_date": "2020-03-01", "grant_date": "2020-11-10", "holder": ACME},
    {"patent_number": "US10123456B2", "kind": None, "title": "US family member", "status": "granted",
     "filing_date": None, "grant_date": "2019-11-12", "holder": ACME},
]


_PDFS = {}


def pdf(title="Analysis and evaluation report"):
    """The same bytes for the same title (reportlab stamps each build with the time)."""
    if title not in _PDFS:
        _PDFS[title] = demo.demo_pdf(title, ["1. Technology", "2. Landscape"])
    return _PDFS[title]


def patents_workbook(rows, header=("entry_code", "patent_number", "kind", "title", "status",
                                   "filing_date", "grant_date", "holder")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "patents"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def password_hash():
    return auth.hash_password(PASSWORD)


@pytest.fixture
def make_user(session, password_hash):
    """The shared make_user, hashing the password once per module: argon2 is slow on purpose
    and would otherwise dominate these tests."""
    counter = {"n": 0}

    def _make(*roles, email=None, name=None, **kw):
        counter["n"] += 1
        user = accounts.create_user(actor=SYSTEM, session=session, email=email or f"user{counter['n']}@example.org",
                                    name=name or f"User {counter['n']}", roles=roles or [Role.entrant],
                                    password_hash=password_hash, **kw)
        return accounts.actor_for(session, user)

    return _make


@pytest.fixture
def entrant(make_user):
    return make_user(Role.entrant, email="founder@acme.example.com", organisation=ACME)


@pytest.fixture
def draft(session, edition, entrant):
    return entries.create_entry(session=session, actor=entrant, edition_id=edition.id)


def fill_in(session, actor, entry_id, *, applicant=ACME, core="CN201710601862.3", report=True):
    entries.save_project(session=session, actor=actor, entry_id=entry_id, title="Robot gripper portfolio",
                         category="invention", track="high_end_equipment", summary="Grippers.")
    entries.save_applicant(session=session, actor=actor, entry_id=entry_id, applicant=applicant,
                           applicant_type="enterprise", region="guangdong", revenue_band="le_20m",
                           contact_name="Lin", contact_email="founder@acme.example.com")
    entries.save_patents(session=session, actor=actor, entry_id=entry_id, rows=PATENTS)
    if core:
        entries.set_core_patent(session=session, actor=actor, entry_id=entry_id, normalised=core)
    if report:
        document_service.upload_document(session=session, actor=actor, entry_id=entry_id, kind="report",
                                         filename="report.pdf", data=pdf(), max_bytes=50 * MB)


# --- registration and profile --------------------------------------------------------------


def test_new_entrant_registers_and_can_sign_in(session):
    registered = entries.register_entrant(session=session, email=" New@Example.ORG ", name="Ana Lee",
                                          organisation="Lee Labs", password=PASSWORD, password_repeat=PASSWORD)
    assert registered.email == "new@example.org" and not registered.by_mail
    signed_in, token = accounts.sign_in(session=session, email="new@example.org", password=PASSWORD)
    assert accounts.roles_of(session, signed_in.id) == {"entrant"} and signed_in.organisation == "Lee Labs"
    assert token


@pytest.mark.parametrize("password, repeat, phrase", [
    ("short", "short", "at least 10 characters"),
    ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "too easy to guess"),
    ("a fine long password", "a different one here", "not the same"),
])
def test_registration_enforces_the_password_rules(session, password, repeat, phrase):
    with pytest.raises(InvalidInput, match=phrase):
        entries.register_entrant(session=session, email="b@example.org", name="B", organisation="",
                                 password=password, password_repeat=repeat)
    assert session.exec(select(User)).all() == []


def test_profile_changes_only_the_signed_in_user(session, entrant, make_user):
    other = make_user(Role.entrant, email="other@example.org")
    entries.update_profile(session=session, actor=entrant, name="Lin Wei", organisation="Acme",
                           phone="+86 755 0000", language="zh-HK")
    mine, theirs = session.get(User, entrant.user_id), session.get(User, other.user_id)
    assert (mine.name, mine.organisation, mine.language) == ("Lin Wei", "Acme", "zh-Hant")
    assert theirs.name != "Lin Wei"


# --- the editor ------------------------------------------------------------------------------


def test_new_entry_is_a_draft_with_a_code_and_the_entrants_details(session, edition, entrant, draft):
    assert draft.status == "draft"
    assert draft.code.startswith("GBA") and draft.code.endswith("-0001")
    assert draft.applicant == ACME and draft.contact_email == "founder@acme.example.com"
    second = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    assert second.code.endswith("-0002")


def test_revenue_band_decides_the_group_and_universities_are_always_startup(session, entrant, draft):
    def group(applicant_type, band):
        entries.save_applicant(session=session, actor=entrant, entry_id=draft.id, applicant=ACME,
                               applicant_type=applicant_type, region="hong_kong", revenue_band=band,
                               contact_name="Lin", contact_email="a@b.org")
        return entries.get_entry(session=session, actor=entrant, entry_id=draft.id).group

    assert group("enterprise", "le_20m") == "startup"
    assert group("enterprise", "gt_20m") == "growth"
    assert group("university", "gt_20m") == "startup"


def test_applicant_step_names_every_missing_field(session, entrant, draft):
    with pytest.raises(InvalidInput) as caught:
        entries.save_applicant(session=session, actor=entrant, entry_id=draft.id, applicant=" ",
                               applicant_type="enterprise", region="", revenue_band=None,
                               contact_name="", contact_email="nope")
    text = "\n".join(str(problem) for problem in caught.value.problems)
    for phrase in ("Applicant:", "Region:", "Contact email:", "Choose last year's revenue band"):
        assert phrase in text


def test_patents_are_saved_normalised_with_kinds_read_from_the_number(session, entrant, draft):
    rows = entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=PATENTS + [{}])
    assert [(r.patent_number, r.normalised, r.jurisdiction, r.kind) for r in rows] == [
        ("ZL201710601862.3", "CN201710601862.3", "CN", "invention"),
        ("202020123456.8", "CN202020123456.8", "CN", "utility_model"),
        ("US10123456B2", "US10123456B2", "US", "invention"),
    ]
    assert rows[1].grant_date == dt.date(2020, 11, 10)


def test_a_bad_patent_row_stores_nothing_and_names_row_and_column(session, entrant, draft):
    entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=PATENTS[:1])
    bad = [PATENTS[0], {**PATENTS[1], "patent_number": "202020123456.9"},
           {**PATENTS[2], "kind": "design"}, {**PATENTS[0], "patent_number": "ZL 2017 1060 1862.3"},
           {"patent_number": "95115608.X", "status": "granted", "grant_date": "not a date"}]
    with pytest.raises(InvalidInput) as caught:
        entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=bad)
    problems = [str(p) for p in caught.value.problems]
    assert "Row 2 (patent_number): CN application number 202020123456.9: check digit should be 8." in problems
    assert "Row 3 (kind): US10123456B2 is an invention number, but the kind chosen is design." in problems
    assert ("Row 4 (patent_number): patent ZL 2017 1060 1862.3 is listed twice; it is the same number "
            "as row 1 (written there as ZL201710601862.3).") in problems
    assert "Row 5 (grant_date): 'not a date' is not a date (YYYY-MM-DD)." in problems
    stored = session.exec(select(Patent.number).where(Patent.entry_id == draft.id)).all()
    assert stored == ["ZL201710601862.3"]


def test_patents_from_a_workbook_are_added_to_the_typed_ones(session, entrant, draft):
    entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=PATENTS)
    data = patents_workbook([
        (draft.code, "95115608.X", "invention", "Amplifier", "granted", "1995-09-01", "2000-05-17", ACME),
        ("", "HK1234567", "invention", "HK family", "granted", None, "2022-01-05", ACME),
    ])
    rows = entries.add_patents_from_workbook(session=session, actor=entrant, entry_id=draft.id, data=data)
    assert [r.normalised for r in rows] == ["CN201710601862.3", "CN202020123456.8", "US10123456B2",
                                            "CN95115608.X", "HK1234567"]


def test_a_workbook_with_a_bad_row_names_sheet_row_and_column_and_adds_nothing(session, entrant, draft):
    entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=PATENTS)
    data = patents_workbook([
        ("", "95115608.1", "invention", "Amplifier", "granted", None, "2000-05-17", ACME),
        ("", "ZL201710601862.3", "invention", "Again", "granted", None, "2021-03-02", ACME),
        ("GBA26-9999", "HK1234567", "invention", "Other entry", "granted", None, "2022-01-05", ACME),
    ])
    with pytest.raises(InvalidInput) as caught:
        entries.add_patents_from_workbook(session=session, actor=entrant, entry_id=draft.id, data=data)
    problems = "\n".join(str(p) for p in caught.value.problems)
    assert "patents!A4 (entry_code): belongs to entry GBA26-9999" in problems
    assert session.exec(select(Patent).where(Patent.entry_id == draft.id)).all().__len__() == 3


def test_a_workbook_problem_found_by_the_reader_is_reported_with_its_cell(session, entrant, draft):
    data = patents_workbook([("", "95115608.X", "invention", "x", "granted", None, "2000-05-17", ACME)],
                            header=("entry_code", "patent_number", "kind", "title", "status",
                                    "filing_date", "grant_date", "holder", "colour"))
    with pytest.raises(InvalidInput) as caught:
        entries.add_patents_from_workbook(session=session, actor=entrant, entry_id=draft.id, data=data)
    assert "unknown column 'colour'" in str(caught.value)


def test_the_check_digit_error_of_an_uploaded_row_names_its_row(session, entrant, draft):
    data = patents_workbook([("", "95115608.1", "invention", "x", "granted", None, "2000-05-17", ACME)])
    with pytest.raises(InvalidInput) as caught:
        entries.add_patents_from_workbook(session=session, actor=entrant, entry_id=draft.id, data=data)
    assert "patents row 2 (patent_number): CN application number 95115608.1: check digit should be X." \
        in [str(p) for p in caught.value.problems]


def test_core_patent_must_be_one_of_the_entrys_patents_and_survives_a_resave(session, entrant, draft):
    entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=PATENTS)
    with pytest.raises(InvalidInput, match="is not among this entry's patents"):
        entries.set_core_patent(session=session, actor=entrant, entry_id=draft.id, normalised="HK1234567")
    entries.set_core_patent(session=session, actor=entrant, entry_id=draft.id, normalised="CN201710601862.3")
    rows = entries.save_patents(session=session, actor=entrant, entry_id=draft.id, rows=list(reversed(PATENTS)))
    assert [r.normalised for r in rows if r.is_core] == ["CN201710601862.3"]


def test_live_eligibility_shows_what_is_missing_then_passes(session, entrant, draft):
    failing = {r.key for r in entries.entry_eligibility(session=session, actor=entrant, entry_id=draft.id)
               if not r.passed}
    assert failing == {"core_patent", "documents"}
    fill_in(session, entrant, draft.id)
    results = entries.entry_eligibility(session=session, actor=entrant, entry_id=draft.id)
    assert [r.key for r in results if not r.passed] == []


def test_holder_other_than_the_applicant_fails_the_holder_rule(session, entrant, draft):
    fill_in(session, entrant, draft.id, applicant="Another Company Ltd")
    failing = {r.key: r.message for r in entries.entry_eligibility(session=session, actor=entrant,
                                                                   entry_id=draft.id) if not r.passed}
    assert list(failing) == ["core_holder"]


# --- submission, receipt, deadline, withdrawal --------------------------------------------------


def test_submitting_gives_a_dated_receipt_that_can_be_shown_again(session, entrant, draft):
    fill_in(session, entrant, draft.id)
    receipt = entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)
    assert receipt.code == draft.code and receipt.patents == 3 and receipt.documents == 1
    assert receipt.submitted_at.tzinfo is not None
    assert len(receipt.reference) == 14
    assert session.get(Entry, draft.id).status == "submitted"
    assert entries.latest_receipt(session=session, actor=entrant, entry_id=draft.id) == receipt


def test_incomplete_entry_cannot_be_submitted_and_says_what_is_missing(session, entrant, draft):
    with pytest.raises(InvalidInput) as caught:
        entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)
    text = "\n".join(str(problem) for problem in caught.value.problems)
    for phrase in ("the title is missing", "choose a category", "Applicant:", "at least one patent",
                   "No core patent is named", "Missing required documents"):
        assert phrase in text
    assert session.get(Entry, draft.id).status == "draft"


def test_a_fourth_entry_of_one_enterprise_cannot_be_submitted(session, edition, entrant, make_user):
    for n in range(3):
        colleague = make_user(Role.entrant, email=f"c{n}@acme.example.com")
        entry = entries.create_entry(session=session, actor=colleague, edition_id=edition.id)
        fill_in(session, colleague, entry.id, applicant="SHENZHEN ACME ROBOTICS CO LTD")
        entries.submit_entry(session=session, actor=colleague, entry_id=entry.id)
    fourth = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    fill_in(session, entrant, fourth.id)
    with pytest.raises(InvalidInput) as caught:
        entries.submit_entry(session=session, actor=entrant, entry_id=fourth.id)
    assert any("already has 3 other entries" in str(p) for p in caught.value.problems)


def test_submitted_entry_can_change_until_the_deadline_and_not_after(session, edition, entrant, draft):
    fill_in(session, entrant, draft.id)
    entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)
    edition.submission_deadline = utcnow() + dt.timedelta(hours=1)
    session.add(edition)
    session.commit()
    entries.save_project(session=session, actor=entrant, entry_id=draft.id, title="Renamed",
                         category="invention", track="high_end_equipment", summary="")
    assert session.get(Entry, draft.id).status == "submitted"
    later = utcnow() + dt.timedelta(hours=2)
    with pytest.raises(PermissionDenied, match="deadline .* has passed"):
        entries.save_project(session=session, actor=entrant, entry_id=draft.id, title="Too late",
                             category="invention", track="high_end_equipment", summary="", now=later)
    with pytest.raises(PermissionDenied, match="deadline"):
        document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="supporting",
                                         filename="late.pdf", data=pdf(), max_bytes=50 * MB, now=later)
    with pytest.raises(PermissionDenied, match="deadline"):
        entries.withdraw_entry(session=session, actor=entrant, entry_id=draft.id, now=later)
    view = entries.get_entry(session=session, actor=entrant, entry_id=draft.id, now=later)
    assert view.entry.title == "Renamed" and not view.editable


def test_withdrawn_entry_cannot_be_edited_or_submitted(session, entrant, draft):
    fill_in(session, entrant, draft.id)
    entries.withdraw_entry(session=session, actor=entrant, entry_id=draft.id)
    with pytest.raises(PermissionDenied, match=r"\(Withdrawn\) can no longer be changed"):
        entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)


# --- documents --------------------------------------------------------------------------------


def test_uploaded_report_is_stored_once_by_content_and_replaces_the_previous_one(session, entrant, draft):
    first = document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="report",
                                             filename="v1.pdf", data=pdf("v1"), max_bytes=50 * MB).document
    second = document_service.upload_document(session=session, actor=entrant, entry_id=draft.id,
                                              kind="report", filename="v2.pdf", data=pdf("v2"),
                                              max_bytes=50 * MB).document
    document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="supporting",
                                     filename="same as v2.pdf", data=pdf("v2"), max_bytes=50 * MB)
    docs = document_service.list_documents(session=session, actor=entrant, entry_id=draft.id)
    assert [(d.kind, d.name) for d in docs] == [("report", "v2.pdf"), ("supporting", "same as v2.pdf")]
    blobs = session.exec(select(DocumentBlob.sha256)).all()
    assert blobs == [second.sha256] and first.sha256 != second.sha256


HOSTILE = [
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 300, "is not a PDF (it is a Windows program)"),
    ("page.pdf", b"<html><body><script>alert(1)</script></body></html>", "is not a PDF (it is a web page)"),
    ("empty.pdf", b"", "is empty"),
    ("cut.pdf", None, "is incomplete"),
    ("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * MB), "the largest file accepted is 1.0 MB"),
]


@pytest.mark.parametrize("name, data, phrase", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_upload_is_refused_and_nothing_is_stored(session, entrant, draft, name, data, phrase):
    data = pdf()[:300] if data is None else data
    with pytest.raises(InvalidInput, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="report",
                                         filename=name, data=data, max_bytes=1 * MB)
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(DocumentBlob)).all() == []


def test_encrypted_pdf_is_refused(session, entrant, draft):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf())))
    writer.encrypt("secret-user", "secret-owner")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(InvalidInput, match="password-protected or encrypted"):
        document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="report",
                                         filename="locked.pdf", data=out.getvalue(), max_bytes=50 * MB)
    assert session.exec(select(Document)).all() == []


def test_hostile_file_name_is_refused_and_nothing_is_stored(session, entrant, draft):
    with pytest.raises(InvalidInput, match="The file name was refused because it contains a folder path"):
        document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="supporting",
                                         filename="../../etc/pass\x00wd\x1b.pdf", data=pdf(), max_bytes=50 * MB)
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(DocumentBlob)).all() == []


# --- who may see and change what -----------------------------------------------------------------


@pytest.fixture
def rival(make_user):
    return make_user(Role.entrant, email="rival@other.example.com")


def test_another_entrant_can_neither_read_nor_change_the_entry_even_with_its_id(session, entrant, draft, rival):
    fill_in(session, entrant, draft.id)
    calls = [
        lambda: entries.get_entry(session=session, actor=rival, entry_id=draft.id),
        lambda: entries.entry_eligibility(session=session, actor=rival, entry_id=draft.id),
        lambda: entries.latest_receipt(session=session, actor=rival, entry_id=draft.id),
        lambda: entries.save_project(session=session, actor=rival, entry_id=draft.id, title="Hijacked",
                                     category="invention", track="high_end_equipment", summary=""),
        lambda: entries.save_applicant(session=session, actor=rival, entry_id=draft.id, applicant="Rival",
                                       applicant_type="enterprise", region="overseas", revenue_band="le_20m",
                                       contact_name="R", contact_email="r@x.org"),
        lambda: entries.save_patents(session=session, actor=rival, entry_id=draft.id, rows=[]),
        lambda: entries.set_core_patent(session=session, actor=rival, entry_id=draft.id, normalised=None),
        lambda: entries.submit_entry(session=session, actor=rival, entry_id=draft.id),
        lambda: entries.withdraw_entry(session=session, actor=rival, entry_id=draft.id),
        lambda: document_service.list_documents(session=session, actor=rival, entry_id=draft.id),
        lambda: document_service.upload_document(session=session, actor=rival, entry_id=draft.id,
                                                 kind="supporting", filename="x.pdf", data=pdf(), max_bytes=MB),
    ]
    for call in calls:
        with pytest.raises(NotFound, match="No such entry"):
            call()
    entry = session.get(Entry, draft.id)
    session.refresh(entry)
    assert entry.title == "Robot gripper portfolio" and entry.status == "draft"
    assert len(session.exec(select(Patent).where(Patent.entry_id == draft.id)).all()) == 3


def test_another_entrant_cannot_read_or_delete_a_document_even_with_its_id(session, entrant, draft, rival):
    fill_in(session, entrant, draft.id)
    doc = session.exec(select(Document)).one()
    with pytest.raises(NotFound, match="No such document"):
        document_service.get_document_for_viewer(session=session, actor=rival, document_id=doc.id)
    with pytest.raises(NotFound, match="No such document"):
        document_service.delete_document(session=session, actor=rival, document_id=doc.id)
    assert session.get(Document, doc.id) is not None


def test_owner_views_and_deletes_their_document(session, entrant, draft):
    fill_in(session, entrant, draft.id)
    doc = session.exec(select(Document)).one()
    shown = document_service.get_document_for_viewer(session=session, actor=entrant, document_id=doc.id)
    assert shown.data == pdf() and shown.name == "report.pdf" and shown.pages == doc.pages >= 1
    document_service.delete_document(session=session, actor=entrant, document_id=doc.id)
    assert session.exec(select(Document)).all() == [] and session.exec(select(DocumentBlob)).all() == []


def assign_in_preliminary(session, edition, entry, judge, *, blind):
    prelim = editions.find_round(session=session, edition_id=edition.id, key="preliminary")
    prelim.blind = blind
    session.add(prelim)
    session.add(Assignment(round_id=prelim.id, entry_id=entry.id, judge_id=judge.user_id))
    session.commit()


def test_judges_see_documents_only_of_entries_assigned_to_them(session, edition, entrant, draft, make_user):
    fill_in(session, entrant, draft.id)
    doc = session.exec(select(Document)).one()
    assigned, other = make_user(Role.judge, email="j1@uni.edu"), make_user(Role.judge, email="j2@uni.edu")
    assign_in_preliminary(session, edition, draft, assigned, blind=False)
    shown = document_service.get_document_for_viewer(session=session, actor=assigned, document_id=doc.id)
    assert shown.data == pdf() and not shown.metadata_stripped
    with pytest.raises(NotFound):
        document_service.get_document_for_viewer(session=session, actor=other, document_id=doc.id)
    with pytest.raises(PermissionDenied):  # judges read documents, not the entrant's form
        entries.get_entry(session=session, actor=assigned, entry_id=draft.id)


def test_a_judge_in_a_blind_round_gets_the_pdf_without_its_metadata(session, edition, entrant, draft, make_user):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setAuthor("Lin Wei of Acme")
    page.drawString(100, 700, "Report")
    page.showPage()
    page.save()
    doc = document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="report",
                                           filename="acme-report.pdf", data=buffer.getvalue(),
                                           max_bytes=MB).document
    judge = make_user(Role.judge, email="blind@uni.edu")
    assign_in_preliminary(session, edition, draft, judge, blind=True)
    shown = document_service.get_document_for_viewer(session=session, actor=judge, document_id=doc.id)
    assert shown.metadata_stripped and b"Lin Wei" not in shown.data
    assert shown.name == f"{draft.code}-report.pdf"


@pytest.mark.parametrize("kind, in_showcase, readable", [
    ("roadshow", True, True), ("report", True, False), ("roadshow", False, False),
], ids=["deck of a finalist", "report of a finalist", "deck of an entry out of the running"])
def test_observers_read_only_the_roadshow_decks_of_the_entries_they_browse(
        session, edition, entrant, draft, make_user, kind, in_showcase, readable):
    doc = document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind=kind,
                                           filename="deck.pdf", data=pdf(), max_bytes=MB).document
    prelim = editions.find_round(session=session, edition_id=edition.id, key="preliminary")
    draft.current_round_id = prelim.id if in_showcase else None
    draft.status = "eligible" if in_showcase else "ineligible"
    session.add(draft)
    session.commit()
    observer = make_user(Role.observer, email="investor@angels.example.org")
    if readable:
        assert document_service.get_document_for_viewer(session=session, actor=observer, document_id=doc.id).data
    else:
        with pytest.raises(NotFound):
            document_service.get_document_for_viewer(session=session, actor=observer, document_id=doc.id)


def test_organiser_reads_any_entry_but_cannot_edit_it(session, entrant, draft, make_user):
    organiser = make_user(Role.organiser, email="office@gba.example.org")
    assert entries.get_entry(session=session, actor=organiser, entry_id=draft.id).entry.code == draft.code
    with pytest.raises(PermissionDenied):
        entries.save_patents(session=session, actor=organiser, entry_id=draft.id, rows=[])


def test_every_change_is_audited(session, entrant, draft):
    fill_in(session, entrant, draft.id)
    entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)
    actions = set(session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == entrant.user_id)).all())
    assert {"entry.create", "entry.save_project", "entry.save_applicant", "entry.save_patents",
            "entry.set_core_patent", "document.upload", "entry.submit"} <= actions


def test_a_number_that_does_not_say_its_kind_needs_the_kind_chosen(session, entrant, draft):
    with pytest.raises(InvalidInput) as caught:
        entries.save_patents(session=session, actor=entrant, entry_id=draft.id,
                             rows=[{"patent_number": "HK1234567", "status": "granted"}])
    assert [str(p) for p in caught.value.problems] == [
        "Row 1 (kind): choose invention, utility model, design or IC layout design; the number does not say."]
    rows = entries.save_patents(session=session, actor=entrant, entry_id=draft.id,
                                rows=[{"patent_number": "HK1234567", "kind": "invention", "status": "granted"}])
    assert rows[0].warnings and "Hong Kong" in rows[0].warnings[0]


def test_a_workbook_jurisdiction_that_contradicts_the_number_is_refused(session, entrant, draft):
    data = patents_workbook([("", "US10123456B2", "CN", "invention", "x", "granted", None, "2019-11-12", ACME)],
                            header=("entry_code", "patent_number", "jurisdiction", "kind", "title", "status",
                                    "filing_date", "grant_date", "holder"))
    with pytest.raises(InvalidInput) as caught:
        entries.add_patents_from_workbook(session=session, actor=entrant, entry_id=draft.id, data=data)
    assert [str(p) for p in caught.value.problems] == [
        "patents row 2 (jurisdiction): CN does not match the number, which is a US number."]


def test_no_new_entry_after_the_deadline(session, edition, entrant):
    edition.submission_deadline = utcnow() - dt.timedelta(minutes=1)
    session.add(edition)
    session.commit()
    with pytest.raises(PermissionDenied, match="deadline"):
        entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    assert session.exec(select(Entry)).all() == []


def test_an_entry_the_office_has_screened_can_no_longer_be_changed(session, entrant, draft):
    fill_in(session, entrant, draft.id)
    entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)
    entry = session.get(Entry, draft.id)
    entry.status = "eligible"
    session.add(entry)
    session.commit()
    with pytest.raises(PermissionDenied, match=r"\(Eligible\) can no longer be changed"):
        entries.set_core_patent(session=session, actor=entrant, entry_id=draft.id, normalised=None)
    assert not entries.get_entry(session=session, actor=entrant, entry_id=draft.id).editable
    assert entries.latest_receipt(session=session, actor=entrant, entry_id=draft.id) is not None


def test_a_single_problem_is_named_in_the_message_itself(session, entrant, draft):
    with pytest.raises(InvalidInput) as caught:
        entries.save_patents(session=session, actor=entrant, entry_id=draft.id,
                             rows=[{"patent_number": "201710601862.4", "kind": "invention"}])
    assert str(caught.value) == ("The patent list has errors; nothing was saved. Row 1 (patent_number): "
                                 "CN application number 201710601862.4: check digit should be 3.")


def test_a_code_taken_meanwhile_by_another_entrant_is_skipped(session, edition, entrant, draft, monkeypatch):
    codes = iter([draft.code, "GBA26-0777"])  # the first pick collides, as in a race
    monkeypatch.setattr(entries, "new_entry_code", lambda **_kw: next(codes))
    second = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    assert second.code == "GBA26-0777"
    assert sorted(session.exec(select(Entry.code)).all()) == [draft.code, "GBA26-0777"]


def test_an_entrant_reading_traditional_chinese_gets_the_editors_problems_in_it(session, entrant, draft):
    """Each problem of a step and of an incomplete entry is a message in the reader's
    language, naming the field in words (it was English in every language)."""
    with pytest.raises(InvalidInput) as refused:
        entries.save_project(session=session, actor=entrant, entry_id=draft.id, title="",
                             category="", track="no_such_track", summary="x" * 8001)
    problems = [i18n.text(p, "zh-Hant") for p in refused.value.problems]
    assert problems == ["名稱：請填寫項目名稱。", "類別：請選擇一項。", "產業領域：本屆比賽不設「no_such_track」。",
                        "簡介：最多 8000 個字元。"]
    with pytest.raises(InvalidInput) as incomplete:
        entries.submit_entry(session=session, actor=entrant, entry_id=draft.id)
    shown = [i18n.text(p, "zh-Hant") for p in incomplete.value.problems]
    assert "項目：尚未填寫名稱。" in shown and "專利：請至少列出一項專利。" in shown
    assert all(not p.isascii() for p in shown)
