"""People read as name and organisation; where that repeats, their email tells them apart."""

import pytest

from contest import people
from contest.people import Person

LIU_PEARL = Person(1, "Liu Min", "Pearl River IP Law Firm", "liu.min@pearl.example")
LIU_BAYVIEW = Person(2, "Liu Min", "Bayview Venture Capital", "lmin@bayview.example")
LIU_PEARL_TOO = Person(3, "Liu Min", "Pearl River IP Law Firm", "min.liu@pearl.example")
CHAN = Person(4, "Chan Ka Ming", "", "chan@example.org")


@pytest.mark.parametrize("shown, expected", [
    ([LIU_PEARL], {1: "Liu Min (Pearl River IP Law Firm)"}),
    ([LIU_PEARL, LIU_BAYVIEW], {1: "Liu Min (Pearl River IP Law Firm)", 2: "Liu Min (Bayview Venture Capital)"}),
    ([LIU_PEARL, LIU_PEARL_TOO, CHAN], {
        1: "Liu Min (Pearl River IP Law Firm, liu.min@pearl.example)",
        3: "Liu Min (Pearl River IP Law Firm, min.liu@pearl.example)",
        4: "Chan Ka Ming"}),
    ([CHAN, Person(5, "Chan Ka Ming", "", "ckm@example.org")], {
        4: "Chan Ka Ming (chan@example.org)", 5: "Chan Ka Ming (ckm@example.org)"}),
    ([Person(6, "", "", "nameless@example.org")], {6: "nameless@example.org"}),
], ids=["one", "same name, other organisation", "same name and organisation", "no organisation", "no name"])
def test_every_person_shown_together_gets_a_distinct_readable_label(shown, expected):
    assert people.labels(shown) == expected
