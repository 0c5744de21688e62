"""Patent numbers as entrants type them: parsed, checked and normalised."""

import hypothesis
import pytest
from hypothesis import strategies as st

from contest import patents

# written, normalised, jurisdiction, number_type, kind
VALID = [
    # CN applications, 12-digit layout (check digits worked by hand, see test below)
    ("201710601862.3", "CN201710601862.3", "CN", "application", "invention"),
    ("202020123456.8", "CN202020123456.8", "CN", "application", "utility_model"),
    ("201930567890.8", "CN201930567890.8", "CN", "application", "design"),
    ("201880012345.5", "CN201880012345.5", "CN", "application", "invention"),
    # CN applications, 8-digit pre-2004 layout, X as check digit
    ("95115608.X", "CN95115608.X", "CN", "application", "invention"),
    ("95115608.x", "CN95115608.X", "CN", "application", "invention"),
    ("98212345.0", "CN98212345.0", "CN", "application", "utility_model"),
    # ZL certificate prefix, CN prefix, spaces, no dot, full-width forms
    ("ZL201710601862.3", "CN201710601862.3", "CN", "application", "invention"),
    ("ZL 2017 1 0601862.3", "CN201710601862.3", "CN", "application", "invention"),
    ("zl95115608.x", "CN95115608.X", "CN", "application", "invention"),
    ("CN201710601862.3", "CN201710601862.3", "CN", "application", "invention"),
    ("  2017 1060 1862 . 3 ", "CN201710601862.3", "CN", "application", "invention"),
    ("2017106018623", "CN201710601862.3", "CN", "application", "invention"),
    ("CN95115608X", "CN95115608.X", "CN", "application", "invention"),
    ("ＺＬ２０１７１０６０１８６２．３", "CN201710601862.3", "CN", "application", "invention"),
    ("２０１７１０６０１８６２。３", "CN201710601862.3", "CN", "application", "invention"),
    ("2017\u300010601862.3", "CN201710601862.3", "CN", "application", "invention"),
    # CN publications with kind codes
    ("CN112345678B", "CN112345678B", "CN", "publication", "invention"),
    ("CN112345678A", "CN112345678A", "CN", "publication", "invention"),
    ("CN 212345678 U", "CN212345678U", "CN", "publication", "utility_model"),
    ("CN305123456S", "CN305123456S", "CN", "publication", "design"),
    ("CN1234567C", "CN1234567C", "CN", "publication", "invention"),
    ("CN2345678Y", "CN2345678Y", "CN", "publication", "utility_model"),
    ("CN112345678A9", "CN112345678A9", "CN", "publication", "invention"),
    ("ｃｎ１１２３４５６７８ｂ", "CN112345678B", "CN", "publication", "invention"),
    # Hong Kong, Macao
    ("HK1234567", "HK1234567", "HK", "patent", None),
    ("HK 1234567 A", "HK1234567A", "HK", "publication", None),
    ("HK40012345B", "HK40012345B", "HK", "publication", None),
    ("MO I/001234", "MOI/001234", "MO", "patent", "invention"),
    ("J/1234", "MOJ/001234", "MO", "patent", "invention"),
    ("MOU/000012", "MOU/000012", "MO", "patent", "utility_model"),
    ("MO D/000345", "MOD/000345", "MO", "patent", "design"),
    # PCT and WO
    ("PCT/CN2020/123456", "PCT/CN2020/123456", "WO", "pct_application", None),
    ("pct/cn2020/123456", "PCT/CN2020/123456", "WO", "pct_application", None),
    ("PCT/US98/12345", "PCT/US98/12345", "WO", "pct_application", None),
    ("WO2021123456A1", "WO2021123456A1", "WO", "publication", None),
    ("WO 2021/123456 A1", "WO2021123456A1", "WO", "publication", None),
    # US, EP, JP, KR, another office
    ("US10123456B2", "US10123456B2", "US", "publication", "invention"),
    ("US 10,123,456 B2", "US10123456B2", "US", "publication", "invention"),
    ("US20210123456A1", "US20210123456A1", "US", "publication", "invention"),
    ("USD912345S", "USD912345S", "US", "publication", "design"),
    ("US16/123,456", "US16/123456", "US", "application", None),
    ("EP1234567B1", "EP1234567B1", "EP", "publication", "invention"),
    ("EP 1 234 567 A2", "EP1234567A2", "EP", "publication", "invention"),
    ("EP12345678.9", "EP12345678.9", "EP", "application", "invention"),
    ("JP2020123456A", "JP2020123456A", "JP", "publication", "invention"),
    ("JP6123456B2", "JP6123456B2", "JP", "publication", "invention"),
    ("JP3123456U", "JP3123456U", "JP", "publication", "utility_model"),
    ("JP2020-123456", "JP2020-123456", "JP", "application", None),
    ("KR1020200123456A", "KR1020200123456A", "KR", "publication", "invention"),
    ("KR10-2020-0123456", "KR1020200123456", "KR", "application", "invention"),
    ("KR102123456B1", "KR102123456B1", "KR", "publication", "invention"),
    ("KR3020200012345S", "KR3020200012345S", "KR", "publication", "design"),
    ("DE102015123456A1", "DE102015123456A1", "DE", "publication", None),
    # IC layout design registrations
    ("BS.205012345", "BS.205012345", "CN", "registration", "ic_layout"),
]


