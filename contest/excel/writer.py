"""The results workbook: summary, ranking, criteria, scores, judges, reliability,
assignments, rubric, then statistics and interest (INTERFACES.md, README.md); and the
interest workbook (the `interest` sheet alone) for a matchmaking session.

Keys (sheet and column names) are the same in every language; the user's language shows
in a note on each header cell and in the legend of the summary sheet. openpyxl (write-only)
writes the styles, notes, filters, colour scales and charts; the data rows are streamed in
afterwards by contest.excel.fastrows, which stores every string as an inline string.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contest import i18n, labels
from contest.excel import fastrows, schema
from contest.excel import text as textrules

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
COLOUR_SCALE_COLUMNS = ("adjusted_score", "raw_mean", "score", "mean", "median",
                        "adjusted_mean", "score_low", "score_high")
FREEZE = {"ranking": "E2"}
RANKING_SHEETS = ("ranking", "criteria", "judges", "reliability")  # empty before any sheet
CHART_TOP = 10

def _word(name: str, language: str) -> str:
    return i18n.text(f"workbook.results.{name}", language)


@dataclass
class ResultsBook:
    """Everything the results workbook shows; each DataFrame becomes one sheet.

    Required columns per sheet are schema.RESULT_REQUIRED; further columns follow them.
    """

    edition: str
    round: str
    method: str
    generated_at: datetime
    ranking: pd.DataFrame
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    judges: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    assignments: pd.DataFrame = field(default_factory=pd.DataFrame)
    rubric: pd.DataFrame = field(default_factory=pd.DataFrame)
    statistics: pd.DataFrame | None = None
    interest: pd.DataFrame | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    warnings: Sequence[str] = ()
    method_settings: Mapping[str, object] = field(default_factory=dict)
    blind: bool = False


def results_workbook(book: ResultsBook, *, lang: str = "en") -> bytes:
    """The results workbook as .xlsx bytes; raises ValueError if a sheet lacks a column
    INTERFACES.md promises."""
    lang = i18n.language_or_default(lang)
    frames = {name: _in_language(frame, lang) for name, frame in _frames(book).items()}
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("summary")
    styles = _register_styles(summary)
    sheets = {name: workbook.create_sheet(name) for name in frames}
    why_empty = "\n".join(_render(w, lang) for w in book.warnings)
    for name, frame in frames.items():
        _prepare_sheet(sheets[name], name, frame, lang,
                       empty_note=why_empty if name in RANKING_SHEETS and frame.empty else "")
    _write_summary(summary, book, frames, lang)
    _add_charts(summary, sheets.get("ranking"), frames["ranking"], lang)
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = {sheets[name].path.lstrip("/"): frame for name, frame in frames.items()}
    return _with_rows(buffer.getvalue(), parts, styles)


def interest_workbook(interest: pd.DataFrame, *, lang: str = "en") -> bytes:
    """The `interest` sheet alone, as in the results workbook (keys in the header, the
    language in its notes), for the organiser's matchmaking session."""
    lang = i18n.language_or_default(lang)
    frame = _in_language(_ordered(schema.INTEREST_SHEET, interest), lang)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(schema.INTEREST_SHEET)
    styles = _register_styles(sheet)
    _prepare_sheet(sheet, schema.INTEREST_SHEET, frame, lang)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_rows(buffer.getvalue(), {sheet.path.lstrip("/"): frame}, styles)


# ---------------------------------------------------------------- frames

