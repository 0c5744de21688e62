"""Entry rules: core patent, per-enterprise cap, documents, and the group an entrant joins."""

import dataclasses
import datetime

import pytest

from contest import eligibility

CUTOFF = datetime.date(2020, 1, 1)
RULES = eligibility.EditionRules(core_patent_cutoff=CUTOFF)
CORE = eligibility.PatentFacts(
    normalised="CN201710601862.3",
    kind="invention",
    status="granted",
    grant_date=datetime.date(2021, 6, 1),
    holder="Shenzhen Acme Robotics Co., Ltd.",
    jurisdiction="CN",
)
OTHER = eligibility.PatentFacts(
    normalised="CN212345678U", kind="utility_model", status="granted",
    grant_date=datetime.date(2019, 3, 1), holder="Shenzhen Acme Robotics Co., Ltd.",
    jurisdiction="CN",
)
ENTRY = eligibility.EntryFacts(
    applicant="Shenzhen Acme Robotics Co., Ltd.",
    applicant_type="enterprise",
    category="invention",
    patents=(CORE, OTHER),
    core_patent="CN201710601862.3",
    document_kinds=frozenset({"report", "roadshow"}),
)


def check(entry=ENTRY, rules=RULES, others=0):
    return eligibility.check_entry(entry, rules, entries_by_same_applicant=others)


def with_core(**changes):
    core = dataclasses.replace(CORE, **changes)
    return dataclasses.replace(ENTRY, patents=(core, OTHER))


def failed(results):
    return {result.key: str(result.message) for result in results if not result.passed}


def test_a_complete_entry_passes_every_rule_in_order():
    results = check()
    assert [result.key for result in results] == list(eligibility.RULE_KEYS)
    assert failed(results) == {}
    assert eligibility.is_eligible(results)
    assert eligibility.failures(results) == []


# change to the entry, failing rule key, phrase of its message
FAILING = [
    (dict(core_patent=None), "core_patent", "No core patent is named"),
    (dict(core_patent="CN95115608.X"), "core_patent",
     "The core patent CN95115608.X is not in the entry's patent list"),
    (dict(patents=(dataclasses.replace(CORE, status="pending"), OTHER)), "core_granted",
     "must be granted or registered; its status is Pending"),
    (dict(patents=(dataclasses.replace(CORE, status=None), OTHER)), "core_granted",
     "its status is not given"),
    (dict(patents=(dataclasses.replace(CORE, grant_date=datetime.date(2019, 12, 31)), OTHER)),
     "core_grant_date", "was granted on 2019-12-31, before the cut-off date 2020-01-01"),
    (dict(patents=(dataclasses.replace(CORE, grant_date=None), OTHER)), "core_grant_date",
     "has no grant date"),
    (dict(category="design"), "core_kind",
     "The Design category needs a core patent of kind Design; CN201710601862.3 is of kind "
     "Invention"),
    (dict(category="ic_layout"), "core_kind", "needs a core patent of kind IC layout design"),
    (dict(category="trademark"), "core_kind", "'trademark' is not open in this edition"),
    (dict(patents=(dataclasses.replace(CORE, kind=None), OTHER)), "core_kind",
     "is of kind not given"),
    (dict(patents=(dataclasses.replace(CORE, jurisdiction="US"), OTHER)), "core_jurisdiction",
     "must be granted or registered in CN, HK, MO; it is a US right"),
    (dict(applicant="Guangzhou Other Tech Ltd"), "core_holder",
     "The entrant Guangzhou Other Tech Ltd must be the (first) right holder"),
    (dict(patents=(dataclasses.replace(CORE, holder="Beta Ltd; Shenzhen Acme Robotics"), OTHER)),
     "core_holder", "its holder is Beta Ltd"),
    (dict(patents=(dataclasses.replace(CORE, holder=""), OTHER)), "core_holder",
     "holder of the core patent CN201710601862.3 is not given"),
    (dict(document_kinds=frozenset({"roadshow"})), "documents",
     "Missing required documents: Analysis and evaluation report"),
]


@pytest.mark.parametrize("change, key, phrase", FAILING, ids=[f[1] + "-" + f[2][:30] for f in FAILING])
def test_entry_breaking_one_rule_fails_that_rule_only_with_a_reason(change, key, phrase):
    results = check(dataclasses.replace(ENTRY, **change))
    failures = failed(results)
    assert list(failures) == [key]
    assert phrase in failures[key]
    assert not eligibility.is_eligible(results)


