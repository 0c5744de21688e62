"""Automatic conflicts: organisation, employer mail domain, region when the round says so."""

import pytest

from contest import conflicts

J = conflicts.JudgeFacts
E = conflicts.EntryFacts


def pairs(found):
    return {(c.judge_id, c.entry_id) for c in found}


def test_judge_of_the_applicants_organisation_is_conflicted_with_the_name_as_reason():
    judges = [J(1, organisation="Huawei Technologies", email="li@gmail.com")]
    entries = [E(10, applicant="HUAWEI TECHNOLOGIES CO., LTD."), E(11, applicant="ZTE")]
    found = conflicts.automatic_conflicts(judges, entries, same_region=False)
    assert found == [conflicts.FoundConflict(1, 10, "same organisation: Huawei Technologies")]


def test_chinese_legal_suffix_does_not_hide_the_same_organisation():
    judges = [J(1, organisation="比亚迪")]
    entries = [E(10, applicant="比亚迪股份有限公司")]
    assert pairs(conflicts.automatic_conflicts(judges, entries)) == {(1, 10)}


def test_co_applicant_counts_as_the_applicants_organisation():
    judges = [J(1, organisation="Tsinghua University")]
    entries = [E(10, applicant="Acme Ltd", co_applicants=("清华大学", "tsinghua university"))]
    assert pairs(conflicts.automatic_conflicts(judges, entries)) == {(1, 10)}


def test_shared_company_mail_domain_is_a_conflict():
    judges = [J(1, organisation="Independent", email="li@rd.Huawei.com")]
    entries = [E(10, applicant="Some Subsidiary", contact_email="wang@huawei.com")]
    found = conflicts.automatic_conflicts(judges, entries)
    assert [(c.judge_id, c.entry_id, c.reason) for c in found] == [
        (1, 10, "same mail domain: huawei.com")
    ]


@pytest.mark.parametrize("domain", ["qq.com", "163.com", "gmail.com", "outlook.com"])
def test_shared_public_mailbox_is_not_a_conflict(domain):
    judges = [J(1, organisation="A", email=f"li@{domain}")]
    entries = [E(10, applicant="B", contact_email=f"wang@{domain}")]
    assert conflicts.automatic_conflicts(judges, entries) == []


def test_region_counts_only_when_the_round_says_so():
    judges = [J(1, organisation="A", region="Hong Kong")]
    entries = [E(10, applicant="B", region=" hong  kong"), E(11, applicant="C", region="Macao")]
    assert conflicts.automatic_conflicts(judges, entries, same_region=False) == []
    found = conflicts.automatic_conflicts(judges, entries, same_region=True)
    assert [(c.entry_id, c.reason) for c in found] == [(10, "same region: Hong Kong")]


def test_several_causes_give_one_conflict_listing_each():
    judges = [J(1, organisation="Midea Group", email="a@midea.com", region="Foshan")]
    entries = [E(10, applicant="美的集团", contact_email="b@midea.com", region="Foshan")]
    entries.append(E(11, applicant="Midea Group Co., Ltd.", contact_email="c@midea.com",
                     region="Foshan"))
    found = conflicts.automatic_conflicts(judges, entries, same_region=True)
    assert [(c.entry_id, c.reason) for c in found] == [
        # Chinese and English names are different strings: only domain and region match.
        (10, "same mail domain: midea.com; same region: Foshan"),
        (11, "same organisation: Midea Group; same mail domain: midea.com; same region: Foshan"),
    ]


def test_blank_organisations_and_regions_never_match_each_other():
    judges = [J(1, organisation="", email=None, region=None), J(2, organisation="  ")]
    entries = [E(10, applicant="", contact_email="", region=""), E(11, applicant=None)]
    assert conflicts.automatic_conflicts(judges, entries, same_region=True) == []


def test_every_matching_pair_is_found_in_judge_then_entry_order():
    judges = [J(j, organisation=f"Org {j % 3}") for j in range(6)]
    entries = [E(e, applicant=f"ORG {e % 3} Limited") for e in range(9)]
    found = conflicts.automatic_conflicts(judges, entries)
    expected = [(j, e) for j in range(6) for e in range(9) if j % 3 == e % 3]
    assert [(c.judge_id, c.entry_id) for c in found] == expected


def test_organisation_rule_covers_every_entry_of_that_applicant():
    entries = [E(10, applicant="Huawei Technologies Co., Ltd."), E(11, applicant="ZTE"),
               E(12, applicant="Acme", co_applicants=("HUAWEI TECHNOLOGIES",))]
    found = conflicts.organisation_conflicts(
        [(1, "huawei technologies", "former employer"), (2, "", "blank matches nothing")],
        entries,
    )
    assert found == [conflicts.FoundConflict(1, 10, "former employer"),
                     conflicts.FoundConflict(1, 12, "former employer")]
