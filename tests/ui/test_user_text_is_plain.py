"""User text is never rendered as Markdown: with every name, title and label of the demo set to
Markdown (bold, a link, a colour directive, an emoji code), no page of any role shows it as
formatting, in titles, captions, messages, the sidebar, labels or options."""

import pytest
from sqlalchemy import update

from contest import db
from contest.models import Category, ContestGroup, Edition, Entry, Publication, Round, Track, User
from contest.models import Role
from contest.ui import navigation
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, sign_in, start_app

PAYLOAD = "**Bold** [link](https://evil.example) :red[red] :smile:"
# What Streamlit would turn into formatting if the payload reached Markdown unescaped.
MARKUP = ("**Bold**", "[link](", ":red[", ":smile:")


@pytest.fixture
def markdown_everywhere(demo_db, app_env):
    url, logins = demo_db
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(update(User).values(name=PAYLOAD, organisation=PAYLOAD))
        conn.execute(update(Entry).values(title=PAYLOAD, applicant=PAYLOAD, summary=PAYLOAD))
        conn.execute(update(Edition).values(name=PAYLOAD))
        for model in (Round, Category, Track, ContestGroup):
            conn.execute(update(model).values(label=model.__name__ + " " + PAYLOAD, labels={}))
        edition_id, round_id = conn.execute(Round.__table__.select().with_only_columns(
            Round.edition_id, Round.id).limit(1)).first()
        code = conn.execute(Entry.__table__.select().with_only_columns(Entry.code).limit(1)).scalar()
        conn.execute(Publication.__table__.insert().values(  # as publish_results stores a list
            edition_id=edition_id, round_id=round_id, kind="advancement", version=1, title=PAYLOAD, note="",
            payload=[{"entry_code": code, "title": PAYLOAD, "applicant": PAYLOAD, "group": "startup",
                      "category": "invention", "outcome": "advance", "rank": 1}]))
    engine.dispose()
    app_env(url)
    return logins


def markdown_shown(at) -> list[str]:
    """Every text Streamlit renders as Markdown on the page and in the sidebar."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error"):
        texts += [str(el.value) for el in getattr(at, kind)]
    for kind in ("expander", "checkbox", "toggle", "button", "tabs", "metric"):
        texts += [str(el.label) for el in getattr(at, kind)]
    for radio in at.radio:
        texts += [str(radio.label)] + [str(option) for option in radio.options]
    return texts


@pytest.mark.parametrize("role", [r.value for r in navigation.ROLE_ORDER])
def test_no_page_renders_a_users_text_as_markdown(markdown_everywhere, role):
    at = sign_in(start_app(), *login_for(markdown_everywhere, role))
    seen_payload = False
    for spec in navigation.ROLE_PAGES[Role(role)]:
        at.switch_page(str(PAGES / spec.file))
        at.run()
        assert not at.exception, (spec.file, [e.message for e in at.exception])
        for text in markdown_shown(at):
            assert not [m for m in MARKUP if m in text], (spec.file, text)
            seen_payload = seen_payload or "Bold" in text
    assert seen_payload  # the text is shown, only never as formatting
