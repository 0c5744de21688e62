"""A PDF page drawn as an image: the page asked for, with ink on it; bad pages are refused."""

import io

import pytest
from PIL import Image, ImageStat

from contest import pdfpages
from contest.services import demo

REPORT = demo.demo_pdf("Solid-state battery electrolyte", ["Project: electrolyte", "1. Technology"])


def ink(png: bytes) -> float:
    """Share of the image that is not white paper."""
    gray = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v < 200 else 0)
    return ImageStat.Stat(gray).mean[0] / 255


def test_the_first_page_is_drawn_at_the_width_asked_with_its_text_visible():
    image = pdfpages.render_page(REPORT, 1, width=800)
    assert (image.page, image.pages, image.width) == (1, 2, 800)
    assert image.height == pytest.approx(800 * 842 / 595, abs=2)  # A4 keeps its shape
    assert Image.open(io.BytesIO(image.png)).size == (image.width, image.height)
    assert 0.002 < ink(image.png) < 0.2  # printed lines on white paper, not blank, not black


def test_each_page_is_its_own_picture():
    assert pdfpages.render_page(REPORT, 1, width=400).png != pdfpages.render_page(REPORT, 2, width=400).png


@pytest.mark.parametrize("data, page", [
    (REPORT, 0), (REPORT, 3), (b"%PDF-1.4 not really a pdf", 1), (REPORT[: len(REPORT) // 3], 1),
], ids=["page zero", "past the end", "not a pdf", "cut short"])
def test_a_page_that_cannot_be_drawn_is_refused_cleanly(data, page):
    with pytest.raises(pdfpages.PageUnavailable):
        pdfpages.render_page(data, page, width=400)
