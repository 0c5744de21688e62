"""Text rules shared by the reader and the writer.

Input text is normalised (NFKC folds full-width characters, stray spaces go); output text
is cleaned of characters XML cannot hold and flagged when a spreadsheet could read it as a
formula.
"""

from __future__ import annotations

import re
import unicodedata

# Characters a spreadsheet program may treat as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Values openpyxl would store as error cells instead of text.
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                         "#N/A"))
# XML 1.0 forbids these; openpyxl raises on them, Excel refuses the file.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_ANY_SPACE = re.compile(r"\s+")
MAX_CELL_CHARS = 32767


def normalise_line(value: str) -> str:
    """NFKC (full-width to half-width), strip, and one space for every run of white space."""
    return _ANY_SPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def normalise_block(value: str) -> str:
    """Like normalise_line but keeps line breaks (for summaries and comments)."""
    text = unicodedata.normalize("NFKC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def normalise_key(value: str) -> str:
    """Enumeration values: normalised, lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", normalise_line(value).lower())


def needs_text_guard(value: str) -> bool:
    """True when a spreadsheet could take this string for a formula or an error value."""
    return value.startswith(FORMULA_STARTS) or value in ERROR_CODES


def clean_for_cell(value: str) -> str:
    """Drop characters XML cannot hold and cut to Excel's limit of 32,767 characters."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


def display_width(value: str) -> int:
    """Rough column width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)
