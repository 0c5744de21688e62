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
import zlib
from collections.abc import Sequence

import pypdf
from pypdf import generic

from contest import i18n, redaction

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
    """A file refused as a document: `message` for the user (a message id with parameters,
    or older English text); str(error) is its English wording."""

    def __init__(self, message: str | i18n.Message) -> None:
        self.message = message
        super().__init__(str(message))

    def __reduce__(self):  # keeps the message id when raised in a worker process
        return (type(self), (self.message,))


@dataclasses.dataclass(frozen=True)
class PdfInfo:
    sha256: str
    size: int
    pages: int
    safe_name: str


def check_pdf(data: bytes, filename: str, *, max_bytes: int, max_pages: int | None = None) -> PdfInfo:
    """Accept a non-empty, unencrypted PDF of at most max_bytes with 1 to max_pages pages."""
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
        declared = 0 if encrypted else _declared_pages(reader)
        if max_pages is not None and declared > max_pages:
            raise _TooManyPages(declared)
        pages = 0 if encrypted else _count_pages(reader, max_pages)
    except _TooManyPages as many:
        raise DocumentRejected(i18n.msg("documents.too_many_pages", name=safe_name, pages=f"{many.pages:,}",
                                        max=f"{max_pages:,}")) from None
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
    if max_pages is not None and pages > max_pages:
        raise DocumentRejected(i18n.msg("documents.too_many_pages", name=safe_name, pages=f"{pages:,}",
                                        max=f"{max_pages:,}"))
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


class _TooManyPages(Exception):
    def __init__(self, pages: int) -> None:
        self.pages = pages


def _declared_pages(reader: pypdf.PdfReader) -> int:
    """The page count the document declares (/Count), read before walking a huge page tree."""
    try:
        count = reader.trailer["/Root"].get_object()["/Pages"].get_object().get("/Count", 0)
        return max(0, int(count))
    except (KeyError, TypeError, ValueError, AttributeError):
        return 0


def _count_pages(reader: pypdf.PdfReader, limit: int | None = None) -> int:
    count = 0
    for page in reader.pages:
        page.mediabox  # resolves each page, so a broken page tree fails here, not later
        count += 1
        if limit is not None and count > limit:
            raise _TooManyPages(len(reader.pages))
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

# Actions that stay inside the document (or, for the entrant's stored copy, open a web link
# on a click); every other kind (JavaScript, Launch, SubmitForm, ImportData, GoToR ...) goes.
_IN_DOCUMENT = frozenset({"/GoTo"})
_STORED_ACTIONS = frozenset({"/GoTo", "/URI"})
# Annotations that carry files, media or scripts rather than marks on the page.
_CARRIERS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})
_PROGRAM_KEYS = ("/F", "/URI", "/Win", "/Mac", "/Unix", "/JS", "/Fields")
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
        if marker not in _JPEG_DROPPED:
            out += data[i:i + 2 + length]
        i += 2 + length
    return data


def _action_allowed(action, allowed: frozenset[str], depth: int = 0) -> bool:
    action = action.get_object() if action is not None else None
    if not isinstance(action, generic.DictionaryObject):
        return True  # a bare destination
    if action.get("/S") not in allowed or depth > 20:
        return False
    follow = action.get("/Next")
    if follow is None:
        return True
    follow = follow.get_object()
    items = follow if isinstance(follow, generic.ArrayObject) else [follow]
    return all(_action_allowed(item, allowed, depth + 1) for item in items)


def _walk_outline(item, visit) -> None:
    seen: set[int] = set()
    stack = [item]
    while stack:
        item = stack.pop()
        while item is not None:
            node = item.get_object()
            if id(node) in seen or not isinstance(node, generic.DictionaryObject):
                break
            seen.add(id(node))
            visit(node)
            if node.get("/First") is not None:
                stack.append(node.get("/First"))
            item = node.get("/Next")


def _all_objects(writer: pypdf.PdfWriter):
    for ref in list(writer._objects):  # every object the copy will write
        if ref is None:
            continue
        yield ref.get_object() if hasattr(ref, "get_object") else ref


