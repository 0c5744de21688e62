"""Documents: real PDFs accepted with their page count; hostile files refused clearly."""

import hashlib
import io
import zipfile

import pypdf
import pytest
from reportlab.pdfgen import canvas

from contest import documents

MB = 1024 * 1024


def make_pdf(pages=2, *, author="Alice Wong", title="Secret Portfolio Title"):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setAuthor(author)
    pdf.setTitle(title)
    pdf.setCreator("Acme Creator Suite")
    pdf.setSubject("Portfolio of Acme Robotics")
    pdf.setKeywords("acme, robotics")
    for number in range(pages):
        pdf.drawString(100, 700, f"Page {number + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def rewrite(data, change):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_xmp(data):
    def add(writer):
        writer.xmp_metadata = (
            b'<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            b"<dc:creator>Alice Wong (XMP)</dc:creator></x:xmpmeta><?xpacket end=\"w\"?>"
        )
    return rewrite(data, add)


def refusal(data, name="upload.pdf", max_bytes=50 * MB):
    with pytest.raises(documents.DocumentRejected) as caught:
        documents.check_pdf(data, name, max_bytes=max_bytes)
    return str(caught.value)


def test_a_real_pdf_is_accepted_with_its_hash_size_and_page_count():
    data = make_pdf(pages=3)
    info = documents.check_pdf(data, "Analysis report.pdf", max_bytes=50 * MB)
    assert info.pages == 3
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.safe_name == "Analysis report.pdf"


def test_a_file_exactly_at_the_limit_is_accepted():
    data = make_pdf()
    assert documents.check_pdf(data, "a.pdf", max_bytes=len(data)).pages == 2


HOSTILE = [
    ("an executable renamed .pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is not a PDF (it is a Windows program)"),
    ("an HTML page renamed .pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "is not a PDF (it is a web page)"),
    ("a ZIP renamed .pdf", None, "is not a PDF (it is a ZIP archive or Office document)"),
    ("plain text", b"just some words", "is not a PDF; upload a PDF file"),
    ("an empty file", b"", "is empty (0 bytes)"),
    ("a PDF cut in half", "truncated", "is incomplete"),
    ("a PDF header with garbage after it", b"%PDF-1.7\nnot really a pdf\n%%EOF\n",
     "could not be read as a PDF"),
    ("an encrypted PDF", "encrypted", "is password-protected or encrypted"),
    ("a PDF encrypted with an empty user password", "encrypted_empty",
     "is password-protected or encrypted"),
    ("a PDF with no pages", "zero_pages", "has no pages"),
]


def hostile_bytes(data):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        return buffer.getvalue()
    if data == "truncated":
        whole = make_pdf()
        return whole[: len(whole) // 2]
    if data == "encrypted":
        return rewrite(make_pdf(), lambda writer: writer.encrypt("user-pw", "owner-pw"))
    if data == "encrypted_empty":
        return rewrite(make_pdf(), lambda writer: writer.encrypt("", "owner-pw"))
    if data == "zero_pages":
        out = io.BytesIO()
        pypdf.PdfWriter().write(out)
        return out.getvalue()
    return data


@pytest.mark.parametrize("description, data, phrase", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_upload_is_refused_with_a_clear_message(description, data, phrase):
    message = refusal(hostile_bytes(data), name="report.pdf")
    assert message.startswith("report.pdf ")
    assert phrase in message


def test_oversized_file_is_refused_naming_its_size_and_the_limit():
    data = make_pdf() + b"\n" * (2 * MB)  # trailing whitespace keeps it a valid PDF
    message = refusal(data, max_bytes=1 * MB)
    assert "is 2.0 MB; the largest file accepted is 1.0 MB" in message


@pytest.mark.parametrize("name, reason", [
    ("../../etc/passwd.pdf", "contains a folder path"),
    ("..\\..\\windows\\evil.pdf", "contains a folder path"),
    ("rep\x00ort\x1b.pdf", "contains control or invisible characters"),
    ("analysis\u202efdp.exe.pdf", "contains control or invisible characters"),
])
def test_a_hostile_file_name_is_refused_and_shown_only_in_its_safe_form(name, reason):
    message = refusal(make_pdf(), name=name)
    assert reason in message and "rename the file" in message
    assert "\x1b" not in message and "etc/" not in message and "\u202e" not in message


@pytest.mark.parametrize("name, safe", [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("../", "document.pdf"),
    ("rep\x00ort\x1b\x7f.pdf", "report.pdf"),
    ("line\nbreak\ttab.pdf", "line break tab.pdf"),
    ("analysis\u202efdp.exe", "analysisfdp.exe.pdf"),  # right-to-left override removed
    ("分析评议报告 v2.PDF", "分析评议报告 v2.pdf"),
    ("Ｒｅｐｏｒｔ.pdf", "Ｒｅｐｏｒｔ.pdf"),  # letters of any script are kept
    ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("deck.", "deck.pdf"),
    ("", "document.pdf"),
    (None, "document.pdf"),
    ("CON.pdf", "document_CON.pdf"),
])
def test_file_names_are_sanitised(name, safe):
    assert documents.sanitise_filename(name) == safe


@pytest.mark.parametrize("stem", ["a" * 400, "报" * 200, "é" * 300])
def test_long_names_are_bounded_without_breaking_a_character(stem):
    safe = documents.sanitise_filename(stem + ".pdf")
    assert safe.endswith(".pdf")
    assert len(safe.encode("utf-8")) <= documents.MAX_NAME_BYTES
    assert safe[:-4] == stem[: len(safe) - 4]


def test_the_judge_copy_removes_document_info_and_xmp_and_keeps_the_pages():
    original = with_xmp(make_pdf(pages=3))
    assert set(documents.document_metadata(original)) >= {
        "/Author", "/Creator", "/Producer", "/Title", "/Subject", "/Keywords", "/Metadata"
    }
    stripped = documents.judge_copy(original)
    assert documents.document_metadata(stripped) == {}
    assert documents.check_pdf(stripped, "blind.pdf", max_bytes=50 * MB).pages == 3


def test_the_judge_copy_does_not_contain_the_author_anywhere_in_its_bytes():
    stripped = documents.judge_copy(with_xmp(make_pdf()))
    for secret in (b"Alice Wong", b"Secret Portfolio", b"Acme Creator", b"acme, robotics"):
        assert secret not in stripped


def test_the_judge_copy_keeps_the_page_text():
    stripped = documents.judge_copy(make_pdf(pages=2))
    reader = pypdf.PdfReader(io.BytesIO(stripped))
    assert [page.extract_text().strip() for page in reader.pages] == ["Page 1", "Page 2"]


def test_document_kinds_have_labels():
    assert documents.DOCUMENT_KINDS == ("report", "roadshow", "supporting")
    assert set(documents.DOCUMENT_LABELS) == set(documents.DOCUMENT_KINDS)


@pytest.mark.parametrize("segment, kept", [
    (b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", True),  # APP0: how to decode
    (b"\xff\xe1\x00\x0eExif\x00\x00Alice!", False),  # APP1: EXIF (the artist, the camera ...)
    (b"\xff\xed\x00\x0bPhotoshop", False),  # APP13: IPTC captions and bylines
    (b"\xff\xfe\x00\x0bAcme scan", False),  # a comment
    (b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01", True),  # APP14: the colour transform
])
def test_a_jpeg_loses_exactly_its_descriptive_segments(segment, kept):
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00 picture data \xff\xd9"
    jpeg = b"\xff\xd8" + segment + scan
    assert documents.strip_jpeg_metadata(jpeg) == (jpeg if kept else b"\xff\xd8" + scan)
