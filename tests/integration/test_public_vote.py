"""The public vote: entered by the office, all or nothing, and counted by its share."""

import pytest
from sqlmodel import select

from contest.auth import SYSTEM
from contest.models import Entry, PublicVote, Role, Round
from contest.services import InvalidInput, PermissionDenied, accounts, public_vote, results
from tests.integration.test_results import _scored_template, scored  # noqa: F401  (fixtures)


def organiser(session):
    return accounts.actor_for(session, accounts.create_user(actor=SYSTEM, session=session, email="office2@example.org", name="Office", roles=[Role.organiser], password="a long secret 1"))


def test_bad_rows_are_all_named_and_nothing_is_stored(scored):
    session = scored
    office = organiser(session)
    prelim = session.exec(select(Round).where(Round.key == "preliminary")).one()
    code = session.exec(select(Entry.code).where(Entry.current_round_id == prelim.id)).first()
    with pytest.raises(InvalidInput) as raised:
        public_vote.record_public_votes(session=session, actor=office, round_id=prelim.id, rows=[
            {"entry_code": code, "votes": 120}, {"entry_code": "NOPE-1", "votes": 3},
            {"entry_code": code, "votes": 5}, {"entry_code": code, "votes": "many"}])
    assert raised.value.problems == [
        "row 2: 'NOPE-1' is not an entry of Preliminary",
        f"row 3 ({code}): the entry appears twice",
        f"row 4 ({code}): votes must be a number of at least 0, not 'many'",
    ]
    assert session.exec(select(PublicVote)).all() == []


def test_votes_move_the_ranking_only_by_the_rounds_share(scored):
    session = scored
    office = organiser(session)
    prelim = session.exec(select(Round).where(Round.key == "preliminary")).one()
    before = results.rank_round(session=session, actor=office, round_id=prelim.id, method="mean", draws=0).table
    last = before.sort_values("adjusted_score").iloc[0]
    public_vote.record_public_votes(session=session, actor=office, round_id=prelim.id,
                                    rows=[{"entry_code": last["entry_code"], "votes": 500}])
    unchanged = results.rank_round(session=session, actor=office, round_id=prelim.id, method="mean", draws=0).table
    assert unchanged.set_index("entry_code")["adjusted_score"].equals(before.set_index("entry_code")["adjusted_score"])
    prelim.public_vote_weight = 0.05
    session.add(prelim)
    session.commit()
    after = results.rank_round(session=session, actor=office, round_id=prelim.id, method="mean", draws=0).table
    old = before.set_index("entry_code")["adjusted_score"]
    new = after.set_index("entry_code")["adjusted_score"]
    # 95 % of the judges' score plus 5 % of the rescaled vote (100 for the only voted entry, 0 for the rest)
    assert new[last["entry_code"]] == pytest.approx(0.95 * old[last["entry_code"]] + 5.0)
    other = next(c for c in old.index if c != last["entry_code"])
    assert new[other] == pytest.approx(0.95 * old[other])


def test_only_the_office_records_votes(scored, make_user):
    session = scored
    judge = make_user(Role.judge, email="voter@example.org")
    prelim = session.exec(select(Round).where(Round.key == "preliminary")).one()
    with pytest.raises(PermissionDenied):
        public_vote.record_public_votes(session=session, actor=judge, round_id=prelim.id, rows=[])
