"""Blind rounds leak nothing: no judge surface (My assignments, the score picker, the home
overview, the portfolio) shows the applicant, the organisation, the contact person or their
email, the owner's name or a city, whatever field the entrant typed them into; the judge's PDF
copy keeps the pages but no metadata (document, page or image), annotation authors, embedded
files, JavaScript or actions, and bookmark titles lose identity text."""

from __future__ import annotations

import io

import pypdf
import pytest
from sqlmodel import select

from contest import documents
from contest.models import Patent
from contest.services import home, judging, storage
from tests import hostile_pdfs
from tests.integration.test_judging import APPLICANT, CONTACT, CONTACT_EMAIL, build_scene

pytestmark = pytest.mark.integration

# What a judge must never read in a blind round, in any case.
LEAKS = ("Chen Wei", "chen.wei", "Lanhai", "Shenzhen", "深圳", "Zhuhai", "lanhai.example")


def leaked(text: str) -> list[str]:
    return [term for term in LEAKS if term.lower() in text.lower()]


@pytest.fixture
def blind(session, edition):
    scene = build_scene(session, edition, entries=2, judges=1)
    entry = scene.entries[0]
    entry.title = "Chen Wei's edge AI chips: the Lanhai portfolio"
    entry.summary = f"{APPLICANT} (Shenzhen) and its Zhuhai lab protect low-power chips; write to {CONTACT_EMAIL}."
    session.add(entry)
    patent = session.exec(select(Patent).where(Patent.entry_id == entry.id)).one()
    patent.title = "Lanhai low-power inference core (深圳)"
    session.add(patent)
    session.commit()
    return scene


def test_no_judge_surface_names_the_entrant_in_a_blind_round(session, blind):
    judge, entry = blind.judges[0], blind.entries[0]
    assert blind.round.blind
    workspace = judging.judge_workspace(session=session, actor=judge, edition_id=blind.edition_id)
    titles = [e["title"] for rnd in workspace for e in rnd["entries"]]  # My assignments and the score picker
    overview = [e.title for rnd in home.judge_overview(session=session, actor=judge, edition_id=blind.edition_id)
                for e in rnd.entries]
    view = judging.portfolio(session=session, actor=judge, round_id=blind.round.id, entry_id=entry.id)
    shown = "\n".join([*titles, *overview, view["title"], view["summary"],
                       *(p["title"] for p in view["patents"]), *(d["name"] for d in view["documents"]),
                       *(str(v) for p in view["patents"] for v in p.values())])
    assert leaked(shown) == []
    assert "edge AI chips" in titles[0] and "low-power chips" in view["summary"]  # the rest is still there
    assert not {"applicant", "contact_name", "contact_email", "region"} & set(view)


def test_outside_a_blind_round_the_judge_sees_the_entry_as_written(session, blind):
    blind.round.blind = False
    session.add(blind.round)
    session.commit()
    workspace = judging.judge_workspace(session=session, actor=blind.judges[0], edition_id=blind.edition_id)
    assert workspace[0]["entries"][0]["title"] == "Chen Wei's edge AI chips: the Lanhai portfolio"


def test_the_judges_pdf_copy_keeps_the_pages_and_nothing_that_names_the_entrant(session, blind):
    judge, entry = blind.judges[0], blind.entries[0]
    original = hostile_pdfs.identity_laden_pdf(CONTACT, "Lanhai Microelectronics", "Shenzhen", executable=False)
    stored = storage.store_document(session=session, entry_id=entry.id, data=original, filename="report.pdf",
                                    kind="supporting", uploaded_by=None, max_bytes=10**7)
    session.commit()
    assert leaked(hostile_pdfs.every_decoded_byte(original).decode("latin-1")) != []  # it does name them
    name, data = judging.document_for_judge(session=session, actor=judge, round_id=blind.round.id,
                                            entry_id=entry.id, document_id=stored.id)
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert reader.metadata is None or not dict(reader.metadata)
    assert reader.xmp_metadata is None
    assert dict(reader.attachments) == {}
    assert not {"/OpenAction", "/AA", "/AcroForm", "/Metadata"} & set(root)
    assert not {"/JavaScript", "/EmbeddedFiles"} & set(root.get("/Names", {}))
    assert [item.title for item in reader.outline] == ["[applicant]: company profile", "Our [place] factory"]
    for page in reader.pages:
        assert "/Metadata" not in page and "/AA" not in page
        for annotation in (a.get_object() for a in page.get("/Annots", [])):
            assert "/T" not in annotation and annotation["/Subtype"] not in ("/FileAttachment", "/Popup")
            assert "/A" not in annotation or annotation["/A"]["/S"] == "/GoTo"
        for image in page.images:
            assert "/Metadata" not in image.indirect_reference.get_object()
            assert b"Exif" not in image.data and b"xmpmeta" not in image.data
    everything = hostile_pdfs.every_decoded_byte(data).decode("latin-1")
    assert leaked(everything) == []
    for active in ("calc.exe", "app.alert", "/JavaScript", "/Launch", "cost sheet"):
        assert active not in everything
    assert len(reader.pages) == 2
    assert "Patent landscape and layout" in reader.pages[1].extract_text()
    assert name == f"{entry.code}-supporting-{stored.id}.pdf"
    assert len(documents.check_pdf(data, name, max_bytes=10**7).sha256) == 64  # still a readable PDF


def test_the_organiser_gets_the_stored_copy_with_its_metadata(session, blind):
    entry = blind.entries[0]
    original = hostile_pdfs.identity_laden_pdf(CONTACT, "Lanhai Microelectronics", "Shenzhen", executable=False)
    stored = storage.store_document(session=session, entry_id=entry.id, data=original, filename="report.pdf",
                                    kind="supporting", uploaded_by=None, max_bytes=10**7)
    session.commit()
    from contest.services import documents as document_service

    found = document_service.get_document_for_viewer(session=session, actor=blind.organiser, document_id=stored.id)
    assert found.data == storage.document_bytes(session=session, document=stored) and not found.metadata_stripped
    assert pypdf.PdfReader(io.BytesIO(found.data)).metadata["/Author"] == CONTACT
