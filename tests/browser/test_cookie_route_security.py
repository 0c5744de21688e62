"""No login CSRF, over real HTTP against `streamlit run contest/ui/asgi.py`: a cookie ticket is
traded for the session cookie only when the app's own page posts it (Origin, Sec-Fetch-Site)
from the browser it was issued to; the cookie is Secure when CONTEST_PUBLIC_URL is HTTPS
(a TLS proxy on another host); every response forbids framing and sniffing."""

from __future__ import annotations

import httpx
import pytest

from contest import db
from contest.services import accounts
from tests.browser.conftest import start_app, stop_app
from tests.conftest import login_for

PUBLIC_URL = "https://contest.example.org"


@pytest.fixture(scope="module")
def servers(_demo_template, tmp_path_factory):
    """Two apps on copies of the demo: one reached directly over HTTP, one behind a TLS proxy
    elsewhere (CONTEST_PUBLIC_URL=https://...)."""
    import shutil

    template, logins = _demo_template
    started = {}
    for name, public_url in (("direct", None), ("proxied", PUBLIC_URL)):
        folder = tmp_path_factory.mktemp(name)
        shutil.copy(template, folder / "demo.db")
        (folder / "data").mkdir()
        started[name] = start_app(f"sqlite:///{folder / 'demo.db'}", folder / "data",
                                  extra_env={"CONTEST_PUBLIC_URL": public_url} if public_url else {})
    yield started, logins
    for app in started.values():
        stop_app(app)


def ticket_for(app, logins, browser: str) -> str:
    """A ticket as the sign-in page issues it, bound to the browser that asked."""
    engine = db.make_engine(app.database_url)
    try:
        with db.session_scope(engine) as session:
            _user, token = accounts.sign_in(session=session, email=login_for(logins, "judge")[0],
                                            password=login_for(logins, "judge")[1])
            return accounts.issue_cookie_ticket(session=session, token=token, browser=browser)
    finally:
        engine.dispose()


def post_ticket(app, ticket: str, *, browser: str | None, origin: str | None, fetch_site: str | None):
    headers = {}
    if origin:
        headers["Origin"] = origin
    if fetch_site:
        headers["Sec-Fetch-Site"] = fetch_site
    cookies = {"contest_browser": browser} if browser else {}
    return httpx.post(app.url + "/auth/cookie", data={"ticket": ticket}, headers=headers, cookies=cookies)


@pytest.mark.parametrize("origin, fetch_site, why", [
    ("https://evil.example", "cross-site", "a page on another site"),
    ("http://localhost:1", "same-site", "a page on a neighbouring origin"),
    (None, None, "no Origin at all"),
    ("null", None, "an opaque (sandboxed) origin"),
])
def test_a_ticket_posted_from_anywhere_but_the_apps_own_pages_signs_nobody_in(servers, origin, fetch_site, why):
    apps, logins = servers
    app = apps["direct"]
    ticket = ticket_for(app, logins, browser="attacker-browser")
    refused = post_ticket(app, ticket, browser="attacker-browser", origin=origin, fetch_site=fetch_site)
    assert refused.status_code == 403, why
    assert "contest_session" not in refused.headers.get("set-cookie", "")
    # Refused before the ticket was looked at: the app's own page can still use it.
    own = post_ticket(app, ticket, browser="attacker-browser", origin=app.url, fetch_site="same-origin")
    assert own.status_code == 204


def test_an_attackers_ticket_is_worthless_in_the_victims_browser(servers):
    apps, logins = servers
    app = apps["direct"]
    ticket = ticket_for(app, logins, browser="attacker-browser")
    for victim_browser in ("victim-browser", None):
        response = post_ticket(app, ticket, browser=victim_browser, origin=app.url, fetch_site="same-origin")
        assert response.status_code == 403
        assert "contest_session" not in response.headers.get("set-cookie", "")


def test_the_browser_that_asked_gets_an_http_only_cookie_not_secure_over_plain_http(servers):
    apps, logins = servers
    app = apps["direct"]
    ticket = ticket_for(app, logins, browser="my-browser")
    response = post_ticket(app, ticket, browser="my-browser", origin=app.url, fetch_site="same-origin")
    assert response.status_code == 204
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("contest_session=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    assert post_ticket(app, ticket, browser="my-browser", origin=app.url,
                       fetch_site="same-origin").status_code == 403  # single use


def test_behind_a_tls_proxy_the_cookie_is_secure_and_only_the_public_origin_may_post(servers):
    apps, logins = servers
    app = apps["proxied"]
    ticket = ticket_for(app, logins, browser="my-browser")
    assert post_ticket(app, ticket, browser="my-browser", origin=app.url,
                       fetch_site="same-origin").status_code == 403  # the inner address is not the app's origin
    response = post_ticket(app, ticket, browser="my-browser", origin=PUBLIC_URL, fetch_site="same-origin")
    assert response.status_code == 204
    assert "secure" in response.headers["set-cookie"].lower()


def test_signing_out_cannot_be_triggered_from_another_site(servers):
    apps, _logins = servers
    app = apps["direct"]
    response = httpx.post(app.url + "/auth/signout", headers={"Origin": "https://evil.example",
                                                              "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/auth/cookie"])
def test_every_response_forbids_framing_by_other_sites_and_content_sniffing(servers, path):
    apps, _logins = servers
    app = apps["direct"]
    response = httpx.request("POST" if path.startswith("/auth") else "GET", app.url + path)
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_names_the_browser_with_a_random_http_only_cookie(servers):
    apps, _logins = servers
    first, second = (httpx.get(apps["direct"].url + "/") for _ in range(2))
    names = []
    for response in (first, second):
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("contest_browser="))
        assert "httponly" in cookie.lower()
        names.append(cookie.split(";")[0])
    assert names[0] != names[1]