def _is_jpeg(stream) -> bool:
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    if isinstance(filters, generic.ArrayObject):
        return bool(filters) and filters[-1] == "/DCTDecode"
    return filters == "/DCTDecode"


def _remove_active_content(writer: pypdf.PdfWriter, allowed: frozenset[str]) -> None:
    """Scripts, automatic actions, actions outside `allowed`, embedded files and forms go;
    pages, bookmarks, notes and the allowed links stay."""
    root = writer._root_object
    opening = root.get("/OpenAction")
    if opening is not None and isinstance(opening.get_object(), generic.DictionaryObject):
        del root["/OpenAction"]  # a plain destination (open at page 1) may stay
    for key in ("/AA", "/AcroForm", "/Collection", "/Threads"):
        root.pop(key, None)
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations"):
            names.pop(key, None)
    for page in writer.pages:
        page.pop("/AA", None)
        annots = page.get("/Annots")
        if annots is None:
            continue
        kept = generic.ArrayObject()
        for ref in annots.get_object():
            annot = ref.get_object()
            if not isinstance(annot, generic.DictionaryObject) or annot.get("/Subtype") in _CARRIERS:
                continue
            annot.pop("/AA", None)
            if "/A" in annot and not _action_allowed(annot["/A"], allowed):
                del annot["/A"]
            kept.append(ref)
        page[generic.NameObject("/Annots")] = kept
    outlines = root.get("/Outlines")
    if outlines is not None:
        def drop_actions(node):
            if "/A" in node and not _action_allowed(node["/A"], allowed):
                del node["/A"]
        _walk_outline(outlines.get_object().get("/First"), drop_actions)
    for obj in _all_objects(writer):
        if isinstance(obj, generic.DictionaryObject):
            obj.pop("/AA", None)
            kind = obj.get("/S")
            is_action = obj.get("/Type") == "/Action" or kind in _ACTION_KINDS
            if is_action and (kind not in allowed or "/JS" in obj):
                # What is left of a removed action does nothing: a jump with no destination.
                obj[generic.NameObject("/S")] = generic.NameObject("/GoTo")
                for key in (*_PROGRAM_KEYS, "/D"):
                    obj.pop(key, None)


# Every action type of the PDF standard (ISO 32000-2, 12.6.4).
_ACTION_KINDS = frozenset({
    "/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound", "/Movie", "/Hide", "/Named",
    "/SubmitForm", "/ResetForm", "/ImportData", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
    "/JavaScript", "/RichMediaExecute",
})


def _reachable_only(writer: pypdf.PdfWriter, *, keep_metadata: bool = False) -> bytes:
    """The document written again from its root: objects no longer referenced (removed
    metadata, files, scripts) are left out, so nothing of them is in the bytes either."""
    first = io.BytesIO()
    writer.write(first)
    again = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(first.getvalue()), strict=False))
    if not keep_metadata:
        again.metadata = None  # the writer adds a /Producer of its own
    out = io.BytesIO()
    again.write(out)
    return out.getvalue()


