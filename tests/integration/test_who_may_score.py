"""Who may score what is one decision: every path that puts a judge on an entry (the
automatic assignment, a manual add or swap, replacement suggestions and the replacement
itself, a second look) and the scores import give the same answer on the same cases."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest
from sqlmodel import select

from contest import auth
from contest.auth import SYSTEM, Actor
from contest.models import (
    Assignment,
    Category,
    Entry,
    EntryStatus,
    JudgeProfile,
    Role,
    Round,
    User,
)
from contest.services import (
    InvalidInput,
    ServiceError,
    accounts,
    assignments,
    conflicts,
    imports,
    judging,
)
from tests.conftest import PASSWORD
from tests.unit.test_excel_reader import workbook

pytestmark = pytest.mark.integration

APPLICANT = "Shenzhen Lanhai Microelectronics Co., Ltd."
CONTACT_EMAIL = "chen.wei@lanhai.example.cn"
SCORES = {"advancement": 18, "patent_quality": 14, "layout": 12, "market": 13,
          "commercialisation": 9}


@functools.cache
def _password_hash() -> str:
    return auth.hash_password(PASSWORD)


@dataclass
class Scene:
    round: Round
    entry: Entry  # Lanhai's entry, scored by judges 1-3
    panel: list[int]  # judges 1-3
    candidate: int  # the judge the case is about, on no entry yet
    organiser: Actor
    edition_id: int


def person(session, role, email, name, organisation=""):
    user = accounts.create_user(actor=SYSTEM, session=session, email=email, name=name, roles=[role],
                                organisation=organisation, password_hash=_password_hash())
    return accounts.actor_for(session, user)


def build(session, edition, *, email, organisation, region="hong_kong") -> Scene:
    rnd = session.exec(select(Round).where(Round.edition_id == edition.id,
                                           Round.key == "preliminary")).one()
    invention = session.exec(select(Category).where(Category.edition_id == edition.id,
                                                    Category.key == "invention")).one()
    organiser = person(session, Role.organiser, "office@contest.example.org", "Office")
    panel = []
    for n in (1, 2, 3):
        judge = person(session, Role.judge, f"judge{n}@panel{n}.example.org", f"Judge {n}")
        session.add(JudgeProfile(edition_id=edition.id, user_id=judge.user_id,
                                 organisation=f"Panel {n}", region="macao"))
        panel.append(judge.user_id)
    candidate = person(session, Role.judge, email, "Candidate")
    session.add(JudgeProfile(edition_id=edition.id, user_id=candidate.user_id,
                             organisation=organisation, region=region))
    entries = []
    for n, (applicant, contact) in enumerate([(APPLICANT, CONTACT_EMAIL),
                                              ("Zhuhai Other Co.", "ip@other.example.org"),
                                              ("Macao Third Ltd.", "ip@third.example.org")]):
        entry = Entry(edition_id=edition.id, code=f"W-{n + 1:03d}", title=f"Portfolio {n}",
                      category_id=invention.id, applicant=applicant, region="guangdong",
                      contact_email=contact, status=EntryStatus.eligible.value,
                      current_round_id=rnd.id)
        session.add(entry)
        session.flush()
        entries.append(entry)
        for judge_id in panel:
            session.add(Assignment(round_id=rnd.id, entry_id=entry.id, judge_id=judge_id))
    session.commit()
    return Scene(rnd, entries[0], panel, candidate.user_id, organiser, edition.id)


# ---------------------------------------------------------------- the paths


def by_assignment(session, s: Scene) -> bool:
    """The solver asked for one more judge per entry than the panel has."""
    preview = assignments.preview_assignment(session=session, actor=s.organiser,
                                             round_id=s.round.id, per_entry=4)
    return (s.candidate, s.entry.id) in preview.result.pairs


def by_add(session, s: Scene) -> bool:
    assignments.add_judge(session=session, actor=s.organiser, round_id=s.round.id,
                          entry_id=s.entry.id, judge_id=s.candidate)
    return True


def by_swap(session, s: Scene) -> bool:
    assignments.swap_judge(session=session, actor=s.organiser, round_id=s.round.id,
                           entry_id=s.entry.id, old_judge_id=s.panel[2],
                           new_judge_id=s.candidate)
    return True


def by_suggestion(session, s: Scene) -> bool:
    offered = assignments.replacement_suggestions(session=session, actor=s.organiser,
                                                  round_id=s.round.id, entry_id=s.entry.id,
                                                  count=10)
    return s.candidate in {r.judge_id for r in offered}


def by_replacement(session, s: Scene) -> bool:
    assignments.assign_replacement(session=session, actor=s.organiser, round_id=s.round.id,
                                   entry_id=s.entry.id, judge_id=s.candidate)
    return True


def by_second_look(session, s: Scene) -> bool:
    outcome = assignments.second_look(session=session, actor=s.organiser, round_id=s.round.id,
                                      entry_ids=[s.entry.id], extra=1)
    return (s.candidate, s.entry.id) in outcome.added


def by_score_import(session, s: Scene) -> bool:
    """The pair was assigned before the cause of the conflict was known; an import of
    its paper scores must still be refused."""
    row = session.exec(select(Assignment).where(Assignment.judge_id == s.candidate,
                                                Assignment.entry_id == s.entry.id)).first()
    row = row or Assignment(round_id=s.round.id, entry_id=s.entry.id, judge_id=s.candidate)
    row.status = "active"
    session.add(row)
    session.commit()
    email = session.get(User, s.candidate).email
    rows = [["preliminary", "expert_review", s.entry.code, email, key, value, None]
            for key, value in SCORES.items()]
    data = workbook(scores=[["round", "sheet", "entry_code", "judge_email", "criterion",
                             "score", "comment"], *rows])
    imports.import_workbook(session=session, actor=s.organiser, edition_id=s.edition_id,
                            kind="scores", data=data)
    return True


JOINING = [by_assignment, by_add, by_swap, by_suggestion, by_replacement, by_second_look]
PATHS = [*JOINING, by_score_import]


def answers(session, scene, paths) -> dict[str, str]:
    """Each path's answer: "yes", or the reason it refused."""
    found = {}
    for path in paths:
        try:
            found[path.__name__] = "yes" if path(session, scene) else "no"
        except InvalidInput as exc:
            found[path.__name__] = "refused: " + str(exc) + " " + " ".join(
                str(p) for p in exc.problems)
        finally:
            session.rollback()
    return found


