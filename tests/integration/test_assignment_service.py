"""Assignment services on a real database: preview stores nothing, commit stores exactly
k judges per entry, re-running keeps work, manual changes respect conflicts and
organisations, second look brings fresh judges, `contest assign` prints the figures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from contest import cli
from contest.auth import SYSTEM, Actor
from contest.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Conflict,
    Entry,
    EntryStatus,
    JudgeProfile,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    SheetStatus,
    Track,
)
from contest.services import InvalidInput, NotFound, PermissionDenied, StaleData, accounts
from contest.services import assignments as service

pytestmark = pytest.mark.integration


@dataclass
class Setup:
    organiser: Actor
    round: Round
    judges: list[int]
    entries: list[int]


def build_round(session: Session, edition, make_user, *, judges, entries) -> Setup:
    """judges: (organisation, region, expertise track keys, max_load);
    entries: (applicant, track key, contact email, region). All in the preliminary."""
    organiser = make_user(Role.organiser, email="office@contest.example.org")
    rnd = session.exec(select(Round).where(Round.edition_id == edition.id,
                                           Round.key == "preliminary")).one()
    tracks = {t.key: t for t in session.exec(select(Track).where(Track.edition_id == edition.id))}
    judge_ids = []
    for n, (org, region, expertise, cap) in enumerate(judges):
        user = accounts.create_user(actor=SYSTEM, session=session, email=f"judge{n:02d}@mail{n}.example.org",
                                    name=f"Judge {n:02d}", roles=[Role.judge], organisation=org)
        session.add(JudgeProfile(edition_id=edition.id, user_id=user.id, organisation=org,
                                 region=region, expertise=list(expertise), max_load=cap))
        judge_ids.append(user.id)
    entry_ids = []
    for n, (applicant, track, email, region) in enumerate(entries):
        entry = Entry(edition_id=edition.id, code=f"T-{n:03d}", applicant=applicant,
                      track_id=tracks[track].id, contact_email=email, region=region,
                      status=EntryStatus.eligible.value, current_round_id=rnd.id,
                      category_id=_invention(session, edition.id))
        session.add(entry)
        session.flush()
        entry_ids.append(entry.id)
    session.commit()
    return Setup(organiser, rnd, judge_ids, entry_ids)


def _invention(session, edition_id):
    from contest.models import Category

    return session.exec(select(Category.id).where(Category.edition_id == edition_id,
                                                  Category.key == "invention")).one()


TRACKS = ["artificial_intelligence", "biomedicine", "new_energy"]


def standard_pool(n_judges=9, n_entries=24):
    judges = [(f"Org {n}", "guangdong", [TRACKS[n % 3]], None) for n in range(n_judges)]
    entries = [(f"Applicant {n} Co., Ltd.", TRACKS[n % 3], f"ceo@applicant{n}.example.com",
                "hong_kong") for n in range(n_entries)]
    return judges, entries


@pytest.fixture
def setup(session, edition, make_user):
    judges, entries = standard_pool()
    return build_round(session, edition, make_user, judges=judges, entries=entries)


def active_pairs(session, round_id):
    return set(session.exec(select(Assignment.judge_id, Assignment.entry_id).where(
        Assignment.round_id == round_id, Assignment.status == AssignmentStatus.active.value
    )).all())


def add_sheet(session, rnd, judge_id, entry_id, status=SheetStatus.draft):
    sheet_id = session.exec(select(SheetDefinition.id).where(
        SheetDefinition.round_id == rnd.id)).first()
    session.add(ScoreSheet(round_id=rnd.id, sheet_id=sheet_id, entry_id=entry_id,
                           judge_id=judge_id, status=status.value))
    session.commit()


def test_preview_stores_nothing_and_commit_stores_k_judges_per_entry(session, setup):
    preview = service.preview_assignment(session=session, actor=setup.organiser,
                                         round_id=setup.round.id)
    assert active_pairs(session, setup.round.id) == set()
    assert preview.result.ok and len(preview.to_add) == 24 * 3
    assert preview.result.connected
    assert {row["load"] for row in preview.loads} == {8}
    stored = service.commit_assignment(session=session, actor=setup.organiser, preview=preview)
    assert stored == service.AssignmentStored(added=72, withdrawn=0, kept=0, total=72)
    pairs = active_pairs(session, setup.round.id)
    assert pairs == set(preview.result.pairs)
    per_entry = {e: sum(1 for _, x in pairs if x == e) for e in setup.entries}
    assert set(per_entry.values()) == {3}
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "assignment.commit")).one()
    assert event.details["added"] == 72 and event.details["connected"] is True


def test_judge_of_the_applicants_organisation_is_never_assigned(session, edition, make_user):
    judges, entries = standard_pool()
    judges[0] = ("APPLICANT 5 COMPANY LIMITED", "guangdong", [TRACKS[0]], None)
    s = build_round(session, edition, make_user, judges=judges, entries=entries)
    preview = service.run_assignment(session=session, actor=s.organiser, round_id=s.round.id)
    assert (s.judges[0], s.entries[5]) not in active_pairs(session, s.round.id)
    assert preview.result.forbidden_avoided >= 1


def test_rerun_keeps_assignments_with_work_and_redoes_the_rest(session, setup):
    first = service.run_assignment(session=session, actor=setup.organiser,
                                   round_id=setup.round.id, seed=1)
    worked = sorted(first.result.pairs)[:5]
    for judge_id, entry_id in worked:
        add_sheet(session, setup.round, judge_id, entry_id)
    second = service.preview_assignment(session=session, actor=setup.organiser,
                                        round_id=setup.round.id, seed=99)
    assert set(worked) == set(second.kept)
    assert set(worked) <= set(second.result.pairs)
    assert not set(worked) & set(second.to_withdraw)
    service.commit_assignment(session=session, actor=setup.organiser, preview=second)
    pairs = active_pairs(session, setup.round.id)
    assert set(worked) <= pairs and len(pairs) == 72


def test_started_work_of_a_newly_conflicted_judge_is_shown_and_withdrawn(session, edition, setup):
    from contest.services import conflicts as conflict_service

    first = service.run_assignment(session=session, actor=setup.organiser, round_id=setup.round.id)
    judge_id, entry_id = first.result.pairs[0]
    add_sheet(session, setup.round, judge_id, entry_id)
    conflict_service.add_conflict(session=session, actor=setup.organiser, edition_id=edition.id,
                                  judge_id=judge_id, organisation="Somewhere else",
                                  reason="not this entry")  # unrelated: the work stays
    preview = service.preview_assignment(session=session, actor=setup.organiser,
                                         round_id=setup.round.id)
    assert preview.kept == {(judge_id, entry_id)} and preview.dropped_work == ()
    session.add(Conflict(edition_id=edition.id, judge_id=judge_id, entry_id=entry_id,
                         source="imported", reason="found late"))
    session.commit()
    preview = service.preview_assignment(session=session, actor=setup.organiser,
                                         round_id=setup.round.id)
    assert preview.dropped_work == ((judge_id, entry_id),)
    assert "withdrawn although started (conflict or judge left the pool): 1" in preview.summary
    service.commit_assignment(session=session, actor=setup.organiser, preview=preview)
    assert (judge_id, entry_id) not in active_pairs(session, setup.round.id)
    sheet = session.exec(select(ScoreSheet).where(ScoreSheet.judge_id == judge_id)).one()
    assert sheet.status == SheetStatus.withdrawn.value and sheet.version == 2


def test_commit_of_an_outdated_preview_is_refused(session, setup):
    preview = service.preview_assignment(session=session, actor=setup.organiser,
                                         round_id=setup.round.id)
    service.run_assignment(session=session, actor=setup.organiser, round_id=setup.round.id,
                           seed=5)
    before = active_pairs(session, setup.round.id)
    with pytest.raises(StaleData, match="changed since this preview"):
        service.commit_assignment(session=session, actor=setup.organiser, preview=preview)
    assert active_pairs(session, setup.round.id) == before


def test_entry_that_cannot_be_served_is_named_and_nothing_is_stored(session, edition, make_user):
    judges = [(f"Org {n}", "", [TRACKS[0]], None) for n in range(3)]
    judges[2] = ("Org 1", "", [TRACKS[0]], None)  # two judges of one organisation
    entries = [("Acme", TRACKS[0], "", ""), ("Beta", TRACKS[0], "", "")]
    s = build_round(session, edition, make_user, judges=judges, entries=entries)
    preview = service.preview_assignment(session=session, actor=s.organiser, round_id=s.round.id)
    assert [reason for _, reason in preview.result.unserved] == [
        "entry T-000: only 2 eligible judges after conflicts and organisation limits (needs 3)",
        "entry T-001: only 2 eligible judges after conflicts and organisation limits (needs 3)",
    ]
    with pytest.raises(InvalidInput) as refused:
        service.commit_assignment(session=session, actor=s.organiser, preview=preview)
    assert any("only 2 eligible judges" in p for p in refused.value.problems)
    assert active_pairs(session, s.round.id) == set()
    # Accepted explicitly, what can be served is stored.
    service.commit_assignment(session=session, actor=s.organiser, preview=preview,
                              accept_problems=True)
    assert len(active_pairs(session, s.round.id)) == 4


def test_only_organisers_assign(session, setup, make_user):
    judge = make_user(Role.judge)
    with pytest.raises(PermissionDenied):
        service.preview_assignment(session=session, actor=judge, round_id=setup.round.id)
    with pytest.raises(PermissionDenied):
        service.add_judge(session=session, actor=judge, round_id=setup.round.id,
                          entry_id=setup.entries[0], judge_id=setup.judges[0])


def test_manual_add_refuses_conflicts_and_a_second_judge_of_one_organisation(
    session, edition, make_user
):
    judges, entries = standard_pool()
    judges[1] = ("Org 0 Ltd.", "guangdong", [TRACKS[1]], None)  # same organisation as judge 0
    s = build_round(session, edition, make_user, judges=judges, entries=entries)
    from contest.services import conflicts as conflict_service

    conflict_service.add_conflict(session=session, actor=s.organiser, edition_id=edition.id,
                                  judge_id=s.judges[2], entry_id=s.entries[0],
                                  reason="co-author of the core patent")
    entry = s.entries[0]
    with pytest.raises(InvalidInput, match="co-author of the core patent"):
        service.add_judge(session=session, actor=s.organiser, round_id=s.round.id,
                          entry_id=entry, judge_id=s.judges[2])
    service.add_judge(session=session, actor=s.organiser, round_id=s.round.id,
                      entry_id=entry, judge_id=s.judges[0])
    with pytest.raises(InvalidInput, match="same organisation"):
        service.add_judge(session=session, actor=s.organiser, round_id=s.round.id,
                          entry_id=entry, judge_id=s.judges[1])
    with pytest.raises(InvalidInput, match="already assigned"):
        service.add_judge(session=session, actor=s.organiser, round_id=s.round.id,
                          entry_id=entry, judge_id=s.judges[0])
    # Swapping the organisation's judge for its colleague is fine: one of them at a time.
    service.swap_judge(session=session, actor=s.organiser, round_id=s.round.id, entry_id=entry,
                       old_judge_id=s.judges[0], new_judge_id=s.judges[1])
    assert active_pairs(session, s.round.id) == {(s.judges[1], entry)}


def test_removing_a_judge_who_submitted_is_refused_and_a_draft_is_withdrawn(session, setup):
    rnd, entry = setup.round, setup.entries[0]
    for judge_id in setup.judges[:2]:
        service.add_judge(session=session, actor=setup.organiser, round_id=rnd.id,
                          entry_id=entry, judge_id=judge_id)
    add_sheet(session, rnd, setup.judges[0], entry, SheetStatus.submitted)
    add_sheet(session, rnd, setup.judges[1], entry, SheetStatus.draft)
    with pytest.raises(InvalidInput, match="already submitted"):
        service.remove_judge(session=session, actor=setup.organiser, round_id=rnd.id,
                             entry_id=entry, judge_id=setup.judges[0])
    service.remove_judge(session=session, actor=setup.organiser, round_id=rnd.id,
                         entry_id=entry, judge_id=setup.judges[1])
    assert active_pairs(session, rnd.id) == {(setup.judges[0], entry)}
    draft = session.exec(select(ScoreSheet).where(ScoreSheet.judge_id == setup.judges[1])).one()
    assert draft.status == SheetStatus.withdrawn.value
    # Added back later, the same row is reused (one row per round, entry and judge).
    service.add_judge(session=session, actor=setup.organiser, round_id=rnd.id,
                      entry_id=entry, judge_id=setup.judges[1])
    rows = session.exec(select(Assignment).where(Assignment.judge_id == setup.judges[1])).all()
    assert len(rows) == 1 and rows[0].status == AssignmentStatus.active.value


def test_second_look_adds_judges_who_never_had_the_entry(session, setup):
    service.run_assignment(session=session, actor=setup.organiser, round_id=setup.round.id)
    chosen = setup.entries[:3]
    before = active_pairs(session, setup.round.id)
    had = {e: {j for j, x in before if x == e} for e in chosen}
    outcome = service.second_look(session=session, actor=setup.organiser,
                                  round_id=setup.round.id, entry_ids=chosen, extra=2)
    assert outcome.unserved == () and len(outcome.added) == 6
    after = active_pairs(session, setup.round.id)
    for entry_id in chosen:
        new = {j for j, x in after if x == entry_id} - had[entry_id]
        assert len(new) == 2
    assert after - before == set(outcome.added)


def test_round_rules_are_validated_and_used_as_the_default_k(session, setup):
    with pytest.raises(InvalidInput, match="between 1 and 15"):
        service.set_round_rules(session=session, actor=setup.organiser, round_id=setup.round.id,
                                judges_per_entry=0, region_conflicts=False)
    service.set_round_rules(session=session, actor=setup.organiser, round_id=setup.round.id,
                            judges_per_entry=2, region_conflicts=True)
    preview = service.preview_assignment(session=session, actor=setup.organiser,
                                         round_id=setup.round.id)
    assert preview.per_entry == 2 and len(preview.to_add) == 48


def test_same_region_conflicts_apply_only_when_the_round_says_so(session, edition, make_user):
    judges = [(f"Org {n}", "hong_kong" if n < 2 else "macao", [TRACKS[0]], None)
              for n in range(6)]
    entries = [(f"A{n}", TRACKS[0], "", "hong_kong") for n in range(4)]
    s = build_round(session, edition, make_user, judges=judges, entries=entries)
    service.set_round_rules(session=session, actor=s.organiser, round_id=s.round.id,
                            judges_per_entry=3, region_conflicts=True)
    service.run_assignment(session=session, actor=s.organiser, round_id=s.round.id)
    assert not {j for j, _ in active_pairs(session, s.round.id)} & set(s.judges[:2])


def test_unknown_round_or_entry_is_a_clear_error(session, setup):
    with pytest.raises(NotFound):
        service.preview_assignment(session=session, actor=setup.organiser, round_id=99999)
    with pytest.raises(NotFound, match="not in round"):
        service.add_judge(session=session, actor=setup.organiser, round_id=setup.round.id,
                          entry_id=99999, judge_id=setup.judges[0])


@pytest.fixture
def cli_db(db_url, app_env):
    """The command line reads DATABASE_URL, as the app does."""
    app_env(db_url)
    return db_url


def test_contest_assign_prints_loads_conflicts_and_connectivity(cli_db, session, setup):
    run = CliRunner().invoke(cli.app, ["assign", "--round", "preliminary", "--seed", "3"])
    assert run.exit_code == 0, run.output
    assert "loads: 8-8 per judge (9 of 9 judges used)" in run.output
    assert "conflicts avoided: 0" in run.output
    assert "judge-entry graph: connected" in run.output
    assert "stored: 72 added, 0 withdrawn, 0 kept with work" in run.output
    session.expire_all()
    assert len(active_pairs(session, setup.round.id)) == 72


def test_contest_assign_fails_naming_the_entry_and_stores_nothing(cli_db, session, edition,
                                                                  make_user):
    judges = [(f"Org {n}", "", [TRACKS[0]], None) for n in range(2)]
    build_round(session, edition, make_user, judges=judges, entries=[("Acme", TRACKS[0], "", "")])
    run = CliRunner().invoke(cli.app, ["assign", "--round", "preliminary"])
    assert run.exit_code == 1
    assert "entry T-000: only 2 eligible judges" in run.output
    assert "nothing was stored" in run.output
    session.expire_all()
    assert session.exec(select(Assignment)).all() == []


def test_contest_assign_names_an_unknown_round(cli_db, setup):
    run = CliRunner().invoke(cli.app, ["assign", "--round", "quarterfinal"])
    assert run.exit_code == 1
    assert "No round 'quarterfinal'" in run.output
