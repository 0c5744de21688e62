"""The message catalogue core: ids with named parameters, languages declared once."""

import pytest

from contest import i18n
from contest.services import InvalidInput


def test_a_message_renders_in_each_declared_language():
    assert i18n.text("common.cancel", "en") == "Cancel"
    assert i18n.text("common.cancel", "zh-Hans") == "取消"
    assert i18n.text("common.language", "zh-Hant") == "語言"


def test_a_parameter_that_is_a_message_renders_in_the_same_language():
    outer = i18n.msg("{what} is missing", what=i18n.msg("common.language"))
    assert outer.render("zh-Hant") == "語言 is missing"


def test_a_missing_parameter_stays_visible_instead_of_raising():
    assert i18n.text("{a} and {b}", "en", a=1) == "1 and {b}"


@pytest.mark.parametrize(("header", "expected"), [
    ("zh-HK,zh;q=0.9,en;q=0.8", "zh-Hant"),
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("fr-FR, en-US;q=0.5", "en"),
    ("fr-FR", None),
    ("en;q=0.2, zh-TW;q=0.8", "zh-Hant"),
    ("", None),
])
def test_accept_language_picks_the_best_declared_language(header, expected):
    assert i18n.from_accept_language(header) == expected


@pytest.mark.parametrize(("stored", "expected"), [
    ("zh", "zh-Hans"), ("zh_Hant", "zh-Hant"), ("EN", "en"), ("de", None), (None, None)])
def test_older_and_browser_language_tags_map_onto_declared_languages(stored, expected):
    assert i18n.normalise_language(stored) == expected


def test_a_service_error_carries_its_message_and_renders_english_for_logs():
    error = InvalidInput("{n} rows are wrong", n=3)
    assert str(error) == "3 rows are wrong"
    assert error.message == i18n.msg("{n} rows are wrong", n=3)
    assert error.problems == [error.message]