def neutralised_copy(data: bytes) -> bytes:
    """The PDF as stored for everyone: without JavaScript, automatic or program-starting
    actions, embedded files and forms; pages, bookmarks, notes and links stay."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data), strict=False))
    _remove_active_content(writer, _STORED_ACTIONS)
    return _reachable_only(writer, keep_metadata=True)


def judge_copy(data: bytes, *, identities: Sequence[str] = (), places: Sequence[str] = ()) -> bytes:
    """The PDF a judge reads in a blind round: the neutralised copy without web links either,
    and without document info or XMP (on the document, pages, images or anything else),
    annotation authors and times, image EXIF/XMP/comments; identity text taken out of
    bookmark and annotation texts. The pages look the same."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data), strict=False))
    writer.metadata = None
    writer.xmp_metadata = None
    _remove_active_content(writer, _IN_DOCUMENT)
    root = writer._root_object
    for key in ("/Metadata", "/PieceInfo", "/SpiderInfo", "/URI"):
        root.pop(key, None)

    def redacted(value):
        return generic.TextStringObject(redaction.redact(str(value), identities, places))

    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            page.pop(key, None)
        annots = page.get("/Annots")
        kept = generic.ArrayObject()
        for ref in annots.get_object() if annots is not None else []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Popup":
                continue  # the pop-up window of a note: its author's label
            for key in ("/T", "/RC", "/Popup", "/NM", "/M", "/CreationDate"):
                annot.pop(key, None)
            if "/Contents" in annot:
                annot[generic.NameObject("/Contents")] = redacted(annot["/Contents"])
            kept.append(ref)
        if annots is not None:
            page[generic.NameObject("/Annots")] = kept
    outlines = root.get("/Outlines")
    if outlines is not None:
        def clean(node):
            if "/Title" in node:
                node[generic.NameObject("/Title")] = redacted(node["/Title"])
        _walk_outline(outlines.get_object().get("/First"), clean)
    for obj in _all_objects(writer):
        if isinstance(obj, generic.DictionaryObject):
            for key in ("/Metadata", "/PieceInfo"):
                obj.pop(key, None)
        if isinstance(obj, generic.StreamObject) and _is_jpeg(obj):
            jpeg = obj.get_data()  # earlier filters (ASCII85, Flate) undone; the JPEG itself stays
            obj._data = strip_jpeg_metadata(jpeg)
            obj[generic.NameObject("/Filter")] = generic.NameObject("/DCTDecode")
            obj.pop("/DecodeParms", None)
    return _reachable_only(writer)


# --- hostile PDFs: refused or neutralised, within limits -------------------------------

MAX_PAGES = 500
MAX_INFLATED_BYTES = 512 * 1024 * 1024
# Attachments that are programs or scripts: a portfolio document never needs one.
_PROGRAM_SUFFIXES = (".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js",
                     ".jse", ".wsf", ".hta", ".jar", ".sh", ".bin", ".elf", ".apk", ".app", ".dmg", ".pif",
                     ".cpl", ".lnk", ".reg")
_PROGRAM_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")


@dataclasses.dataclass(frozen=True)
class PdfLimits:
    max_bytes: int
    max_pages: int = MAX_PAGES
    max_inflated_bytes: int = MAX_INFLATED_BYTES


@dataclasses.dataclass(frozen=True)
class CheckedPdf:
    """A PDF accepted for storage: what to store (neutralised when it carried active content),
    what was removed from it, and the organisation names its text mentions."""

    info: PdfInfo
    data: bytes
    removed: tuple[str, ...] = ()  # "javascript", "actions", "embedded_files", "forms"
    names_found: tuple[str, ...] = ()


def inspect_pdf(data: bytes, filename: str, *, limits: PdfLimits, look_for: Sequence[str] = ()) -> CheckedPdf:
    """The one check of an uploaded PDF, for any path: check_pdf's rules, at most
    limits.max_pages pages and limits.max_inflated_bytes once decompressed, no embedded
    program (refused); JavaScript, automatic and external actions, embedded files and forms
    are removed (the stored copy is neutralised and says so); the text is searched for
    look_for (an organisation's names) for a blind round's warning. Slow on big files: run it
    in a worker with a time limit, outside any database transaction."""
    info = check_pdf(data, filename, max_bytes=limits.max_bytes, max_pages=limits.max_pages)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        _check_inflated_size(reader, info.safe_name, limits.max_inflated_bytes)
        found = _active_content(reader)
        programs = [name for name, payload in found["files"] if _is_program(name, payload)]
        if programs:
            raise DocumentRejected(i18n.msg("documents.carries_program", name=info.safe_name,
                                            programs=", ".join(sorted(set(programs)))[:200]))
        removed = tuple(kind for kind in ("javascript", "actions", "embedded_files", "forms") if found[kind])
        stored = neutralised_copy(data) if removed else data
        if removed:
            info = dataclasses.replace(info, sha256=hashlib.sha256(stored).hexdigest(), size=len(stored))
        # What is stored must itself read, page by page, as the judges' viewer will read it.
        names = _names_in_text(pypdf.PdfReader(io.BytesIO(stored), strict=False), look_for)
        judge_copy(stored)
    except DocumentRejected:
        raise
    # pypdf raises many types on hostile input; any of them means "not a readable PDF".
    except Exception as error:  # noqa: BLE001
        raise DocumentRejected(
            f"{info.safe_name} could not be read as a PDF (it looks damaged); save or export it again."
        ) from error
    return CheckedPdf(info=info, data=stored, removed=removed, names_found=names)


