"""Organisation keys and mail domains: two spellings of one employer compare equal."""

import pytest

from contest import organisations


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HUAWEI TECHNOLOGIES CO., LTD.", "Huawei Technologies"),
        ("Huawei Technologies Company Limited", "huawei  technologies"),
        ("ＨＵＡＷＥＩ　ＴＥＣＨＮＯＬＯＧＩＥＳ　ＣＯ．，ＬＴＤ．", "Huawei Technologies"),
        ("华为技术有限公司", "华为技术"),
        ("华为技术 有限公司", "华为技术有限公司"),
        ("比亚迪股份有限公司", "比亚迪"),
        ("腾讯科技（深圳）有限公司", "腾讯科技(深圳)"),
        ("美的集团", "美的"),
        ("广州汽车集团有限公司", "广州汽车"),
        ("中兴通讯有限责任公司", "中兴通讯"),
        ("Siemens AG", "SIEMENS"),
        ("Robert Bosch GmbH", "robert bosch"),
        ("Acme GmbH & Co. KG", "ACME"),
        ("Apple Inc.", "apple"),
        ("Example Holdings LLC", "example"),
        ("The Hong Kong Polytechnic University", "Hong Kong Polytechnic University"),
        ("Sony Corporation", "Sony Corp."),
        ("ASM Pacific Technology Ltd", "A.S.M. Pacific Technology"),
    ],
)
def test_spellings_of_one_organisation_share_a_key(a, b):
    assert organisations.normalise_organisation(a) == organisations.normalise_organisation(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Huawei Technologies", "Huawei Device"),
        ("华为技术有限公司", "华为终端有限公司"),
        ("Tencent", "Alibaba Group"),
        ("Sun Yat-sen University", "Sun Yat-sen Memorial Hospital"),
    ],
)
def test_different_organisations_keep_different_keys(a, b):
    assert organisations.normalise_organisation(a) != organisations.normalise_organisation(b)


@pytest.mark.parametrize("name", [None, "", "   ", "---", "（）"])
def test_blank_name_gives_empty_key(name):
    assert organisations.normalise_organisation(name) == ""


def test_name_made_only_of_a_legal_form_is_not_emptied():
    # An empty key would make every such organisation "the same" as every blank one.
    assert organisations.normalise_organisation("Limited") == "limited"
    assert organisations.normalise_organisation("有限公司") == "有限公司"


def test_key_is_stable_when_normalised_twice():
    once = organisations.normalise_organisation("Shenzhen DJI Sciences and Technologies Ltd.")
    assert organisations.normalise_organisation(once) == once


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("li.wei@Huawei.com", "huawei.com"),
        ("  Li.Wei@HUAWEI.COM. ", "huawei.com"),
        ("ｌｉ＠ｈｕａｗｅｉ．ｃｏｍ", "huawei.com"),
        ("weird@name@example.org", "example.org"),
        ("no-at-sign.example.org", ""),
        ("", ""),
        (None, ""),
        ("trailing@", ""),
    ],
)
def test_email_domain_is_lower_case_and_normalised(email, domain):
    assert organisations.email_domain(email) == domain


@pytest.mark.parametrize(
    "domain", ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "hotmail.com",
               "yahoo.com", "sina.com", "foxmail.com", "icloud.com"],
)
def test_listed_free_mailboxes_are_public(domain):
    assert domain in organisations.PUBLIC_MAIL_DOMAINS
    assert organisations.is_public_mail_domain(domain)
    assert organisations.organisation_mail_domain(f"someone@{domain}") == ""


def test_subdomain_of_a_free_mailbox_is_public_but_company_domain_is_not():
    assert organisations.is_public_mail_domain("vip.qq.com")
    assert not organisations.is_public_mail_domain("huawei.com")
    assert not organisations.is_public_mail_domain("notqq.com")
    assert organisations.organisation_mail_domain("a@huawei.com") == "huawei.com"


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("li@rd.huawei.com", "huawei.com"),
        ("li@huawei.com", "huawei.com"),
        ("wang@mail.szu.edu.cn", "szu.edu.cn"),
        ("chan@cs.hku.hk", "hku.hk"),
        ("chan@polyu.edu.hk", "polyu.edu.hk"),
        ("a@company.com.cn", "company.com.cn"),
        ("a@intranet", "intranet"),
    ],
)
def test_employer_domain_ignores_department_subdomains(email, key):
    assert organisations.organisation_mail_domain(email) == key


def test_universities_under_one_zone_keep_different_domains():
    assert organisations.organisation_mail_domain("a@szu.edu.cn") != \
        organisations.organisation_mail_domain("b@sztu.edu.cn")


@pytest.mark.parametrize("email", ["judge01@demo.example.org", "a@example.com", "b@lab.test",
                                   "c@host.localhost"])
def test_reserved_example_domains_identify_no_employer(email):
    assert organisations.organisation_mail_domain(email) == ""
