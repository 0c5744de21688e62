"""Sign-in, sign-out and the first-organiser screen, and the cookie hand-over."""

from __future__ import annotations

import json

import streamlit as st

from contest import auth, config, web
from contest.services import ServiceError, accounts
from contest.ui import context, widgets
from contest.ui.i18n import language_picker, t


def cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(auth.SESSION_COOKIE)
    except Exception:  # AppTest and bare script runs have no request context
        return None
    return value if isinstance(value, str) and value else None


def _context_value(read) -> str | None:
    """A text from the request context (None when absent: AppTest and bare script runs have
    no request, and AppTest's stand-in returns objects that are not text)."""
    try:
        value = read(st.context)
    except Exception:  # noqa: BLE001
        return None
    return value if isinstance(value, str) else None


def client_address() -> str:
    """The browser's address (X-Forwarded-For believed only from trusted proxies); "" unknown."""
    peer = _context_value(lambda c: c.ip_address)
    forwarded = _context_value(lambda c: c.headers.get("X-Forwarded-For"))
    return web.client_address(peer, forwarded, config.settings().trusted_proxies)


def browser_name() -> str:
    """This browser's random `contest_browser` cookie ("" when it has none)."""
    return _context_value(lambda c: c.cookies.get(web.BROWSER_COOKIE)) or ""


def public_base_url(page_path: str = "") -> str:
    """The app's address for links in mail: CONTEST_PUBLIC_URL, else as this browser sees it."""
    configured = config.settings().public_url
    if configured:
        return configured
    url = (_context_value(lambda c: c.url) or "").split("?")[0].rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    return url or "http://localhost:8501"


def current_actor(session=None):
    """The actor of this tab's sign-in, else of the browser's session cookie (read in
    `session` when the caller has one open: the shell reads all it needs in one)."""
    idle = config.settings().session_idle_minutes
    max_days = config.settings().session_max_days
    # A read on every rerun; a short write only when the session is over a minute stale,
    # so page loads never queue behind other users' saves (SQLite has one writer).
    for token in (st.session_state.get("auth_token"), cookie_token()):
        if not token:
            continue
        if session is None:
            with context.session(read_only=True) as s:
                found, stale = accounts.session_status(session=s, token=token, idle_minutes=idle, max_days=max_days)
        else:
            found, stale = accounts.session_status(session=session, token=token, idle_minutes=idle,
                                                   max_days=max_days)
        if found is not None:
            if stale:
                with context.session() as s:
                    accounts.touch_session(session=s, token=token)
            return found
    return None


def run_pending_browser_actions() -> None:
    """Cookie work left by the previous run (set after sign-in, cleared after sign-out)."""
    ticket = st.session_state.pop("cookie_ticket", None)
    if ticket:
        body = json.dumps(f"ticket={ticket}")
        st.html(
            "<script>fetch('/auth/cookie',{method:'POST',credentials:'same-origin',"
            f"headers:{{'Content-Type':'application/x-www-form-urlencoded'}},body:{body}}});</script>",
            unsafe_allow_javascript=True,
        )
    if st.session_state.pop("clear_cookie", False):
        st.html(
            "<script>fetch('/auth/signout',{method:'POST',credentials:'same-origin'});</script>",
            unsafe_allow_javascript=True,
        )


def start_session(email: str, password: str) -> None:
    """Sign in through accounts.sign_in and keep this tab's token and the cookie ticket (the
    next run hands the ticket to the browser). A ServiceError is left to the caller."""
    with context.session() as s:
        _user, token = accounts.sign_in(session=s, email=email, password=password, address=client_address())
    adopt_token(token)


def adopt_token(token: str) -> None:
    """This tab is signed in with the token; a browser with a `contest_browser` cookie also
    gets a ticket, bound to that cookie, to trade for the session cookie on the next run."""
    st.session_state["auth_token"] = token
    browser = browser_name()
    if browser:
        with context.session() as s:
            st.session_state["cookie_ticket"] = accounts.issue_cookie_ticket(session=s, token=token, browser=browser)


def show_error(exc: ServiceError) -> None:
    """A service's refusal in the user's language, each problem on its own line."""
    st.error(t(widgets.markdown_safe(exc.message)))
    problems = getattr(exc, "problems", [])
    if len(problems) > 1:
        for problem in problems:
            st.text(f"• {t(problem)}")


def sign_in_page() -> None:
    st.title(t("common.sign_in"))
    _sign_in_form()
    language_picker("signin_language")


@st.fragment
def _sign_in_form() -> None:
    """The form, a fragment: a refused attempt (a mistyped password, or an attacker's
    twenty a second) reruns the form and its answer, not the shell and the page around them;
    a sign-in runs the whole app again, signed in."""
    with st.form("sign_in"):
        email = st.text_input(t("common.email"))
        password = st.text_input(t("common.password"), type="password")
        submitted = st.form_submit_button(t("common.sign_in"), type="primary")
    if submitted:
        try:
            start_session(email, password)
        except ServiceError as exc:
            show_error(exc)
            return
        st.rerun(scope="app")


def sign_in_page_entry() -> st.Page:
    """The sign-in page as navigation and links name it."""
    return st.Page(sign_in_page, title=t("common.sign_in"), icon=":material/login:", url_path="signin")


def sign_out() -> None:
    with context.session() as s:
        for token in (st.session_state.get("auth_token"), cookie_token()):
            accounts.sign_out(session=s, token=token)
    language = st.session_state.get("language")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if language:
        st.session_state["language"] = language
    st.session_state["clear_cookie"] = True
    st.rerun()


def first_organiser_page() -> None:
    st.title(t("signin.welcome_create_first_organiser"))
    st.write(t("signin.database_new_first_account_contest"))
    with st.form("first_organiser"):
        name = st.text_input(t("common.your_name"))
        email = st.text_input(t("common.email"))
        password = st.text_input(t("common.password_least_10_characters"), type="password")
        submitted = st.form_submit_button(t("signin.create_organiser"), type="primary")
    if submitted:
        try:
            with context.session() as s:
                accounts.create_first_organiser(session=s, email=email, name=name, password=password)
            start_session(email, password)
        except ServiceError as exc:
            show_error(exc)
            return
        st.rerun()
