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
from collections.abc import Sequence

import pypdf
from pypdf import generic

from contest import redaction

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


# --- active content and identity: what a PDF carries besides its pages -----------------

# Actions a viewer may run by itself or on a click that reach outside the document.
_SAFE_ACTIONS = frozenset({"/GoTo"})
# Annotations that carry files, media or scripts rather than marks on the page.
_DROPPED_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D",
                                  "/Popup"})
# Catalog entries that hold scripts, forms with scripts, files, article-thread info or portfolios.
_DROPPED_CATALOG = ("/OpenAction", "/AA", "/AcroForm", "/Threads", "/Collection", "/Metadata", "/PieceInfo",
                    "/SpiderInfo", "/URI")
_DROPPED_NAMES = ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations")
# JPEG segments that hold EXIF, XMP, Photoshop/IPTC and comments (APP0 JFIF, APP2 ICC and APP14
# Adobe describe how to decode the image and stay).
_JPEG_DROPPED = frozenset({0xE1, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEF, 0xFE})


def strip_jpeg_metadata(data: bytes) -> bytes:
    """A JPEG without EXIF, XMP, IPTC and comment segments (the picture itself unchanged)."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return data  # not a marker where one must be: leave the image as it is
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the compressed picture follows to the end
            out += data[i:]
            return bytes(out)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            out += data[i:i + 2]
            i += 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        segment = data[i:i + 2 + length]
        if marker not in _JPEG_DROPPED:
            out += segment
        i += 2 + length
    return data


def _action_is_safe(action) -> bool:
    action = action.get_object() if action is not None else None
    if not isinstance(action, generic.DictionaryObject):
        return True
    if action.get("/S") not in _SAFE_ACTIONS:
        return False
    follow = action.get("/Next")
    if follow is None:
        return True
    follow = follow.get_object()
    items = follow if isinstance(follow, generic.ArrayObject) else [follow]
    return all(_action_is_safe(item) for item in items)


def _redacted(value, identities, places):
    return generic.TextStringObject(redaction.redact(str(value), identities, places))


def _clean_annotations(page, identities, places) -> None:
    annots = page.get("/Annots")
    if annots is None:
        return
    kept = generic.ArrayObject()
    for ref in annots.get_object():
        annot = ref.get_object()
        if not isinstance(annot, generic.DictionaryObject) or annot.get("/Subtype") in _DROPPED_ANNOTATIONS:
            continue
        for key in ("/T", "/RC", "/Popup", "/AA", "/NM", "/M", "/CreationDate"):
            annot.pop(key, None)
        if "/A" in annot and not _action_is_safe(annot["/A"]):
            del annot["/A"]
        if "/Contents" in annot:
            annot[generic.NameObject("/Contents")] = _redacted(annot["/Contents"], identities, places)
        kept.append(ref)
    page[generic.NameObject("/Annots")] = kept


def _clean_outline(item, identities, places, seen: set) -> None:
    """Bookmarks keep their place in the document; their titles lose identity text and any
    action that leaves the document."""
    while item is not None:
        node = item.get_object()
        if id(node) in seen or not isinstance(node, generic.DictionaryObject):
            return
        seen.add(id(node))
        if "/Title" in node:
            node[generic.NameObject("/Title")] = _redacted(node["/Title"], identities, places)
        if "/A" in node and not _action_is_safe(node["/A"]):
            del node["/A"]
        node.pop("/SE", None)
        _clean_outline(node.get("/First"), identities, places, seen)
        item = node.get("/Next")


def _is_jpeg(stream) -> bool:
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    if isinstance(filters, generic.ArrayObject):
        return bool(filters) and filters[-1] == "/DCTDecode"
    return filters == "/DCTDecode"


def _all_objects(writer: pypdf.PdfWriter):
    for ref in list(writer._objects):  # every object the copy will write
        if ref is None:
            continue
        yield ref.get_object() if hasattr(ref, "get_object") else ref


def judge_copy(data: bytes, *, identities: Sequence[str] = (), places: Sequence[str] = ()) -> bytes:
    """The PDF a judge reads in a blind round: no document info or XMP (on the document, pages,
    images or anything else), no annotation authors, attachments, JavaScript or actions that
    leave the document, no embedded files or forms, image EXIF/XMP/comments removed, and
    identity text taken out of bookmark and annotation texts. The pages look the same."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.metadata = None
    writer.xmp_metadata = None
    root = writer._root_object
    for key in _DROPPED_CATALOG:
        root.pop(key, None)
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key in _DROPPED_NAMES:
            names.pop(key, None)
    for page in writer.pages:
        for key in ("/AA", "/Metadata", "/PieceInfo"):
            page.pop(key, None)
        _clean_annotations(page, identities, places)
    outlines = root.get("/Outlines")
    if outlines is not None:
        _clean_outline(outlines.get_object().get("/First"), identities, places, set())
    for obj in _all_objects(writer):
        if isinstance(obj, generic.DictionaryObject):
            for key in ("/Metadata", "/PieceInfo", "/JS", "/AA"):
                obj.pop(key, None)
            if obj.get("/S") in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                                 "/Rendition", "/URI", "/Sound", "/Movie"):
                obj[generic.NameObject("/S")] = generic.NameObject("/GoTo") if "/D" in obj else \
                    generic.NameObject("/NOP")
                for key in ("/F", "/URI", "/Win", "/Mac", "/Unix"):
                    obj.pop(key, None)
        if isinstance(obj, generic.StreamObject) and _is_jpeg(obj):
            jpeg = obj.get_data()  # earlier filters (ASCII85, Flate) undone; the JPEG itself stays
            obj._data = strip_jpeg_metadata(jpeg)
            obj[generic.NameObject("/Filter")] = generic.NameObject("/DCTDecode")
            obj.pop("/DecodeParms", None)
    return _reachable_only(writer)


def _reachable_only(writer: pypdf.PdfWriter) -> bytes:
    """The document written again from its root: objects no longer referenced (the removed
    metadata, files, scripts) are left out, so nothing of them is in the bytes either."""
    first = io.BytesIO()
    writer.write(first)
    again = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(first.getvalue()), strict=False))
    again.metadata = None  # the writer adds a /Producer of its own
    out = io.BytesIO()
    again.write(out)
    return out.getvalue()
