"""Empty import workbooks: the sheets and columns of INTERFACES.md, drop-down lists for
enumerated columns, example rows the import skips, and a sheet explaining every column."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from contest import i18n
from contest.excel import schema
from contest.excel import text as textrules

TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
EXAMPLE_FONT = Font(italic=True, color="7F6000")
INSTRUCTIONS = "instructions"
LISTS = "lists"

RULES = tuple(f"workbook.template.rule_{n}" for n in range(1, 6))
HEAD = tuple(f"workbook.template.head_{name}" for name in ("sheet", "column", "required", "allowed", "explanation"))


def _word(name: str, language: str) -> str:
    return i18n.text(f"workbook.template.{name}", language)


def template_workbook(kind: str, *, choices: Mapping[str, Sequence[str]] | None = None,
                      lang: str = "en", rows: Sequence[Sequence] = ()) -> bytes:
    """An import workbook for `kind` as .xlsx bytes: empty, or pre-filled with `rows` of
    its first sheet (in its columns' order; no example rows then).

    `choices` gives the allowed values of a column (e.g. {"track": [...]}) and adds a
    drop-down for it; built-in enumerations (group, region, ...) always have one.
    """
    specs = schema.sheets_for(kind)
    lang = i18n.language_or_default(lang)
    lists = _enumerations(choices or {})
    book = Workbook()
    book.remove(book.active)
    list_sheet = None
    list_refs: dict[str, str] = {}
    for position, spec in enumerate(specs):
        sheet = book.create_sheet(spec.name)
        _write_header(sheet, spec, lang)
        filled = rows if position == 0 else ()
        if filled:
            _write_rows(sheet, filled)
        else:
            for number, example in enumerate(spec.examples, start=2):
                _write_example(sheet, spec, number, _fill_example(spec, example, lists))
        last = max(TEMPLATE_ROWS, len(filled) + 1)
        for index, col in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            area = f"{letter}2:{letter}{last}"
            if col.type == "enum" and col.key in lists:
                if list_sheet is None:
                    list_sheet = book.create_sheet(LISTS)
                if col.key not in list_refs:
                    list_refs[col.key] = _add_list(list_sheet, len(list_refs) + 1, col.key,
                                                   lists[col.key])
                ref = list_refs[col.key]
                _add_validation(sheet, DataValidation(type="list", formula1=ref,
                                                      allow_blank=True), area, lang)
            elif col.type == "int":
                _add_validation(sheet, DataValidation(type="whole", operator="greaterThanOrEqual",
                                                      formula1="0", allow_blank=True), area, lang)
            elif col.type == "number":
                _add_validation(sheet, DataValidation(type="decimal",
                                                      operator="greaterThanOrEqual",
                                                      formula1="0", allow_blank=True), area, lang)
    _write_instructions(book.create_sheet(INSTRUCTIONS), specs, lists, lang)
    if list_sheet is not None:
        book.move_sheet(list_sheet, offset=len(book.sheetnames))
        list_sheet.sheet_state = "hidden"
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _enumerations(choices: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    lists = {key: list(values) for key, values in schema.ENUMS.items()}
    for key, values in choices.items():
        cleaned = [textrules.normalise_line(str(v)) for v in values]
        lists[key] = [v for v in dict.fromkeys(cleaned) if v]
    return lists


def _set_text(cell, value: str) -> None:
    """Store text as text, whatever it starts with."""
    cell.value = textrules.clean_for_cell(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if textrules.needs_text_guard(cell.value):
            cell.quotePrefix = True


def _write_header(sheet, spec: schema.SheetSpec, lang: str) -> None:
    for index, col in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, col.key)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        note = f"{schema.column_label(col.key, lang)}\n{schema.column_help(col, lang)}"
        cell.comment = Comment(note, "contest", width=320, height=120)
        width = max(textrules.display_width(col.key) + 4, 14)
        if col.type in ("text", "longtext"):
            width = max(width, 28)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _fill_example(spec, example, lists):
    values = list(example)
    if "track" in spec.keys and lists.get("track"):
        values[spec.keys.index("track")] = lists["track"][0]
    return values


def _write_example(sheet, spec, number, values) -> None:
    for index, (col, value) in enumerate(zip(spec.columns, values), start=1):
        cell = sheet.cell(row=number, column=index)
        if isinstance(value, str):
            _set_text(cell, value)
        else:
            cell.value = value
        cell.fill = EXAMPLE_FILL
        cell.font = EXAMPLE_FONT


def _write_rows(sheet, rows: Sequence[Sequence]) -> None:
    for number, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=index)
            if isinstance(value, str):
                _set_text(cell, value)
            else:
                cell.value = value


def _add_list(sheet, column: int, key: str, values: list[str]) -> str:
    letter = get_column_letter(column)
    _set_text(sheet.cell(row=1, column=column), key)
    for row, value in enumerate(values, start=2):
        _set_text(sheet.cell(row=row, column=column), value)
    last = max(len(values) + 1, 2)
    return f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${last}"


def _add_validation(sheet, validation: DataValidation, area: str, lang: str) -> None:
    validation.error = _word("invalid", lang)
    validation.errorTitle = _word("invalid", lang)
    validation.prompt = _word("pick", lang) if validation.type == "list" else None
    validation.showErrorMessage = True
    validation.add(area)
    sheet.add_data_validation(validation)


def _write_instructions(sheet, specs, lists, lang: str) -> None:
    _set_text(sheet.cell(row=1, column=1), _word("title", lang))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 3
    for rule in RULES:
        _set_text(sheet.cell(row=row, column=1), f"• {i18n.text(rule, lang)}")
        row += 1
    row += 1
    for spec in specs:
        _set_text(sheet.cell(row=row, column=1),
                  f"{spec.name}: {schema.sheet_help(spec, lang)}")
        sheet.cell(row=row, column=1).font = Font(bold=True)
        row += 1
    row += 1
    for index, title in enumerate((i18n.text(h, lang) for h in HEAD), start=1):
        cell = sheet.cell(row=row, column=index)
        _set_text(cell, title)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    row += 1
    for spec in specs:
        for col in spec.columns:
            required = _word("yes" if col.required else "column" if col.needed else "no", lang)
            allowed = ""
            if col.type in ("enum", "list") and col.key in lists:
                allowed = ", ".join(lists[col.key])
            elif col.key == "expertise" and lists.get("track"):
                allowed = ", ".join(lists["track"])
            elif col.type == "date":
                allowed = "YYYY-MM-DD"
            elif col.type in ("int", "number"):
                allowed = "≥ 0"
            for index, value in enumerate(
                    (spec.name, col.key, required, allowed,
                     schema.column_help(col, lang)), start=1):
                cell = sheet.cell(row=row, column=index)
                _set_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for letter, width in zip("ABCDE", (14, 18, 14, 40, 80)):
        sheet.column_dimensions[letter].width = width
