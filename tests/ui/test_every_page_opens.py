"""Every page of every role opens on the demo edition without an error, in English,
Simplified and Traditional Chinese: no user ever meets a traceback on first opening a page;
in Chinese no text the page shows is still the English wording of a message; and its tables
read as words: no visible heading is a raw column key (round, draft_sheets, entry_code) and
no value a reader cannot edit is a stored key (hong_kong, utility_model, granted)."""

import re
import string
import tomllib
from pathlib import Path

import pytest

import contest

from contest import i18n
from contest.models import Role, enums
from contest.services import progress
from contest.ui import navigation
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, rendered, shown_tables, sign_in, start_app

# A heading written as a key: lower-case ASCII, digits, underscores (round, n_judges).
RAW_HEADING = re.compile(r"[a-z][a-z0-9_]*(?: [a-z0-9_()%]+)*")
KNOWN_KEYS = {
    member.value for kind in (enums.Region, enums.PatentKind, enums.PatentStatus, enums.EntryStatus,
                              enums.SheetStatus, enums.ApplicantType, enums.ConflictSource, enums.DecisionKind,
                              enums.AdvancementRule)
    for member in kind
} | {progress.TO_DO, progress.DRAFT, progress.SUBMITTED, "advanced", "not_advanced", "unset", "password set",
     "acknowledged", "not yet", "user.sign_in"}
PRESET = tomllib.loads((Path(contest.__file__).parent / "presets" / "gba.toml").read_text(encoding="utf-8"))
KNOWN_KEYS |= {item["key"] for kind in ("groups", "categories", "tracks", "rounds", "awards") for item in PRESET[kind]}
# Pressed where a page shows its tables only on request.
REVEAL = {"organiser_results.py": "organiser_results.rank", "organiser_reliability.py": "organiser_reliability.build_report"}


def _edition_labels(node) -> set[str]:
    """The English label of every item of the edition's own data that the preset also
    names in Chinese (rounds, groups, categories, tracks, sheets, criteria, awards, ...)."""
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get("label"), str) and node.get("label_zh") and node["label_zh"] != node["label"]:
            found.add(node["label"])
        for value in node.values():
            found |= _edition_labels(value)
    elif isinstance(node, list):
        for item in node:
            found |= _edition_labels(item)
    return found


EDITION_LABELS = _edition_labels(PRESET)


def _english_templates(code: str) -> tuple[dict[str, str], list[tuple[str, re.Pattern]]]:
    """The English wording of every message that reads differently in `code`: plain texts
    by text, texts with parameters as patterns (parameters match anything)."""
    english, translated = i18n.catalogue(i18n.DEFAULT_LANGUAGE), i18n.catalogue(code)
    plain, patterns = {}, []
    for mid, template in english.items():
        if translated.get(mid, template) == template or not re.search(r"[A-Za-z]{2}", template):
            continue
        if not i18n.placeholders(template):
            plain.setdefault(template, mid)
            continue
        literal = "".join(part for part, *_ in string.Formatter().parse(template))
        if len(re.findall(r"[A-Za-z]{3,}", literal)) < 2:
            continue  # mostly parameters ("{label} ({version})"): it would match the data
        regex = "".join(re.escape(part) + ("(?s:.+?)" if name is not None else "")
                        for part, name, _spec, _conv in string.Formatter().parse(template))
        patterns.append((mid, re.compile(regex)))
    return plain, patterns


