"""Fuzzing the three parsers that read what outsiders send: the workbook reader, the patent
number parser and the PDF checks. Whatever the input, the answer is a result or a clean
refusal (never another exception), within a bounded time per input.

The default run is small (a few seconds); CONTEST_FUZZ_EXAMPLES=5000 runs a long campaign.
"""

from __future__ import annotations

import functools
import io
import os
from datetime import timedelta

import openpyxl
import pypdf
from openpyxl.utils.exceptions import IllegalCharacterError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from contest import documents, excel, patents
from contest.excel import reader, templates
from tests import hostile_pdfs

EXAMPLES = int(os.environ.get("CONTEST_FUZZ_EXAMPLES", "25"))
_CAMPAIGN = bool(os.environ.get("CONTEST_FUZZ_EXAMPLES"))


def fuzz(share: float = 1.0):
    """Hypothesis settings: `share` of the examples (slow targets take fewer), each input
    answered within 20 s; the default run is the same every time, a campaign explores."""
    return settings(max_examples=max(3, int(EXAMPLES * share)), deadline=timedelta(seconds=20),
                    derandomize=not _CAMPAIGN,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


FUZZ = fuzz()
LIMITS = documents.PdfLimits(max_bytes=2 * 1024 * 1024, max_pages=50, max_inflated_bytes=8 * 1024 * 1024)

_TEMPLATE = templates.template_workbook("entries")


@functools.cache
def sample_pdfs() -> tuple[bytes, ...]:
    return (hostile_pdfs.plain_pdf(pages=2), hostile_pdfs.identity_laden_pdf(executable=False),
            hostile_pdfs.expanding_pdf(pages=1, expands_to=64 * 1024))

# Cell values an outsider might type: text of any kind, numbers, formulas, dates as text.
cell_values = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "2020-02-30", "CN201710601862.3", "invention",
                     "\x00", "   ", "ZL 2017 1 0601862.3", "9" * 400]),
)


def mutated(data: bytes, draw_positions: list[tuple[int, int]], cut: int | None) -> bytes:
    """The bytes with some of them replaced and perhaps cut short."""
    out = bytearray(data)
    for position, value in draw_positions:
        out[position % len(out)] = value
    return bytes(out[:cut] if cut else out)


mutations = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=12)


def read_answers_cleanly(data: bytes) -> None:
    result = excel.read_workbook("entries", data)
    assert isinstance(result, reader.ImportRows)
    for error in result.errors:
        assert isinstance(error.message, str) or error.message is not None


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_as_a_workbook_get_an_answer_not_an_exception(data):
    read_answers_cleanly(data)


@FUZZ
@given(mutations, st.one_of(st.none(), st.integers(min_value=1, max_value=len(_TEMPLATE))))
def test_a_damaged_workbook_gets_an_answer_not_an_exception(changes, cut):
    read_answers_cleanly(mutated(_TEMPLATE, changes, cut))


@fuzz(0.4)
@given(st.lists(st.lists(cell_values, min_size=1, max_size=12), max_size=4))
def test_any_cell_values_get_an_answer_not_an_exception(rows):
    book = openpyxl.load_workbook(io.BytesIO(_TEMPLATE))
    sheet = book["entries"]
    try:
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                sheet.cell(row=r, column=c, value=value)
        out = io.BytesIO()
        book.save(out)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl cannot write it: no user could send it
        return
    read_answers_cleanly(out.getvalue())


@FUZZ
@given(st.one_of(st.text(max_size=80), st.from_regex(r"(ZL|CN|HK|MO|WO|US|EP|JP|KR|PCT/CN)[ .0-9A-Z/]{0,30}")))
def test_any_text_as_a_patent_number_is_parsed_or_explained(text):
    parsed = patents.parse_patent_number(text)
    assert parsed.normalised is not None
    assert all(isinstance(e, str) for e in (*parsed.errors, *parsed.warnings))


def check_answers_cleanly(data: bytes) -> None:
    try:
        checked = documents.inspect_pdf(data, "upload.pdf", limits=LIMITS, look_for=["Lanhai"])
    except documents.DocumentRejected as refused:
        assert str(refused)
        return
    # The page count it reports is the stored copy's own, read by a separate reader.
    stored_pages = len(pypdf.PdfReader(io.BytesIO(checked.data)).pages)
    assert stored_pages == checked.info.pages
    # What is stored is itself a PDF these checks accept, with nothing active left in it
    # and the same pages (cleaning it again changes nothing a judge would read).
    again = documents.inspect_pdf(checked.data, "again.pdf", limits=LIMITS)
    assert again.removed == ()
    assert again.info.pages == stored_pages


@FUZZ
@given(st.binary(max_size=2048))
def test_any_bytes_with_a_pdf_header_are_refused_or_accepted_cleanly(body):
    check_answers_cleanly(b"%PDF-1.7\n" + body + b"\n%%EOF\n")


@FUZZ
@given(st.sampled_from(range(3)), mutations, st.one_of(st.none(), st.integers(min_value=1)))
def test_a_damaged_pdf_is_refused_or_accepted_cleanly(which, changes, cut):
    original = sample_pdfs()[which]
    check_answers_cleanly(mutated(original, changes, cut % len(original) + 1 if cut else None))


@functools.cache
def structure() -> bytes:
    """Every byte of a judge's copy that does not come from a name (keys, numbers, fonts)."""
    return hostile_pdfs.every_decoded_byte(documents.judge_copy(
        hostile_pdfs.identity_laden_pdf("Qzx Wei", "Qzx Robotics", "Shenzhen", executable=False),
        identities=["Qzx Wei", "Qzx Robotics", "Qzx"], places=["Shenzhen"]))


@fuzz(0.4)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L",)), min_size=5, max_size=12))
def test_the_judges_copy_never_keeps_the_name_whatever_it_is(name):
    assume(name.encode() not in structure() and name.encode("utf-16-be") not in structure())
    pdf = hostile_pdfs.identity_laden_pdf(f"{name} Wei", f"{name} Robotics", "Shenzhen", executable=False)
    copy = documents.judge_copy(pdf, identities=[f"{name} Wei", f"{name} Robotics", name], places=["Shenzhen"])
    assert name.encode("utf-16-be") not in hostile_pdfs.every_decoded_byte(copy)
    assert name.encode() not in hostile_pdfs.every_decoded_byte(copy)