@pytest.mark.parametrize("written, normalised, jurisdiction, number_type, kind", VALID)
def test_valid_numbers_are_accepted_and_normalised(written, normalised, jurisdiction,
                                                    number_type, kind):
    parsed = patents.parse_patent_number(written)
    assert parsed.errors == ()
    assert parsed.ok
    assert parsed.raw == written
    assert parsed.normalised == normalised
    assert parsed.jurisdiction == jurisdiction
    assert parsed.number_type == number_type
    assert parsed.kind == kind


# written, a phrase the (first) error must contain
INVALID = [
    ("201710601862.4", "201710601862.4: check digit should be 3"),
    ("ZL201710601862.X", "check digit should be 3"),
    ("95115608.1", "95115608.1: check digit should be X"),
    ("202010123456.7", "check digit should be 2"),  # the illustration in CONTEST.md
    ("201740601862.3", "type digit (5th digit) is 4"),
    ("200210601862.3", "starts with a year from 2003 on"),
    ("95415608.X", "type digit (3rd digit) is 4"),
    ("15115608.X", "from 1985 to 2003"),
    ("CN112345678Q", "kind code Q is not a CN kind code"),
    ("CN12345B", "7 or 9 digits"),
    ("PCT/CN2020/12345", "6-digit serial"),
    ("USD912345B2", "design patents take kind code S"),
    ("hello", "'hello' is not a patent number we recognise"),
    ("12345", "not a patent number we recognise"),
    ("CN-abc-123", "does not match the CN layout"),
    ("ZL20171060186", "does not match the ZL layout"),
    ("PCT/2020/123456", "expected PCT/CN2020/123456"),
    ("HKABC", "does not match the HK layout"),
    ("XX1234567", "not a patent number we recognise"),
    ("", "empty"),
    ("   ", "empty"),
    ("=HYPERLINK(\"x\")", "not a patent number we recognise"),
]


@pytest.mark.parametrize("written, phrase", INVALID)
def test_invalid_numbers_are_refused_with_a_clear_message(written, phrase):
    parsed = patents.parse_patent_number(written)
    assert not parsed.ok
    assert any(phrase in error for error in parsed.errors), parsed.errors


# written, a phrase the warning must contain
WARNED = [
    ("201710601862", "has no check digit"),
    ("CN112345678", "has no kind code"),
    ("HK1234567", "carry no check digit"),
    ("MOI/001234", "carry no check digit"),
    ("US16/123456", "not checkable"),
    ("EP12345678.9", "check digit not verified"),
    ("JP2020-123456", "not checkable"),
    ("DE102015123456A1", "not checked"),
    ("CN212345678B", "numbers starting with 2 are utility model numbers"),
    ("BS.205012345", "no check digit rule"),
]


@pytest.mark.parametrize("written, phrase", WARNED)
def test_unverifiable_numbers_warn_without_blocking(written, phrase):
    parsed = patents.parse_patent_number(written)
    assert parsed.ok
    assert any(phrase in warning for warning in parsed.warnings), parsed.warnings


def test_check_digit_follows_the_weighted_sum_mod_11():
    # 2*2+0*3+1*4+7*5+1*6+0*7+6*8+0*9+1*2+8*3+6*4+2*5 = 157 = 14*11 + 3
    assert patents.cn_check_digit("201710601862") == "3"
    # 9*2+5*3+1*4+1*5+5*6+6*7+0*8+8*9 = 186 = 16*11 + 10, written X
    assert patents.cn_check_digit("95115608") == "X"


