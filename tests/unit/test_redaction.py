"""What identifies an entrant in a blind round, and text with it taken out."""

import pytest

from contest import redaction

PLACES = ["Zhuhai", "珠海", "Hong Kong", "香港", "Shenzhen"]


def hidden(text, *values):
    return redaction.redact(text, redaction.identity_terms(values, places=PLACES), PLACES)


@pytest.mark.parametrize("text, values, expected", [
    ("Haixin's batteries", ["Zhuhai Haixin Energy Storage Technology Co., Ltd."], "[applicant]'s batteries"),
    ("by HAIXIN ENERGY STORAGE TECHNOLOGY", ["Zhuhai Haixin Energy Storage Technology Co., Ltd."], "by [applicant]"),
    ("海信储能的电池", ["珠海海信储能科技有限公司"], "[applicant]储能的电池"),
    ("Chen Jing's gripper", ["Chen Jing"], "[applicant]'s gripper"),
    ("mail chen.jing@haixin-energy.cn", ["chen.jing@haixin-energy.cn"], "mail [applicant]"),
    ("a university spin-off", ["Shenzhen University"], "a university spin-off"),
    ("Acmeology is not Acme", ["Acme Robotics Ltd."], "Acmeology is not [applicant]"),
    ("built in Zhuhai and 香港", [], "built in [place] and [place]"),
    ("AI chips", ["AI"], "AI chips"),  # two Latin letters would blank ordinary words
    ("gmail users", ["someone@gmail.com"], "gmail users"),  # a free mail domain names nobody
])
def test_identity_terms_and_places_are_taken_out_of_free_text(text, values, expected):
    assert hidden(text, *values) == expected
