"""An edition's names in every language: one function shows them, English when a language
has none; rows and presets give labels per language, the older label_zh as zh-Hans."""

from __future__ import annotations

import pickle

from contest import i18n, presets
from contest.labels import LABEL_COLUMNS, Label, columns_of, label, label_of, labels_from_row, missing


class _Row:
    def __init__(self, label, labels):
        self.label, self.labels = label, labels


def test_a_missing_label_falls_back_to_english():
    design = _Row("Design", {"zh-Hans": "外观设计"})
    assert label_of(design, "zh-Hans") == "外观设计"
    assert label_of(design, "zh-Hant") == "Design"
    assert label_of(design, "en") == "Design"
    assert missing(design) == ["zh-Hant"]


def test_labels_come_from_language_columns_a_mapping_or_the_older_label_zh():
    assert labels_from_row({"label": "Final", "label_zh": "决赛"}) == {"zh-Hans": "决赛"}
    assert labels_from_row({"label": "Final", "labels": {"zh-Hant": "決賽", "xx": "?"}}) == {"zh-Hant": "決賽"}
    row = {"label": "Final", "label_zh_hans": "决赛", "label_zh_hant": " 決賽 ", "labels": {"zh-Hans": "old"}}
    assert labels_from_row(row) == {"zh-Hans": "决赛", "zh-Hant": "決賽"}
    assert labels_from_row({"label": "Final", "label_zh_hans": "", "labels": {"zh-Hans": "决赛"}}) == {}
    assert LABEL_COLUMNS == ("label", "label_zh_hans", "label_zh_hant")
    assert columns_of(_Row("Final", {"zh-Hant": "決賽"})) == {"label": "Final", "label_zh_hans": "",
                                                            "label_zh_hant": "決賽"}


def test_a_label_behaves_as_english_and_renders_in_messages_in_the_readers_language():
    final = label(_Row("Final", {"zh-Hans": "决赛", "zh-Hant": "決賽"}))
    assert final == "Final" and f"{final}" == "Final"
    back = pickle.loads(pickle.dumps(final))  # as a worker process hands it back
    assert isinstance(back, Label) and back == "Final" and back.labels == final.labels
    assert back.render("zh-Hant") == "決賽"
    message = i18n.msg("results.last_round", round=final)
    assert "決賽" in message.render("zh-Hant") and "Final" in message.render("en")
    assert isinstance(final, Label)


def test_the_gba_preset_names_everything_in_every_language():
    spec = presets.load("gba")
    named = [*spec["groups"], *spec["categories"], *spec["tracks"], *spec["awards"], *spec["bands"], *spec["rounds"]]
    for rnd in spec["rounds"]:
        for sheet in rnd.get("sheets", []):
            named += [sheet, *sheet["criteria"]]
    assert all(missing(thing) == [] for thing in named), [t["label"] for t in named if missing(t)]
    described = [thing for thing in named if thing.get("description")]
    assert described and all(missing(thing, "description") == [] for thing in described)
    design = next(c for c in spec["categories"] if c["key"] == "design")
    assert (label_of(design, "zh-Hans"), label_of(design, "zh-Hant")) == ("外观设计", "外觀設計")
    rounds = {r["key"]: label_of(r, "zh-Hant") for r in spec["rounds"]}
    assert (rounds["preliminary"], rounds["semifinal"], rounds["final"]) == ("初賽", "複賽", "決賽")
    assert label_of(next(c for c in spec["categories"] if c["key"] == "invention"), "zh-Hant") == "發明專利"


def test_a_description_is_told_in_every_language_and_falls_back_to_english():
    row = {"label": "Start-up", "description": "Revenue at most RMB 20 m",
           "description_zh_hant": "營業收入不超過人民幣 2,000 萬元", "description_zh_hans": ""}
    assert label_of(row, "zh-Hant", base="description") == "營業收入不超過人民幣 2,000 萬元"
    assert label_of(row, "zh-Hans", base="description") == "Revenue at most RMB 20 m"
    assert label_of(row, "zh-Hant") == "Start-up"  # the label is still the label
    assert missing(row, "description") == ["zh-Hans"]
    assert missing({"label": "Growth", "description": ""}, "description") == []  # nothing to translate
