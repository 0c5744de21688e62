"""AppTest: the organiser puts an entry of the final on stage and chooses what the venue
screen shows; the board page shows that, J1...Jn and the formula in words, nothing more."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from contest import db
from contest.models import Entry, EntryStatus, Round, User
from contest.services import accounts, assignments, board, panels
from tests.conftest import login_for
from tests.integration.test_board import score
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app


@dataclass
class DemoFinal:
    round_id: int
    codes: list[str]  # the final's entries, by code
    entry_ids: list[int]
    judges: list[str]  # emails of the judges scoring every one of them


def demo_final(url: str, *, entries: int = 2, judges: int = 2) -> DemoFinal:
    """The demo edition's final with a few of its entries, each with the same judges (the
    first demo judges the panel rules let on all of them); nothing scored yet."""
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as s:
            office = person(s, "organiser@demo.example.org")
            final = s.exec(select(Round).where(Round.key == "final")).one()
            chosen = s.exec(select(Entry).where(Entry.status == EntryStatus.eligible.value)
                            .order_by(Entry.code).limit(entries)).all()
            for entry in chosen:
                entry.current_round_id = final.id  # as if advanced by the semi-final's decisions
                s.add(entry)
            s.commit()
            panel = []
            for user in s.exec(select(User).where(User.email.like("judge%@demo.example.org")).order_by(User.email)).all():
                if len(panel) < judges and not any(panels.refusal(s, final, user.id, e.id, joining=True) for e in chosen):
                    for entry in chosen:
                        assignments.add_judge(session=s, actor=office, round_id=final.id, entry_id=entry.id,
                                              judge_id=user.id)
                    panel.append(user.email)
            return DemoFinal(final.id, [e.code for e in chosen], [e.id for e in chosen], panel)
    finally:
        engine.dispose()


def person(session, email: str):
    return accounts.actor_for(session, session.exec(select(User).where(User.email == email)).one())


def in_demo(url: str, change) -> None:
    """Act on the demo database through the services, as another person at the venue."""
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as s:
            change(s)
    finally:
        engine.dispose()


def judge_submits(url: str, final: DemoFinal, judge: str, code: str, total: int) -> None:
    def change(s):
        rnd = s.get(Round, final.round_id)
        entry = s.exec(select(Entry).where(Entry.code == code)).one()
        score(s, person(s, judge), rnd, entry, total)
    in_demo(url, change)


def office_sets(url: str, final: DemoFinal, *, on_stage: str | None = None, totals: bool | None = None,
                running_order: bool | None = None) -> None:
    def change(s):
        office = person(s, "organiser@demo.example.org")
        if on_stage is not None:
            entry = s.exec(select(Entry).where(Entry.code == on_stage)).one()
            board.put_on_stage(session=s, actor=office, round_id=final.round_id, entry_id=entry.id)
        if totals is not None:
            board.set_reveal(session=s, actor=office, round_id=final.round_id, totals=totals,
                             running_order=bool(running_order))
    in_demo(url, change)


@pytest.fixture
def final(demo_db, app_env):
    url, logins = demo_db
    app_env(url)
    return url, logins, demo_final(url)


def organiser_on(logins, page: str):
    at = sign_in(start_app(), *login_for(logins, "organiser"))
    at.switch_page(str(PAGES / page))
    return at.run()


def test_the_control_page_puts_an_entry_on_stage_and_reveals_the_totals(final):
    url, logins, f = final
    at = organiser_on(logins, "organiser_board_control.py")
    assert not at.exception
    assert at.selectbox(key="board_round").value == f.round_id  # the final: the last round with a board
    stage = next(w for w in at.selectbox if w.key.startswith("board_stage_"))
    assert stage.value is None and "Nobody (between teams)" in stage.options[0]
    stage.select(f.entry_ids[0]).run()
    assert not at.exception
    stage = next(w for w in at.selectbox if w.key.startswith("board_stage_"))
    assert stage.format_func(stage.value).startswith(f"{f.codes[0]} · ")
    assert stage.format_func(stage.value).endswith("(presented)")
    next(w for w in at.toggle if w.key.startswith("board_totals_")).set_value(True).run()
    assert not at.exception

    def control(s):
        return board.board_control(session=s, actor=person(s, "organiser@demo.example.org"), round_id=f.round_id)
    found = {}
    in_demo(url, lambda s: found.update(c=control(s)))
    assert found["c"].reveal_totals and not found["c"].show_running_order
    assert [e["code"] for e in found["c"].entries if e["entry_id"] == found["c"].on_stage] == [f.codes[0]]


def test_the_board_shows_the_judges_as_j1_j2_the_formula_and_the_partial_score(final):
    url, logins, f = final
    office_sets(url, f, on_stage=f.codes[0], totals=True)
    judge_submits(url, f, f.judges[1], f.codes[0], 80)
    at = organiser_on(logins, "organiser_board.py")
    assert not at.exception
    text = page_text(at)
    assert "Final: live board" in text and f.codes[0] in text
    assert "J1 80.0" in text and "J2" not in text
    assert "80.00 (partial: 1 of 2 judges)" in text
    assert "Round score: the mean of the judges' totals." in text and "plain mean" in text  # the final ranks by the model
    for email in f.judges:
        assert email not in text
    judge_submits(url, f, f.judges[0], f.codes[0], 60)
    text = page_text(at.run())
    assert "J1 80.0" in text and "J2 60.0" in text and "Round score 70.00" in text


def test_the_board_shows_nothing_the_organiser_has_not_revealed(final):
    url, logins, f = final
    office_sets(url, f, on_stage=f.codes[0])
    judge_submits(url, f, f.judges[0], f.codes[0], 70)
    at = organiser_on(logins, "organiser_board.py")
    assert not at.exception
    text = page_text(at)
    assert "1 of 2 judges have scored." in text
    assert "70" not in text.replace(f.codes[0], "") and "J1" not in text and "Running order" not in text
