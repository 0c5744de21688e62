"""The live board of a roadshow round shows only what the organiser revealed: submitted
totals (drafts never) as J1...Jn in the order they came in, never a judge's name, the
round's formula and its result (partial until every judge is in), and the running order;
a blind round has no board."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest
from sqlmodel import select

from contest.auth import Actor
from contest.models import AuditEvent, Category, Entry, EntryStatus, JudgeProfile, Role, Round
from contest.services import InvalidInput, NotFound, PermissionDenied, assignments, board, editions, judging

pytestmark = pytest.mark.integration

# The final's sheet (gba preset): market 20, layout 25, commercial value 20, operation 15,
# valuation 20 points; weights follow the maxima, so a total is the sum of the points.
SCORES = {
    60: {"market": 12, "layout": 15, "commercial_value": 12, "operation": 9, "valuation": 12},
    70: {"market": 14, "layout": 18, "commercial_value": 14, "operation": 10, "valuation": 14},
    80: {"market": 16, "layout": 20, "commercial_value": 16, "operation": 12, "valuation": 16},
}


@dataclass
class Final:
    round: Round
    entries: list[Entry]
    judges: list[Actor]
    office: Actor


@pytest.fixture
def final(session, edition, make_user) -> Final:
    """The final with two entries, each scored by the same three judges."""
    rnd = editions.find_round(session=session, edition_id=edition.id, key="final")
    invention = session.exec(select(Category).where(Category.edition_id == edition.id,
                                                    Category.key == "invention")).one()
    office = make_user(Role.organiser, email="office@contest.example.org", name="Grace Office")
    judges = []
    for n in (1, 2, 3):
        judge = make_user(Role.judge, email=f"judge{n}@panel{n}.example.org", name=f"Judge Number{n}")
        session.add(JudgeProfile(edition_id=edition.id, user_id=judge.user_id, organisation=f"Panel {n}",
                                 region="macao"))
        judges.append(judge)
    entries = []
    for n, title in enumerate(["Solid-state battery", "Micro-LED display"]):
        entry = Entry(edition_id=edition.id, code=f"F-{n + 1:03d}", title=title, category_id=invention.id,
                      applicant=f"Applicant {n}", region="guangdong", status=EntryStatus.eligible.value,
                      current_round_id=rnd.id)
        session.add(entry)
        entries.append(entry)
    session.commit()
    for entry in entries:
        for judge in judges:
            assignments.add_judge(session=session, actor=office, round_id=rnd.id, entry_id=entry.id,
                                  judge_id=judge.user_id)
    return Final(rnd, entries, judges, office)


def score(session, judge: Actor, rnd: Round, entry: Entry, total: int, *, submit: bool = True) -> None:
    form = judging.score_form(session=session, actor=judge, round_id=rnd.id, entry_id=entry.id)
    sheet = form["sheets"][0]
    judging.save_scores(session=session, actor=judge, round_id=rnd.id, entry_id=entry.id,
                        sheet_def_id=sheet["sheet_def_id"], expected_version=sheet["version"],
                        values=SCORES[total], submit=submit)


def view(session, f: Final) -> board.BoardView:
    return board.board_view(session=session, actor=f.office, round_id=f.round.id)


def test_nothing_but_the_entry_on_stage_shows_before_the_organiser_reveals(session, final):
    f = final
    assert view(session, f).on_stage is None
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[0].id)
    score(session, f.judges[0], f.round, f.entries[0], 70)
    shown = view(session, f)
    assert (shown.on_stage.code, shown.on_stage.title) == ("F-001", "Solid-state battery")
    assert shown.on_stage.submitted == 1 and shown.on_stage.assigned == 3  # how many, not what
    assert shown.on_stage.judges == () and shown.on_stage.score is None
    assert not shown.totals_revealed and shown.running_order is None

    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=True, running_order=False)
    shown = view(session, f)
    assert [(j.label, j.total) for j in shown.on_stage.judges] == [("J1", 70.0)]
    assert shown.on_stage.score == 70.0 and not shown.on_stage.complete  # partial: 1 of 3


def test_drafts_never_reach_the_board(session, final):
    f = final
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[0].id)
    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=True, running_order=True)
    score(session, f.judges[0], f.round, f.entries[0], 80, submit=False)
    score(session, f.judges[1], f.round, f.entries[0], 60)
    shown = view(session, f).on_stage
    assert [(j.label, j.total) for j in shown.judges] == [("J1", 60.0)]
    assert shown.submitted == 1 and shown.score == 60.0


def test_judges_are_numbered_as_their_totals_come_in_and_never_named(session, final):
    f = final
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[0].id)
    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=True, running_order=True)
    for judge, total in ((f.judges[2], 80), (f.judges[0], 60), (f.judges[1], 70)):
        score(session, judge, f.round, f.entries[0], total)
    shown = view(session, f)
    assert [(j.label, j.total) for j in shown.on_stage.judges] == [("J1", 80.0), ("J2", 60.0), ("J3", 70.0)]
    assert shown.on_stage.complete
    words = repr(shown)
    for judge in f.judges:
        assert judge.name not in words and judge.email not in words
    assert {field.name for field in fields(board.JudgeTotal)} == {"label", "total", "dropped"}  # no identity


def test_the_trimmed_formula_leaves_out_the_highest_and_the_lowest_once_every_judge_is_in(session, final):
    f = final
    f.round.method = "trimmed"
    session.add(f.round)
    session.commit()
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[0].id)
    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=True, running_order=False)
    score(session, f.judges[0], f.round, f.entries[0], 60)
    score(session, f.judges[1], f.round, f.entries[0], 80)
    partial = view(session, f)
    assert partial.on_stage.score == 70.0 and not partial.on_stage.complete  # two totals: their mean
    assert partial.formula.rule == "trimmed" and partial.formula.note is None
    score(session, f.judges[2], f.round, f.entries[0], 70)
    shown = view(session, f).on_stage
    assert shown.complete and shown.score == 70.0
    assert [(j.label, j.dropped) for j in shown.judges] == [("J1", True), ("J2", True), ("J3", False)]


def test_a_model_round_shows_the_plain_mean_with_a_note(session, final):
    f = final
    assert f.round.method == "model"
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[0].id)
    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=True, running_order=False)
    for judge, total in zip(f.judges, (60, 70, 80)):
        score(session, judge, f.round, f.entries[0], total)
    shown = view(session, f)
    assert shown.on_stage.score == pytest.approx(70.0) and shown.formula.rule == "mean"
    assert "plain mean" in shown.formula.note.render("en")


def test_the_running_order_lists_the_entries_presented_before_with_their_scores_when_shown(session, final):
    f = final
    first, second = f.entries
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=first.id)
    for judge, total in zip(f.judges, (60, 70, 80)):
        score(session, judge, f.round, first, total)
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=second.id)
    score(session, f.judges[0], f.round, second, 80)
    assert view(session, f).running_order is None
    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=False, running_order=True)
    shown = view(session, f)
    assert [(s.code, s.score, s.complete, s.judges) for s in shown.running_order] == [("F-001", 70.0, True, ())]
    assert shown.on_stage.code == "F-002" and shown.on_stage.score is None
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=None)  # the last team left
    assert [(s.code, s.score, s.complete) for s in view(session, f).running_order] == [
        ("F-001", 70.0, True), ("F-002", 80.0, False)]
    control = board.board_control(session=session, actor=f.office, round_id=f.round.id)
    assert [e["presented"] for e in control.entries] == [True, True] and control.on_stage is None


def test_a_blind_round_has_no_board(session, final, edition):
    f = final
    prelim = editions.find_round(session=session, edition_id=edition.id, key="preliminary")
    assert prelim.blind
    for call in (
        lambda: board.board_view(session=session, actor=f.office, round_id=prelim.id),
        lambda: board.set_reveal(session=session, actor=f.office, round_id=prelim.id, totals=True,
                                 running_order=True),
        lambda: board.put_on_stage(session=session, actor=f.office, round_id=prelim.id, entry_id=None),
    ):
        with pytest.raises(InvalidInput) as refused:
            call()
        assert refused.value.message.id == board.BLIND_REFUSED
    assert prelim.id not in [r.id for r in board.board_rounds(session=session, actor=f.office,
                                                              edition_id=edition.id)]


def test_a_round_turned_blind_after_its_board_was_set_shows_nothing(session, final):
    f = final
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[0].id)
    f.round.blind = True
    session.add(f.round)
    session.commit()
    with pytest.raises(InvalidInput):
        view(session, f)
    assert board.live_round(session=session, actor=f.office, edition_id=f.round.edition_id) is None


def test_only_the_rounds_entries_go_on_stage(session, final, edition):
    f = final
    stranger = Entry(edition_id=edition.id, code="X-999", title="Elsewhere", status=EntryStatus.eligible.value)
    session.add(stranger)
    session.commit()
    with pytest.raises(NotFound):
        board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=stranger.id)


def test_judges_and_entrants_may_neither_see_nor_steer_the_board(session, final, make_user):
    f = final
    for who in (f.judges[0], make_user(Role.entrant), None):
        with pytest.raises(PermissionDenied):
            view(session, Final(f.round, f.entries, f.judges, who))
        with pytest.raises(PermissionDenied):
            board.put_on_stage(session=session, actor=who, round_id=f.round.id, entry_id=f.entries[0].id)
        with pytest.raises(PermissionDenied):
            board.set_reveal(session=session, actor=who, round_id=f.round.id, totals=True, running_order=True)


def test_every_change_is_audited_and_the_live_round_follows_the_last_change(session, final, edition):
    f = final
    semi = editions.find_round(session=session, edition_id=edition.id, key="semifinal")
    board.set_reveal(session=session, actor=f.office, round_id=semi.id, totals=False, running_order=True)
    board.put_on_stage(session=session, actor=f.office, round_id=f.round.id, entry_id=f.entries[1].id)
    assert board.live_round(session=session, actor=f.office, edition_id=edition.id) == f.round.id
    board.set_reveal(session=session, actor=f.office, round_id=f.round.id, totals=True, running_order=False)
    events = session.exec(select(AuditEvent).where(AuditEvent.action.like("board.%"))
                          .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("board.reveal", f.office.user_id), ("board.on_stage", f.office.user_id),
        ("board.reveal", f.office.user_id)]
    assert events[1].details == {"round": "final", "entry": "F-002"}
    assert events[2].details == {"round": "final", "totals": True, "running_order": False}
