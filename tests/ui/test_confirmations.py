"""Destructive actions ask first: nothing is removed until the user says yes."""

from sqlmodel import func, select

from contest import db
from contest.models import Conflict
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app


def _conflicts(url) -> int:
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        n = s.exec(select(func.count()).select_from(Conflict)).one()
    engine.dispose()
    return n


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()


def test_removing_a_conflict_asks_first_and_cancel_keeps_it(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    before = _conflicts(url)
    assert before > 0  # the demo's judge from an applicant's company
    at = sign_in(start_app(), *login_for(logins, "organiser"))
    at.switch_page(str(PAGES / "organiser_conflicts.py"))
    at.run()
    _click(at, "Remove conflict")
    assert "Remove this conflict? The judge may then be assigned to these entries." in page_text(at)
    assert _conflicts(url) == before
    _click(at, "Cancel")
    assert "Remove this conflict?" not in page_text(at)
    assert _conflicts(url) == before
    _click(at, "Remove conflict")
    _click(at, "Yes, go ahead")
    assert not at.exception
    assert _conflicts(url) == before - 1