def _in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The edition's names (Labels) and messages in the frame, in the workbook's language."""
    def shown(value):
        if isinstance(value, labels.Label):
            return labels.label_of(value, lang)
        if isinstance(value, i18n.Message):
            return value.render(lang)
        return value

    changed = {c: frame[c].map(shown) for c in frame.columns if frame[c].dtype == object
               and frame[c].map(lambda v: isinstance(v, (labels.Label, i18n.Message))).any()}
    return frame.assign(**changed) if changed else frame


def _frames(book: ResultsBook) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in schema.RESULT_SHEETS[1:]:
        frames[name] = _ordered(name, getattr(book, name))
    if book.statistics is not None:
        frames[schema.STATISTICS_SHEET] = _ordered(schema.STATISTICS_SHEET, book.statistics)
    if book.interest is not None:
        frames[schema.INTEREST_SHEET] = _ordered(schema.INTEREST_SHEET, book.interest)
    ranking = frames["ranking"]
    if book.blind:
        ranking = ranking.assign(applicant=None)
    if len(ranking):
        # Groups in blocks, best first: the charts read contiguous rows of each group.
        ranking = ranking.sort_values(["group", "rank", "entry_code"], kind="stable",
                                      na_position="last")
    frames["ranking"] = ranking.reset_index(drop=True)
    return frames


def _ordered(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    required = schema.RESULT_REQUIRED.get(name, ())
    if frame is None:
        frame = pd.DataFrame()
    if frame.empty and len(frame.columns) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in required})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"results sheet '{name}' lacks column(s) {', '.join(missing)}")
    rest = [c for c in frame.columns if c not in required]
    return frame[list(required) + rest]


# ---------------------------------------------------------------- sheets

def _register_styles(sheet) -> fastrows.CellStyles:
    def style(**attrs):
        cell = WriteOnlyCell(sheet)
        for key, value in attrs.items():
            setattr(cell, key, value)
        return cell.style_id

    return fastrows.CellStyles(number=style(number_format="0.00"),
                               date=style(number_format="yyyy-mm-dd"),
                               datetime=style(number_format="yyyy-mm-dd hh:mm"),
                               guarded_text=style(quotePrefix=True))


def _text_cell(sheet, value, font=None) -> WriteOnlyCell:
    """A cell whose text stays text even if it starts with '=' and the like."""
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = textrules.clean_for_cell(value)
        cell.data_type = "s"
        if textrules.needs_text_guard(cell.value):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.value = fastrows._naive(value)
        cell.number_format = "yyyy-mm-dd hh:mm"
    else:
        cell.value = value
    if font is not None:
        cell.font = font
    return cell


def _render(warning, lang: str) -> str:
    """A warning in the workbook's language (a message, or text already written)."""
    if isinstance(warning, i18n.Message):
        return warning.render(lang)
    return str(warning)


