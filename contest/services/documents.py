"""Entry documents: upload (checked by content), remove, list, and view or download.

The owner changes documents until the deadline; the owner, organisers and judges assigned
to the entry read them. In a blind round a judge gets the PDF without its metadata.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, select

from contest import db, documents, i18n, redaction, workers
from contest.auth import Actor
from contest.models import Assignment, AssignmentStatus, Document, DocumentBlob, Edition, Entry, Role, Round, User
from contest.services import InvalidInput, NotFound, audit, entries, queries, require_role, storage
from contest.services import blind as blind_rounds

SINGLE_KINDS = ("report", "roadshow")  # a new upload replaces the old one
OBSERVER_KINDS = ("roadshow",)  # what investors saw presented anyway; never the analysis report


@dataclasses.dataclass(frozen=True)
class DocumentFile:
    """What a viewer gets: the bytes to show inline or download, and their name."""

    id: int
    entry_id: int
    kind: str
    name: str
    pages: int
    size: int
    data: bytes
    metadata_stripped: bool


@dataclasses.dataclass(frozen=True)
class Uploaded:
    """A stored upload and what the entrant should know about it: content removed for
    safety, their organisation's name found in the text of a document judged blind."""

    document: Document
    notes: tuple[i18n.Message, ...] = ()


def viewer_key(document: Document, *, blind: bool) -> str:
    """What a viewer caches a document's pages under: its content and the copy shown (the
    blind copy never shares a cache entry with the full one)."""
    return f"{document.sha256}:{'blind' if blind else 'full'}"


def upload_document(*, session: Session, actor: Actor, entry_id: int, kind: str, filename: str,
                    data: bytes, max_bytes: int, limits: documents.PdfLimits | None = None,
                    check_seconds: float | None = None, now: dt.datetime | None = None) -> Uploaded:
    """Store a PDF for the entry; anything else is refused with a clear message, nothing kept.

    A short read checks the entrant may change the entry; the PDF is then inspected
    (documents.inspect_pdf: limits, programs refused, scripts and actions removed, the text
    searched for the organisation's names when a round is judged blind) in a worker process
    with a time limit and no database transaction open; a short write stores it.
    """
    if kind not in documents.DOCUMENT_KINDS:
        raise InvalidInput("documents.choose_kind", kinds=[i18n.msg(f"documents.kind_{k}") for k in documents.DOCUMENT_KINDS])
    limits = limits or documents.PdfLimits(max_bytes=max_bytes)
    db.begin_reading(session)
    entry, _edition = entries.load_editable_entry(session, actor, entry_id, now)
    look_for = _own_names(session, entry) if _judged_blind(session, entry.edition_id) else []
    session.rollback()  # nothing below holds a database lock while the PDF is read
    seconds = check_seconds if check_seconds is not None else workers.SHORT
    try:
        checked = workers.run(documents.inspect_pdf, data, filename, limits=limits, look_for=look_for,
                              timeout=seconds)
    except documents.DocumentRejected as rejected:
        raise InvalidInput(rejected.message) from None
    except workers.WorkTimedOut:
        raise InvalidInput("documents.took_too_long", name=documents.sanitise_filename(filename),
                           seconds=f"{seconds:g}") from None
    except workers.WorkFailed:
        raise InvalidInput("documents.could_not_check", name=documents.sanitise_filename(filename)) from None
    entry, _edition = entries.load_editable_entry(session, actor, entry_id, now)  # the deadline may have passed
    try:
        document = storage.store_document(session=session, entry_id=entry.id, data=checked.data,
                                          filename=filename, kind=kind, uploaded_by=actor.user_id,
                                          max_bytes=max_bytes, checked=checked)
    except documents.DocumentRejected as rejected:
        session.rollback()
        raise InvalidInput(rejected.message) from None
    if kind in SINGLE_KINDS:
        older = session.exec(select(Document).where(
            Document.entry_id == entry.id, Document.kind == kind, Document.id != document.id)).all()
        for old in older:
            _remove(session, old)
    audit(session, actor, "document.upload", "document", document.id, edition_id=entry.edition_id,
          entry_id=entry.id, kind=kind, sha256=document.sha256, pages=document.pages,
          removed=list(checked.removed))
    entries.record_change(session, actor, entry, "entry.documents_changed")
    notes = []
    if checked.removed:
        notes.append(i18n.msg("documents.removed_content", name=document.name,
                              what=[i18n.msg(f"documents.removed_{kind_}") for kind_ in checked.removed]))
    if checked.names_found:
        notes.append(i18n.msg("documents.names_in_blind_round", name=document.name,
                              names=", ".join(checked.names_found)))
    return Uploaded(document, tuple(notes))


