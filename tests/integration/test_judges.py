"""The judge pool: judges added by the organiser with their profile, bad profiles named,
the confidentiality undertaking at the first sign-in; only organisers manage the pool."""

from __future__ import annotations

import pytest
from sqlmodel import select

from contest.models import AuditEvent, JudgeProfile, Role, User
from contest.services import InvalidInput, PermissionDenied, accounts, judges

pytestmark = pytest.mark.integration


@pytest.fixture
def organiser(make_user):
    return make_user(Role.organiser, email="office@example.org")


def test_a_new_judge_gets_an_account_with_the_judge_role_and_a_profile(session, edition, organiser):
    profile = judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email=" Li.Wei@Valuers.example.CN ",
                               name="Li Wei", organisation="China Patent Valuation Partners", region="mainland_other",
                               expertise=["semiconductors", "new_energy"], max_load="40")
    user = session.get(User, profile.user_id)
    assert user.email == "li.wei@valuers.example.cn" and user.password_hash == ""
    assert accounts.roles_of(session, user.id) == {"judge"}
    assert (profile.organisation, profile.region, profile.expertise, profile.max_load) == (
        "China Patent Valuation Partners", "mainland_other", ["new_energy", "semiconductors"], 40)
    [row] = judges.judge_pool(session=session, actor=organiser, edition_id=edition.id)
    assert (row["account"], row["confidentiality"], row["expertise"]) == (
        "not invited", "not yet", "new_energy; semiconductors")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "judge.add")).one()


def test_an_existing_account_joins_the_pool_and_adding_again_updates_the_profile(
        session, edition, organiser, make_user):
    observer = make_user(Role.observer, email="investor@bayview.example.com")
    judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email=observer.email, name="Ignored")
    judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email=observer.email, name="Ignored",
                     organisation="Bayview Venture Capital", max_load="")
    assert accounts.roles_of(session, observer.user_id) == {"judge", "observer"}
    [profile] = session.exec(select(JudgeProfile)).all()
    assert profile.organisation == "Bayview Venture Capital" and profile.max_load is None


def test_bad_profile_fields_are_all_named_and_nothing_is_stored(session, edition, organiser):
    with pytest.raises(InvalidInput) as err:
        judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email="not-an-email", name="",
                         region="kowloon", expertise="quantum; semiconductors", max_load="2.5")
    text = "\n".join(err.value.problems)
    assert "'not-an-email' is not a valid email address" in text
    assert "a name is required" in text
    assert "region 'kowloon' is not one of" in text
    assert "unknown expertise tracks quantum" in text
    assert "max load must be a whole number of at least 1" in text
    session.rollback()
    assert session.exec(select(User).where(User.email == "not-an-email")).first() is None


def test_the_organiser_changes_a_profile_and_takes_a_judge_out_of_the_pool(session, edition, organiser):
    profile = judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email="a@lab.example.org",
                               name="A Judge")
    judges.update_judge(session=session, actor=organiser, profile_id=profile.id, organisation="Lab",
                        region="macao", expertise="biomedicine", max_load=5, active=False)
    session.refresh(profile)
    assert (profile.region, profile.expertise, profile.max_load, profile.active) == ("macao", ["biomedicine"], 5, False)
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "judge.update")).all()
    assert event.details["before"]["active"] is True and event.details["after"]["active"] is False


def test_a_judge_acknowledges_confidentiality_once(session, edition, make_user):
    judge = make_user(Role.judge)
    assert judges.needs_confidentiality_ack(session=session, actor=judge) is True
    first = judges.acknowledge_confidentiality(session=session, actor=judge)
    again = judges.acknowledge_confidentiality(session=session, actor=judge)
    assert first == again
    assert judges.needs_confidentiality_ack(session=session, actor=judge) is False
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "judge.confidentiality_ack")).all()) == 1


def test_people_who_are_not_judges_are_not_asked_for_the_undertaking(session, make_user):
    entrant = make_user(Role.entrant)
    assert judges.needs_confidentiality_ack(session=session, actor=entrant) is False
    with pytest.raises(PermissionDenied):
        judges.acknowledge_confidentiality(session=session, actor=entrant)


def test_only_organisers_manage_the_judge_pool(session, edition, organiser, make_user):
    profile = judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email="j@example.org",
                               name="J")
    someone = make_user(Role.judge, Role.entrant, Role.observer)  # every role but organiser
    with pytest.raises(PermissionDenied):
        judges.add_judge(session=session, actor=someone, edition_id=edition.id, email="me@example.org", name="Me")
    with pytest.raises(PermissionDenied):
        judges.update_judge(session=session, actor=someone, profile_id=profile.id, organisation="",
                            region="", expertise=[], max_load=None, active=False)
    with pytest.raises(PermissionDenied):
        judges.judge_pool(session=session, actor=someone, edition_id=edition.id)
    session.refresh(profile)
    assert profile.active is True
    assert session.exec(select(User).where(User.email == "me@example.org")).first() is None
