"""A browser tab without a browser: drives the app over Streamlit's own websocket protocol
(facts in ../shared/PITFALLS.md), for load benchmarks and multi-process tests.

    browser = Browser("http://127.0.0.1:8501")
    tab = await browser.open_tab("signin")
    await tab.sign_in(email, password)
    await tab.goto("score", query="round=1&entry=7")
    await tab.set_number("Novelty", 12)          # a score field's on_change saves a draft
    assert tab.has_text("Draft saved")

A Browser holds one cookie jar (contest_browser, the XSRF cookie, the session cookie once the
sign-in is handed over) shared by its tabs; each Tab is one websocket with its own Streamlit
session. Every interaction resends all widget values the tab holds, as the browser does; a
button sends `trigger_value` once; form fields are sent with their submit button.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
WIDGETS = {"button", "text_input", "number_input", "selectbox", "text_area", "checkbox", "radio",
           "download_button", "slider", "date_input", "multiselect", "file_uploader", "button_group"}
TEXTS = {"alert", "text", "markdown", "heading", "metric", "html"}


class PageError(AssertionError):
    """The page did not show what the client was told to use (a missing widget, a refusal)."""


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    element: object
    form_id: str = ""
    fragment_id: str = ""  # the st.fragment that drew it: changing it reruns only that fragment


class Browser:
    """One browser: a cookie jar shared by its tabs."""

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, follow_redirects=True)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def cookie(self, name: str) -> str | None:
        return self.http.cookies.get(name)

    async def load_page(self) -> None:
        """What a browser fetches before the websocket: the page (contest_browser cookie)
        and the health check (Streamlit's XSRF cookie)."""
        (await self.http.get("/")).raise_for_status()
        (await self.http.get("/_stcore/health")).raise_for_status()

    async def open_tab(self, page: str = "", query: str = "") -> "Tab":
        if "_streamlit_xsrf" not in self.http.cookies:
            await self.load_page()
        tab = Tab(self)
        await tab.connect()
        await tab.run(page=page, query=query)
        return tab

    async def hand_over(self, body: str) -> None:
        """What the page's script does after a sign-in: trade the ticket for the cookie."""
        response = await self.http.post(
            "/auth/cookie", content=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                     "Sec-Fetch-Site": "same-origin"})
        if response.status_code != 204:
            raise PageError(f"the sign-in cookie was refused ({response.status_code})")

    async def close(self) -> None:
        await self.http.aclose()


