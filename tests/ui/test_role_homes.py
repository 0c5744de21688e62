"""Each demo role signs in and lands on its own home page with its data; pages of other
roles are not part of its navigation, so they cannot be reached."""

import pytest

from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app

OTHER_ROLE_PAGES = {
    "organiser": ["entrant_home.py", "judge_home.py", "observer_home.py"],
    "judge": ["organiser_home.py", "organiser_board.py", "entrant_home.py", "observer_home.py"],
    "entrant": ["organiser_home.py", "judge_home.py", "observer_home.py"],
    "observer": ["organiser_home.py", "judge_home.py", "entrant_home.py"],
}


@pytest.fixture
def demo_app(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    return logins


def _signed_in(logins, role):
    at = start_app()
    email, password = login_for(logins, role)
    return sign_in(at, email, password)


def test_organiser_sees_the_dashboard_with_entries_judges_and_progress(demo_app):
    at = _signed_in(demo_app, "organiser")
    text = page_text(at)
    assert not at.exception
    assert "Dashboard" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Entries"] == "24"
    assert metrics["Judges"] == "9"
    assert "Scoring progress" in text and "Preliminary" in text


def test_judge_sees_only_their_own_assignments_with_progress(demo_app):
    at = _signed_in(demo_app, "judge")
    text = page_text(at)
    assert not at.exception
    assert "My assignments" in text and "Preliminary" in text
    progress_texts = [p.proto.text for p in at.get("progress")]
    assert progress_texts and "submitted" in progress_texts[0]
    codes = set(at.dataframe[0].value["code"])
    assert codes and all(code.startswith("GBA26-") for code in codes)
    assert len(codes) < 24  # a share of the entries, not all of them


def test_entrant_sees_their_entry_and_its_status(demo_app):
    at = _signed_in(demo_app, "entrant")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["code"]) == ["GBA26-0001"]
    assert table["status"].iloc[0] in {"Eligible", "Draft", "Not eligible"}


def test_observer_sees_the_entries_still_in_the_running(demo_app):
    at = _signed_in(demo_app, "observer")
    text = page_text(at)
    assert not at.exception
    assert "Finalists" in text
    assert "Stage: Preliminary" in text
    assert "GBA26-" in text
    assert "@demo.example.org" not in text.replace("observer@demo.example.org", "")  # no contact details


@pytest.mark.parametrize("role", sorted(OTHER_ROLE_PAGES))
def test_pages_of_other_roles_cannot_be_reached(demo_app, role):
    at = _signed_in(demo_app, role)
    for page in OTHER_ROLE_PAGES[role]:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(str(PAGES / page))


def test_wrong_password_shows_the_neutral_message(demo_app):
    at = start_app()
    email, _ = login_for(demo_app, "judge")
    sign_in(at, email, "not the password")
    assert [e.value for e in at.error] == [
        "Those sign-in details are not correct, or the account is not active."
    ]
    assert "My assignments" not in page_text(at)
