"""No secrets or tracebacks reach users or logs: started from another working directory (whose
`.streamlit/config.toml` asks for full error details and rich tracebacks), by `streamlit run`
or by `contest serve`, an app whose database breaks under a sign-in shows the user a plain
error without a traceback, and its log names no email address, password hash or token."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, start_app, stop_app
from tests.conftest import login_for

HOSTILE_CONFIG = """
[client]
showErrorDetails = "full"
[logger]
enableRich = true
level = "debug"
"""


@pytest.mark.parametrize("via", ["streamlit", "contest"])
def test_a_failure_shows_no_traceback_and_logs_no_secret(demo_db, tmp_path, page, via):
    url, logins = demo_db
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / ".streamlit").mkdir(parents=True)
    (elsewhere / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG)
    (tmp_path / "data").mkdir()
    app = start_app(url, tmp_path / "data", via=via, cwd=elsewhere)
    try:
        email, password = login_for(logins, "judge")
        with sqlite3.connect(url.removeprefix("sqlite:///")) as broken:  # the database breaks under the app
            broken.execute("DROP TABLE sign_in_attempt")
        sign_in(page, app.url, email, password)
        expect(page.get_by_text("This app has encountered an error")).to_be_visible()
        shown = page.inner_text("body")
        for detail in ("Traceback", "OperationalError", "sign_in_attempt", "accounts.py", email):
            assert detail not in shown
    finally:
        stop_app(app)
    log = (tmp_path / "data" / "server.log").read_text(errors="replace")
    assert "Uncaught app execution" in log and "sign_in_attempt" in log  # the failure is logged ...
    assert email not in log  # ... without the address that was typed,
    assert "$argon2" not in log  # any password hash
    assert not re.search(r"[A-Za-z0-9_-]{43}", log)  # or any token
