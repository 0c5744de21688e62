"""Decisions that never stall or mislead: a round scored in separate pieces is named and
connected in one step; entries without enough ratings are listed before deciding and need
the organiser's explicit choice, recorded with its reason; award tiers belong to the last
scored round."""

from __future__ import annotations

import pytest
from sqlmodel import select

from contest.auth import SYSTEM
from contest.models import (
    Assignment,
    AuditEvent,
    Decision,
    Entry,
    JudgeProfile,
    Publication,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    User,
)
from contest.services import InvalidInput, accounts, decisions, judging, results, standings
from tests.integration.test_results import _scored_template, organiser, preliminary, scored  # noqa: F401

pytestmark = pytest.mark.integration

GOOD = {"advancement": 18, "patent_quality": 14, "layout": 12, "market": 13, "commercialisation": 9}


def sheets_of(session, rnd, entry_id):
    return session.exec(select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id,
        ScoreSheet.status == "submitted").order_by(ScoreSheet.judge_id)).all()


def unsubmit(session, sheets):
    """These sheets go back to draft, as if their judges had not scored yet."""
    for sheet in sheets:
        sheet.status, sheet.total, sheet.submitted_at = "draft", None, None
        session.add(sheet)
    session.commit()


def invite_judge(session, rnd, email="newcomer@valuers.example.org"):
    user = accounts.create_user(actor=SYSTEM, session=session, email=email, name="New Judge",
                                roles=[Role.judge], password_hash="not-used")
    session.add(JudgeProfile(edition_id=rnd.edition_id, user_id=user.id, organisation="New Valuers",
                             expertise=[]))
    session.commit()
    return accounts.actor_for(session, user)


def submit(session, judge, rnd, entry):
    sheet = session.exec(select(SheetDefinition).where(
        SheetDefinition.round_id == rnd.id, SheetDefinition.category_id == entry.category_id)).one()
    judging.save_scores(session=session, actor=judge, round_id=rnd.id, entry_id=entry.id,
                        sheet_def_id=sheet.id, expected_version=0, values=GOOD, submit=True)


def stall(session):
    """The journey seen: an entry's judges have not scored yet; a judge invited later is
    added to it and submits its only sheet. Returns (round, entry, new judge)."""
    rnd = preliminary(session)
    office = organiser(session)
    entry = session.exec(select(Entry).where(Entry.current_round_id == rnd.id)
                         .order_by(Entry.code)).first()
    unsubmit(session, sheets_of(session, rnd, entry.id))
    newcomer = invite_judge(session, rnd)
    from contest.services import assignments
    assignments.add_judge(session=session, actor=office, round_id=rnd.id, entry_id=entry.id,
                          judge_id=newcomer.user_id)
    submit(session, newcomer, rnd, entry)
    return rnd, entry, newcomer


