"""Import and export workbooks (openpyxl): templates, the import reader, the results
workbook. Text is always stored as text, never as a formula.

Callers import the package (`from contest import excel`) and use the names below.
"""

from contest.excel.reader import (
    CellError,
    ImportRows,
    Row,
    entry_key,
    problem_lines,
    read_workbook,
)
from contest.excel.schema import KINDS
from contest.excel.statistics import entry_statistics
from contest.excel.templates import template_workbook
from contest.excel.writer import ResultsBook, interest_workbook, results_workbook

__all__ = ["CellError", "ImportRows", "KINDS", "ResultsBook", "Row", "entry_key",
           "entry_statistics", "interest_workbook", "problem_lines",
           "read_workbook", "results_workbook", "template_workbook"]