class Tab:
    """One browser tab: one websocket, one Streamlit session."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.ws = None
        self.elements: dict[tuple, object] = {}
        self.kinds: dict[tuple, str] = {}
        self.fragments: dict[tuple, str] = {}
        self.states: dict[str, WidgetState] = {}
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.query = ""
        self.exception: str | None = None
        self.runs = 0
        self.received = 0  # messages the server sent this tab, all runs together
        self._fragment_run = ""
        self.drawn: list[tuple[tuple, str, str]] = []

    async def connect(self) -> None:
        xsrf = self.browser.cookie("_streamlit_xsrf") or ""
        url = self.browser.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.browser.http.cookies.jar)
        self.ws = await connect(url, subprotocols=["streamlit", xsrf], additional_headers={"Cookie": cookies},
                                max_size=None, open_timeout=self.browser.timeout, ping_interval=None,
                                origin=self.browser.origin)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    # ------------------------------------------------------------------ running the script

    async def run(self, *, page: str | None = None, query: str | None = None,
                  triggers: list[WidgetState] = (), extra: list[WidgetState] = (), fragment: str = "") -> float:
        """One rerun as the browser asks for it (of one fragment when the widget changed
        belongs to one); returns its duration (seconds) until the script finished (a rerun
        the script asked for, st.rerun, is waited for too)."""
        message = BackMsg()
        state = message.rerun_script
        self._fragment_run = fragment
        self.drawn = []  # (delta path, fragment id, element kind) of what this run sends
        if fragment:
            state.fragment_id = fragment
            for path in [p for p, f in self.fragments.items() if f == fragment]:  # redrawn by the run
                for drawn in (self.elements, self.kinds, self.fragments):
                    drawn.pop(path, None)
        if page is not None:
            self.page_hash = self.pages.get(page, "") if page else ""
            state.page_name = page if page and not self.page_hash else ""
        if query is not None:
            self.query = query
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        sent = {**self.states, **{w.id: w for w in extra}}
        for widget in [*sent.values(), *triggers]:
            state.widget_states.widgets.append(widget)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        state.context_info.url = f"{self.browser.base_url}/{page or ''}"
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        await self._until_finished()
        self.runs += 1
        return time.perf_counter() - started

    async def _until_finished(self) -> None:
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), self.browser.timeout)
            self.received += 1
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                if not self._fragment_run:  # a whole run draws the page anew
                    self.elements, self.kinds, self.fragments = {}, {}, {}
                self.exception = None
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
                self._pages(msg.new_session.app_pages)
            elif kind == "navigation":
                self._pages(msg.navigation.app_pages)
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta":
                self._delta(msg)
            elif kind == "page_not_found":
                raise PageError(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "script_finished":
                if msg.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    self._fragment_run = ""  # what follows is a whole run (st.rerun(scope="app"))
                    continue
                await self._after_run()
                return

    def _pages(self, pages) -> None:
        for app_page in pages:
            self.pages[app_page.url_pathname] = app_page.page_script_hash

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        if delta.WhichOneof("type") == "new_element":
            element = delta.new_element
            kind = element.WhichOneof("type")
            self.elements[path] = getattr(element, kind)
            self.kinds[path] = kind
            self.fragments[path] = delta.fragment_id
            self.drawn.append((path, delta.fragment_id, kind))
            if kind == "exception":
                self.exception = element.exception.message

    async def _after_run(self) -> None:
        """What the browser does once a run has drawn: run the page's sign-in hand-over."""
        for body in self.texts("html"):
            if "/auth/cookie" in body:
                ticket = re.search(r'"(ticket=[^"]+)"', body)
                if ticket:
                    await self.browser.hand_over(ticket.group(1))

    # ------------------------------------------------------------------ reading the page

    def widgets(self, kind: str | None = None) -> list[Widget]:
        found = []
        for path in sorted(self.elements):
            k = self.kinds[path]
            if k in WIDGETS and (kind is None or k == kind):
                element = self.elements[path]
                found.append(Widget(k, element.id, getattr(element, "label", ""), element,
                                    getattr(element, "form_id", ""), self.fragments.get(path, "")))
        return found

    def widget(self, kind: str, label: str) -> Widget:
        """The first widget of `kind` whose label starts with `label`."""
        for widget in self.widgets(kind):
            if widget.label.startswith(label):
                return widget
        raise PageError(f"no {kind} '{label}' on the page; there are "
                        f"{[(w.kind, w.label) for w in self.widgets()]}; texts: {self.texts()[:8]}"
                        + (f"; the page showed an error: {self.exception}" if self.exception else ""))

    def texts(self, *kinds: str) -> list[str]:
        wanted = set(kinds) or TEXTS
        shown = []
        for path in sorted(self.elements):
            kind = self.kinds[path]
            if kind in wanted:
                element = self.elements[path]
                shown.append(getattr(element, "body", "") or getattr(element, "label", ""))
        return shown

    def has_text(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    # ------------------------------------------------------------------ acting

    def _keep(self, state: WidgetState) -> None:
        self.states[state.id] = state

    async def goto(self, page: str, query: str = "") -> float:
        return await self.run(page=page, query=query)

    async def click(self, label: str) -> float:
        button = self.widget("button", label)
        return await self.run(triggers=[WidgetState(id=button.id, trigger_value=True)], fragment=button.fragment_id)

    async def set_number(self, label: str, value: float) -> float:
        widget = self.widget("number_input", label)
        state = WidgetState(id=widget.id)
        if widget.element.data_type == widget.element.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
        self._keep(state)
        return await self.run(fragment=widget.fragment_id)

    async def set_text(self, label: str, value: str, kind: str = "text_input", *, rerun: bool = True) -> float:
        widget = self.widget(kind, label)
        self._keep(WidgetState(id=widget.id, string_value=value))
        return await self.run(fragment=widget.fragment_id) if rerun else 0.0

    async def choose(self, label: str, option: str) -> float:
        widget = self.widget("selectbox", label)
        self._keep(WidgetState(id=widget.id, string_value=option))
        return await self.run(fragment=widget.fragment_id)

    async def submit(self, form_values: dict[str, str], button: str, choices: dict[str, int] | None = None) -> float:
        """Fill a form's text fields, pick options (by position) in its select boxes and press
        its submit button (one rerun)."""
        for label, position in (choices or {}).items():
            widget = self.widget("selectbox", label)
            self._keep(WidgetState(id=widget.id, string_value=widget.element.options[position]))
        for label, value in form_values.items():
            kind = "text_area" if any(w.label.startswith(label) for w in self.widgets("text_area")) else "text_input"
            widget = self.widget(kind, label)
            self._keep(WidgetState(id=widget.id, string_value=value))
        submit = self.widget("button", button)
        return await self.run(triggers=[WidgetState(id=submit.id, trigger_value=True)], fragment=submit.fragment_id)

    async def sign_in(self, email: str, password: str) -> float:
        took = await self.submit({"Email": email, "Password": password}, "Sign in")
        if self.widgets("text_input") and any(w.label == "Password" for w in self.widgets("text_input")):
            raise PageError(f"sign-in refused: {self.texts('alert')} {self.exception or ''}")
        # The fields are gone with the form: the browser no longer sends them.
        self.states = {k: v for k, v in self.states.items() if v.string_value not in (email, password)}
        return took


def run_sync(coroutine):
    """A coroutine run to its end, in a thread of its own (a test may be running inside
    another library's event loop, e.g. Playwright's, where asyncio.run is refused)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="streamlit-client")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
