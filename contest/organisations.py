"""Organisation names and mail domains: the keys conflict and eligibility rules compare.

Two spellings of one company ("HUAWEI TECHNOLOGIES CO., LTD." and "Huawei Technologies")
must compare equal, so every rule compares `normalise_organisation(name)`, never raw text.
Pure functions of plain values.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Free mailboxes: a shared domain says nothing about a shared employer.
PUBLIC_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "qq.com", "vip.qq.com", "foxmail.com",
        "163.com", "126.com", "yeah.net", "vip.163.com", "vip.126.com",
        "188.com", "139.com", "189.cn", "wo.cn",
        "sina.com", "sina.cn", "vip.sina.com", "sohu.com", "aliyun.com", "tom.com",
        "21cn.com",
        "gmail.com", "googlemail.com",
        "outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.com.hk",
        "outlook.com.hk",
        "yahoo.com", "yahoo.com.hk", "yahoo.com.tw", "ymail.com",
        "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "gmx.com", "gmx.net", "mail.com",
        "yandex.com", "aol.com", "zoho.com",
        "netvigator.com", "macau.ctm.net",
    }
)

# Legal-form words, compared after NFKC, lower case and punctuation removal, so
# "Co., Ltd." is seen as "co ltd". Longest first so "co ltd" is removed before "ltd".
_LATIN_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "company limited", "co limited", "co ltd", "coltd", "limited", "ltd",
            "incorporated", "inc", "corporation", "corp", "company", "co",
            "llc", "l l c", "llp", "lp", "plc", "pte ltd", "pte", "pty ltd", "pty",
            "gmbh", "gmbh and co kg", "and co kg", "and co", "co kg", "kg", "ag", "se", "sa", "sas", "sarl", "srl",
            "spa", "bv", "nv", "ab", "oy", "as", "aps", "kk", "kabushiki kaisha",
            "holdings", "holding", "group",
        },
        key=len,
        reverse=True,
    )
)
_CJK_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "股份公司",
            "集团有限公司", "集團有限公司", "集团", "集團", "控股", "公司",
            "株式会社", "有限会社",
        },
        key=len,
        reverse=True,
    )
)
_LATIN_PREFIXES: tuple[str, ...] = ("the ",)
_CJK_PREFIXES: tuple[str, ...] = ("株式会社",)

_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# One run of legal-form words at the end, longest alternatives first: a Latin word
# after a space, a Chinese/Japanese form with or without one.
_SUFFIX_RUN = re.compile(
    "(?:"
    + "|".join([" ?" + re.escape(cjk) for cjk in _CJK_SUFFIXES]
               + [" " + re.escape(latin) for latin in _LATIN_SUFFIXES])
    + ")+$"
)


@functools.lru_cache(maxsize=65536)
def normalise_organisation(name: str | None) -> str:
    """Comparison key of an organisation: NFKC, lower case, no punctuation, single
    spaces, legal-form suffixes ("Co., Ltd.", "GmbH", "有限公司", "集团", ...) removed.
    A name made only of a legal form keeps it rather than becoming empty; blank gives "".
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    text = text.replace("&", " and ")
    # Dots and apostrophes join ("A.S.M." is "asm"); other punctuation separates words.
    text = re.sub(r"[.'’]", "", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return ""
    # Chinese names carry no spaces between characters; drop any that crept in so
    # "华为 技术 有限公司" and "华为技术有限公司" agree.
    if _CJK_CHAR.search(text):
        text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    original = text
    for prefix in _LATIN_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
    for prefix in _CJK_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):].lstrip()
    text = _SUFFIX_RUN.sub("", text).strip()
    return text or original


def email_domain(email: str | None) -> str:
    """Lower-case domain of an e-mail address ("" if there is none), NFKC-normalised so
    full-width "＠ＨＵＡＷＥＩ.com" matches "huawei.com"; a trailing dot is dropped."""
    if not email:
        return ""
    text = unicodedata.normalize("NFKC", str(email)).strip().casefold()
    if "@" not in text:
        return ""
    domain = text.rsplit("@", 1)[1].strip().strip(">").rstrip(".")
    if not domain or any(ch.isspace() for ch in domain):
        return ""
    return domain


# Reserved for documentation and tests (RFC 2606, RFC 6761): nobody's employer.
RESERVED_MAIL_DOMAINS: frozenset[str] = frozenset(
    {"example.com", "example.net", "example.org", "test", "example", "invalid", "localhost"}
)


def is_public_mail_domain(domain: str) -> bool:
    """True for free mailbox providers (qq.com, gmail.com, ...) and reserved example
    domains, subdomains included: a shared one is no evidence of a shared employer."""
    domain = (domain or "").casefold().rstrip(".")
    shared = PUBLIC_MAIL_DOMAINS | RESERVED_MAIL_DOMAINS
    if domain in shared:
        return True
    return any(domain.endswith("." + public) for public in shared)


_GENERIC_SECOND_LEVEL = frozenset({"com", "edu", "org", "net", "gov", "ac", "co", "or", "ne"})


def registered_domain(domain: str) -> str:
    """The part of a domain an organisation registers: "mail.szu.edu.cn" -> "szu.edu.cn",
    "rd.huawei.com" -> "huawei.com" (two labels, three under "edu.cn"-like zones)."""
    labels = [label for label in (domain or "").casefold().rstrip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def organisation_mail_domain(email: str | None) -> str:
    """The registered domain of an address if it identifies an employer, else "" (public
    mailbox or no address): "li@rd.huawei.com" -> "huawei.com", "li@qq.com" -> ""."""
    domain = email_domain(email)
    if not domain or is_public_mail_domain(domain):
        return ""
    return registered_domain(domain)
