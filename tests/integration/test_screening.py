"""Eligibility screening: the queue shows the automatic rule results; the organiser's
decision (one entry or many) reaches the entrant, is recorded and moves eligible entries
into the first scored round; only organisers may screen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from contest.models import (
    Assignment,
    AuditEvent,
    Category,
    Decision,
    Document,
    DocumentBlob,
    Entry,
    Patent,
    Role,
)
from contest.services import InvalidInput, PermissionDenied, editions, home, screening

pytestmark = pytest.mark.integration


@pytest.fixture
def organiser(make_user):
    return make_user(Role.organiser, email="office@example.org")


@pytest.fixture
def entrant(make_user):
    return make_user(Role.entrant, email="founder@acme.example.com")


def _entry(session, edition, owner, code, *, applicant="Acme Robotics Co., Ltd.", grant=date(2022, 5, 1),
           holder=None, report=True, status="submitted"):
    invention = session.exec(select(Category).where(Category.edition_id == edition.id,
                                                    Category.key == "invention")).one()
    entry = Entry(edition_id=edition.id, code=code, owner_id=owner.user_id, title=f"Portfolio {code}",
                  applicant=applicant, category_id=invention.id, status=status)
    session.add(entry)
    session.flush()
    session.add(Patent(entry_id=entry.id, number="ZL202010123456.1", normalised=f"CN20201012345{entry.id}",
                       jurisdiction="CN", kind="invention", status="granted", grant_date=grant,
                       holder=holder or applicant, is_core=True))
    if report:
        sha = f"{entry.id:064d}"
        session.add(DocumentBlob(sha256=sha, data=b"%PDF-1.4", size=8))
        session.flush()
        session.add(Document(entry_id=entry.id, sha256=sha, kind="report", name="report.pdf", size=8, pages=1))
    session.commit()
    return entry


def test_the_queue_shows_which_automatic_rules_fail(session, edition, organiser, entrant):
    _entry(session, edition, entrant, "E-1")
    _entry(session, edition, entrant, "E-2", grant=date(2018, 1, 1), report=False)
    _entry(session, edition, entrant, "E-3", status="draft")
    queue = screening.screening_queue(session=session, actor=organiser, edition_id=edition.id)
    by_code = {row["code"]: row for row in queue}
    assert set(by_code) == {"E-1", "E-2"}  # drafts are not screened
    assert by_code["E-1"]["rules_passed"] is True and by_code["E-1"]["rule_problems"] == ""
    assert by_code["E-2"]["rules_passed"] is False
    assert "before the cut-off date 2020-01-01" in str(by_code["E-2"]["rule_problems"])
    assert "Missing required documents" in str(by_code["E-2"]["rule_problems"])


def test_the_cap_per_enterprise_counts_other_submitted_entries(session, edition, organiser, entrant):
    for n in range(4):
        _entry(session, edition, entrant, f"E-{n}", applicant="ACME ROBOTICS LIMITED" if n == 3 else "Acme Robotics Co., Ltd.")
    queue = screening.screening_queue(session=session, actor=organiser, edition_id=edition.id)
    assert all("already has 3 other entries" in str(row["rule_problems"]) for row in queue)


def test_an_eligible_entry_moves_into_the_first_scored_round_and_the_entrant_sees_it(
        session, edition, organiser, entrant):
    entry = _entry(session, edition, entrant, "E-1")
    outcome = screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=True)
    assert outcome == screening.ScreeningOutcome(changed=1, unchanged=0, round_label="Preliminary",
                                                changed_codes=("E-1",))
    session.refresh(entry)
    prelim = editions.find_round(session=session, edition_id=edition.id, key="preliminary")
    assert entry.status == "eligible" and entry.current_round_id == prelim.id
    [seen] = home.entrant_overview(session=session, actor=entrant, edition_id=edition.id)
    assert (seen.status, seen.stage) == ("eligible", "Preliminary")  # the key; pages show it in words
    [decision] = session.exec(select(Decision)).all()
    eligibility_round = editions.find_round(session=session, edition_id=edition.id, key="eligibility")
    assert (decision.kind, decision.outcome, decision.round_id, decision.override) == (
        "eligibility", "eligible", eligibility_round.id, False)


def test_entries_marked_not_eligible_in_bulk_show_the_reason_to_their_entrants(session, edition, organiser, entrant):
    entries = [_entry(session, edition, entrant, f"E-{n}") for n in range(3)]
    reason = "The core patent is licensed, not held, by the applicant."
    outcome = screening.decide_eligibility(session=session, actor=organiser, entry_ids=[e.id for e in entries],
                                           eligible=False, reason=reason)
    assert outcome.changed == 3
    seen = home.entrant_overview(session=session, actor=entrant, edition_id=edition.id)
    assert {(row.status, row.reason) for row in seen} == {("ineligible", reason)}
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "entry.eligibility")).all()
    assert len(events) == 3 and all(e.details["reason"] == reason for e in events)


def test_not_eligible_without_a_reason_is_refused(session, edition, organiser, entrant):
    entry = _entry(session, edition, entrant, "E-1")
    with pytest.raises(InvalidInput, match="Give the reason"):
        screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=False)
    session.rollback()
    session.refresh(entry)
    assert entry.status == "submitted"


def test_overriding_failed_rules_needs_a_reason_and_is_recorded_as_an_override(
        session, edition, organiser, entrant):
    entry = _entry(session, edition, entrant, "E-1", grant=date(2019, 6, 1))
    with pytest.raises(InvalidInput, match="automatic rules fail for E-1"):
        screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=True)
    session.rollback()
    screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=True,
                                 reason="Grant date corrected by CNIPA notice of 2020-02-03.")
    decision = session.exec(select(Decision).where(Decision.active == True)).one()  # noqa: E712
    assert decision.override is True


def test_a_changed_decision_replaces_the_previous_one(session, edition, organiser, entrant):
    entry = _entry(session, edition, entrant, "E-1")
    screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=True)
    screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=False,
                                 reason="Duplicate of E-7.")
    session.refresh(entry)
    assert entry.status == "ineligible" and entry.current_round_id is None
    decisions = session.exec(select(Decision).order_by(Decision.id)).all()
    assert [(d.outcome, d.active) for d in decisions] == [("eligible", False), ("ineligible", True)]


def test_a_bulk_decision_with_one_draft_changes_nothing(session, edition, organiser, entrant):
    good = _entry(session, edition, entrant, "E-1")
    draft = _entry(session, edition, entrant, "E-2", status="draft")
    with pytest.raises(InvalidInput, match=r"Only submitted entries can be screened: E-2 \(draft\)"):
        screening.decide_eligibility(session=session, actor=organiser, entry_ids=[good.id, draft.id], eligible=True)
    session.rollback()
    session.refresh(good)
    assert good.status == "submitted" and session.exec(select(Decision)).first() is None


def test_only_organisers_screen_entries(session, edition, entrant, make_user):
    entry = _entry(session, edition, entrant, "E-1")
    someone = make_user(Role.judge, Role.entrant, Role.observer)  # every role but organiser
    with pytest.raises(PermissionDenied):
        screening.screening_queue(session=session, actor=someone, edition_id=edition.id)
    with pytest.raises(PermissionDenied):
        screening.decide_eligibility(session=session, actor=someone, entry_ids=[entry.id], eligible=True)
    session.refresh(entry)
    assert entry.status == "submitted"


def test_an_entry_found_not_eligible_later_loses_its_judges(session, edition, organiser, entrant, make_user):
    entry = _entry(session, edition, entrant, "E-1")
    screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=True)
    judge = make_user(Role.judge)
    session.add(Assignment(round_id=entry.current_round_id, entry_id=entry.id, judge_id=judge.user_id))
    session.commit()
    outcome = screening.decide_eligibility(session=session, actor=organiser, entry_ids=[entry.id], eligible=False,
                                           reason="The core patent lapsed in 2025.")
    assert outcome.assignments_withdrawn == 1
    assert session.exec(select(Assignment)).one().status == "withdrawn"
