"""Read an import workbook into plain rows and a list of every error found.

Checks here need nothing but the file: sheets and headers, value types, enumerations,
required values, duplicates within the file. Checks that need stored data (patent check
digits, entry codes, assignments) belong to the import services.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.utils import get_column_letter

from contest import i18n, patents
from contest.excel import schema
from contest.excel import text as textrules

MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 150  # deflate rarely beats this on real sheets; bombs beat it by far
MAX_ROWS = 1_000_000  # a full round trip of 50,000 sheets is 250,000 score rows
MAX_ERRORS = 1000  # kept in full; beyond, only counted (ImportRows.omitted)
SHOWN_PROBLEMS = 50  # lines of a refusal shown on a page or the command line

# A formula's cached value is whatever the file says it is (a forged cache imported 15
# where the formula computes 2): every workbook kind refuses formula cells.
FORMULA = i18n.msg("imports.formula_cell")

REQUIRED = i18n.msg("imports.value_required")


class CellValueError(ValueError):
    """A cell's value cannot be taken; `message` says why, in the reader's language."""

    def __init__(self, message: i18n.Message):
        super().__init__(str(message))
        self.message = message


_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


@dataclass(frozen=True)
class CellError:
    """One problem in an import file; `row` is the sheet's row number as Excel shows it."""

    sheet: str
    row: int | None
    column: str | None
    message: i18n.Message | str
    letter: str | None = None

    def where(self) -> str | i18n.Message:
        """The cell, row, column or sheet it is about ("scores!F12 (score)"), or ""."""
        if self.row is not None and self.letter:
            return i18n.msg("imports.at_cell", sheet=self.sheet, letter=self.letter,
                            row=self.row, column=self.column)
        if self.row is not None:
            return i18n.msg("imports.at_row", sheet=self.sheet, row=self.row)
        if self.column:
            return i18n.msg("imports.at_column", sheet=self.sheet, column=self.column)
        return self.sheet

    def render(self, language: str = i18n.DEFAULT_LANGUAGE) -> str:
        where = self.where()
        if where:
            return i18n.text("imports.problem_at", language, where=where, problem=self.message)
        return i18n.text(self.message, language) if isinstance(self.message, i18n.Message) \
            else self.message

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Row:
    """One data row: normalised values by column key, with its row number in the sheet."""

    sheet: str
    number: int
    values: Mapping[str, object]
    letters: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.values.get(key)

    def get(self, key: str, default=None):
        value = self.values.get(key)
        return default if value is None else value

    def error(self, column: str | None, message: str | i18n.Message) -> CellError:
        """A CellError pointing at this row's cell in `column` (or at the row)."""
        return CellError(self.sheet, self.number, column, message,
                         self.letters.get(column) if column else None)


@dataclass
class ImportRows:
    sheets: dict[str, list[Row]]
    errors: list[CellError]
    skipped_examples: int = 0
    blank_sheets: list[str] = field(default_factory=list)  # scores: "entry_code judge_email"
    omitted: int = 0  # errors found beyond MAX_ERRORS, counted only
    # Every sheet of the kind was read to the end with a usable header, so the rows can be
    # checked against stored data too (in the same pass as the file's own checks).
    complete: bool = False

    def rows_without_errors(self, sheet: str) -> list[Row]:
        """The sheet's rows that passed the file's own checks (for the checks that need
        stored data, run in the same pass)."""
        bad = {e.row for e in self.errors if e.sheet == sheet and e.row is not None}
        return [row for row in self.sheets.get(sheet, []) if row.number not in bad]

    @property
    def ok(self) -> bool:
        return not self.errors