# ---------------------------------------------------------------- the cases


def same_domain(session, edition):
    return build(session, edition, email="li.na@lanhai.example.cn", organisation="Independent")


def same_organisation(session, edition):
    return build(session, edition, email="li.na@valuer.example.org",
                 organisation="SHENZHEN LANHAI MICROELECTRONICS")


def same_region(session, edition):
    scene = build(session, edition, email="li.na@valuer.example.org", organisation="Valuer",
                  region=" GUANGDONG ")
    scene.round.region_conflicts = True
    session.add(scene.round)
    session.commit()
    return scene


def recorded(session, edition):
    scene = build(session, edition, email="li.na@valuer.example.org", organisation="Valuer")
    conflicts.add_conflict(session=session, actor=scene.organiser, edition_id=edition.id,
                           judge_id=scene.candidate, entry_id=scene.entry.id,
                           reason="co-inventor of the core patent")
    return scene


def whole_applicant(session, edition):
    scene = build(session, edition, email="li.na@valuer.example.org", organisation="Valuer")
    conflicts.add_conflict(session=session, actor=scene.organiser, edition_id=edition.id,
                           judge_id=scene.candidate, organisation="SHENZHEN LANHAI MICROELECTRONICS CO LTD",
                           reason="consults for Lanhai")
    return scene


def declared(session, edition):
    """The judge had the entry and declared a conflict with it."""
    scene = build(session, edition, email="li.na@valuer.example.org", organisation="Valuer")
    session.add(Assignment(round_id=scene.round.id, entry_id=scene.entry.id,
                           judge_id=scene.candidate))
    session.commit()
    judge = accounts.actor_for(session, session.get(User, scene.candidate))
    judging.declare_conflict(session=session, actor=judge, round_id=scene.round.id,
                             entry_id=scene.entry.id, reason="former employer")
    return scene


@pytest.mark.parametrize(("case", "reason"), [
    (same_domain, "same mail domain"),
    (same_organisation, "same organisation"),
    (same_region, "same region"),
    (recorded, "co-inventor of the core patent"),
    (whole_applicant, "consults for Lanhai"),
    (declared, "former employer"),
])
def test_a_conflicted_judge_is_refused_by_every_path_for_the_same_reason(session, edition, case,
                                                                         reason):
    scene = case(session, edition)
    found = answers(session, scene, PATHS)
    refused_for_reason = {path: answer for path, answer in found.items()
                          if answer == "no" or reason in answer}
    assert refused_for_reason == found, found


def test_a_colleague_of_a_judge_on_the_entry_is_refused_by_every_path_that_adds_a_judge(
        session, edition):
    scene = build(session, edition, email="li.na@panel1-hk.example.org", organisation="PANEL 1 Ltd.")
    found = answers(session, scene, JOINING)
    assert all(a == "no" or "at most one judge per organisation" in a for a in found.values()), \
        found


def test_a_judge_without_any_conflict_is_accepted_by_every_path(session, edition):
    scene = build(session, edition, email="li.na@valuer.example.org", organisation="Valuer")
    found = {}
    for path in PATHS:
        found |= answers(session, scene, [path])
        # Undo what an accepting path stored, so the next path sees the same case.
        for row in session.exec(select(Assignment).where(Assignment.judge_id == scene.candidate)):
            session.delete(row)
        for row in session.exec(select(Assignment).where(Assignment.judge_id == scene.panel[2])):
            row.status = "active"
            session.add(row)
        session.commit()
    assert found == {path.__name__: "yes" for path in PATHS}


def test_the_replacement_from_the_applicants_mail_domain_is_refused_naming_the_domain(
        session, edition):
    scene = same_domain(session, edition)
    with pytest.raises(ServiceError, match="same mail domain: example.cn"):
        assignments.assign_replacement(session=session, actor=scene.organiser,
                                       round_id=scene.round.id, entry_id=scene.entry.id,
                                       judge_id=scene.candidate)
