"""PDFs built for the document tests with real content of every kind a PDF can hide: document
info and XMP, an image carrying its own XMP, EXIF and comment, annotations with authors, a
web link, embedded files (one a Windows program), bookmarks, document JavaScript and a Launch
action. Written with reportlab and pypdf; nothing here is a mock."""

from __future__ import annotations

import io
import zlib

import pypdf
from PIL import Image
from pypdf import generic
from pypdf.annotations import FreeText, Link, Text
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


def _name(value: str) -> generic.NameObject:
    return generic.NameObject(value)


def xmp(creator: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
        f"{creator}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def jpeg_with_metadata(person: str, organisation: str) -> bytes:
    """A small photo whose EXIF names the artist, whose XMP names the creator and whose
    comment names the organisation."""
    image = Image.new("RGB", (40, 30), (200, 80, 20))
    exif = Image.Exif()
    exif[0x013B] = f"{person} ({organisation})"  # Artist
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), xmp=xmp(f"{person} of {organisation}"),
               comment=f"scanned by {organisation}".encode())
    return out.getvalue()


def plain_pdf(pages: int = 2, text: str = "Gripper portfolio: analysis and evaluation report") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for n in range(pages):
        pdf.drawString(72, 750, f"{text} (page {n + 1})")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def identity_laden_pdf(person: str = "Chen Wei", organisation: str = "Lanhai Microelectronics",
                       city: str = "Shenzhen", *, javascript: bool = True, launch: bool = True,
                       executable: bool = True) -> bytes:
    """Two pages of report; everything else names the person, the organisation or the city."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setAuthor(person)
    pdf.setTitle(f"{organisation} portfolio")
    pdf.setCreator(f"{organisation} IP department")
    pdf.drawString(72, 750, "Edge AI chip portfolio: analysis and evaluation report")
    pdf.drawImage(ImageReader(io.BytesIO(jpeg_with_metadata(person, organisation))), 72, 600, 40, 30)
    pdf.showPage()
    pdf.drawString(72, 750, "Patent landscape and layout")
    pdf.showPage()
    pdf.save()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(buffer.getvalue())))
    writer.add_metadata({"/Author": person, "/Producer": organisation})
    root = writer._root_object
    document_xmp = generic.StreamObject()
    document_xmp.set_data(xmp(person))
    root[_name("/Metadata")] = writer._add_object(document_xmp)
    for ref in writer.pages[0]["/Resources"]["/XObject"].values():
        image_xmp = generic.StreamObject()
        image_xmp.set_data(xmp(f"{person}, {organisation}"))
        image_xmp[_name("/Type")] = _name("/Metadata")
        image_xmp[_name("/Subtype")] = _name("/XML")
        ref.get_object()[_name("/Metadata")] = writer._add_object(image_xmp)
    note = Text(rect=(50, 550, 200, 650), text=f"Checked by {person}, {organisation}")
    note[_name("/T")] = generic.TextStringObject(person)
    writer.add_annotation(0, note)
    remark = FreeText(text=f"{organisation} confidential", rect=(50, 500, 300, 530))
    remark[_name("/T")] = generic.TextStringObject(person)
    writer.add_annotation(0, remark)
    writer.add_annotation(0, Link(rect=(50, 450, 200, 470), url=f"https://{organisation.split()[0].lower()}.example.com"))
    writer.add_attachment(f"{organisation} cost sheet.xlsx", b"PK\x03\x04 cost sheet of " + organisation.encode())
    if executable:
        writer.add_attachment("setup.exe", b"MZ\x90\x00\x03 a Windows program")
    writer.add_outline_item(title=f"{organisation}: company profile", page_number=0)
    writer.add_outline_item(title=f"Our {city} factory", page_number=1)
    if javascript:
        script = generic.DictionaryObject({_name("/S"): _name("/JavaScript"),
                                           _name("/JS"): generic.TextStringObject("app.alert('hello');")})
        names = root["/Names"].get_object()
        names[_name("/JavaScript")] = writer._add_object(generic.DictionaryObject({
            _name("/Names"): generic.ArrayObject([generic.TextStringObject("greeting"), writer._add_object(script)])}))
    if launch:
        run = generic.DictionaryObject({_name("/S"): _name("/Launch"), _name("/F"): generic.TextStringObject("calc.exe")})
        root[_name("/OpenAction")] = writer._add_object(run)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def every_decoded_byte(data: bytes) -> bytes:
    """The file's bytes plus every stream decoded: what anyone could read out of it."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    parts = [data]
    numbers = {n for table in reader.xref.values() for n in table} | set(reader.xref_objStm)
    for number in sorted(numbers):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001  (a damaged object reads as nothing)
            continue
        if isinstance(obj, generic.StreamObject):
            try:
                parts.append(obj.get_data())
            except Exception:  # noqa: BLE001
                parts.append(obj._data)
        elif obj is not None:
            parts.append(repr(obj).encode())
    return b"\n".join(parts)


def expanding_pdf(pages: int, expands_to: int) -> bytes:
    """A small file with a stream of zeros that expands to `expands_to` bytes when opened."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain_pdf(pages=pages))))
    filler = generic.StreamObject()
    filler._data = zlib.compress(bytes(expands_to), 9)
    filler[_name("/Filter")] = _name("/FlateDecode")
    writer._root_object[_name("/Filler")] = writer._add_object(filler)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
