"""Every page of every role opens on the demo edition without an error, in English and
in Chinese: no user ever meets a traceback on first opening a page, and its tables read as
words: no visible heading is a raw column key (round, draft_sheets, entry_code) and no value
a reader cannot edit is a stored key (hong_kong, utility_model, granted)."""

import re
import tomllib
from pathlib import Path

import pytest

import contest

from contest.models import Role, enums
from contest.services import progress
from contest.ui import navigation
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, shown_tables, sign_in, start_app

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
REVEAL = {"organiser_results.py": "Rank", "organiser_reliability.py": "Build the report"}


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


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("role", [r.value for r in navigation.ROLE_ORDER])
def test_every_page_of_the_role_opens_without_an_error_and_its_tables_read_as_words(demo_db, app_env, role,
                                                                                     language):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select(language).run()
    sign_in(at, *login_for(logins, role))
    raw = []
    for spec in navigation.ROLE_PAGES[Role(role)]:
        at.switch_page(str(PAGES / spec.file))
        at.run()
        assert not at.exception, (spec.file, [e.message for e in at.exception])
        assert at.title, spec.file  # every page says what it is
        raw += raw_keys_shown(at, spec.file)
        reveal = REVEAL.get(spec.file)
        if reveal and language == "en":
            before = len(at.dataframe)
            next(b for b in at.button if b.label == reveal).click().run()
            assert not at.exception, spec.file
            assert len(at.dataframe) > before, f"{spec.file}: pressing {reveal} shows the tables"
            raw += raw_keys_shown(at, spec.file)
    assert not raw, "\n".join(sorted(set(raw)))