def shown_texts(at) -> list[tuple[str, str]]:
    """(where, text) for every text a reader sees on the page and in the sidebar: "page" for
    titles, messages, captions, widget labels and options, tabs, expanders and table
    headings (what the page itself says), "cell" for the values of read-only tables (the
    data the services give)."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error", "warning", "success"):
        texts += [rendered(el.value) for el in getattr(at, kind)]
    texts += [str(el.value) for el in at.text] + [str(m.label) for m in at.metric]
    for kind in ("button", "selectbox", "multiselect", "radio", "text_input", "text_area", "number_input",
                 "date_input", "checkbox", "toggle", "tabs", "expander"):
        for widget in getattr(at, kind):
            texts.append(str(getattr(widget, "label", "")))
            texts += [str(option) for option in getattr(widget, "options", None) or []]
    shown = [("page", text) for text in texts]
    for headings, cells, editable in shown_tables(at):
        shown += [("page", heading) for heading in headings]
        if not editable:
            shown += [("cell", str(v)) for column in cells.columns for v in cells[column].dropna().unique()]
    return [(where, text) for where, text in shown if text]


def untranslated(at, page: str, code: str) -> list[tuple[str, str, str]]:
    """(where, fragment, finding) for each text shown in English although its message has a
    translation in `code`, or that is the English label of the edition's own data; a
    fragment is a whole text, a line or a part between " · "."""
    plain, patterns = TEMPLATES[code]
    found = []
    for where, text in shown_texts(at):
        fragments = {text.strip()} | {part.strip(" *") for line in text.splitlines() for part in line.split(" · ")}
        for fragment in fragments - {""}:
            hit = plain.get(fragment) or next((mid for mid, rx in patterns if rx.fullmatch(fragment)), None)
            if hit is None:
                hit = next((mid for template, mid in plain.items() if template.count(" ") >= 2
                            and fragment.startswith(template + " ")), None)
            if hit is None and fragment in EDITION_LABELS:
                hit = "the edition's own data"
            if hit:
                found.append((where, fragment, f"{page}: '{fragment}' is the English of {hit}"))
    return found


TEMPLATES = {code: _english_templates(code) for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE}


def raw_keys_shown(at, page: str) -> list[str]:
    found = []
    for headings, cells, editable in shown_tables(at):
        found += [f"{page}: heading '{h}'" for h in headings if RAW_HEADING.fullmatch(h)]
        if editable:
            continue  # what an organiser types into an editor is theirs
        for column in cells.columns:
            for value in cells[column].dropna().astype(str).unique():
                if value in KNOWN_KEYS or re.fullmatch(r"[a-z]+(?:_[a-z]+)+", value):
                    found.append(f"{page}: value '{value}' in column '{column}'")
    return found


def open_every_page(demo_db, app_env, role: str, language: str):
    """Sign in in `language` and open each page of the role: (page file, AppTest) for each,
    pressing the button that reveals a page's tables where a page has one."""
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select(language).run()
    sign_in(at, *login_for(logins, role))
    for spec in navigation.ROLE_PAGES[Role(role)]:
        at.switch_page(str(PAGES / spec.file))
        at.run()
        assert not at.exception, (spec.file, [e.message for e in at.exception])
        assert at.title, spec.file  # every page says what it is
        yield spec.file, at
        reveal = REVEAL.get(spec.file)
        if reveal:
            before = len(at.dataframe)
            next(b for b in at.button if b.label == i18n.text(reveal, language)).click().run()
            assert not at.exception, spec.file
            assert len(at.dataframe) > before, f"{spec.file}: pressing {reveal} shows the tables"
            yield spec.file, at


def is_data(where: str, fragment: str) -> bool:
    """Texts that part B translates: the edition's own labels and the services' data."""
    return where == "cell" or fragment in EDITION_LABELS


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
@pytest.mark.parametrize("role", [r.value for r in navigation.ROLE_ORDER])
def test_every_page_of_the_role_opens_without_an_error_and_its_tables_read_as_words(demo_db, app_env, role,
                                                                                     language):
    raw, english = [], []
    for page, at in open_every_page(demo_db, app_env, role, language):
        raw += raw_keys_shown(at, page)
        if language != i18n.DEFAULT_LANGUAGE:
            english += [finding for where, fragment, finding in untranslated(at, page, language)
                        if not is_data(where, fragment)]
    assert not raw, "\n".join(sorted(set(raw)))
    assert not english, "\n".join(sorted(set(english)))


DATA_CASES = [(role, code) for role in [r.value for r in navigation.ROLE_ORDER]
              for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]


@pytest.mark.parametrize(("role", "language"), DATA_CASES)
def test_the_editions_labels_and_the_services_words_show_in_the_readers_language(demo_db, app_env, role,
                                                                                 language):
    english = []
    for page, at in open_every_page(demo_db, app_env, role, language):
        english += [finding for where, fragment, finding in untranslated(at, page, language)
                    if is_data(where, fragment)]
    assert not english, "\n".join(sorted(set(english)))
