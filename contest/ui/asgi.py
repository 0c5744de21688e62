"""The ASGI entry (`streamlit run contest/ui/asgi.py`): Streamlit plus two cookie routes.

Streamlit cannot set cookies, so after a sign-in the page trades a one-time ticket here
for an HttpOnly cookie holding a session token (only its hash is stored). Reloading the
page then keeps the user signed in; signing out revokes the session and deletes the cookie.
"""

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest import auth, config, db
from contest.services import accounts
from contest.ui import server_options

server_options.apply()  # before the app is built: its routes read the options

COOKIE_NAME = auth.SESSION_COOKIE
SCRIPT = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def _engine():
    return db.engine_for(config.settings().database_url)


async def _adopt(request: Request) -> Response:
    form = await request.form()
    ticket = str(form.get("ticket", ""))
    with db.session_scope(_engine()) as session:
        token = accounts.redeem_cookie_ticket(session=session, ticket=ticket)
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE_NAME, token, max_age=30 * 24 * 3600, path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def _sign_out(request: Request) -> Response:
    token = request.cookies.get(COOKIE_NAME)
    with db.session_scope(_engine()) as session:
        accounts.sign_out(session=session, token=token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


app = st.App(
    str(SCRIPT),
    routes=[
        Route("/auth/cookie", _adopt, methods=["POST"]),
        Route("/auth/signout", _sign_out, methods=["POST"]),
    ],
)