def _check_inflated_size(reader: pypdf.PdfReader, name: str, limit: int) -> None:
    """Refuse a decompression bomb: the streams' decoded size, counted without holding more
    than one stream's worth of output, must stay within the limit."""
    total = 0
    for obj in _reader_objects(reader):
        if not isinstance(obj, generic.StreamObject):
            continue
        filters = obj.get("/Filter")
        filters = filters.get_object() if filters is not None else None
        names = list(filters) if isinstance(filters, generic.ArrayObject) else [filters] if filters else []
        raw = obj._data or b""
        if names and names[0] in ("/FlateDecode", "/Fl"):
            total += _inflated_size(raw, limit - total + 1)
        else:
            total += len(raw)
        if total > limit:
            raise DocumentRejected(i18n.msg("documents.expands_too_much", name=name, size=_megabytes(limit)))


def _inflated_size(raw: bytes, budget: int) -> int:
    inflater = zlib.decompressobj()
    size, chunk = 0, raw
    try:
        while chunk and size <= budget:
            out = inflater.decompress(chunk, 1 << 20)
            size += len(out)
            chunk = inflater.unconsumed_tail
    except zlib.error:
        return size + len(raw)  # damaged: counts as its own size; pypdf decides whether it reads
    return size


def _reader_objects(reader: pypdf.PdfReader):
    numbers = {n for table in reader.xref.values() for n in table} | set(reader.xref_objStm)
    for number in sorted(numbers):
        try:
            yield reader.get_object(number)
        except Exception:  # noqa: BLE001  (a damaged object is not content)
            continue


def _active_content(reader: pypdf.PdfReader) -> dict:
    """What runs or is carried rather than shown: scripts, actions, files, forms."""
    found = {"javascript": False, "actions": False, "embedded_files": False, "forms": False, "files": []}
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/JavaScript" in names:
        found["javascript"] = True
    if "/OpenAction" in root and isinstance(root["/OpenAction"].get_object(), generic.DictionaryObject):
        found["actions"] = True
    if "/AA" in root:
        found["actions"] = True
    if "/AcroForm" in root:
        found["forms"] = True
    for obj in _reader_objects(reader):
        if not isinstance(obj, generic.DictionaryObject):
            continue
        kind = obj.get("/S")
        if kind in ("/JavaScript", "/Rendition") or "/JS" in obj:
            found["javascript"] = True
        elif (obj.get("/Type") == "/Action" or kind in _ACTION_KINDS) and kind not in _STORED_ACTIONS:
            found["actions"] = True
        if "/AA" in obj:
            found["actions"] = True
        if obj.get("/Type") == "/Filespec" or "/EF" in obj:
            ef = obj.get("/EF")
            ef = ef.get_object() if ef is not None else None
            if isinstance(ef, generic.DictionaryObject):
                found["embedded_files"] = True
                name = str(obj.get("/UF") or obj.get("/F") or "")
                for stream in ef.values():
                    try:
                        payload = stream.get_object().get_data()[:64]
                    except Exception:  # noqa: BLE001
                        payload = b""
                    found["files"].append((name, payload))
        if obj.get("/Subtype") == "/FileAttachment":
            found["embedded_files"] = True
    return found


def _is_program(name: str, payload: bytes) -> bool:
    lowered = name.lower().strip()
    return lowered.endswith(_PROGRAM_SUFFIXES) or payload.startswith(_PROGRAM_MAGIC)


def _names_in_text(reader: pypdf.PdfReader, look_for: Sequence[str]) -> tuple[str, ...]:
    wanted = [n.strip() for n in look_for if n and len(n.strip()) >= 3]
    if not wanted:
        return ()
    found: set[str] = set()
    for page in reader.pages:
        try:
            text = " ".join(page.extract_text().split()).casefold()
        except Exception:  # noqa: BLE001  (a page whose text cannot be read names nobody)
            continue
        found.update(name for name in wanted if " ".join(name.split()).casefold() in text)
        if len(found) == len(wanted):
            break
    return tuple(sorted(found))
