"""The ASGI entry (`streamlit run contest/ui/asgi.py`): Streamlit plus two cookie routes and a
middleware that adds the security headers and names the browser.

Streamlit cannot set cookies, so after a sign-in the page trades a one-time ticket here
for an HttpOnly cookie holding a session token (only its hash is stored). Reloading the
page then keeps the user signed in; signing out revokes the session and deletes the cookie.
The ticket works only in the browser that asked for it (its `contest_browser` cookie) and
only when posted by the app's own pages (Origin / Sec-Fetch-Site), so a page elsewhere
cannot sign a visitor in as someone else (login CSRF).
"""

import threading
from pathlib import Path

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route

from contest import auth, config, db, logs, web, workers
from contest.services import accounts
from contest.ui import server_options

server_options.apply()  # before the app is built: its routes read the options
logs.install()  # no password hash, token or full email address in the server's log
# The worker fork server starts now (at low priority), not when the first organiser ranks.
threading.Thread(target=workers.warm_up, name="contest-workers-warm-up", daemon=True).start()

COOKIE_NAME = auth.SESSION_COOKIE
SCRIPT = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def _engine():
    return db.engine_for(config.settings().database_url)


def _peer(request: HTTPConnection) -> str | None:
    return request.client.host if request.client else None


def _scheme(request: HTTPConnection) -> str:
    settings = config.settings()
    if settings.public_url:
        return web.origin_of(settings.public_url).split(":", 1)[0]
    origin = web.request_origin(request.headers, request.url.scheme, _peer(request), settings.trusted_proxies, None)
    return origin.split(":", 1)[0] if origin else request.url.scheme


def _from_own_pages(request: Request) -> bool:
    settings = config.settings()
    expected = web.request_origin(request.headers, request.url.scheme, _peer(request), settings.trusted_proxies,
                                  settings.public_url)
    return web.same_site_request(request.headers, expected)


async def _adopt(request: Request) -> Response:
    if not _from_own_pages(request):
        return Response(status_code=403)
    form = await request.form()
    ticket = str(form.get("ticket", ""))
    browser = request.cookies.get(web.BROWSER_COOKIE, "")
    with db.session_scope(_engine()) as session:
        token = accounts.redeem_cookie_ticket(session=session, ticket=ticket, browser=browser)
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE_NAME, token, max_age=config.settings().session_max_days * 24 * 3600, path="/", httponly=True,
        samesite="lax", secure=web.secure_cookies(config.settings().public_url, _scheme(request)),
    )
    return response


async def _sign_out(request: Request) -> Response:
    if not _from_own_pages(request):
        return Response(status_code=403)
    token = request.cookies.get(COOKIE_NAME)
    with db.session_scope(_engine()) as session:
        accounts.sign_out(session=session, token=token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


class SecurityHeaders:
    """Adds web.SECURITY_HEADERS to every HTTP response, and gives a browser without one a
    random HttpOnly `contest_browser` cookie (the name cookie tickets are bound to)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        needs_browser = web.BROWSER_COOKIE not in connection.cookies

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in web.SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if needs_browser and headers.get("content-type", "").startswith("text/html"):
                    cookie = Response()
                    cookie.set_cookie(web.BROWSER_COOKIE, auth.new_token(), path="/", httponly=True,
                                      samesite="lax",
                                      secure=web.secure_cookies(config.settings().public_url, _scheme(connection)))
                    headers.append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_with_headers)


# The libraries the pages use, loaded now rather than by the first visitor of each page, so
# that the collector is settled with them (below).
import altair  # noqa: E402,F401
import pyarrow  # noqa: E402,F401

from contest import charts, excel  # noqa: E402,F401
from contest.ui import formats, navigation, shell, viewer, widgets  # noqa: E402,F401

app = st.App(
    str(SCRIPT),
    routes=[
        Route("/auth/cookie", _adopt, methods=["POST"]),
        Route("/auth/signout", _sign_out, methods=["POST"]),
    ],
    # Runs before Streamlit's own middleware: the page, static files and health get it too.
    middleware=[Middleware(SecurityHeaders)],
)
server_options.settle_collector()