def _prepare_sheet(sheet, name: str, frame: pd.DataFrame, lang: str, empty_note: str = "") -> None:
    """Everything but the data rows: widths, header with notes, frozen panes, filter,
    colour scales. An empty sheet's first header note says why it is empty."""
    n_cols = max(len(frame.columns), 1)
    last_row = len(frame) + 1
    for index, key in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(key, frame[key])
    sheet.freeze_panes = FREEZE.get(name, "A2")
    sheet.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{last_row}"
    for index, key in enumerate(frame.columns, start=1):
        if key in COLOUR_SCALE_COLUMNS and len(frame) and pd.api.types.is_numeric_dtype(
                frame[key]):
            letter = get_column_letter(index)
            sheet.conditional_formatting.add(
                f"{letter}2:{letter}{last_row}",
                ColorScaleRule(start_type="min", start_color="F8696B",
                               mid_type="percentile", mid_value=50, mid_color="FFEB84",
                               end_type="max", end_color="63BE7B"))
    header = []
    for index, key in enumerate(frame.columns):
        cell = _text_cell(sheet, str(key), HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = schema.column_label(str(key), lang)
        if empty_note and index == 0:
            note = f"{note}\n\n{empty_note}"
        cell.comment = Comment(note, "contest", width=260 if index else 360,
                               height=60 if not (empty_note and index == 0) else 160)
        header.append(cell)
    sheet.append(header)


def _width(key, series: pd.Series) -> float:
    sample = series.head(300)
    widest = textrules.display_width(str(key)) + 3
    if not pd.api.types.is_numeric_dtype(series):
        for value in sample.astype(object).tolist():
            if isinstance(value, str):
                widest = max(widest, textrules.display_width(value[:80]) + 2)
            elif value is not None and not (isinstance(value, float) and value != value):
                widest = max(widest, len(str(value)) + 2)
    else:
        widest = max(widest, 10)
    return float(min(max(widest, 8), 60))


def _write_summary(sheet, book: ResultsBook, frames, lang: str) -> None:
    word = lambda key: _word(key, lang)  # noqa: E731
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 44
    sheet.column_dimensions["D"].width = 40
    sheet.append([_text_cell(sheet, word("title"), TITLE_FONT)])
    generated = book.generated_at
    if generated.tzinfo is not None:
        generated = generated.astimezone(timezone.utc)
    rows = [("edition", book.edition), ("round", book.round), ("method", book.method),
            ("generated_at", generated), ("blind", word("yes") if book.blind else word("no"))]
    for key, value in rows:
        sheet.append([_text_cell(sheet, key, BOLD), _text_cell(sheet, value),
                      _text_cell(sheet, word(key))])
    sheet.append([])
    sheet.append([_text_cell(sheet, word("counts"), BOLD)])
    for key, value in book.counts.items():
        sheet.append([_text_cell(sheet, str(key)), _text_cell(sheet, value),
                      _text_cell(sheet, schema.column_label(str(key), lang))])
    sheet.append([])
    sheet.append([_text_cell(sheet, word("warnings"), BOLD)])
    for warning in book.warnings or [word("none")]:
        sheet.append([_text_cell(sheet, _render(warning, lang))])
    sheet.append([])
    sheet.append([_text_cell(sheet, word("settings"), BOLD)])
    for key, value in book.method_settings.items():
        if not isinstance(value, (int, float, str, datetime)) or isinstance(value, bool):
            value = str(value)
        sheet.append([_text_cell(sheet, str(key)), _text_cell(sheet, value)])
    sheet.append([])
    sheet.append([_text_cell(sheet, word("legend"), BOLD)])
    # the workbook's language first, then every other declared language
    languages = [lang, *(code for code in i18n.LANGUAGES if code != lang)]
    sheet.append([_text_cell(sheet, h, BOLD) for h in
                  ("sheet", "column", *(i18n.LANGUAGES[code].name for code in languages))])
    for name in ("summary", *frames):
        sheet.append([_text_cell(sheet, name, BOLD), _text_cell(sheet, ""),
                      *(_text_cell(sheet, schema.sheet_label(name, code)) for code in languages)])
        for key in frames.get(name, pd.DataFrame()).columns:
            sheet.append([_text_cell(sheet, name), _text_cell(sheet, str(key)),
                          *(_text_cell(sheet, schema.column_label(str(key), code)) for code in languages)])


def _add_charts(summary, ranking_sheet, ranking: pd.DataFrame, lang: str) -> None:
    """One bar chart per group: its leading entries by adjusted score."""
    if ranking_sheet is None or ranking.empty:
        return
    columns = list(ranking.columns)
    score_col = columns.index("adjusted_score") + 1
    code_col = columns.index("entry_code") + 1
    if not pd.api.types.is_numeric_dtype(ranking["adjusted_score"]):
        return
    anchor_row = 2
    for group, rows in ranking.groupby("group", sort=False, dropna=True):
        top = rows.head(CHART_TOP)
        first = int(top.index[0]) + 2  # header is row 1, frame index 0 is row 2
        last = int(top.index[-1]) + 2
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = f"{_word('chart', lang)}: {group}"
        chart.y_axis.title = schema.column_label("adjusted_score", lang)
        chart.x_axis.scaling.orientation = "maxMin"  # best at the top
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend = None
        values = Reference(ranking_sheet, min_col=score_col, min_row=first, max_row=last)
        chart.series.append(Series(values, title="adjusted_score"))
        chart.set_categories(Reference(ranking_sheet, min_col=code_col, min_row=first,
                                       max_row=last))
        chart.height = 7.5
        chart.width = 16
        summary.add_chart(chart, f"F{anchor_row}")
        anchor_row += 16


# ---------------------------------------------------------------- rows

_SHEET_DATA_END = re.compile(rb"</sheetData>|<sheetData\s*/>")


def _with_rows(package: bytes, parts: Mapping[str, pd.DataFrame],
               styles: fastrows.CellStyles) -> bytes:
    """Copy the openpyxl package, streaming each frame's rows into its sheet part."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            frame = parts.get(info.filename)
            if frame is None:
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            match = _SHEET_DATA_END.search(data)
            if match is None:
                raise RuntimeError(f"no sheetData in {info.filename}")
            head, tail = data[:match.start()], data[match.end():]
            if match.group().startswith(b"<sheetData"):
                head += b"<sheetData>"
            # One sheet's cell fragments at a time keeps the peak memory down.
            columns = [fastrows.column_fragments(frame[c], styles) for c in frame.columns]
            with target.open(info.filename, "w") as stream:
                stream.write(head)
                for chunk in fastrows.rows_xml(columns):
                    stream.write(chunk.encode("utf-8", "replace"))
                stream.write(b"</sheetData>" + tail)
    return out.getvalue()
