"""One page of a PDF as a PNG image, so every browser shows documents the same way.

Pure: PDF bytes in, image bytes out (PDFium through pypdfium2). A viewer renders only the
page a reader is on, never a whole 500-page file at once. PDFium is not thread-safe and a
Streamlit server runs each browser session in its own thread, so rendering is serialised.
"""

from __future__ import annotations

import dataclasses
import io
import threading

import pypdfium2 as pdfium

MAX_PIXELS = 12_000_000  # a page drawn larger than this (a poster, a map) is scaled down
_LOCK = threading.Lock()


class PageUnavailable(ValueError):
    """The page cannot be drawn (damaged file, or no such page)."""


@dataclasses.dataclass(frozen=True)
class PageImage:
    png: bytes
    page: int  # 1-based
    pages: int
    width: int
    height: int


def render_page(data: bytes, page: int, *, width: int) -> PageImage:
    """Page `page` (1-based) drawn `width` pixels wide, white background, as PNG."""
    with _LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PageUnavailable(str(exc)) from None
        try:
            pages = len(document)
            if not 1 <= page <= pages:
                raise PageUnavailable(f"page {page} of {pages}")
            pdf_page = document[page - 1]
            try:
                points_wide, points_high = pdf_page.get_size()
                scale = width / max(points_wide, 1.0)
                if points_wide * points_high * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / max(points_wide * points_high, 1.0)) ** 0.5
                bitmap = pdf_page.render(scale=scale, may_draw_forms=False)
                image = bitmap.to_pil()
            except pdfium.PdfiumError as exc:
                raise PageUnavailable(str(exc)) from None
            finally:
                pdf_page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=6)
    return PageImage(out.getvalue(), page, pages, image.width, image.height)