def test_check_digit_refuses_a_number_of_the_wrong_length():
    with pytest.raises(ValueError, match="8 or 12 digits"):
        patents.cn_check_digit("1234567")


def test_every_single_digit_typo_in_a_cn_application_number_is_caught():
    digits = "201710601862"
    for position in range(len(digits)):
        for replacement in "0123456789":
            if replacement == digits[position]:
                continue
            typo = digits[:position] + replacement + digits[position + 1:]
            assert not patents.parse_patent_number(f"{typo}.3").ok, typo


def test_missing_check_digit_normalises_to_the_computed_one_so_duplicates_match():
    assert patents.parse_patent_number("201710601862").normalised == "CN201710601862.3"


def test_wrong_check_digit_keeps_the_typed_digit_in_the_normalised_form():
    assert patents.parse_patent_number("201710601862.4").normalised == "CN201710601862.4"


def test_nine_digits_after_cn_read_as_an_old_application_only_when_the_layout_fits():
    assert patents.parse_patent_number("CN95115608X").number_type == "application"
    assert patents.parse_patent_number("CN112345678").number_type == "publication"


def test_none_is_treated_as_an_empty_number():
    assert patents.parse_patent_number(None).errors == ("The patent number is empty.",)


def portfolio_problems(numbers, labels=None):
    rows = [{"patent_number": n, "kind": "invention"} for n in numbers if n]
    check = patents.check_patent_list(rows, labels=labels)
    return [(p.row, str(p.message)) for p in check.problems if "listed twice" in str(p.message)]


def test_portfolio_with_the_same_patent_written_two_ways_is_refused_naming_both_rows():
    assert portfolio_problems(["201710601862.3", "CN112345678B", "ZL 2017 1060 1862.3"]) == [
        (2, "patent ZL 2017 1060 1862.3 is listed twice; it is the same number as row 1 "
            "(written there as 201710601862.3).")]


def test_portfolio_rows_can_be_named_by_their_place_in_a_workbook():
    assert portfolio_problems(["95115608.X", "CN95115608X"],
                              labels=["patents row 2", "patents row 3"]) == [
        (1, "patent CN95115608X is listed twice; it is the same number as patents row 2 "
            "(written there as 95115608.X).")]


def test_portfolio_of_distinct_patents_has_no_errors():
    assert portfolio_problems(["201710601862.3", "95115608.X", "HK1234567"]) == []


def test_portfolio_with_an_exact_repeat_names_the_rows():
    assert portfolio_problems(["US10123456B2", "HK1234567", "us10123456b2"]) == [
        (2, "patent us10123456b2 is listed twice; it is the same number as row 1 "
            "(written there as US10123456B2).")]


@pytest.mark.parametrize("written, chosen, expected", [
    ("201710601862.3", "utility_model",
     "CN201710601862.3 is an invention number, but the kind chosen is utility model."),
    ("CN212345678U", "invention",
     "CN212345678U is a utility model number, but the kind chosen is invention."),
    ("201930567890.8", "ic_layout",
     "CN201930567890.8 is a design number, but the kind chosen is IC layout design."),
    ("201710601862.3", "invention", None),
    ("HK1234567", "design", None),  # the number does not say its kind
    ("201710601862.3", None, None),
])
def test_kind_mismatch_is_reported_only_when_the_number_says_its_kind(written, chosen,
                                                                      expected):
    assert patents.kind_mismatch(patents.parse_patent_number(written), chosen) == expected


@hypothesis.settings(max_examples=80, deadline=None)
@hypothesis.given(
    year=st.integers(2003, 2030),
    type_digit=st.sampled_from("12389"),
    serial=st.integers(0, 9_999_999),
    wrong=st.sampled_from("0123456789X"),
)
def test_any_twelve_digit_number_is_accepted_only_with_its_own_check_digit(
        year, type_digit, serial, wrong):
    digits = f"{year}{type_digit}{serial:07d}"
    right = patents.cn_check_digit(digits)
    assert patents.parse_patent_number(f"ZL{digits}.{right}").ok
    assert patents.parse_patent_number(f"{digits}.{wrong}").ok == (wrong == right)


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(text=st.text(max_size=40))
def test_any_text_parses_to_a_result_or_an_error_never_an_exception(text):
    parsed = patents.parse_patent_number(text)
    assert parsed.ok or parsed.errors
    assert parsed.raw == text