def test_a_stalled_round_names_what_is_apart_and_decides_after_the_one_click_fix(scored):
    rnd, entry, newcomer = stall(scored)
    office = organiser(scored)
    rnd.advancement_value = 4
    scored.add(rnd)
    scored.commit()
    # The model cannot rank it, and says which entry is apart and what to do.
    with pytest.raises(standings.DesignSplit) as split:
        decisions.advance_round(session=scored, actor=office, round_id=rnd.id)
    assert entry.code in str(split.value) and "connect the round" in str(split.value)
    check = decisions.design_check(session=scored, actor=office, round_id=rnd.id)
    assert not check.connected and check.stranded == (entry.id,)
    assert check.apart == (decisions.Piece((entry.code,), ("New Judge <newcomer@valuers.example.org>",)),)
    assert "model" not in check.methods and "mean" in check.methods
    # One click: one judge of the main group for the entry, never one already on it.
    plan = decisions.plan_connection(session=scored, actor=office, round_id=rnd.id)
    [bridge] = plan.bridges
    on_entry = {a.judge_id for a in scored.exec(select(Assignment).where(
        Assignment.round_id == rnd.id, Assignment.entry_id == entry.id))}
    assert bridge.entry == entry.code and bridge.judge_id not in on_entry
    decisions.connect_round(session=scored, actor=office, round_id=rnd.id)
    bridging = scored.exec(select(Assignment).where(Assignment.source == "bridging")).one()
    assert (bridging.judge_id, bridging.entry_id) == (bridge.judge_id, entry.id)
    # Once that judge has scored, the round is one piece; the entry, with 2 of 3 ratings,
    # still needs the organiser's word before anything is decided.
    submit(scored, accounts.actor_for(scored, scored.get(User, bridge.judge_id)), rnd, entry)
    assert decisions.design_check(session=scored, actor=office, round_id=rnd.id).connected
    with pytest.raises(InvalidInput, match="fewer than 3 ratings") as short:
        decisions.advance_round(session=scored, actor=office, round_id=rnd.id)
    assert entry.code in " ".join(str(p) for p in short.value.problems)
    done = decisions.advance_round(session=scored, actor=office, round_id=rnd.id,
                                   accept={entry.code: "Two independent sheets agree; the third judge is ill"})
    assert done.method == "model" and done.counts["advanced"] > 0
    event = scored.exec(select(AuditEvent).where(AuditEvent.action == "results.advance")).one()
    assert event.details["short_of_ratings"][entry.code]["reason"] == \
        "Two independent sheets agree; the third judge is ill"


def test_a_disconnected_round_can_be_decided_with_a_method_that_does_not_need_it(scored):
    rnd, entry, _ = stall(scored)
    office = organiser(scored)
    plan = decisions.plan_advancement(session=scored, actor=office, round_id=rnd.id, method="mean",
                                      accept={entry.code: "the new judge's sheet stands"})
    assert plan.ready and plan.method == "mean"
    assert any("disconnected" in str(w) for w in plan.warnings)


