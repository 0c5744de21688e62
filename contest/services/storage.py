"""Content-addressed document storage in the database, shared by every app server."""

from __future__ import annotations

from sqlmodel import Session

from contest import documents
from contest.models import Document, DocumentBlob


def store_document(
    *, session: Session, entry_id: int, data: bytes, filename: str, kind: str, uploaded_by: int | None,
    max_bytes: int, checked: documents.CheckedPdf | None = None,
) -> Document:
    """Store a checked PDF's bytes once per sha256 and link it to the entry. `checked` is
    documents.inspect_pdf's verdict (the upload service runs it in a worker); without it the
    PDF is inspected here (demo data, tests), under the same rules.

    Raises documents.DocumentRejected (nothing stored) for anything that is not a usable PDF.
    Does not commit: the calling service does, after its permission checks and audit.
    """
    if kind not in documents.DOCUMENT_KINDS:
        raise documents.DocumentRejected(f"Unknown document kind '{kind}'.")
    if checked is None:
        checked = documents.inspect_pdf(data, filename, limits=documents.PdfLimits(max_bytes=max_bytes))
    info, data = checked.info, checked.data
    if session.get(DocumentBlob, info.sha256) is None:
        session.add(DocumentBlob(sha256=info.sha256, data=data, size=info.size))
        session.flush()  # the blob row must exist before the document that points to it
    doc = Document(
        entry_id=entry_id, sha256=info.sha256, kind=kind, name=info.safe_name, size=info.size, pages=info.pages,
        uploaded_by=uploaded_by,
    )
    session.add(doc)
    session.flush()
    return doc


def document_bytes(*, session: Session, document: Document) -> bytes:
    blob = session.get(DocumentBlob, document.sha256)
    return blob.data if blob is not None else b""
