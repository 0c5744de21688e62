"""Patent numbers: parse, validate and normalise what entrants type.

A number is stored as written plus its normalised form. Layouts with a checkable rule
(CN application numbers and their check digit, known layouts and kind codes) are checked
strictly (errors block); what cannot be checked only warns.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date

from contest.i18n import Message, msg

KIND_LABELS = {
    "invention": "invention",
    "utility_model": "utility model",
    "design": "design",
    "ic_layout": "IC layout design",
}

# CN application type digit (the 5th digit of the 12-digit layout, the 3rd of the 8-digit
# one); 8 and 9 are PCT applications entering the Chinese national phase.
CN_TYPE_KINDS = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "invention",
    "9": "utility_model",
}

# CN publication kind codes, before and after the 2010 standard (a trailing 8 or 9 marks a
# corrected publication).
CN_KIND_CODES = {
    "A": ("invention", "published invention application"),
    "B": ("invention", "granted invention"),
    "C": ("invention", "granted invention"),
    "U": ("utility_model", "utility model"),
    "Y": ("utility_model", "utility model"),
    "S": ("design", "design"),
    "D": ("design", "design"),
}
# Nine-digit CN publication numbers start with a digit that also says the kind.
CN_PUBLICATION_FIRST_DIGIT = {"1": "invention", "2": "utility_model", "3": "design"}

MACAO_KINDS = {"I": "invention", "J": "invention", "U": "utility_model", "D": "design"}

# Patent offices (WIPO ST.3) we accept with a layout warning when no rule below knows them.
OTHER_OFFICES = frozenset(
    "AT AU BE BR CA CH DE DK ES FI FR GB IE IL IN IT MX MY NL NO NZ PH RU SE SG TH TW VN ZA"
    .split()
)

EXAMPLES = "e.g. 201710601862.3, CN112345678B, HK1234567, PCT/CN2020/123456, US10123456B2"

_CN_WEIGHTS_12 = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_CN_WEIGHTS_8 = (2, 3, 4, 5, 6, 7, 8, 9)


@dataclasses.dataclass(frozen=True)
class PatentNumber:
    """One patent number as written, its normalised form and what it says about itself."""

    raw: str
    normalised: str
    jurisdiction: str | None
    number_type: str | None  # application, publication, pct_application, patent, registration
    kind: str | None  # invention, utility_model, design, ic_layout; None: the number does not say
    kind_code: str | None = None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def cn_check_digit(digits: str) -> str:
    """The check digit of an 8- or 12-digit CN application number: weighted sum mod 11, 10 is X."""
    weights = _CN_WEIGHTS_12 if len(digits) == 12 else _CN_WEIGHTS_8
    if len(digits) not in (8, 12) or not digits.isdigit():
        raise ValueError(f"a CN application number has 8 or 12 digits, not {digits!r}")
    remainder = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "X" if remainder == 10 else str(remainder)


def clean(text: str) -> str:
    """The number folded to plain upper-case ASCII without spaces (full-width forms via NFKC)."""
    folded = unicodedata.normalize("NFKC", text or "")
    # NFKC leaves the ideographic full stop and some dashes alone.
    folded = folded.replace("。", ".").replace("－", "-").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", "", folded).upper()


def parse_patent_number(text: str) -> PatentNumber:
    """Parse one patent number; errors where a rule is checkable, warnings otherwise."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    cleaned = clean(raw)
    if not cleaned:
        return _garbage(raw, cleaned, "The patent number is empty.")
    for parser in _PARSERS:
        result = parser(raw, cleaned)
        if result is not None:
            return result
    return _garbage(
        raw, cleaned, f"{raw.strip()!r} is not a patent number we recognise ({EXAMPLES})."
    )


