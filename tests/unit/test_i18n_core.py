"""The message catalogue core: ids with named parameters, languages declared once."""

import pickle

import pytest

from contest import i18n, ranking
from contest.services import InvalidInput, refused_by_rule


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


def test_a_rules_refusal_reaches_the_user_in_their_language_naming_entries_by_code():
    with pytest.raises(i18n.RuleError) as refusal:
        ranking.Cut(top=0)
    assert str(refusal.value) == "A top-N cut needs N of at least 1."
    assert refused_by_rule(refusal.value).render("zh-Hant") == "按首 N 名晉級時，N 最少為 1。"
    carried = pickle.loads(pickle.dumps(i18n.RuleError("ranking.no_carried_result", entries=[7, 9])))  # from a worker
    error = refused_by_rule(carried, entries={7: "GBA-007", 9: "GBA-009"})
    assert error.render("zh-Hans") == "以下参赛项目没有可结转的上轮结果：GBA-007, GBA-009。"
    assert refused_by_rule(ValueError("odd")).render("zh-Hant") == "無法完成：odd"  # not a rule's: said as it is
