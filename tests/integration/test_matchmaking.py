"""Investor matchmaking: an observer marks interest in a finalist with what they want and a
note; the team sees it without the observer's contact details and accepts or declines; only
after acceptance does each side see the other's contact details; the organiser sees every
interest and exports them (the `interest` sheet); every step is in the audit trail."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from contest import db
from contest.models import AuditEvent, Entry, EntryStatus, Role, User
from contest.services import InvalidInput, NotFound, PermissionDenied, accounts, editions, exports, matchmaking

pytestmark = pytest.mark.integration


@pytest.fixture
def people(session, edition, make_user):
    """Two entrants with an entry each in the preliminary (the showcase round), two
    observers with organisation and phone, an organiser and a judge."""
    prelim = editions.find_round(session=session, edition_id=edition.id, key="preliminary")
    found = {}
    for n, who in enumerate(("lin", "chan"), start=1):
        owner = make_user(Role.entrant, email=f"{who}@team.example.com", name=who.title())
        entry = Entry(edition_id=edition.id, code=f"GBA-{n:04d}", owner_id=owner.user_id,
                      title=f"Portfolio {n}", applicant=f"{who.title()} Tech Ltd", status=EntryStatus.eligible.value,
                      current_round_id=prelim.id, contact_name=f"{who.title()} Contact",
                      contact_email=f"contact@{who}.example.com", contact_phone=f"+852 5555 010{n}")
        session.add(entry)
        found[who], found[f"{who}_entry"] = owner, entry
    for who, organisation in (("victor", "Greater Bay Angels"), ("iris", "Nansha Industrial Park")):
        observer = make_user(Role.observer, email=f"{who}@invest.example.org", name=who.title(),
                             organisation=organisation)
        session.get(User, observer.user_id).phone = f"+86 138 0000 {len(who):04d}"
        found[who] = observer
    found["office"] = make_user(Role.organiser, email="office@example.org")
    found["judge"] = make_user(Role.judge, email="judge@example.org")
    session.commit()
    return found


def mark(session, people, observer="victor", entry="lin_entry", kind="licence", note="We license sensors."):
    return matchmaking.mark_interest(session=session, actor=people[observer], entry_id=people[entry].id,
                                     kind=kind, note=note)


def seen_by_entrant(session, people, who="lin"):
    return matchmaking.entrant_interests(session=session, actor=people[who], edition_id=people[f"{who}_entry"].edition_id)


def seen_by_observer(session, people, who="victor"):
    return matchmaking.observer_interests(session=session, actor=people[who],
                                          edition_id=people["lin_entry"].edition_id)


def answer(session, people, interest_id, accept=True, who="lin"):
    matchmaking.answer_interest(session=session, actor=people[who], interest_id=interest_id, accept=accept)


def test_the_team_sees_the_interest_with_organisation_kind_and_note_but_no_contact_details(session, people):
    mark(session, people)
    (shown,) = seen_by_entrant(session, people)
    assert (shown.entry_code, shown.organisation, shown.kind, shown.note, shown.status) == (
        "GBA-0001", "Greater Bay Angels", "licence", "We license sensors.", "pending")
    assert shown.contact is None
    assert "victor@invest.example.org" not in repr(shown) and "Victor" not in repr(shown)
    assert seen_by_observer(session, people)[people["lin_entry"].id].contact is None


def test_after_acceptance_each_side_sees_the_others_contact_details(session, people):
    interest = mark(session, people)
    answer(session, people, interest.id)
    (shown,) = seen_by_entrant(session, people)
    assert shown.status == "accepted" and shown.responded_at is not None
    assert shown.contact == matchmaking.Contact("Victor", "victor@invest.example.org", "+86 138 0000 0006")
    mine = seen_by_observer(session, people)[people["lin_entry"].id]
    assert mine.contact == matchmaking.Contact("Lin Contact", "contact@lin.example.com", "+852 5555 0101")


def test_an_entry_without_a_contact_person_shows_its_owners_account(session, people):
    entry = people["lin_entry"]
    entry.contact_name = entry.contact_email = entry.contact_phone = ""
    session.add(entry)
    session.commit()
    answer(session, people, mark(session, people).id)
    contact = seen_by_observer(session, people)[entry.id].contact
    assert (contact.name, contact.email) == ("Lin", "lin@team.example.com")


def test_a_declined_interest_shows_no_contact_details_and_cannot_be_marked_again(session, people):
    interest = mark(session, people)
    answer(session, people, interest.id, accept=False)
    (shown,) = seen_by_entrant(session, people)
    assert (shown.status, shown.contact) == ("declined", None)
    assert seen_by_observer(session, people)[people["lin_entry"].id].contact is None
    with pytest.raises(InvalidInput) as refused:
        mark(session, people, kind="investment", note="Please reconsider")
    assert refused.value.message.id == "interest.declined_stays"


def test_an_entrant_cannot_answer_or_see_an_interest_in_another_entrants_entry(session, people):
    interest = mark(session, people, entry="chan_entry")
    assert seen_by_entrant(session, people, "lin") == []
    with pytest.raises(NotFound):
        answer(session, people, interest.id, who="lin")
    with pytest.raises(NotFound):
        answer(session, people, interest.id + 100, who="lin")
    (shown,) = seen_by_entrant(session, people, "chan")
    assert shown.status == "pending"


def test_an_interest_is_answered_once_and_a_withdrawn_one_not_at_all(session, people):
    interest = mark(session, people)
    answer(session, people, interest.id)
    with pytest.raises(InvalidInput) as again:
        answer(session, people, interest.id, accept=False)
    assert again.value.message.id == "interest.not_pending"
    other = mark(session, people, entry="chan_entry")
    matchmaking.withdraw_interest(session=session, actor=people["victor"], interest_id=other.id)
    with pytest.raises(InvalidInput):
        answer(session, people, other.id, who="chan")
    assert seen_by_entrant(session, people, "chan")[0].status == "withdrawn"


def test_withdrawing_an_accepted_interest_hides_the_contact_details_again_and_it_may_be_marked_anew(session, people):
    interest = mark(session, people)
    answer(session, people, interest.id)
    matchmaking.withdraw_interest(session=session, actor=people["victor"], interest_id=interest.id)
    (shown,) = seen_by_entrant(session, people)
    assert (shown.status, shown.contact) == ("withdrawn", None)
    assert seen_by_observer(session, people)[people["lin_entry"].id].contact is None
    with pytest.raises(InvalidInput):
        matchmaking.withdraw_interest(session=session, actor=people["victor"], interest_id=interest.id)
    mark(session, people, kind="purchase", note="Back again")
    (shown,) = seen_by_entrant(session, people)
    assert (shown.status, shown.kind, shown.responded_at) == ("pending", "purchase", None)


def test_the_observer_changes_a_pending_interest_but_not_an_accepted_one(session, people):
    interest = mark(session, people)
    mark(session, people, kind="co_development", note="Joint lab?")
    (shown,) = seen_by_entrant(session, people)
    assert (shown.id, shown.kind, shown.note, shown.status) == (interest.id, "co_development", "Joint lab?", "pending")
    answer(session, people, interest.id)
    with pytest.raises(InvalidInput) as refused:
        mark(session, people, kind="purchase")
    assert refused.value.message.id == "interest.accepted_withdraw_first"
    assert seen_by_entrant(session, people)[0].kind == "co_development"


def test_only_finalists_can_be_marked_and_only_with_a_known_kind(session, people, edition):
    draft = Entry(edition_id=edition.id, code="GBA-0009", owner_id=people["lin"].user_id, title="Draft")
    session.add(draft)
    session.commit()
    with pytest.raises(NotFound):
        matchmaking.mark_interest(session=session, actor=people["victor"], entry_id=draft.id, kind="licence")
    with pytest.raises(InvalidInput) as unknown:
        mark(session, people, entry="chan_entry", kind="friendship")
    assert unknown.value.message.id == "interest.unknown_kind"


def test_each_role_may_only_do_its_own_part(session, people):
    with pytest.raises(PermissionDenied):
        mark(session, people, observer="lin")
    interest = mark(session, people)
    with pytest.raises(PermissionDenied):
        matchmaking.answer_interest(session=session, actor=people["victor"], interest_id=interest.id, accept=True)
    with pytest.raises(NotFound):  # another observer's interest
        matchmaking.withdraw_interest(session=session, actor=people["iris"], interest_id=interest.id)
    for actor in (people["judge"], people["lin"], people["victor"]):
        with pytest.raises(PermissionDenied):
            matchmaking.interest_frame(session=session, actor=actor, edition_id=people["lin_entry"].edition_id)
        with pytest.raises(PermissionDenied):
            exports.interest_workbook(session=session, actor=actor, edition_id=people["lin_entry"].edition_id)
    with pytest.raises(PermissionDenied):
        matchmaking.entrant_interests(session=session, actor=people["victor"], edition_id=people["lin_entry"].edition_id)


def test_every_step_is_in_the_audit_trail(session, people):
    interest = mark(session, people)
    mark(session, people, kind="investment")
    answer(session, people, interest.id)
    matchmaking.withdraw_interest(session=session, actor=people["victor"], interest_id=interest.id)
    mark(session, people)
    answer(session, people, interest.id, accept=False)
    events = session.exec(select(AuditEvent).where(AuditEvent.object_type == "interest")
                          .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("interest.mark", people["victor"].user_id), ("interest.edit", people["victor"].user_id),
        ("interest.accept", people["lin"].user_id), ("interest.withdraw", people["victor"].user_id),
        ("interest.mark", people["victor"].user_id), ("interest.decline", people["lin"].user_id)]
    assert {e.object_id for e in events} == {interest.id}
    assert all(e.details["entry"] == "GBA-0001" and e.edition_id == people["lin_entry"].edition_id for e in events)


def test_marking_the_same_interest_again_changes_and_records_nothing(session, people):
    mark(session, people)
    mark(session, people)
    assert len(session.exec(select(AuditEvent).where(AuditEvent.object_type == "interest")).all()) == 1


def test_the_organiser_sees_every_interest_and_reads_the_interest_sheet_back(session, people):
    answer(session, people, mark(session, people).id)
    mark(session, people, observer="iris", entry="lin_entry", kind="co_development", note="=HYPERLINK(\"x\")")
    mark(session, people, observer="iris", entry="chan_entry", kind="purchase")
    edition_id = people["lin_entry"].edition_id
    frame = matchmaking.interest_frame(session=session, actor=people["office"], edition_id=edition_id)
    assert list(frame[["entry_code", "observer_organisation", "kind", "status"]].itertuples(index=False, name=None)) == [
        ("GBA-0001", "Greater Bay Angels", "licence", "accepted"),
        ("GBA-0001", "Nansha Industrial Park", "co_development", "pending"),
        ("GBA-0002", "Nansha Industrial Park", "purchase", "pending")]
    data = exports.interest_workbook(session=session, actor=people["office"], edition_id=edition_id, lang="zh-Hant")
    sheet = load_workbook(io.BytesIO(data))["interest"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:7] == ["entry_code", "title", "observer_organisation", "kind", "status", "created_at",
                           "responded_at"]
    assert rows[1][:5] == ["GBA-0001", "Portfolio 1", "Greater Bay Angels", "licence", "accepted"]
    assert rows[1][5] is not None and rows[1][6] is not None and rows[2][6] is None
    assert rows[2][rows[0].index("note")] == '=HYPERLINK("x")'  # text, never a formula
    assert sheet.cell(row=3, column=rows[0].index("note") + 1).data_type == "s"
    assert "機構" in sheet["C1"].comment.text  # the header's note in the workbook's language
    assert len(rows) == 4


@pytest.mark.sqlite_only  # copies the demo file
def test_the_results_workbook_ends_with_the_interest_sheet(demo_db):
    url, _logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        person = lambda email: accounts.actor_for(session, session.exec(  # noqa: E731
            select(User).where(User.email == email)).one())
        observer, office = person("observer@demo.example.org"), person("organiser@demo.example.org")
        entry = session.exec(select(Entry).where(Entry.code == "GBA26-0001")).one()
        matchmaking.mark_interest(session=session, actor=observer, entry_id=entry.id, kind="investment",
                                  note="Series A")
        data = exports.results_workbook(session=session, actor=office, edition_id=entry.edition_id,
                                        round_key="preliminary", method="mean")
    engine.dispose()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-2:] == ["statistics", "interest"]
    rows = [list(r) for r in book["interest"].iter_rows(values_only=True)]
    assert rows[1][:5] == ["GBA26-0001", entry.title, "Greater Bay Angel Network", "investment", "pending"]
    assert len(rows) == 2
