"""Hostile PDFs are refused or neutralised without stalling anyone: an upload is checked in a
worker process, with a time limit and no database transaction open; scripts, automatic and
program-starting actions and embedded files are removed from the stored copy (and the entrant
is told), an embedded program is refused, a check that runs too long is refused, and in an
edition judged blind the entrant is warned when the text names their organisation."""

from __future__ import annotations

import io

import pypdf
import pytest
from sqlmodel import func, select

from contest import documents, workers
from contest.models import Document, DocumentBlob, Role, Round
from contest.services import InvalidInput, entries
from contest.services import documents as document_service
from tests import hostile_pdfs
from tests.integration.test_sign_in_limits import save_without_waiting

pytestmark = pytest.mark.integration

MB = 1024 * 1024
ACME = "Lanhai Microelectronics Co., Ltd."


@pytest.fixture
def entrant(make_user):
    return make_user(Role.entrant, email="chen.wei@lanhai.example.cn", name="Chen Wei", organisation=ACME)


@pytest.fixture
def draft(session, edition, entrant):
    entry = entries.create_entry(session=session, actor=entrant, edition_id=edition.id)
    entries.save_applicant(session=session, actor=entrant, entry_id=entry.id, applicant=ACME,
                           applicant_type="enterprise", region="guangdong", revenue_band="le_20m",
                           contact_name="Chen Wei", contact_email="chen.wei@lanhai.example.cn")
    return entry


def upload(session, entrant, draft, data, **kw):
    return document_service.upload_document(session=session, actor=entrant, entry_id=draft.id, kind="supporting",
                                            filename="report.pdf", data=data, max_bytes=10 * MB, **kw)


def stored_documents(session) -> int:
    return session.exec(select(func.count()).select_from(Document)).one()


def test_the_pdf_is_checked_in_a_worker_with_no_transaction_open(engine, session, entrant, draft, monkeypatch):
    seen = []
    real = workers.run

    def observed(fn, *args, **kwargs):
        seen.append((fn, session.in_transaction(), save_without_waiting(engine, entrant.email)))
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(workers, "run", observed)
    upload(session, entrant, draft, hostile_pdfs.plain_pdf())
    assert seen == [(documents.inspect_pdf, False, 1)]  # another user's save went through meanwhile


def test_scripts_actions_and_embedded_files_are_removed_and_the_entrant_is_told(session, entrant, draft):
    hostile = hostile_pdfs.identity_laden_pdf("Chen Wei", ACME, "Shenzhen", executable=False)
    done = upload(session, entrant, draft, hostile)
    told = [note.render("en") for note in done.notes]
    assert told[0] == ("For everyone's safety report.pdf was stored without scripts (JavaScript), automatic or "
                       "program-starting actions, embedded files; the pages are unchanged.")
    stored = session.get(DocumentBlob, done.document.sha256).data
    reader = pypdf.PdfReader(io.BytesIO(stored))
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and dict(reader.attachments) == {}
    assert not {"/JavaScript", "/EmbeddedFiles"} & set(root.get("/Names", {}))
    everything = hostile_pdfs.every_decoded_byte(stored)
    for active in (b"calc.exe", b"app.alert", b"/JavaScript", b"/Launch", b"cost sheet"):
        assert active not in everything
    assert len(reader.pages) == 2 and done.document.pages == 2
    assert [item.title for item in reader.outline][0].endswith("company profile")  # bookmarks stay


def test_a_pdf_carrying_a_program_is_refused_and_nothing_is_kept(session, entrant, draft):
    with pytest.raises(InvalidInput, match=r"carries a program \(setup.exe\) inside it"):
        upload(session, entrant, draft, hostile_pdfs.identity_laden_pdf())
    assert stored_documents(session) == 0


def test_a_check_that_runs_past_its_limit_is_refused_and_nothing_is_kept(session, entrant, draft):
    with pytest.raises(InvalidInput, match="took too long to check"):
        upload(session, entrant, draft, hostile_pdfs.plain_pdf(pages=40), check_seconds=0.001)
    assert stored_documents(session) == 0


@pytest.mark.parametrize("limits, message", [
    (documents.PdfLimits(max_bytes=10 * MB, max_pages=3), "has 4 pages; at most 3 are accepted"),
    (documents.PdfLimits(max_bytes=10 * MB, max_inflated_bytes=MB), "expands to more than 1.0 MB when opened"),
])
def test_the_page_and_decompression_limits_are_kept(session, entrant, draft, limits, message):
    with pytest.raises(InvalidInput, match=message):
        upload(session, entrant, draft, hostile_pdfs.expanding_pdf(pages=4, expands_to=2 * MB), limits=limits)
    assert stored_documents(session) == 0


def test_in_an_edition_judged_blind_the_entrant_is_warned_when_the_text_names_their_organisation(
        session, edition, entrant, draft):
    assert session.exec(select(Round).where(Round.edition_id == edition.id, Round.blind == True)).first()  # noqa: E712
    named = hostile_pdfs.plain_pdf(text="Lanhai Microelectronics: our portfolio")
    done = upload(session, entrant, draft, named)
    assert [note.render("en") for note in done.notes] == [
        "Judges score this entry blind, but the text of report.pdf mentions Lanhai, Lanhai Microelectronics. "
        "They will read it as written: remove it from the document if it should stay hidden."]
    assert upload(session, entrant, draft, hostile_pdfs.plain_pdf()).notes == ()
