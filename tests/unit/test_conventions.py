"""The architecture holds: Streamlit stays in the UI, rules stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "contest"
RULES = ["patents", "eligibility", "scoring", "ranking", "reliability", "assignment", "organisations",
         "conflicts", "rubrics", "people", "pdfpages", "roadshow", "feedback"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def python_files_outside_ui():
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]


@pytest.mark.parametrize("path", python_files_outside_ui(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_streamlit_is_imported_only_by_the_ui(path):
    assert not any(m == "streamlit" or m.startswith("streamlit.") for m in imported_modules(path))


@pytest.mark.parametrize("rule", [r for r in RULES if (PACKAGE / f"{r}.py").exists()])
def test_rules_are_pure_no_database_no_services_no_ui(rule):
    forbidden = ("sqlmodel", "sqlalchemy", "contest.services", "contest.db", "contest.models", "contest.ui", "streamlit")
    used = imported_modules(PACKAGE / f"{rule}.py")
    assert not [m for m in used if m.startswith(forbidden)]


def test_pages_do_not_query_the_database_directly():
    for page in (PACKAGE / "ui" / "pages").glob("*.py"):
        used = imported_modules(page)
        assert not [m for m in used if m.startswith(("sqlmodel", "sqlalchemy"))], page.name