def test_unscored_and_single_rated_entries_are_never_decided_silently(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    entries = scored.exec(select(Entry).where(Entry.current_round_id == rnd.id)
                          .order_by(Entry.code)).all()
    unscored, single = entries[0], entries[1]
    unsubmit(scored, sheets_of(scored, rnd, unscored.id))
    unsubmit(scored, sheets_of(scored, rnd, single.id)[1:])
    short = {s.code: (s.ratings, s.rank is None)
             for s in decisions.short_entries(session=scored, actor=office, round_id=rnd.id)}
    assert short == {unscored.code: (0, True), single.code: (1, False)}
    with pytest.raises(InvalidInput) as refused:
        decisions.advance_round(session=scored, actor=office, round_id=rnd.id)
    listed = " ".join(str(p) for p in refused.value.problems)
    assert unscored.code in listed and single.code in listed
    assert scored.exec(select(Decision).where(Decision.kind == "advancement")).all() == []
    # Decided as ranked needs a rating; a decision needs a reason.
    with pytest.raises(InvalidInput, match="has no rating"):
        decisions.advance_round(session=scored, actor=office, round_id=rnd.id,
                                accept={unscored.code: "as it is", single.code: "as it is"})
    with pytest.raises(InvalidInput, match="needs a reason"):
        decisions.advance_round(session=scored, actor=office, round_id=rnd.id,
                                overrides={unscored.code: (False, " ")}, accept={single.code: "x"})
    decisions.advance_round(
        session=scored, actor=office, round_id=rnd.id,
        overrides={unscored.code: (False, "Not scored before the deadline; entrant informed")},
        accept={single.code: "Only one judge could score it; the office accepts that sheet"})
    outcome = dict(scored.exec(select(Decision.entry_id, Decision.reason).where(
        Decision.kind == "advancement", Decision.active == True)).all())  # noqa: E712
    assert outcome[unscored.id] == "Not scored before the deadline; entrant informed"
    assert outcome[single.id] == "Only one judge could score it; the office accepts that sheet"
    assert len(outcome) == len(entries)  # every eligible entry has its decision
    event = scored.exec(select(AuditEvent).where(AuditEvent.action == "results.advance")).one()
    recorded = event.details["short_of_ratings"]
    assert recorded[unscored.code] == {"ratings": 0, "outcome": "not_advanced", "choice": "override",
                                       "reason": "Not scored before the deadline; entrant informed"}
    assert recorded[single.code]["choice"] == "as_ranked" and recorded[single.code]["ratings"] == 1


def test_assigning_more_brings_a_short_entry_up_to_its_judges_with_new_ones(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    entry = scored.exec(select(Entry).where(Entry.current_round_id == rnd.id)
                        .order_by(Entry.code)).first()
    rows = scored.exec(select(Assignment).where(Assignment.round_id == rnd.id,
                                                Assignment.entry_id == entry.id)).all()
    withdrawn = rows[0]
    scored.exec(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id,
                                         ScoreSheet.judge_id == withdrawn.judge_id)).one()
    from contest.services import panels
    panels.withdraw_assignments(scored, [withdrawn])
    scored.commit()
    outcome = decisions.assign_more(session=scored, actor=office, round_id=rnd.id,
                                    entry_ids=[entry.id])
    assert len(outcome.added) == 1 and outcome.added[0][0] == entry.code
    other = scored.exec(select(Entry).where(Entry.current_round_id == rnd.id)
                        .order_by(Entry.code)).all()[1]
    unsubmit(scored, sheets_of(scored, rnd, other.id))
    waiting = decisions.assign_more(session=scored, actor=office, round_id=rnd.id,
                                    entry_ids=[other.id])
    assert waiting.added == () and waiting.waiting == (other.code,)


def test_award_tiers_belong_to_the_last_scored_round(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    assert decisions.round_actions(session=scored, actor=office, round_id=rnd.id).tiers == ()
    with pytest.raises(InvalidInput, match="has no award tiers"):
        decisions.grant_awards(session=scored, actor=office, round_id=rnd.id)
    with pytest.raises(InvalidInput, match="has no award tiers"):
        decisions.plan_publication(session=scored, actor=office, round_id=rnd.id, kind="awards")
    for later in scored.exec(select(Round).where(Round.position > rnd.position)):
        later.scored = False
        scored.add(later)
    scored.commit()
    actions = decisions.round_actions(session=scored, actor=office, round_id=rnd.id)
    assert [t.key for t in actions.tiers] == ["gold", "silver", "excellence"]
    assert not actions.advancement
    plan = decisions.plan_awards(session=scored, actor=office, round_id=rnd.id)
    assert plan.ready and plan.counts["gold"] == 10  # 5 per group, 2 groups
    assert scored.exec(select(Decision).where(Decision.kind == "award")).all() == []


def test_publishing_says_first_who_moves(scored):
    rnd = preliminary(scored)
    office = organiser(scored)
    rnd.advancement_value = 4
    scored.add(rnd)
    scored.commit()
    decisions.advance_round(session=scored, actor=office, round_id=rnd.id)
    plan = decisions.plan_publication(session=scored, actor=office, round_id=rnd.id)
    assert plan.ready and plan.version == 1 and len(plan.moves_in) == len(plan.rows) == 8
    assert not scored.exec(select(Publication).where(Publication.round_id == rnd.id)).all()
    decisions.publish_results(session=scored, actor=office, round_id=rnd.id)
    again = decisions.plan_publication(session=scored, actor=office, round_id=rnd.id)
    assert not again.ready and "Nothing changed" in str(again.blocking[0])


def test_the_ranking_of_a_split_round_is_refused_with_the_way_out(scored):
    rnd, entry, _ = stall(scored)
    with pytest.raises(InvalidInput) as refused:
        results.rank_round(session=scored, actor=organiser(scored), round_id=rnd.id, draws=0)
    assert entry.code in str(refused.value) and "mean" in str(refused.value)