def read_workbook(kind: str, data: bytes, *,
                  choices: Mapping[str, Sequence[str]] | None = None,
                  progress: Callable[[float], None] | None = None) -> ImportRows:
    """Read an import workbook of `kind` (entries, patents, judges, conflicts, scores).

    `choices` adds or replaces allowed values per column (e.g. the edition's tracks);
    `progress(fraction)` is called while reading large sheets. Never raises for a bad file: every problem comes back as a CellError.
    """
    specs = schema.sheets_for(kind)
    problem = _check_container(data)
    if problem:
        return ImportRows({}, [CellError("", None, None, problem)])
    try:
        from openpyxl import load_workbook
        # data_only=False: formula cells are seen as formulas (never their cached values).
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # any parser failure is the file's fault, not a crash
        return ImportRows({}, [CellError("", None, None, i18n.msg(
            "imports.unreadable", error=type(exc).__name__))])
    result = ImportRows({}, [])
    allowed = _allowed_values(choices or {})
    try:
        names = {textrules.normalise_line(n).lower(): n for n in book.sheetnames}
        for index, spec in enumerate(specs):
            actual = names.get(spec.name)
            if actual is None:
                result.errors.append(CellError(spec.name, None, None, i18n.msg(
                    "imports.no_sheet", sheet=spec.name, sheets=", ".join(book.sheetnames))))
                continue
            share = (lambda f, i=index: progress((i + f) / len(specs))) if progress else None
            rows, errors, examples = _read_sheet(spec, book[actual], allowed, share)
            if rows or not errors or any(e.row and e.row > 1 for e in errors):
                result.sheets[spec.name] = rows  # left out when its header is unusable
            result.errors.extend(errors)
            result.skipped_examples += examples
    except Exception as exc:  # a damaged sheet part surfaces only while iterating
        result.errors.append(CellError("", None, None, i18n.msg(
            "imports.damaged", error=type(exc).__name__)))
    else:
        result.complete = all(spec.name in result.sheets for spec in specs)
    finally:
        book.close()
    _check_links(kind, result)
    if kind == "scores":
        _skip_blank_sheets(result)
    if len(result.errors) > MAX_ERRORS:
        result.omitted = len(result.errors) - MAX_ERRORS
        result.errors = result.errors[:MAX_ERRORS]
        result.complete = False  # rows whose errors were only counted cannot be told apart
    return result


def problem_lines(errors: Sequence[CellError | i18n.Message | str], omitted: int = 0,
                  shown: int = SHOWN_PROBLEMS) -> list[i18n.Message]:
    """A workbook's problems as users read them (page and command line): the first `shown`,
    each with its place in the file, then "and N more" counting the rest (and `omitted`,
    those the reader only counted). Messages render in the reader's language; str() is
    the English line."""
    lines = [_problem(e) for e in errors[:shown]]
    more = len(errors) + omitted - len(lines)
    if more > 0:
        lines.append(i18n.msg("imports.more_problems", n=more))
    return lines


def _problem(error) -> i18n.Message:
    if isinstance(error, CellError):
        where = error.where()
        if where:
            return i18n.msg("imports.problem_at", where=where, problem=error.message)
        error = error.message
    return error if isinstance(error, i18n.Message) else i18n.msg("imports.problem", problem=error)


def _check_container(data: bytes) -> i18n.Message | None:
    if not data:
        return i18n.msg("imports.empty_file")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return i18n.msg("imports.old_xls")
    if data[:4] != b"PK\x03\x04":
        return i18n.msg("imports.not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    # zipfile also raises NotImplementedError (an unknown zip version or compression) and
    # RuntimeError (an encrypted member) on files damaged or made that way: the file's fault.
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError, EOFError):
        return i18n.msg("imports.damaged_zip")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES or any(
            i.file_size > 10_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1)
            for i in infos):
        return i18n.msg("imports.zip_bomb")
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        return i18n.msg("imports.zip_not_xlsx")
    return None


