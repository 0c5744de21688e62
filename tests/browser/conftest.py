"""A live app (`streamlit run contest/ui/asgi.py` on 127.0.0.1) and a Playwright page in
Debian's Chromium. The server is stopped when the test ends."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
# Assertions wait as long as actions do: on a busy 2-core machine a sign-in (argon2, two
# reruns) takes several seconds, more than Playwright's 5 s default for expect().
expect.set_options(timeout=30_000)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveApp:
    url: str
    database_url: str
    process: subprocess.Popen


def start_app(database_url: str, data_dir: Path, extra_env: dict[str, str] | None = None, *,
              via: str = "streamlit", cwd: Path = ROOT) -> LiveApp:
    """The app on a free port: `via` "streamlit" (streamlit run contest/ui/asgi.py) or
    "contest" (contest serve --no-demo), started in `cwd`."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url, CONTEST_DATA_DIR=str(data_dir),
               CONTEST_SECRET_KEY="browser-test-key", **(extra_env or {}))
    log = open(data_dir / "server.log", "wb")
    if via == "contest":
        command = [str(Path(sys.executable).with_name("contest")), "serve", "--no-demo", "--port", str(port),
                   "--address", "127.0.0.1"]
    else:
        from contest import serving

        command = serving.streamlit_command(port, "127.0.0.1")  # as `contest serve` starts it
    # A process group of its own: `contest serve` starts Streamlit as a child, stopped with it.
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the app exited: " + (data_dir / "server.log").read_text()[-2000:])
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return LiveApp(url=url, database_url=database_url, process=proc)
        except OSError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("the app did not start within 60 s")


def stop_app(app: LiveApp) -> None:
    try:
        os.killpg(app.process.pid, signal.SIGTERM)
        app.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(app.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture
def live_app(demo_db, tmp_path):
    """The app running on a copy of the small demo edition: (LiveApp, logins)."""
    url, logins = demo_db
    (tmp_path / "data").mkdir()
    app = start_app(url, tmp_path / "data")
    yield app, logins
    stop_app(app)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing in CI: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_for_sign_in_cookie(page) -> None:
    """The sign-in becomes a cookie just after the signed-in page shows; a test that opens
    another address waits for it first, as a person's next click would come later."""
    from contest import auth

    for _ in range(60):
        if any(c["name"] == auth.SESSION_COOKIE for c in page.context.cookies()):
            return
        page.wait_for_timeout(500)