def judge_copy(data: bytes, *, identities, places) -> bytes:
    """documents.judge_copy in a worker process with a time limit (a long report takes a
    while to rewrite; the app keeps answering everyone else meanwhile)."""
    return workers.run(documents.judge_copy, data, identities=list(identities), places=list(places),
                       timeout=workers.SHORT)


def _judged_blind(session: Session, edition_id: int) -> bool:
    return session.exec(select(Round.id).where(Round.edition_id == edition_id,
                                               Round.blind == True)).first() is not None  # noqa: E712


def _own_names(session: Session, entry: Entry) -> list[str]:
    """The names of the entrant's organisation a blind round hides (applicant, organisation,
    their distinctive part), to warn when a document's text gives them away."""
    owner = session.get(User, entry.owner_id) if entry.owner_id else None
    values = [entry.applicant, owner.organisation if owner else ""]
    places = set(blind_rounds.places_of(session.get(Edition, entry.edition_id)))
    return [term for term in redaction.identity_terms(values, places=places) if term not in places]


def delete_document(*, session: Session, actor: Actor, document_id: int,
                    now: dt.datetime | None = None) -> None:
    """The owner removes one of the entry's documents before the deadline."""
    require_role(actor, Role.entrant)
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("common.no_such_document")
    try:
        entry, _edition = entries.load_editable_entry(session, actor, document.entry_id, now)
    except NotFound:
        raise NotFound("common.no_such_document") from None
    _remove(session, document)
    audit(session, actor, "document.delete", "document", document_id, edition_id=entry.edition_id,
          entry_id=entry.id)
    entries.record_change(session, actor, entry, "entry.documents_changed")


def list_documents(*, session: Session, actor: Actor, entry_id: int) -> list[Document]:
    entry = entries.load_readable_entry(session, actor, entry_id)
    return list(session.exec(select(Document).where(Document.entry_id == entry.id)
                             .order_by(Document.kind, Document.uploaded_at, Document.id)).all())


def get_document_for_viewer(*, session: Session, actor: Actor, document_id: int) -> DocumentFile:
    """The document for its entry's owner, organisers, a judge assigned to the entry, or an
    observer when it is the roadshow deck of an entry on their finalists list.

    Anyone else is told it does not exist. A judge whose only assignments to the entry are
    in blind rounds gets the judge's copy (documents.judge_copy): no metadata, annotation
    authors, attachments, scripts or actions, identity text out of bookmarks and notes.
    """
    if actor is None:
        raise NotFound("common.no_such_document")
    document = session.get(Document, document_id)
    entry = session.get(Entry, document.entry_id) if document is not None else None
    if document is None or entry is None:
        raise NotFound("common.no_such_document")
    blind = False
    if (entry.owner_id == actor.user_id and actor.has(Role.entrant)) or actor.is_organiser:
        pass
    elif actor.has(Role.judge):
        rounds = session.exec(select(Round.blind).join(Assignment, Assignment.round_id == Round.id)
                              .where(Assignment.entry_id == entry.id,
                                     Assignment.judge_id == actor.user_id,
                                     Assignment.status == AssignmentStatus.active.value)).all()
        if not rounds:
            raise NotFound("common.no_such_document")
        blind = all(rounds)
    elif not (actor.has(Role.observer) and observer_may_read(session, document, entry)):
        raise NotFound("common.no_such_document")
    data = storage.document_bytes(session=session, document=document)
    name = document.name
    if blind:
        edition = session.get(Edition, entry.edition_id)
        places = blind_rounds.places_of(edition)
        data = judge_copy(data, identities=blind_rounds.identities(session, [entry], places)[entry.id],
                          places=places)
        name = f"{entry.code}-{document.kind}.pdf"
    return DocumentFile(document.id, entry.id, document.kind, name, document.pages,
                        len(data), data, blind)


def observer_may_read(session: Session, document: Document, entry: Entry) -> bool:
    """Observers read roadshow decks of the entries they browse (the showcase round)."""
    shown = queries.showcase_round(session, entry.edition_id)
    return document.kind in OBSERVER_KINDS and shown is not None and entry.current_round_id == shown.id


def _remove(session: Session, document: Document) -> None:
    sha256 = document.sha256
    session.delete(document)
    session.flush()
    # Blobs are shared by content; drop one only when no document points at it any more.
    still_used = session.exec(select(func.count()).select_from(Document)
                              .where(Document.sha256 == sha256)).one()
    if not still_used:
        blob = session.get(DocumentBlob, sha256)
        if blob is not None:
            session.delete(blob)
            session.flush()