def _allowed_values(choices: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
    """Per enumerated column: every accepted spelling (normalised) -> the stored key."""
    allowed: dict[str, dict[str, str]] = {}
    for column, values in schema.ENUMS.items():
        spellings = {}
        for key, message_id in values.items():
            spellings[key] = key
            for language in i18n.LANGUAGES:  # the label in every language
                spellings[textrules.normalise_key(i18n.text(message_id, language))] = key
        for alias, key in schema.ALIASES.items():
            if key in values:
                spellings[alias] = key
        allowed[column] = spellings
    for column, values in choices.items():
        keys = {textrules.normalise_key(v): v for v in values}
        # Built-in labels ("初创组", "Hong Kong") still work for the keys that stay allowed.
        kept = {spelling: keys[key] for spelling, key in allowed.get(column, {}).items()
                if key in keys}
        allowed[column] = {**kept, **keys}
    return allowed


def _read_sheet(spec: schema.SheetSpec, sheet, allowed, progress=None):
    errors: list[CellError] = []
    rows: list[Row] = []
    examples = 0
    iterator = sheet.iter_rows()  # cells, not values: a formula cell says so (data_type "f")
    header = next(iterator, None)
    if header is not None:
        header = [cell.value for cell in header]
    if header is None:
        return rows, [CellError(spec.name, None, None, i18n.msg("imports.empty_sheet"))], 0
    positions: dict[str, int] = {}
    unnamed: list[int] = []
    for index, raw in enumerate(header):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            unnamed.append(index)
            continue
        key = textrules.normalise_key(str(raw))
        letter = get_column_letter(index + 1)
        if spec.column(key) is None:
            name = str(raw).strip()
            errors.append(CellError(spec.name, 1, name, i18n.msg(
                "imports.unknown_column", column=name, columns=", ".join(spec.keys)), letter))
        elif key in positions:
            errors.append(CellError(spec.name, 1, key, i18n.msg("imports.column_twice"), letter))
        else:
            positions[key] = index
    for col in spec.columns:
        if col.needed and col.key not in positions:
            errors.append(CellError(spec.name, None, col.key, i18n.msg("imports.column_missing")))
    if errors:
        return rows, errors, 0
    letters = {key: get_column_letter(i + 1) for key, i in positions.items()}
    first = min(positions.values())
    seen_keys: dict[tuple, int] = {}
    expected = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else None
    for number, cells in enumerate(iterator, start=2):
        values = [cell.value for cell in cells]
        formulas = {i for i, cell in enumerate(cells) if cell.data_type == "f"}
        if progress and expected and number % 2000 == 0:
            progress(min(number / expected, 1.0))
        if number - 1 > MAX_ROWS:
            errors.append(CellError(spec.name, number, None,
                                    i18n.msg("imports.too_many_rows", n=MAX_ROWS)))
            break
        if not values or all(v is None or (isinstance(v, str) and not v.strip())
                             for v in values):
            continue
        lead = values[first] if first < len(values) else None
        if isinstance(lead, str) and textrules.normalise_line(lead).startswith(
                schema.EXAMPLE_MARKERS):
            examples += 1
            continue
        for index in unnamed:
            if index < len(values) and values[index] is not None and str(values[index]).strip():
                errors.append(CellError(spec.name, number, None,
                                        i18n.msg("imports.unnamed_column"),
                                        get_column_letter(index + 1)))
        parsed: dict[str, object] = {}
        unread = False  # a cell whose value could not be taken (the row rules need them all)
        for col in spec.columns:
            index = positions.get(col.key)
            raw = values[index] if index is not None and index < len(values) else None
            if index in formulas:
                errors.append(CellError(spec.name, number, col.key, FORMULA, letters[col.key]))
                unread = True
                continue
            try:
                value = _parse(col, raw, allowed)
            except ValueError as exc:
                errors.append(CellError(spec.name, number, col.key,
                                        getattr(exc, "message", None) or str(exc),
                                        letters[col.key]))
                unread = True
                continue
            if value is None and col.required:
                errors.append(CellError(spec.name, number, col.key, REQUIRED,
                                        letters.get(col.key)))
            parsed[col.key] = value
        row = Row(spec.name, number, parsed, letters)
        if not unread:
            errors.extend(_row_rules(spec.name, row, seen_keys))
        rows.append(row)
    return rows, errors, examples


def _parse(col: schema.Column, raw, allowed):
    """One cell to its plain value, or CellValueError with a message for the user."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip():
            return None
    kind = col.type
    if kind == "date":
        return _parse_date(raw)
    if kind == "int":
        number = _parse_number(raw)
        if number != int(number) or number < 0:
            raise CellValueError(i18n.msg("imports.not_whole_number", value=_show(raw)))
        return int(number)
    if kind == "number":
        return _parse_number(raw)
    value = _as_text(raw)
    if kind == "longtext":
        value = textrules.normalise_block(value)
    else:
        value = textrules.normalise_line(value)
    if not value:
        return None
    if kind == "key":
        return textrules.normalise_key(value)
    if kind == "email":
        email = value.lower()
        if not _EMAIL.match(email):
            raise CellValueError(i18n.msg("imports.not_email", value=value))
        return email
    if kind == "enum":
        spellings = allowed.get(col.key)
        if spellings is None:  # e.g. track without a configured list: any key
            return textrules.normalise_key(value)
        key = spellings.get(textrules.normalise_key(value))
        if key is None:
            options = ", ".join(dict.fromkeys(spellings.values()))
            raise CellValueError(i18n.msg("imports.not_one_of", value=value, options=options))
        return key
    if kind == "list":
        items = [textrules.normalise_key(p) for p in value.split(";")]
        items = [p for p in items if p]
        spellings = allowed.get("track") if col.key == "expertise" else None
        if spellings:
            unknown = [p for p in items if p not in spellings]
            if unknown:
                raise CellValueError(i18n.msg(
                    "imports.not_one_of", value=unknown[0],
                    options=", ".join(dict.fromkeys(spellings.values()))))
            items = [spellings[p] for p in items]
        return tuple(dict.fromkeys(items))
    return value


def _as_text(raw) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # Excel stores typed codes like 1001 as numbers
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _show(raw) -> str:
    return textrules.normalise_line(_as_text(raw))[:60]


def _parse_number(raw) -> float:
    if isinstance(raw, bool):
        raise CellValueError(i18n.msg("imports.not_number", value=_show(raw)))
    if isinstance(raw, (int, float)):
        number = float(raw)
    elif isinstance(raw, str):
        cleaned = textrules.normalise_line(raw).replace(" ", "")
        try:
            number = float(cleaned)
        except ValueError:
            raise CellValueError(i18n.msg("imports.not_number", value=_show(raw))) from None
    else:
        raise CellValueError(i18n.msg("imports.not_number", value=_show(raw)))
    if not math.isfinite(number):
        raise CellValueError(i18n.msg("imports.not_number", value=_show(raw)))
    return int(number) if number.is_integer() and isinstance(raw, int) else number


def _parse_date(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        match = _DATE.match(textrules.normalise_line(raw))
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
    raise CellValueError(i18n.msg("imports.not_date", value=_show(raw)))


_UNIQUE = {
    "entries": ("entry_code",),
    "judges": ("email",),
    "scores": ("round", "sheet", "entry_code", "judge_email", "criterion"),
    "conflicts": ("judge_email", "entry_code", "organisation"),
}


def _row_rules(sheet: str, row: Row, seen: dict[tuple, int]) -> list[CellError]:
    """Rules across the cells of one row, and duplicates within the sheet."""
    errors = []
    if sheet == "conflicts" and not row["entry_code"] and not row["organisation"]:
        errors.append(row.error("entry_code", i18n.msg("imports.conflict_needs_entry")))
    keys = _UNIQUE.get(sheet)
    if keys:
        values = tuple(_fold(row[k]) for k in keys)
        if values[0] is not None:
            first = seen.get((sheet, values))
            if first is not None:
                errors.append(row.error(keys[-1] if sheet == "scores" else keys[0],
                                        i18n.msg("imports.duplicate_of_row", row=first)))
            else:
                seen[(sheet, values)] = row.number
    return errors


def _fold(value):
    return value.casefold() if isinstance(value, str) else value


def _check_links(kind: str, result: ImportRows) -> None:
    """entries: every patents row belongs to an entry of the file. A row with blank
    entry_code can only be the core patent of an entry whose entry_code is blank. (Whether
    the core patent is listed is part of the patent-list rule, patents.check_patent_list,
    which names the real cause, such as the core number's check digit.)"""
    if kind != "entries" or "patents" not in result.sheets or "entries" not in result.sheets:
        return  # a missing sheet is already reported
    entries = result.sheets["entries"]
    codes = {_fold(r["entry_code"]): r for r in entries if r["entry_code"]}
    uncoded: dict[str, Row] = {}
    for entry in entries:
        if not entry["entry_code"] and entry["core_patent"]:
            key = _patent_key(entry["core_patent"])
            if key in uncoded:
                result.errors.append(entry.error("core_patent", i18n.msg(
                    "imports.same_core_patent", row=uncoded[key].number)))
            uncoded.setdefault(key, entry)
    for row in result.sheets["patents"]:
        if not row["patent_number"]:
            continue
        number = _patent_key(row["patent_number"])
        code = _fold(row["entry_code"])
        owner = codes.get(code) if code else uncoded.get(number)
        if owner is None:
            message = (i18n.msg("imports.not_an_entry_code", code=row["entry_code"])
                       if code else i18n.msg("imports.fill_entry_code"))
            result.errors.append(row.error("entry_code", message))


def _skip_blank_sheets(result: ImportRows) -> None:
    """A judge's sheet for an entry whose scores and comments are all still blank (a
    pre-filled template not yet scored there) is left out, and named, instead of being an
    error; a sheet scored in part is still an error for each blank score."""
    rows = result.sheets.get("scores") or []
    sheets: dict[tuple, list[Row]] = {}
    for row in rows:
        key = (_fold(row["round"]), _fold(row["sheet"]), _fold(row["entry_code"]),
               _fold(row["judge_email"]))
        sheets.setdefault(key, []).append(row)
    blank = set()
    for part in sheets.values():
        if all(r["score"] is None and r["comment"] is None for r in part):
            blank.update(r.number for r in part)
            name = f"{part[0]['entry_code']} {part[0]['judge_email']}"
            if name not in result.blank_sheets:
                result.blank_sheets.append(name)
    if not blank:
        return
    result.sheets["scores"] = [r for r in rows if r.number not in blank]
    result.errors = [e for e in result.errors if not (
        e.sheet == "scores" and e.row in blank and e.column == "score"
        and e.message == REQUIRED)]


def entry_key(row: Row) -> str:
    """How a patents row names its entry: the entry_code, or for an entry without one,
    its core patent."""
    code = row["entry_code"]
    if code:
        return "code:" + code.casefold()
    number = row["core_patent"] if row.sheet == "entries" else row["patent_number"]
    return "core:" + _patent_key(number)


def _patent_key(number: str | None) -> str:
    """The number as the patent-list rule compares it (normalised, check digit or not)."""
    return patents.parse_patent_number(number or "").normalised