def kind_mismatch(parsed: PatentNumber, chosen_kind: str | None) -> str | None:
    """A message when the number says one kind of patent and the entrant chose another."""
    if not parsed.kind or not chosen_kind or parsed.kind == chosen_kind:
        return None
    said = KIND_LABELS.get(parsed.kind, parsed.kind)
    chosen = KIND_LABELS.get(chosen_kind, chosen_kind)
    article = "an" if parsed.kind in ("invention", "ic_layout") else "a"
    return f"{parsed.normalised} is {article} {said} number, but the kind chosen is {chosen}."


# --- a patent list: the one check the entry editor, the entries import and the workbook
# reader share ------------------------------------------------------------------------

MAX_PATENTS_PER_ENTRY = 200
STATUSES = ("granted", "pending", "lapsed")


@dataclasses.dataclass(frozen=True)
class ListedPatent:
    """One checked row of a patent list, ready to store."""

    parsed: PatentNumber
    jurisdiction: str
    kind: str
    status: str
    filing_date: date | None
    grant_date: date | None
    title: str
    holder: str
    core: bool = False


@dataclasses.dataclass(frozen=True)
class ListProblem:
    """One problem of a patent list: `row` indexes the rows given (None: the list as a
    whole, or the core patent named beside it), `column` the field at fault."""

    row: int | None
    column: str
    message: str | Message


