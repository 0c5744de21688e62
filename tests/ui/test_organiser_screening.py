"""AppTest: the organiser screens submitted entries on the page, in bulk, and the entrant
sees the decision with its reason."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from contest import db
from contest.models import Entry
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app, tick

SCREENING = str(PAGES / "organiser_screening.py")


def _db(url):
    return db.make_engine(url)


@pytest.fixture
def awaiting(demo_db, app_env):
    """The demo (one entry of its own, GBA26-0008, awaits the check) with its first three
    entries back to 'submitted', awaiting the check too."""
    url, logins = demo_db
    engine = _db(url)
    with Session(engine) as s:
        codes = ["GBA26-0001", "GBA26-0002", "GBA26-0003"]
        s.execute(update(Entry).where(Entry.code.in_(codes)).values(status="submitted", current_round_id=None))
        s.commit()
    engine.dispose()
    app_env(url)
    return url, logins


def _statuses(url):
    engine = _db(url)
    with Session(engine) as s:
        rows = s.exec(select(Entry.code, Entry.status, Entry.eligibility_reason).where(
            Entry.code.in_(["GBA26-0001", "GBA26-0002", "GBA26-0003"])).order_by(Entry.code)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _choose_rows(logins, rows):
    """The organiser on the screening page with these queue rows ticked."""
    at = start_app()
    sign_in(at, *login_for(logins, "organiser"))
    at.switch_page(SCREENING)
    at.run()
    assert not at.exception
    return tick(at, {row: {"select": True} for row in rows})


def _refuse(at, reason: str) -> None:
    at.radio(key="screening_decision_choice").set_value("not_eligible")
    at.text_area(key="screening_reason").input(reason)
    next(b for b in at.button if b.label == "Apply to the chosen entries").click().run()
    assert not at.exception


def test_organiser_marks_two_entries_not_eligible_and_the_entrant_sees_why(awaiting):
    url, logins = awaiting
    at = _choose_rows(logins, [0, 1])
    assert "2 chosen of 4." in page_text(at)
    _refuse(at, "The core patent is held by the parent company.")
    assert "2 entries marked not eligible." in page_text(at)
    assert _statuses(url) == [
        ("GBA26-0001", "ineligible", "The core patent is held by the parent company."),
        ("GBA26-0002", "ineligible", "The core patent is held by the parent company."),
        ("GBA26-0003", "submitted", ""),
    ]

    entrant = start_app()
    sign_in(entrant, *login_for(logins, "entrant"))  # entrant01 owns GBA26-0001
    mine = entrant.dataframe[0].value
    assert list(mine["status"]) == ["Not eligible"]
    assert "The core patent is held by the parent company." in page_text(entrant)


def test_marking_eligible_moves_the_entry_into_the_preliminary(awaiting):
    url, logins = awaiting
    at = _choose_rows(logins, [2])
    next(b for b in at.button if b.label == "Apply to the chosen entries").click().run()
    assert not at.exception
    assert "1 entries marked eligible and moved into Preliminary." in page_text(at)
    assert _statuses(url)[2][1] == "eligible"


def test_every_entry_whose_rules_pass_can_be_chosen_at_once(awaiting):
    url, logins = awaiting
    at = _choose_rows(logins, [])
    at.checkbox(key="screening_all_passing").check().run()
    assert "4 chosen of 4." in page_text(at)
    next(b for b in at.button if b.label == "Apply to the chosen entries").click().run()
    assert "4 entries marked eligible and moved into Preliminary." in page_text(at)
    assert [status for _code, status, _reason in _statuses(url)] == ["eligible"] * 3


def test_ticks_on_every_page_of_the_queue_are_kept_until_applied(awaiting, monkeypatch):
    """A tick typed on one page of the queue survives turning to another page and back,
    and the decision applies to the entries ticked on every page (it was lost on a page
    change before)."""
    from contest.ui import widgets

    monkeypatch.setattr(widgets, "PAGE_SIZE", 2)  # the 4 waiting entries on 2 pages
    url, logins = awaiting
    already = _ineligible(url)
    at = _choose_rows(logins, [0])
    first = at.data_editor[0].value["code"].iloc[0]
    at.selectbox(key="screening_queue_page").set_value(2).run()
    assert first not in list(at.data_editor[0].value["code"])
    second = at.data_editor[0].value["code"].iloc[1]
    tick(at, {1: {"select": True}})
    assert "2 chosen of 4." in page_text(at)
    at.selectbox(key="screening_queue_page").set_value(1).run()
    page_one = at.data_editor[0].value
    assert list(page_one.loc[page_one["code"] == first, "select"]) == [True]
    assert "2 chosen of 4." in page_text(at)
    _refuse(at, "Over the enterprise's cap.")
    assert "2 entries marked not eligible." in page_text(at)
    assert _ineligible(url) - already == {first, second}


def _ineligible(url) -> set[str]:
    engine = _db(url)
    with Session(engine) as s:
        codes = set(s.exec(select(Entry.code).where(Entry.status == "ineligible")).all())
    engine.dispose()
    return codes
