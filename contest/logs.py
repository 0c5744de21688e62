"""Nothing secret reaches a log: password hashes, tokens and full email addresses are masked in
every log record (messages and tracebacks alike) before any handler writes it.

`install()` is called by the app's entry and the command line; `redact_secrets` is the rule.
"""

from __future__ import annotations

import logging
import re

_ARGON2 = re.compile(r"\$argon2(?:id|i|d)\$[A-Za-z0-9+/=$,.-]*")
# Session tokens, tickets, invitation and registration tokens (url-safe base64 of 32 bytes)
# and their SHA-256 hashes: long runs of token characters.
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])")
_EMAIL = re.compile(r"(?<![\w.%+-])([\w.%+-])[\w.%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def redact_secrets(text: str) -> str:
    """The text with password hashes, tokens and email addresses' names masked
    (a***@example.org keeps the domain, which helps without naming anyone)."""
    text = _ARGON2.sub("[password hash]", text)
    text = _TOKEN.sub("[token]", text)
    return _EMAIL.sub(r"\1***@\2", text)


class RedactingFilter(logging.Filter):
    """Formats the record's message and traceback now and keeps only their masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a record whose arguments do not fit its message)
            message = str(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = redact_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        record.msg, record.args = redact_secrets(message), ()
        return True


_FILTER = RedactingFilter()


def install() -> None:
    """Mask secrets in every log record of this process, whoever logs it and whichever
    handler writes it: Streamlit gives each of its loggers a handler of its own (and makes
    them again when its configuration is re-read), so the mask is applied where records are
    made, not on handlers."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "contest_masking", False):
        return

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    masked_record.contest_masking = True
    logging.setLogRecordFactory(masked_record)
