"""The one message catalogue is complete: every message has a Simplified and a Traditional
Chinese translation that uses exactly the English text's named parameters, and every id the
code names exists."""

import ast
import re
from pathlib import Path

import pytest

import contest
from contest import i18n

ROOT = Path(contest.__file__).resolve().parents[1]
ENGLISH = i18n.catalogue(i18n.DEFAULT_LANGUAGE)
OTHERS = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
MESSAGE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


def names_a_message(call: ast.Call) -> bool:
    """t("area.name"), msg(...), i18n.text(...), SomeError(...), formats.Column("col.name")."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    return name in {"t", "msg", "text", "Column"} or name.endswith("Error") or name in {"InvalidInput", "NotFound"}


def sources() -> list[Path]:
    return sorted((ROOT / "contest").rglob("*.py")) + [ROOT / "streamlit_app.py"]


def ids_used_in_code() -> dict[str, str]:
    """message id -> the first place that names it."""
    used = {}
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and names_a_message(node):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and MESSAGE_ID.fullmatch(first.value):
                    used.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return used


def test_the_english_catalogue_is_not_empty():
    assert len(ENGLISH) > 900


@pytest.mark.parametrize("code", OTHERS)
def test_every_message_has_a_translation_with_exactly_the_english_parameters(code):
    translated = i18n.catalogue(code)
    missing = sorted(set(ENGLISH) - set(translated))
    assert not missing, f"{code}: no translation for {missing}"
    blank = sorted(mid for mid in ENGLISH if not translated[mid].strip())
    assert not blank, f"{code}: empty translation for {blank}"
    differ = {mid: (sorted(i18n.placeholders(ENGLISH[mid])), sorted(i18n.placeholders(translated[mid])))
              for mid in ENGLISH if i18n.placeholders(ENGLISH[mid]) != i18n.placeholders(translated[mid])}
    assert not differ, f"{code}: parameters differ from English {differ}"


@pytest.mark.parametrize("code", OTHERS)
def test_no_translation_names_a_message_english_lacks(code):
    assert sorted(set(i18n.catalogue(code)) - set(ENGLISH)) == []


def test_every_message_id_the_code_names_is_in_the_catalogue():
    used = ids_used_in_code()
    assert len(used) > 300  # the pattern finds the call sites
    missing = {mid: where for mid, where in used.items() if mid not in ENGLISH}
    assert not missing, missing


def test_the_check_sees_the_call_sites_that_name_messages():
    calls = [node for node in ast.walk(ast.parse('st.button(t("judge_score.no_such_message"), key="x")\n'
                                                  'raise InvalidInput(msg("auth.name_required"))'))
             if isinstance(node, ast.Call) and names_a_message(node)]
    assert [c.args[0].value for c in calls if isinstance(c.args[0], ast.Constant)] == [
        "judge_score.no_such_message", "auth.name_required"]


def test_traditional_chinese_is_hong_kong_usage_not_a_character_conversion():
    hant, hans = i18n.catalogue("zh-Hant"), i18n.catalogue("zh-Hans")
    assert hant["common.sign_in"] == "登入" and hans["common.sign_in"] == "登录"
    assert hant["shell.sign_out"] == "登出"
    assert hant["common.email"] == "電郵"
    assert hant["entrant_entry.upload"] == "上載"
    assert "申請人" in hant["entrant_entry.applicant_type"]
    mainland = ("登錄", "評委", "郵箱", "賬", "數據", "上傳", "默認", "保存", "信息", "視頻", "鏈接")
    found = {mid: word for mid, value in hant.items() for word in mainland if word in value}
    assert not found, found