def test_without_a_core_patent_the_core_patent_rules_are_not_listed():
    keys = [r.key for r in check(dataclasses.replace(ENTRY, core_patent=None))]
    assert keys == ["core_patent", "entries_per_enterprise", "documents"]


def test_core_patent_granted_on_the_cutoff_day_passes():
    assert failed(check(with_core(grant_date=CUTOFF))) == {}


def test_registered_ic_layout_design_is_a_valid_core_right():
    entry = dataclasses.replace(
        with_core(kind="ic_layout", status="registered"), category="ic_layout"
    )
    assert failed(check(entry)) == {}


def test_holder_written_another_way_still_matches_the_entrant():
    assert failed(check(with_core(holder="SHENZHEN ACME ROBOTICS CO LTD"))) == {}


def test_first_of_several_holders_counts():
    assert failed(check(with_core(holder="Shenzhen Acme Robotics Co., Ltd.；Beta Ltd"))) == {}


def test_chinese_holder_name_with_a_different_legal_form_matches():
    entry = dataclasses.replace(
        with_core(holder="深圳市安科机器人有限公司"), applicant="深圳市安科机器人股份有限公司"
    )
    assert failed(check(entry)) == {}


@pytest.mark.parametrize("applicant_type, others, passes", [
    ("enterprise", 0, True),
    ("enterprise", 2, True),
    ("enterprise", 3, False),
    ("individual", 3, False),
    ("university", 10, True),
    ("institute", 25, True),
])
def test_at_most_three_entries_per_enterprise_universities_and_institutes_unlimited(
        applicant_type, others, passes):
    entry = dataclasses.replace(ENTRY, applicant_type=applicant_type)
    assert ("entries_per_enterprise" not in failed(check(entry, others=others))) == passes


def test_cap_message_says_how_many_entries_the_applicant_already_has():
    message = failed(check(others=3))["entries_per_enterprise"]
    assert message == ("Shenzhen Acme Robotics Co., Ltd. already has 3 other entries; at most "
                       "3 entries per enterprise are allowed.")


def test_organiser_can_change_the_cap_cutoff_and_required_documents():
    rules = eligibility.EditionRules(
        core_patent_cutoff=datetime.date(2022, 1, 1),
        max_entries_per_enterprise=1,
        required_documents=frozenset({"report", "roadshow", "supporting"}),
    )
    failures = failed(check(rules=rules, others=1))
    assert set(failures) == {"core_grant_date", "entries_per_enterprise", "documents"}
    assert failures["documents"] == "Missing required documents: Supporting document."


def test_organiser_may_allow_utility_models_as_core_patents_of_the_invention_category():
    rules = eligibility.EditionRules(
        core_patent_cutoff=CUTOFF,
        allowed_core_kinds={"invention": frozenset({"invention", "utility_model"})},
    )
    assert failed(check(with_core(kind="utility_model"), rules=rules)) == {}
    assert "core_kind" in failed(check(with_core(kind="utility_model")))


@pytest.mark.parametrize("applicant_type, band, group", [
    ("enterprise", "le_20m", "startup"),
    ("enterprise", "gt_20m", "growth"),
    ("individual", "le_20m", "startup"),
    ("individual", "gt_20m", "growth"),
    ("university", "gt_20m", "startup"),
    ("institute", None, "startup"),
])
def test_group_follows_revenue_and_universities_and_institutes_are_always_startup(
        applicant_type, band, group):
    assert eligibility.group_for(applicant_type, band) == group


@pytest.mark.parametrize("applicant_type, band, phrase", [
    ("enterprise", None, "Choose last year's revenue band"),
    ("enterprise", "lots", "Unknown revenue band 'lots'"),
    ("alien", "le_20m", "Unknown applicant type 'alien'"),
])
def test_group_for_refuses_missing_or_unknown_values(applicant_type, band, phrase):
    with pytest.raises(ValueError, match=phrase):
        eligibility.group_for(applicant_type, band)


def test_every_revenue_band_has_a_label_and_a_group():
    for band in eligibility.REVENUE_BANDS:
        assert eligibility.group_for("enterprise", band) in eligibility.GROUPS