@dataclasses.dataclass(frozen=True)
class PatentListCheck:
    patents: tuple[ListedPatent, ...]
    problems: tuple[ListProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_patent_list(rows: Sequence[Mapping[str, object]], *, core: str | None = None,
                      labels: Sequence[str | Message] | None = None,
                      max_patents: int = MAX_PATENTS_PER_ENTRY) -> PatentListCheck:
    """Every problem of an entry's patent list in one pass: each row's number (layout,
    check digit), jurisdiction and kind against the number, status, dates; numbers listed
    twice; more than `max_patents` rows; the core patent (its own number first, then
    whether it is listed). Rows hold patent_number, jurisdiction, kind, status,
    filing_date, grant_date (dates already parsed), title, holder; `labels` name the rows
    in messages that point at another row."""
    names = list(labels) if labels is not None else [
        msg("patents.row_ref", n=n) for n in range(1, len(rows) + 1)]
    problems: list[ListProblem] = []
    listed: list[ListedPatent] = []
    for index, row in enumerate(rows):
        parsed = parse_patent_number(_plain(row.get("patent_number")))
        problems += [ListProblem(index, "patent_number", error) for error in parsed.errors]
        written = _plain(row.get("jurisdiction")).upper()
        if written and parsed.jurisdiction and written != parsed.jurisdiction:
            problems.append(ListProblem(index, "jurisdiction", msg(
                "patents.jurisdiction_mismatch", written=written, found=parsed.jurisdiction)))
        kind = _plain(row.get("kind")) or parsed.kind or ""
        if kind not in KIND_LABELS:
            problems.append(ListProblem(index, "kind", msg("patents.kind_unknown", kind=kind)
                                        if kind else msg("patents.kind_missing")))
        elif mismatch := kind_mismatch(parsed, kind):
            problems.append(ListProblem(index, "kind", mismatch))
        status = _plain(row.get("status")) or "granted"
        if status not in STATUSES:
            problems.append(ListProblem(index, "status", msg("patents.status_unknown",
                                                             status=status)))
        filing, grant = row.get("filing_date"), row.get("grant_date")
        if isinstance(filing, date) and isinstance(grant, date) and grant < filing:
            problems.append(ListProblem(index, "grant_date", msg("patents.granted_before_filed")))
        listed.append(ListedPatent(parsed, parsed.jurisdiction or written, kind, status,
                                   filing if isinstance(filing, date) else None,
                                   grant if isinstance(grant, date) else None,
                                   _plain(row.get("title"))[:300], _plain(row.get("holder"))[:300]))
    first: dict[str, int] = {}
    for index, item in enumerate(listed):
        if not clean(item.parsed.raw):
            continue
        earlier = first.setdefault(item.parsed.normalised, index)
        if earlier != index:
            written = "" if listed[earlier].parsed.raw.strip() == item.parsed.raw.strip() else \
                listed[earlier].parsed.raw.strip()
            problems.append(ListProblem(index, "patent_number", msg(
                "patents.listed_twice_as" if written else "patents.listed_twice",
                number=item.parsed.raw.strip(), row=names[earlier], written=written)))
    if len(rows) > max_patents:
        problems.append(ListProblem(None, "patent_number", msg(
            "patents.too_many", n=len(rows), limit=max_patents)))
    if core is not None and clean(_plain(core)):
        named = parse_patent_number(_plain(core))
        if named.errors:
            problems += [ListProblem(None, "core_patent", error) for error in named.errors]
        elif named.normalised not in first:
            problems.append(ListProblem(None, "core_patent", msg("patents.core_not_listed",
                                                                 number=named.normalised)))
        else:
            index = first[named.normalised]
            listed[index] = dataclasses.replace(listed[index], core=True)
    problems.sort(key=lambda p: (p.row is None, p.row if p.row is not None else 0))
    return PatentListCheck(tuple(listed), tuple(problems))


def _plain(value: object) -> str:
    """A cell as text: None, NaN and pandas' NA (all unequal to themselves) are empty."""
    if value is None:
        return ""
    try:
        if value != value:
            return ""
    except TypeError:
        return ""
    return str(value).strip()


# --- layouts ----------------------------------------------------------------------------


def _garbage(raw: str, cleaned: str, message: str) -> PatentNumber:
    return PatentNumber(raw, cleaned, None, None, None, errors=(message,))


def _result(raw, normalised, jurisdiction, number_type, kind, kind_code=None, errors=(),
            warnings=()) -> PatentNumber:
    return PatentNumber(raw, normalised, jurisdiction, number_type, kind, kind_code,
                        tuple(errors), tuple(warnings))


_CN_APPLICATION = re.compile(r"^(?:ZL|CN)?(\d{8}|\d{12})(?:\.?([0-9X]))?$")
_CN_PUBLICATION = re.compile(r"^CN(\d{4,12})([A-Z])(\d)?$")
_CN_BARE_PUBLICATION = re.compile(r"^CN(\d{7}|\d{9})$")
_CN_IC_LAYOUT = re.compile(r"^(?:CN)?BS\.?(\d{8,9})(?:\.?([0-9X]))?$")


def _parse_cn_application(raw: str, cleaned: str) -> PatentNumber | None:
    match = _CN_APPLICATION.match(cleaned)
    if not match:
        return None
    digits, check = match.groups()
    # Nine bare digits after "CN" may instead be a publication number missing its kind code.
    if (check is not None and "." not in cleaned and len(digits) == 8
            and cleaned.startswith("CN") and not _plausible_old_cn(digits)):
        return None
    label = f"CN application number {digits}{'.' + check if check else ''}"
    errors, warnings = [], []
    if len(digits) == 12:
        year, type_digit = int(digits[:4]), digits[4]
        if year < 2003:
            errors.append(f"{label}: the 12-digit layout starts with a year from 2003 on, "
                          f"not {year}.")
    else:
        year, type_digit = int(digits[:2]), digits[2]
        if 4 <= year <= 84:
            errors.append(f"{label}: the 8-digit layout was used for filings from 1985 to "
                          f"2003, so it cannot start with year {digits[:2]}.")
    kind = CN_TYPE_KINDS.get(type_digit)
    if kind is None:
        position = "5th" if len(digits) == 12 else "3rd"
        errors.append(f"{label}: the type digit ({position} digit) is {type_digit}; it must be "
                      "1 (invention), 2 (utility model), 3 (design), 8 or 9 (PCT).")
    expected = cn_check_digit(digits)
    if check is None:
        warnings.append(f"{label} has no check digit, so it cannot be checked; "
                        f"with these digits it is {digits}.{expected}.")
    elif check != expected:
        errors.append(f"{label}: check digit should be {expected}.")
    return _result(raw, f"CN{digits}.{check or expected}", "CN", "application", kind,
                   errors=errors, warnings=warnings)


def _plausible_old_cn(digits: str) -> bool:
    year = int(digits[:2])
    return (year >= 85 or year <= 3) and digits[2] in CN_TYPE_KINDS


def _parse_cn_publication(raw: str, cleaned: str) -> PatentNumber | None:
    match = _CN_PUBLICATION.match(cleaned)
    bare = _CN_BARE_PUBLICATION.match(cleaned)
    if not match and not bare:
        return None
    digits, letter, suffix = match.groups() if match else (bare.group(1), None, None)
    kind_code = (letter or "") + (suffix or "") or None
    label = f"CN publication number {cleaned}"
    errors, warnings = [], []
    if len(digits) not in (7, 9):
        errors.append(f"{label}: CN publication numbers have 7 or 9 digits before the kind "
                      f"code, not {len(digits)}.")
    kind = None
    if letter is None:
        warnings.append(f"{label} has no kind code (A, B, U, S ...); add it if you know it.")
    elif letter not in CN_KIND_CODES:
        errors.append(f"{label}: kind code {letter} is not a CN kind code (A, B, C for "
                      "inventions, U, Y for utility models, S, D for designs).")
    else:
        kind = CN_KIND_CODES[letter][0]
        if suffix not in (None, "8", "9"):
            errors.append(f"{label}: kind code {kind_code} is not a CN kind code.")
    digit_kind = CN_PUBLICATION_FIRST_DIGIT.get(digits[0]) if len(digits) == 9 else None
    if kind and digit_kind and digit_kind != kind:
        warnings.append(f"{label}: the kind code says {KIND_LABELS[kind]} but numbers starting "
                        f"with {digits[0]} are {KIND_LABELS[digit_kind]} numbers; check it.")
    return _result(raw, f"CN{digits}{kind_code or ''}", "CN", "publication", kind or digit_kind,
                   kind_code, errors, warnings)


def _parse_cn_ic_layout(raw: str, cleaned: str) -> PatentNumber | None:
    match = _CN_IC_LAYOUT.match(cleaned)
    if not match:
        return None
    digits, check = match.groups()
    normalised = f"BS.{digits}{'.' + check if check else ''}"
    return _result(raw, normalised, "CN", "registration", "ic_layout", warnings=(
        f"IC layout design registration {normalised}: the layout is recognised, but there is "
        "no check digit rule to verify it.",))


_HK = re.compile(r"^HK(\d{7,8})([AB]\d?)?$")
_HK_APPLICATION = re.compile(r"^HK(\d{8})\.?(\d)$")


def _parse_hk(raw: str, cleaned: str) -> PatentNumber | None:
    match = _HK_APPLICATION.match(cleaned)
    if match:
        normalised = f"HK{match.group(1)}.{match.group(2)}"
        return _result(raw, normalised, "HK", "application", None, warnings=(
            f"Hong Kong application number {normalised}: layout recognised, not checkable.",))
    match = _HK.match(cleaned)
    if not match:
        return None
    digits, kind_code = match.groups()
    normalised = f"HK{digits}{kind_code or ''}"
    return _result(raw, normalised, "HK", "publication" if kind_code else "patent", None,
                   kind_code, warnings=(
                       f"Hong Kong number {normalised}: Hong Kong numbers carry no check "
                       "digit, so only the layout was checked.",))


_MO = re.compile(r"^(?:MO)?([IJUD])/?(\d{1,6})$")


def _parse_mo(raw: str, cleaned: str) -> PatentNumber | None:
    match = _MO.match(cleaned)
    if not match or ("/" not in cleaned and not cleaned.startswith("MO")):
        return None
    letter, digits = match.groups()
    normalised = f"MO{letter}/{digits.zfill(6)}"
    return _result(raw, normalised, "MO", "patent", MACAO_KINDS[letter], warnings=(
        f"Macao number {normalised}: Macao numbers carry no check digit, so only the layout "
        "was checked.",))


_PCT = re.compile(r"^PCT/?([A-Z]{2})(\d{4}|\d{2})/?(\d{5,6})$")
_WO = re.compile(r"^WO(\d{4}|\d{2})/?(\d{5,6})([AB]\d)?$")


def _parse_pct(raw: str, cleaned: str) -> PatentNumber | None:
    match = _PCT.match(cleaned)
    if match:
        office, year, serial = match.groups()
        normalised = f"PCT/{office}{year}/{serial}"
        errors = []
        if (len(year), len(serial)) not in ((4, 6), (2, 5)):
            errors.append(f"PCT application number {normalised}: a 4-digit year takes a "
                          "6-digit serial (PCT/CN2020/123456), a 2-digit year a 5-digit one.")
        return _result(raw, normalised, "WO", "pct_application", None, errors=errors)
    match = _WO.match(cleaned)
    if not match:
        return None
    year, serial, kind_code = match.groups()
    errors = []
    if (len(year), len(serial)) not in ((4, 6), (2, 5)):
        errors.append(f"WO publication number {cleaned}: a 4-digit year takes a 6-digit serial "
                      "(WO2021123456A1).")
    separator = "/" if len(year) == 2 else ""
    return _result(raw, f"WO{year}{separator}{serial}{kind_code or ''}", "WO", "publication",
                   None, kind_code, errors)


_US_PUBLICATION = re.compile(r"^US((?:19|20)\d{2})/?(\d{7})(A\d|)$")
_US_PATENT = re.compile(r"^US(D|PP|RE|)(\d{5,8})(B\d|A|E|S|P\d|)$")
_US_APPLICATION = re.compile(r"^(?:US)?(\d{2})/(\d{6})$")


def _parse_us(raw: str, cleaned: str) -> PatentNumber | None:
    cleaned = cleaned.replace(",", "")
    match = _US_APPLICATION.match(cleaned)
    if match:
        normalised = f"US{match.group(1)}/{match.group(2)}"
        return _result(raw, normalised, "US", "application", None, warnings=(
            f"US application number {normalised}: layout recognised, not checkable.",))
    match = _US_PUBLICATION.match(cleaned)
    if match:
        year, serial, kind_code = match.groups()
        return _result(raw, f"US{year}{serial}{kind_code}", "US", "publication", "invention",
                       kind_code or None)
    match = _US_PATENT.match(cleaned)
    if not match:
        return None
    series, digits, kind_code = match.groups()
    kind = "design" if series == "D" else ("invention" if series in ("", "RE") else None)
    errors = []
    if series == "D" and kind_code not in ("", "S"):
        errors.append(f"US design patent {cleaned}: design patents take kind code S.")
    return _result(raw, f"US{series}{digits}{kind_code}", "US",
                   "publication" if kind_code else "patent", kind, kind_code or None, errors)


_EP = re.compile(r"^EP(\d{7})([AB]\d)?$")
_EP_APPLICATION = re.compile(r"^EP(\d{8})\.?(\d)$")


def _parse_ep(raw: str, cleaned: str) -> PatentNumber | None:
    match = _EP_APPLICATION.match(cleaned)
    if match:
        normalised = f"EP{match.group(1)}.{match.group(2)}"
        return _result(raw, normalised, "EP", "application", "invention", warnings=(
            f"EP application number {normalised}: layout recognised, check digit not verified.",))
    match = _EP.match(cleaned)
    if not match:
        return None
    digits, kind_code = match.groups()
    return _result(raw, f"EP{digits}{kind_code or ''}", "EP",
                   "publication" if kind_code else "patent", "invention", kind_code)


_JP_APPLICATION = re.compile(r"^JP((?:19|20)\d{2})-(\d{6})$")
_JP = re.compile(r"^JP(\d{7}|(?:19|20)\d{8})([ABUYS]\d?)?$")
_JP_KINDS = {"A": "invention", "B": "invention", "U": "utility_model", "Y": "utility_model",
             "S": "design"}


def _parse_jp(raw: str, cleaned: str) -> PatentNumber | None:
    match = _JP_APPLICATION.match(cleaned)
    if match:
        normalised = f"JP{match.group(1)}-{match.group(2)}"
        return _result(raw, normalised, "JP", "application", None, warnings=(
            f"JP application number {normalised}: layout recognised, not checkable.",))
    match = _JP.match(cleaned)
    if not match:
        return None
    digits, kind_code = match.groups()
    kind = _JP_KINDS[kind_code[0]] if kind_code else None
    return _result(raw, f"JP{digits}{kind_code or ''}", "JP",
                   "publication" if kind_code else "patent", kind, kind_code)


_KR = re.compile(r"^KR-?(10|20|30)-?((?:19|20)\d{2})-?(\d{7})([ABUYS]\d?)?$")
_KR_GRANT = re.compile(r"^KR(10|20|30)(\d{7})([BY]\d?)$")
_KR_TYPES = {"10": "invention", "20": "utility_model", "30": "design"}


def _parse_kr(raw: str, cleaned: str) -> PatentNumber | None:
    match = _KR.match(cleaned)
    if match:
        office_type, year, serial, kind_code = match.groups()
        return _result(raw, f"KR{office_type}{year}{serial}{kind_code or ''}", "KR",
                       "publication" if kind_code else "application", _KR_TYPES[office_type],
                       kind_code)
    match = _KR_GRANT.match(cleaned)
    if not match:
        return None
    office_type, serial, kind_code = match.groups()
    return _result(raw, f"KR{office_type}{serial}{kind_code}", "KR", "publication",
                   _KR_TYPES[office_type], kind_code)


_OTHER = re.compile(r"^([A-Z]{2})(\d{4,15})([A-Z]\d?)?$")


def _parse_other_office(raw: str, cleaned: str) -> PatentNumber | None:
    match = _OTHER.match(cleaned)
    if not match or match.group(1) not in OTHER_OFFICES:
        return None
    office, digits, kind_code = match.groups()
    normalised = f"{office}{digits}{kind_code or ''}"
    return _result(raw, normalised, office, "publication" if kind_code else "patent", None,
                   kind_code, warnings=(
                       f"{normalised}: numbers from this office are accepted as written; their "
                       "layout is not checked.",))


def _parse_known_prefix_garbage(raw: str, cleaned: str) -> PatentNumber | None:
    """Names the layout expected when the office prefix is known but the rest is not."""
    layouts = {
        "ZL": "ZL + a CN application number, e.g. ZL201710601862.3",
        "CN": "CN201710601862.3 (application) or CN112345678B (publication)",
        "HK": "HK1234567 or HK1234567A",
        "MO": "MOI/001234 or I/001234 (I, J invention, U utility model, D design)",
        "PCT": "PCT/CN2020/123456",
        "WO": "WO2021123456A1",
        "US": "US10123456B2, US20210123456A1 or USD912345S",
        "EP": "EP1234567B1 or EP12345678.9",
        "JP": "JP2020123456A, JP6123456B2 or JP2020-123456",
        "KR": "KR1020200123456A or KR10-2020-0123456",
    }
    for prefix, layout in layouts.items():
        if cleaned.startswith(prefix):
            return _garbage(raw, cleaned,
                            f"{raw.strip()!r} does not match the {prefix} layout; "
                            f"expected {layout}.")
    return None


_PARSERS = (
    _parse_cn_application,
    _parse_cn_publication,
    _parse_cn_ic_layout,
    _parse_hk,
    _parse_mo,
    _parse_pct,
    _parse_us,
    _parse_ep,
    _parse_jp,
    _parse_kr,
    _parse_other_office,
    _parse_known_prefix_garbage,
)
