"""Entry documents: PDF checks by content, safe file names, metadata stripping.

Pure: bytes in, bytes or plain values out. A document is accepted only when pypdf can
really parse it (a `.pdf` name or `%PDF` magic bytes alone prove nothing).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import unicodedata

import pypdf
from pypdf import generic

DOCUMENT_KINDS = ("report", "roadshow", "supporting")
DOCUMENT_LABELS = {
    "report": "analysis and evaluation report",
    "roadshow": "roadshow deck",
    "supporting": "supporting document",
}

MAX_NAME_BYTES = 150
_INFO_KEYS = ("/Author", "/Creator", "/Producer", "/Title", "/Subject", "/Keywords")
_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM\d|LPT\d)$", re.IGNORECASE)
# What a renamed file most often really is, so the message can say so.
_SIGNATURES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"#!", "a script"),
)


class DocumentRejected(ValueError):
    """A file refused as a document; str(error) is the message for the user."""


@dataclasses.dataclass(frozen=True)
class PdfInfo:
    sha256: str
    size: int
    pages: int
    safe_name: str


def check_pdf(data: bytes, filename: str, *, max_bytes: int) -> PdfInfo:
    """Accept a non-empty, unencrypted PDF of at most max_bytes with at least one page."""
    safe_name = sanitise_filename(filename)
    hostile = _hostile_name(filename or "")
    if hostile:
        raise DocumentRejected(
            f"The file name was refused because it {hostile} (shown safely: {safe_name}); "
            "rename the file and upload it again."
        )
    if not data:
        raise DocumentRejected(f"{safe_name} is empty (0 bytes).")
    if len(data) > max_bytes:
        raise DocumentRejected(
            f"{safe_name} is {_megabytes(len(data))}; the largest file accepted is "
            f"{_megabytes(max_bytes)}."
        )
    # The PDF standard lets readers tolerate junk before the header, but only a little.
    if b"%PDF-" not in data[:1024]:
        raise DocumentRejected(f"{safe_name} is not a PDF{_what_it_is(data)}; upload a PDF file.")
    if b"%%EOF" not in data[-4096:]:
        raise DocumentRejected(
            f"{safe_name} is incomplete (the end of the PDF is missing, perhaps a broken "
            "download); save or export it again."
        )
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else _count_pages(reader)
    # pypdf raises many types on hostile input (PdfReadError, KeyError, RecursionError...);
    # any of them means "not a readable PDF" to the user.
    except Exception as error:  # noqa: BLE001
        raise DocumentRejected(
            f"{safe_name} could not be read as a PDF (it looks damaged); save or export it "
            "again."
        ) from error
    if encrypted:
        raise DocumentRejected(
            f"{safe_name} is password-protected or encrypted; upload an unprotected copy so "
            "judges can open it."
        )
    if pages == 0:
        raise DocumentRejected(f"{safe_name} has no pages.")
    return PdfInfo(hashlib.sha256(data).hexdigest(), len(data), pages, safe_name)


def _hostile_name(name: str) -> str | None:
    """Why a file name is refused: a folder path or control characters never come from an
    honest upload (browsers send the bare name)."""
    if re.search(r"[/\\]", name):
        return "contains a folder path"
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        return "contains control or invisible characters"
    return None


def sanitise_filename(name: str | None) -> str:
    """A display/download name: no folders, no control or format characters, ends .pdf."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    # Cc: control characters; Cf: invisible format characters such as the right-to-left
    # override that makes "fdp.exe" look like "exe.pdf".
    text = re.sub(r"\s", " ", text)
    text = "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))
    text = re.sub(r'[<>:"|?*]', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    stem = re.sub(r"\.pdf$", "", text, flags=re.IGNORECASE).rstrip(" .")
    if not stem or _WINDOWS_RESERVED.match(stem.split(".")[0]):
        stem = f"document{'_' + stem if stem else ''}"
    limit = MAX_NAME_BYTES - len(".pdf")
    while len(stem.encode("utf-8")) > limit:
        stem = stem[:-1]
    return stem.rstrip(" .") + ".pdf"


def strip_metadata(data: bytes) -> bytes:
    """The same PDF without document info (author, creator, producer, ...) or XMP metadata."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.metadata = None
    writer.xmp_metadata = None
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if key in page:
                del page[key]
    # Dropping the references leaves the old objects in the file; remove them too so the
    # author cannot be read from the raw bytes.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def document_metadata(data: bytes) -> dict[str, str]:
    """Document info fields and whether XMP metadata is present, as plain strings."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    info = reader.metadata or {}
    found = {key: str(info[key]) for key in _INFO_KEYS if key in info}
    root = reader.trailer["/Root"].get_object()
    if isinstance(root, generic.DictionaryObject) and "/Metadata" in root:
        found["/Metadata"] = "XMP"
    return found


def _count_pages(reader: pypdf.PdfReader) -> int:
    count = len(reader.pages)
    for page in reader.pages:
        page.mediabox  # resolves each page, so a broken page tree fails here, not later
    return count


def _what_it_is(data: bytes) -> str:
    head = data[:512].lstrip()
    for signature, description in _SIGNATURES:
        if head.startswith(signature):
            return f" (it is {description})"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")) or b"<html" in lowered:
        return " (it is a web page)"
    return ""


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
