"""Languages and the one message catalogue of the product (no streamlit here).

Every text a user reads is a message id with named parameters, looked up in the gettext
catalogue of the user's language (`contest/locales/<folder>/LC_MESSAGES/messages.po`, read
with Babel). Services raise errors carrying a `Message`; pages, the CLI, workbooks and mail
render it at the edge in the reader's language. A parameter may itself be a `Message`
(a status, a kind), rendered in the same language.

Adding a language: one catalogue file plus one line in LANGUAGES.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 tag stored for users and used in URLs and settings
    name: str  # the language's own name, shown in the language picker
    locale: str  # Babel locale for dates and numbers

    @property
    def folder(self) -> str:
        """The catalogue folder: Babel's locale spelling of the code (zh-Hant -> zh_Hant)."""
        return self.code.replace("-", "_")


# The one place languages are declared; the first is the default and the fallback.
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "en_GB"),
        Language("zh-Hans", "简体中文", "zh_Hans_CN"),
        Language("zh-Hant", "繁體中文", "zh_Hant_HK"),
    )
}
DEFAULT_LANGUAGE = "en"

# Tags browsers send and older stored values, mapped onto the declared languages.
_ALIASES = {
    "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hans": "zh-Hans",
    "zh-hans-cn": "zh-Hans", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant",
    "zh-hant": "zh-Hant", "zh-hant-hk": "zh-Hant", "zh-hant-tw": "zh-Hant", "zh-hant-mo": "zh-Hant",
}


def normalise_language(code: str | None) -> str | None:
    """A declared language code for a tag such as 'zh-HK', 'zh_Hans' or 'en-US', else None."""
    if not code:
        return None
    tag = str(code).strip().replace("_", "-")
    for known in LANGUAGES:
        if tag.lower() == known.lower():
            return known
    lowered = tag.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    primary = lowered.split("-")[0]
    if primary in _ALIASES:
        return _ALIASES[primary]
    return primary if primary in LANGUAGES else None


def language_or_default(code: str | None) -> str:
    return normalise_language(code) or DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> str | None:
    """The best declared language for an HTTP Accept-Language header, by its q-values."""
    if not header:
        return None
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weighted.append((-quality, position, tag.strip()))
    for quality, _position, tag in sorted(weighted):
        found = normalise_language(tag)
        if found and quality < 0:
            return found
    return None


@dataclass(frozen=True)
class Message:
    """A message id with named parameters, rendered in a language only at the edge."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return text(self.id, language, **self.params)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class Moment:
    """A moment as a message parameter: shown at the edge on the contest's clock (its time
    zone), to the minute, in the reader's language; never as UTC or with an offset."""

    at: Any  # an aware datetime
    zone: str | None = None  # the edition's time zone (contest.dates' default when None)

    def render(self, code: str = DEFAULT_LANGUAGE) -> str:
        from babel import dates as babel_dates

        from contest import dates

        here = dates.local(self.at, self.zone)
        locale = LANGUAGES[language_or_default(code)].locale
        joined = babel_dates.get_datetime_format("medium", locale=locale).replace("'", "")
        return joined.format(babel_dates.format_time(here, "HH:mm", locale=locale),
                             babel_dates.format_date(here.date(), "medium", locale=locale))

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


def msg(message_id: str, /, **params: Any) -> Message:
    return Message(message_id, params)


class RuleError(ValueError):
    """A rule (a pure function) refuses its input: a message id with named parameters, so
    the service that called it can hand the refusal on in the reader's language; str() is
    the English text."""

    def __init__(self, message_id: str, /, **params: Any) -> None:
        self.message = Message(message_id, params)
        super().__init__(self.message.render(DEFAULT_LANGUAGE))

    def __reduce__(self):  # whole through pickling (a rank or solve in a worker process)
        return (_rule_error, (type(self), self.message.id, dict(self.message.params)))


def _rule_error(kind: type, message_id: str, params: dict) -> RuleError:
    return kind(message_id, **params)


def catalogue_path(code: str) -> Path:
    return LOCALES_DIR / LANGUAGES[code].folder / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def catalogue(code: str) -> dict[str, str]:
    """message id -> translated template for one language (empty translations left out)."""
    path = catalogue_path(code)
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        parsed = read_po(fh, locale=LANGUAGES[code].locale)
    return {m.id: m.string for m in parsed if m.id and isinstance(m.id, str) and m.string}


def placeholders(template: str) -> set[str]:
    """The named parameters a template uses ({name} and {name:...})."""
    names = set()
    for _literal, name, _spec, _conv in string.Formatter().parse(template):
        if name:
            names.add(name.split(".")[0].split("[")[0])
    return names


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_for(message_id: str, code: str) -> str:
    """The template of a message in a language, falling back to English, then to the id."""
    code = language_or_default(code)
    found = catalogue(code).get(message_id)
    if found is None and code != DEFAULT_LANGUAGE:
        found = catalogue(DEFAULT_LANGUAGE).get(message_id)
    return message_id if found is None else found


def _renders(value: Any) -> bool:
    """A Message, or an edition's name that knows its languages (contest.labels.Label)."""
    from contest.labels import Label

    return isinstance(value, (Message, Label, Moment))


def render_value(value: Any, code: str) -> Any:
    if _renders(value):
        return value.render(code)
    if isinstance(value, (list, tuple)) and value and all(_renders(v) for v in value):
        return ", ".join(v.render(code) for v in value)
    return value


def text(message_id: str | Message, code: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """A message in a language with its named parameters filled in (parameters that are
    Messages are rendered in the same language). A missing parameter stays as {name}."""
    if isinstance(message_id, Message):
        params = {**message_id.params, **params}
        message_id = message_id.id
    template = template_for(message_id, code)
    if not params:
        return template
    values = _Missing({k: render_value(v, code) for k, v in params.items()})
    try:
        return string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError, AttributeError, TypeError):
        return template
