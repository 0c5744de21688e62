"""Text rules shared by every field the platform stores: one length limit per field (the
column's own), no NUL or other control characters, line breaks only where a field holds
several lines. Pure: plain values in, a Message (the problem) or None out.

Every database the platform runs on must accept what one accepts: SQLite stores any length
and NUL bytes, PostgreSQL refuses both with a raw error. These rules refuse them first.
"""

from __future__ import annotations

import re

from contest import i18n
from contest.i18n import Message

# Columns whose text may hold several lines (line breaks and tabs allowed).
MULTILINE_COLUMNS = frozenset({
    "summary", "note", "reason", "comment", "description", "reopened_reason", "eligibility_reason",
})
# Control characters (Unicode category Cc); multi-line text may hold tabs and line breaks.
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate cannot be written as UTF-8

# How a column is named to users (by column name; a column not listed is "a value").
FIELD_LABELS = {
    "applicant": "field.applicant", "code": "field.code", "comment": "field.comment",
    "contact_email": "field.contact_email", "contact_name": "field.contact_name",
    "contact_phone": "field.contact_phone", "description": "field.description", "email": "field.email",
    "eligibility_reason": "field.reason", "holder": "field.holder", "key": "field.key",
    "label": "field.label", "label_zh": "field.label_zh", "name": "field.name", "note": "field.note",
    "number": "field.patent_number", "organisation": "field.organisation", "phone": "field.phone",
    "reason": "field.reason", "region": "field.region", "reopened_reason": "field.reason",
    "slug": "field.slug", "summary": "field.summary", "title": "field.title",
}


def field_label(column: str) -> Message:
    return i18n.msg(FIELD_LABELS.get(column, "field.value"))


def text_problem(value: str, *, max_length: int | None, multiline: bool = False) -> str | None:
    """Why a text cannot be stored ('too_long', 'control_characters', 'not_text') or None."""
    if (_CONTROL_LINES if multiline else _CONTROL_ONE_LINE).search(value):
        return "control_characters"
    if _SURROGATE.search(value):
        return "not_text"
    if max_length is not None and len(value) > max_length:
        return "too_long"
    return None


def problem_message(problem: str, *, field: Message, value: str, max_length: int | None) -> Message:
    if problem == "too_long":
        return i18n.msg("text.too_long", field=field, max=max_length, length=len(value))
    if problem == "not_text":
        return i18n.msg("text.not_text", field=field)
    return i18n.msg("text.control_characters", field=field)
