"""AppTest: with calibration entries set, the judge's list puts them first and asks for
them first; once the judge has submitted them, the home page shows where their scores sit
against the rest of the panel (no other judge named)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from contest import db
from contest.dbtypes import utcnow
from contest.models import Assignment, Entry, ScoreSheet, SheetDefinition, User, UserRole
from contest.services import accounts, calibration
from tests.conftest import login_for
from tests.ui.apptest_helpers import page_text, rendered, sign_in, start_app


def _submit(s: Session, round_id: int, entry: Entry, judge_id: int, total: float) -> None:
    for definition in s.exec(select(SheetDefinition).where(SheetDefinition.round_id == round_id,
                                                           SheetDefinition.category_id == entry.category_id,
                                                           SheetDefinition.active == True)):  # noqa: E712
        sheet = s.exec(select(ScoreSheet).where(ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry.id,
                                                ScoreSheet.judge_id == judge_id,
                                                ScoreSheet.sheet_id == definition.id)).first()
        sheet = sheet or ScoreSheet(round_id=round_id, sheet_id=definition.id, entry_id=entry.id, judge_id=judge_id)
        sheet.status, sheet.total, sheet.submitted_at = "submitted", total, utcnow()
        s.add(sheet)
    s.commit()


@pytest.fixture
def calibrated(demo_db, app_env):
    """The demo with two calibration entries in the judge's round, nobody's sheets on them yet."""
    url, logins = demo_db
    app_env(url)
    judge_email = login_for(logins, "judge")[0]
    engine = db.make_engine(url)
    with Session(engine) as s:
        judge = s.exec(select(User).where(User.email == judge_email)).one()
        round_id = s.exec(select(Assignment.round_id).where(Assignment.judge_id == judge.id)).first()
        done = set(s.exec(select(ScoreSheet.entry_id).where(ScoreSheet.round_id == round_id)).all())
        fresh = s.exec(select(Entry).where(Entry.current_round_id == round_id, Entry.id.not_in(done or [-1]))
                       .order_by(Entry.code)).all()[:2]
        office = s.exec(select(User).join(UserRole, UserRole.user_id == User.id)
                        .where(UserRole.role == "organiser")).first()
        calibration.set_calibration(session=s, actor=accounts.actor_for(s, office), round_id=round_id,
                                    entry_codes=[e.code for e in fresh])
        others = [j for j in s.exec(select(Assignment.judge_id).where(Assignment.round_id == round_id,
                                                                      Assignment.entry_id == fresh[0].id)).all()
                  if j != judge.id][:3]
        s.expunge_all()
        judge_id = judge.id
    engine.dispose()
    return url, logins, round_id, judge_id, fresh, others


def test_the_judge_scores_calibration_first_then_sees_their_check(calibrated):
    url, logins, round_id, judge_id, fresh, others = calibrated
    at = sign_in(start_app(), *login_for(logins, "judge"))
    assert not at.exception
    text = page_text(at)
    assert "Score the 2 calibration entries first" in text
    assert "Your calibration check" not in text
    assert any(rendered(b.label) == f"Next to score: {fresh[0].code}" for b in at.button)

    engine = db.make_engine(url)
    with Session(engine) as s:
        for judge in others:
            _submit(s, round_id, fresh[0], judge, 60.0)
            _submit(s, round_id, fresh[1], judge, 70.0)
        _submit(s, round_id, fresh[0], judge_id, 66.0)
        _submit(s, round_id, fresh[1], judge_id, 80.0)
    engine.dispose()
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "Your calibration check" in text
    assert "you scored on average 8.0 points above the rest of the panel" in text.replace("*", "")  # +6, +10
    assert "Score the 2 calibration entries first" not in text
    shown = " ".join(str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())
    assert fresh[0].code in shown and "@" not in shown  # entries by code, no judge named
    at.session_state["language"] = "zh-Hant"
    at.run()
    text = page_text(at)
    assert "你的校準對照" in text and "高 8.0 分" in text.replace("*", "")
    assert "Your calibration check" not in text and "points above" not in text
