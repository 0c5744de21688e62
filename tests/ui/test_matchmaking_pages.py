"""AppTest of investor matchmaking on the demo edition: the observer marks interest on a
finalist's card with what they want and a note; the team reads it on its home page without
the observer's name, email or phone and accepts (or declines, after a question); then each
sees the other's contact details; the organiser's matchmaking page lists the match and
offers the workbook. The three pages read in words in every language."""

import pytest
from sqlmodel import select

from contest import db, i18n
from contest.models import Entry, ObserverInterest, User
from contest.services import accounts, matchmaking
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, shown_tables, sign_in, start_app
from tests.ui.test_every_page_opens import raw_keys_shown, untranslated

NOTE = "We license sensor patents across the Bay Area."


@pytest.fixture
def demo_app(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        entry = s.exec(select(Entry).where(Entry.code == "GBA26-0001")).one()
        found = {"url": url, "logins": logins, "entry_id": entry.id, "contact": (entry.contact_name, entry.contact_email)}
    engine.dispose()
    return found


def signed_in(demo, role, language="en"):
    at = start_app()
    if language != "en":
        at.selectbox(key="signin_language").select(language).run()
    return sign_in(at, *login_for(demo["logins"], role))


def in_database(demo, do):
    engine = db.make_engine(demo["url"])
    with db.session_scope(engine) as s:
        def person(role):
            return accounts.actor_for(s, s.exec(select(User).where(User.email == login_for(demo["logins"], role)[0])).one())
        found = do(s, person)
    engine.dispose()
    return found


def the_interest(demo):
    return in_database(demo, lambda s, _person: s.exec(select(ObserverInterest)).one().model_dump())


def test_observer_marks_interest_the_team_accepts_and_both_see_contact_details(demo_app):
    observer = signed_in(demo_app, "observer")
    entry_id = demo_app["entry_id"]
    observer.selectbox(key=f"interest_kind_{entry_id}").select("licence")
    observer.text_area(key=f"interest_note_{entry_id}").input(NOTE)
    observer.button(key=f"send_interest_{entry_id}").click().run()
    assert not observer.exception
    text = page_text(observer)
    assert "Sent: the team sees your organisation" in text
    assert "Your interest: Licence · Awaiting an answer" in text
    stored = the_interest(demo_app)
    assert (stored["kind"], stored["note"], stored["status"]) == ("licence", NOTE, "pending")

    team = signed_in(demo_app, "entrant")
    text = page_text(team)
    assert "Investor interest" in text
    assert "Greater Bay Angel Network · Licence · Awaiting an answer" in text and NOTE in text
    assert "Victor Invest" not in text and "observer@demo.example.org" not in text
    assert "Their name, email and phone show here once you accept." in text
    team.button(key=f"accept_{stored['id']}").click().run()
    assert not team.exception
    text = page_text(team)
    assert "Accepted: you and the observer now see each other's contact details." in text
    assert "Contact: Victor Invest · observer@demo.example.org · –" in text
    assert not [b for b in team.button if b.key == f"accept_{stored['id']}"]  # answered once

    observer.run()
    text = page_text(observer)
    name, email = demo_app["contact"]
    assert "Your interest: Licence · Accepted" in text and "The team accepted: contact them directly." in text
    assert f"Contact: {name} · {email} · +852 5555 0100" in text
    (headings, cells, _), = [t for t in shown_tables(observer) if "Phone" in t[0]]
    assert cells.iloc[0].tolist() == ["GBA26-0001", cells.iloc[0, 1], "Licence", "Accepted", name, email,
                                      "+852 5555 0100"]

    office = signed_in(demo_app, "organiser")
    office.switch_page(str(PAGES / "organiser_matches.py")).run()
    assert not office.exception
    assert "Interests: 1 · accepted: 1 · awaiting an answer: 0" in page_text(office)
    (headings, cells, _), = shown_tables(office)
    assert headings[:6] == ["Entry", "Title", "Observer's organisation", "Observer", "Interest in", "Status"]
    assert cells.iloc[0, [0, 2, 4, 5]].tolist() == ["GBA26-0001", "Greater Bay Angel Network", "Licence", "Accepted"]
    assert office.get("download_button")


def test_declining_asks_first_and_shows_no_contact_details(demo_app):
    in_database(demo_app, lambda s, person: matchmaking.mark_interest(
        session=s, actor=person("observer"), entry_id=demo_app["entry_id"], kind="purchase", note=NOTE))
    interest_id = the_interest(demo_app)["id"]
    team = signed_in(demo_app, "entrant")
    team.button(key=f"decline_{interest_id}").click().run()
    assert "Decline this interest? The observer sees it declined and cannot mark it again." in page_text(team)
    assert the_interest(demo_app)["status"] == "pending"  # nothing yet
    team.button(key=f"decline_{interest_id}_yes").click().run()
    assert not team.exception
    text = page_text(team)
    assert "Declined." in text and "Purchase · Declined" in text and "observer@demo.example.org" not in text
    assert the_interest(demo_app)["status"] == "declined"
    observer = signed_in(demo_app, "observer")
    text = page_text(observer)
    assert "Your interest: Purchase · Declined" in text
    assert not [b for b in observer.button if b.key == f"send_interest_{demo_app['entry_id']}"]


def test_the_observer_withdraws_after_a_question(demo_app):
    in_database(demo_app, lambda s, person: matchmaking.mark_interest(
        session=s, actor=person("observer"), entry_id=demo_app["entry_id"], kind="investment"))
    interest_id = the_interest(demo_app)["id"]
    observer = signed_in(demo_app, "observer")
    observer.button(key=f"withdraw_{interest_id}").click().run()
    assert "Withdraw your interest?" in page_text(observer)
    observer.button(key=f"withdraw_{interest_id}_yes").click().run()
    assert "Interest withdrawn." in page_text(observer) and the_interest(demo_app)["status"] == "withdrawn"


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE])
def test_the_matchmaking_pages_read_in_words_in_the_readers_language(demo_app, language):
    def accepted(s, person):
        interest = matchmaking.mark_interest(session=s, actor=person("observer"), entry_id=demo_app["entry_id"],
                                             kind="co_development", note=NOTE)
        matchmaking.answer_interest(session=s, actor=person("entrant"), interest_id=interest.id, accept=True)

    in_database(demo_app, accepted)
    found = []
    for role, page in (("observer", "observer_home.py"), ("entrant", "entrant_home.py"),
                       ("organiser", "organiser_matches.py")):
        at = signed_in(demo_app, role, language)
        at.switch_page(str(PAGES / page)).run()
        assert not at.exception, page
        found += raw_keys_shown(at, page) + [f for _where, _fragment, f in untranslated(at, page, language)]
        assert i18n.text("interest_kind.co_development", language) in page_text(at) + "".join(
            str(v) for _h, cells, _e in shown_tables(at) for v in cells.to_numpy().ravel()), page
    assert not found, "\n".join(found)
