"""The text rule every stored field follows: its length limit, no control characters, line
breaks only where a field holds several lines."""

import pytest

from contest import texts


@pytest.mark.parametrize("value, limit, multiline, problem", [
    ("Acme Robotics", 200, False, None),
    ("机器人抓手专利组合", 10, False, None),
    ("x" * 201, 200, False, "too_long"),
    ("x" * 200, 200, False, None),
    ("Acme\x00", 200, False, "control_characters"),
    ("Acme\x00", 8000, True, "control_characters"),
    ("two\nlines", 200, False, "control_characters"),
    ("two\r\nlines\tand a tab", 8000, True, None),
    ("bell\x07", 8000, True, "control_characters"),
    ("delete\x7f", 200, False, "control_characters"),
    ("\x85next line", 200, False, "control_characters"),
    ("lone \ud800 surrogate", 200, False, "not_text"),
    ("right-to-left \u202e mark", 200, False, None),
])
def test_a_text_is_refused_only_for_what_a_database_or_a_one_line_field_cannot_hold(value, limit, multiline,
                                                                                     problem):
    assert texts.text_problem(value, max_length=limit, multiline=multiline) == problem


def test_the_refusal_names_the_field_and_both_lengths():
    message = texts.problem_message("too_long", field=texts.field_label("contact_name"), value="x" * 250,
                                    max_length=200)
    assert message.render("en") == "Contact name: at most 200 characters (250 given)."
    assert message.render("zh-Hans") == "联系人姓名：最多 200 个字符（现有 250 个）。"
