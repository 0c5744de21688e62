"""Conflict services on a real database: automatic conflicts are stored with their
reasons and kept in step with the data; organiser conflicts need a reason, cover a
whole organisation when asked, and take the judge off the entry; assignment obeys all."""

import pytest
from sqlmodel import select

from contest.models import Assignment, AssignmentStatus, AuditEvent, Conflict, JudgeProfile, Role
from contest.services import InvalidInput, NotFound, PermissionDenied
from contest.services import assignments as assignment_service
from contest.services import conflicts as service
from tests.integration.test_assignment_service import TRACKS, add_sheet, build_round

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(session, edition, make_user):
    judges = [
        ("Huawei Technologies", "guangdong", [TRACKS[0]], None),
        ("Independent", "hong_kong", [TRACKS[0]], None),
        ("Tsinghua University", "macao", [TRACKS[1]], None),
        ("Org 3", "guangdong", [TRACKS[1]], None),
        ("Org 4", "guangdong", [TRACKS[2]], None),
        ("Org 5", "guangdong", [TRACKS[2]], None),
    ]
    entries = [
        ("HUAWEI TECHNOLOGIES CO., LTD.", TRACKS[0], "ip@huawei.com", "guangdong"),
        ("Acme Robotics Ltd", TRACKS[0], "ceo@acme-robotics.com", "hong_kong"),
        ("Beta Bio", TRACKS[1], "li@qq.com", "macao"),
        ("Gamma Energy", TRACKS[2], "cto@gamma-energy.cn", "overseas"),
    ]
    s = build_round(session, edition, make_user, judges=judges, entries=entries)
    # Judge 1's address is at the applicant's company: a shared employer domain.
    from contest.models import User

    user = session.get(User, s.judges[1])
    user.email = "expert@rd.acme-robotics.com"
    session.add(user)
    session.commit()
    return s


def stored(session):
    return {(c.judge_id, c.entry_id, c.source, c.reason)
            for c in session.exec(select(Conflict)).all()}


def test_detected_conflicts_are_stored_with_their_reasons(session, edition, setup):
    counts = service.detect_conflicts(session=session, actor=setup.organiser,
                                      edition_id=edition.id)
    assert counts == service.Detected(added=2, removed=0, total=2)
    j, e = setup.judges, setup.entries
    assert stored(session) == {
        (j[0], e[0], "automatic", "same organisation: Huawei Technologies"),
        (j[1], e[1], "automatic", "same mail domain: acme-robotics.com"),
    }
    # Running again changes nothing.
    assert service.detect_conflicts(session=session, actor=setup.organiser,
                                    edition_id=edition.id) == service.Detected(added=0, removed=0, total=2)


def test_same_region_is_detected_only_when_asked(session, edition, setup):
    counts = service.detect_conflicts(session=session, actor=setup.organiser,
                                      edition_id=edition.id, same_region=True)
    reasons = {r for *_, r in stored(session)}
    assert "same region: guangdong" in "; ".join(reasons)
    assert counts.total > 2


def test_automatic_conflict_disappears_when_its_cause_does(session, edition, setup):
    service.detect_conflicts(session=session, actor=setup.organiser, edition_id=edition.id)
    profile = session.exec(select(JudgeProfile).where(
        JudgeProfile.user_id == setup.judges[0])).one()
    profile.organisation = "Retired"
    session.add(profile)
    session.commit()
    counts = service.detect_conflicts(session=session, actor=setup.organiser,
                                      edition_id=edition.id)
    assert counts.removed == 1
    assert {c[0] for c in stored(session)} == {setup.judges[1]}


def test_organiser_conflict_needs_a_reason_and_one_target(session, edition, setup):
    kwargs = dict(session=session, actor=setup.organiser, edition_id=edition.id,
                  judge_id=setup.judges[3])
    with pytest.raises(InvalidInput, match="reason"):
        service.add_conflict(**kwargs, entry_id=setup.entries[2], reason="   ")
    with pytest.raises(InvalidInput, match="either one entry or an organisation"):
        service.add_conflict(**kwargs, reason="x")
    with pytest.raises(InvalidInput, match="either one entry or an organisation"):
        service.add_conflict(**kwargs, entry_id=setup.entries[2], organisation="Beta", reason="x")
    with pytest.raises(NotFound):
        service.add_conflict(**kwargs, entry_id=999999, reason="x")
    assert stored(session) == set()


def test_organisation_wide_conflict_covers_its_entries_and_withdraws_open_work(
    session, edition, setup
):
    rnd = setup.round
    assignment_service.add_judge(session=session, actor=setup.organiser, round_id=rnd.id,
                                 entry_id=setup.entries[3], judge_id=setup.judges[4])
    add_sheet(session, rnd, setup.judges[4], setup.entries[3])
    service.add_conflict(session=session, actor=setup.organiser, edition_id=edition.id,
                         judge_id=setup.judges[4], organisation="gamma energy co., ltd.",
                         reason="advises Gamma's board")
    row = session.exec(select(Assignment).where(Assignment.judge_id == setup.judges[4])).one()
    assert row.status == AssignmentStatus.withdrawn.value
    rows = service.list_conflicts(session=session, actor=setup.organiser, edition_id=edition.id)
    assert rows == [service.ConflictRow(id=rows[0].id, judge="Judge 04", email="judge04@mail4.example.org",
                                        entry="", organisation="gamma energy co., ltd.", source="organiser",
                                        reason="advises Gamma's board")]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "conflict.add")).one()
    assert event.details["withdrawn_assignments"] == 1


def test_assignment_never_pairs_a_conflicted_judge_of_any_source(session, edition, setup):
    j, e = setup.judges, setup.entries
    service.add_conflict(session=session, actor=setup.organiser, edition_id=edition.id,
                         judge_id=j[2], entry_id=e[2], reason="former student of the inventor")
    session.add(Conflict(edition_id=edition.id, judge_id=j[5], entry_id=e[3], source="imported",
                         reason="listed by the applicant"))
    session.commit()
    assignment_service.set_round_rules(session=session, actor=setup.organiser,
                                       round_id=setup.round.id, judges_per_entry=3,
                                       region_conflicts=False)
    preview = assignment_service.run_assignment(session=session, actor=setup.organiser,
                                                round_id=setup.round.id)
    pairs = set(preview.result.pairs)
    for pair in [(j[0], e[0]), (j[1], e[1]), (j[2], e[2]), (j[5], e[3])]:
        assert pair not in pairs
    assert preview.result.forbidden_avoided == 4


def test_removing_a_conflict_is_audited_with_what_it_said(session, edition, setup):
    conflict = service.add_conflict(session=session, actor=setup.organiser, edition_id=edition.id,
                                    judge_id=setup.judges[3], entry_id=setup.entries[2],
                                    reason="typo")
    service.remove_conflict(session=session, actor=setup.organiser, conflict_id=conflict.id)
    assert stored(session) == set()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "conflict.remove")).one()
    assert event.details["reason"] == "typo"
    with pytest.raises(NotFound):
        service.remove_conflict(session=session, actor=setup.organiser, conflict_id=conflict.id)


def test_only_organisers_manage_conflicts(session, edition, setup, make_user):
    judge = make_user(Role.judge)
    with pytest.raises(PermissionDenied):
        service.detect_conflicts(session=session, actor=judge, edition_id=edition.id)
    with pytest.raises(PermissionDenied):
        service.list_conflicts(session=session, actor=judge, edition_id=edition.id)
