"""Judges' services on a real database: drafts, submission, locking, no lost updates,
refused scores, permissions, the blind portfolio, reopening, declared conflicts, audit."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from contest import auth, documents, redaction, scoring
from contest.auth import SYSTEM, Actor
from contest.dbtypes import utcnow
from contest.labels import label_of
from contest.models import (
    Assignment,
    Category,
    Conflict,
    Criterion,
    CriterionScore,
    Entry,
    EntryStatus,
    JudgeProfile,
    Patent,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
)
from contest.services import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleData,
    accounts,
    assignments,
    demo,
    judging,
    storage,
)
from tests.conftest import PASSWORD

APPLICANT = "Shenzhen Lanhai Microelectronics Co., Ltd."
CONTACT = "Chen Wei"
CONTACT_EMAIL = "chen.wei@lanhai.example.cn"
CONTACT_PHONE = "+86 755 1234 5678"

# A complete, valid invention sheet: no score in the lowest or highest band.
GOOD = {"advancement": 18, "patent_quality": 14, "layout": 12, "market": 13, "commercialisation": 9}


@dataclass
class Scene:
    edition_id: int
    round: Round
    sheet_def_id: int
    entries: list[Entry]
    judges: list[Actor]
    organiser: Actor
    document_id: int


@functools.cache
def _password_hash() -> str:
    return auth.hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test run


def person(session, role: Role, *, email: str, name: str, organisation: str = "") -> Actor:
    user = accounts.create_user(actor=SYSTEM, session=session, email=email, name=name, roles=[role], organisation=organisation,
                                password_hash=_password_hash())
    return accounts.actor_for(session, user)


def build_scene(session, edition, *, entries: int = 3, judges: int = 3) -> Scene:
    """One blind preliminary round: `entries` invention entries, each assigned to every judge."""
    make_user = functools.partial(person, session)
    rnd = session.exec(select(Round).where(Round.edition_id == edition.id, Round.key == "preliminary")).one()
    invention = session.exec(
        select(Category).where(Category.edition_id == edition.id, Category.key == "invention")
    ).one()
    sheet = session.exec(
        select(SheetDefinition).where(SheetDefinition.round_id == rnd.id, SheetDefinition.category_id == invention.id)
    ).one()
    organiser = make_user(Role.organiser, email="office@contest.example.org", name="Grace Office")
    owner = make_user(Role.entrant, email=CONTACT_EMAIL, name=CONTACT, organisation=APPLICANT)
    judge_actors = [
        make_user(Role.judge, email=f"judge{i}@panel.example.org", name=f"Judge {i}", organisation=f"Panel {i}")
        for i in range(1, judges + 1)
    ]
    for j in judge_actors:
        session.add(JudgeProfile(edition_id=edition.id, user_id=j.user_id, organisation=f"Org {j.user_id}",
                                 expertise=[]))
    rows = []
    for n in range(1, entries + 1):
        entry = Entry(
            edition_id=edition.id, code=f"T-{n:03d}", owner_id=owner.user_id,
            title=f"Edge AI chip portfolio {n}", category_id=invention.id, applicant=APPLICANT,
            region="guangdong", contact_name=CONTACT, contact_email=CONTACT_EMAIL, contact_phone=CONTACT_PHONE,
            summary=f"{APPLICANT} protects its low-power chip with core inventions.",
            status=EntryStatus.eligible.value, current_round_id=rnd.id,
        )
        session.add(entry)
        session.flush()
        session.add(Patent(entry_id=entry.id, number="2020 1 0123456.7", normalised="CN202010123456.7",
                           jurisdiction="CN", kind="invention", title="Low-power inference core", holder=APPLICANT,
                           is_core=True))
        rows.append(entry)
        for j in judge_actors:
            session.add(Assignment(round_id=rnd.id, entry_id=entry.id, judge_id=j.user_id))
    pdf = demo.demo_pdf("Lanhai evaluation report", ["1. Technology"])
    doc = storage.store_document(session=session, entry_id=rows[0].id, data=pdf, filename=f"{APPLICANT} report.pdf",
                                 kind="report", uploaded_by=owner.user_id, max_bytes=10 * 1024 * 1024)
    session.commit()
    return Scene(edition.id, rnd, sheet.id, rows, judge_actors, organiser, doc.id)


@pytest.fixture
def scene(session, edition) -> Scene:
    return build_scene(session, edition)


def _save(session, scene, judge, values, *, version=0, entry=0, submit=False, comments=None, sheet_id=None):
    if sheet_id is not None:
        return judging.save_scores(session=session, actor=judge, sheet_id=sheet_id, expected_version=version,
                                   values=values, comments=comments or {}, submit=submit)
    return judging.save_scores(
        session=session, actor=judge, round_id=scene.round.id, entry_id=scene.entries[entry].id,
        sheet_def_id=scene.sheet_def_id, expected_version=version, values=values, comments=comments or {},
        submit=submit,
    )


def _form(session, scene, judge, entry=0):
    form = judging.score_form(session=session, actor=judge, round_id=scene.round.id,
                              entry_id=scene.entries[entry].id)
    return form["sheets"][0]


# --- drafts, submission, locking -------------------------------------------------------


def test_a_draft_with_some_criteria_empty_is_saved_and_found_again(session, scene):
    judge = scene.judges[0]
    saved = _save(session, scene, judge, {"advancement": 20, "market": 12}, comments={"market": "Big market"})
    assert saved.version == 1 and saved.status == "draft" and saved.total is None
    sheet = _form(session, scene, judge)
    assert sheet["version"] == 1
    assert sheet["values"]["advancement"] == 20 and sheet["values"]["market"] == 12
    assert sheet["values"]["layout"] is None
    assert sheet["comments"]["market"] == "Big market"


def test_each_save_moves_the_version_on_and_replaces_the_whole_sheet(session, scene):
    judge = scene.judges[0]
    first = _save(session, scene, judge, {"advancement": 20, "market": 12})
    second = _save(session, scene, judge, {"advancement": 21}, version=first.version)
    assert second.version == 2
    values = _form(session, scene, judge)["values"]
    assert values["advancement"] == 21 and values["market"] is None


def test_submit_requires_every_criterion_and_names_the_missing_ones(session, scene):
    judge = scene.judges[0]
    with pytest.raises(InvalidInput) as err:
        _save(session, scene, judge, {"advancement": 18}, submit=True)
    assert any("Patent quality: a score is required" in p for p in map(str, err.value.problems))
    assert any("Commercialisation: a score is required" in p for p in map(str, err.value.problems))
    assert session.exec(select(ScoreSheet)).all() == []


def test_a_submitted_sheet_has_its_total_and_is_locked(session, scene):
    judge = scene.judges[0]
    saved = _save(session, scene, judge, GOOD, submit=True)
    assert saved.status == "submitted"
    assert saved.total == pytest.approx(sum(GOOD.values()))  # weights are max points / 100
    with pytest.raises(ServiceError, match="submitted and locked"):
        _save(session, scene, judge, GOOD, version=saved.version)
    assert _form(session, scene, judge)["status"] == "submitted"


@pytest.mark.parametrize("key, value, band", [("advancement", 25, "outstanding"), ("market", 2, "weak")])
def test_a_score_in_the_lowest_or_highest_band_needs_a_comment_to_submit(session, scene, key, value, band):
    judge = scene.judges[0]
    values = dict(GOOD, **{key: value})
    with pytest.raises(InvalidInput, match=f"in the {band} band; a comment explaining it is required"):
        _save(session, scene, judge, values, submit=True)
    saved = _save(session, scene, judge, values, submit=True, comments={key: "Explained here."})
    assert saved.status == "submitted"


def test_a_draft_in_an_extreme_band_may_wait_for_its_comment(session, scene):
    saved = _save(session, scene, scene.judges[0], {"advancement": 25})
    assert saved.status == "draft"


@pytest.mark.parametrize(
    "value, words",
    [
        (26, "above the maximum of 25"),
        (12.5, "not a multiple of the step 1"),
        (-1, "negative"),
        ("twelve", "'twelve' is not a number"),
        (float("nan"), "a score is required"),
        ("nan", "is not a number"),
        (math.inf, "is not a number"),
    ],
    ids=["out-of-range", "off-step", "negative", "non-numeric", "nan", "nan-text", "infinite"],
)
def test_bad_scores_are_refused_naming_the_criterion_and_nothing_is_stored(session, scene, value, words):
    judge = scene.judges[0]
    with pytest.raises(InvalidInput) as err:
        _save(session, scene, judge, dict(GOOD, advancement=value), submit=True)
    problem = str(err.value.problems[0])  # as an English reader sees it
    assert problem.startswith("Technical advancement:") and words in problem
    assert session.exec(select(ScoreSheet)).all() == []
    assert session.exec(select(CriterionScore)).all() == []


def test_a_bad_score_in_a_draft_leaves_the_saved_draft_as_it_was(session, scene):
    judge = scene.judges[0]
    saved = _save(session, scene, judge, {"advancement": 20})
    with pytest.raises(InvalidInput, match="Technical advancement"):
        _save(session, scene, judge, {"advancement": 99}, version=saved.version)
    sheet = _form(session, scene, judge)
    assert sheet["version"] == 1 and sheet["values"]["advancement"] == 20


def test_an_unknown_criterion_is_refused(session, scene):
    with pytest.raises(InvalidInput, match="Unknown criterion 'charm'"):
        _save(session, scene, scene.judges[0], {"charm": 5})


# --- no lost updates -------------------------------------------------------------------


def test_a_save_from_a_stale_version_is_refused_and_the_newer_scores_kept(session, scene):
    judge = scene.judges[0]
    first = _save(session, scene, judge, {"advancement": 10})
    # Two tabs opened at version 1; the first saves, the second is stale.
    _save(session, scene, judge, {"advancement": 20}, version=first.version)
    with pytest.raises(StaleData, match="reload to see the newer scores"):
        _save(session, scene, judge, {"advancement": 5}, version=first.version)
    sheet = _form(session, scene, judge)
    assert sheet["values"]["advancement"] == 20 and sheet["version"] == 2


def test_two_tabs_creating_the_same_sheet_leave_one_winner(session, scene):
    judge = scene.judges[0]
    _save(session, scene, judge, {"advancement": 10})
    with pytest.raises(StaleData):
        _save(session, scene, judge, {"advancement": 15}, version=0)
    assert _form(session, scene, judge)["values"]["advancement"] == 10
    assert len(session.exec(select(ScoreSheet)).all()) == 1


# --- permissions -----------------------------------------------------------------------


def test_a_judge_cannot_reach_an_entry_not_assigned_to_them(session, scene):
    outsider = person(session, Role.judge, email="outsider@panel.example.org", name="Outsider")
    entry_id = scene.entries[0].id
    calls = [
        lambda: judging.portfolio(session=session, actor=outsider, round_id=scene.round.id, entry_id=entry_id),
        lambda: judging.score_form(session=session, actor=outsider, round_id=scene.round.id, entry_id=entry_id),
        lambda: judging.document_for_judge(session=session, actor=outsider, round_id=scene.round.id,
                                           entry_id=entry_id, document_id=scene.document_id),
        lambda: _save(session, scene, outsider, {"advancement": 10}),
        lambda: judging.declare_conflict(session=session, actor=outsider, round_id=scene.round.id,
                                         entry_id=entry_id, reason="curious"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="not assigned to you"):
            call()
    assert session.exec(select(ScoreSheet)).all() == []


def test_a_judge_cannot_read_or_change_another_judges_sheet(session, scene):
    first, second = scene.judges[:2]
    theirs = _save(session, scene, second, dict(GOOD), comments={"market": "Second judge's private note"})
    with pytest.raises(PermissionDenied, match="your own score sheets"):
        _save(session, scene, first, {"advancement": 1}, version=theirs.version, sheet_id=theirs.sheet_id)
    with pytest.raises(PermissionDenied, match="your own score sheets"):
        judging.sheet_history(session=session, actor=first, sheet_id=theirs.sheet_id)
    mine = _form(session, scene, first)
    assert mine["sheet_id"] is None and all(v is None for v in mine["values"].values())
    assert "Second judge's private note" not in repr(mine)
    assert _form(session, scene, second)["values"]["advancement"] == GOOD["advancement"]


def test_an_entrant_or_organiser_cannot_save_a_judges_sheet(session, scene):
    with pytest.raises(PermissionDenied):
        _save(session, scene, scene.organiser, {"advancement": 10})


def test_a_withdrawn_assignment_closes_the_entry_to_the_judge(session, scene):
    judge = scene.judges[0]
    row = session.exec(select(Assignment).where(Assignment.judge_id == judge.user_id)).first()
    row.status = "withdrawn"
    session.add(row)
    session.commit()
    entry_id = row.entry_id
    with pytest.raises(PermissionDenied):
        judging.portfolio(session=session, actor=judge, round_id=scene.round.id, entry_id=entry_id)


def test_saves_are_refused_after_the_round_closes(session, scene):
    scene.round.closes_at = utcnow() - timedelta(hours=1)
    session.add(scene.round)
    session.commit()
    with pytest.raises(ServiceError, match="closed on"):
        _save(session, scene, scene.judges[0], {"advancement": 10})


# --- the blind portfolio ---------------------------------------------------------------


def test_a_blind_portfolio_carries_no_applicant_identity(session, scene):
    assert scene.round.blind
    view = judging.portfolio(session=session, actor=scene.judges[0], round_id=scene.round.id,
                             entry_id=scene.entries[0].id)
    for key in ("applicant", "region", "contact_name", "contact_email", "contact_phone"):
        assert key not in view
    text = repr(view)
    for identity in (APPLICANT, CONTACT, CONTACT_EMAIL, CONTACT_PHONE, "guangdong"):
        assert identity not in text
    assert view["summary"].startswith(redaction.REDACTED)
    assert view["patents"][0]["number"] == "2020 1 0123456.7" and "holder" not in view["patents"][0]
    assert view["documents"][0]["name"].startswith("T-001-report")


def test_an_open_round_shows_the_applicant(session, scene):
    scene.round.blind = False
    session.add(scene.round)
    session.commit()
    view = judging.portfolio(session=session, actor=scene.judges[0], round_id=scene.round.id,
                             entry_id=scene.entries[0].id)
    assert view["applicant"] == APPLICANT and view["contact_email"] == CONTACT_EMAIL
    assert view["summary"].startswith(APPLICANT)


def test_a_pdf_a_judge_receives_in_a_blind_round_has_no_metadata(session, scene):
    assert "/Author" in documents.document_metadata(demo.demo_pdf("x", ["y"]))
    name, data = judging.document_for_judge(session=session, actor=scene.judges[0], round_id=scene.round.id,
                                            entry_id=scene.entries[0].id, document_id=scene.document_id)
    assert documents.document_metadata(data) == {}
    assert b"Demo Applicant" not in data and b"Lanhai" not in data.split(b"stream")[0]
    assert APPLICANT not in name
    assert len(documents.check_pdf(data, name, max_bytes=10**7).sha256) == 64  # still a readable PDF


def test_a_document_of_another_entry_is_refused(session, scene):
    with pytest.raises(NotFound):
        judging.document_for_judge(session=session, actor=scene.judges[0], round_id=scene.round.id,
                                   entry_id=scene.entries[1].id, document_id=scene.document_id)


# --- the assignment list ---------------------------------------------------------------


def test_the_workspace_shows_progress_and_the_next_entry_to_score(session, scene):
    judge = scene.judges[0]
    _save(session, scene, judge, GOOD, entry=0, submit=True)
    _save(session, scene, judge, {"advancement": 10}, entry=2)
    [info] = judging.judge_workspace(session=session, actor=judge, edition_id=scene.edition_id)
    states = {e["code"]: e["state"] for e in info["entries"]}
    assert states == {"T-001": "submitted", "T-002": "to do", "T-003": "draft"}
    assert (info["total"], info["done"], info["drafts"], info["to_do"]) == (3, 1, 1, 2)
    assert judging.next_to_score(info["entries"])["code"] == "T-003"  # finish the started draft first
    assert [e["code"] for e in judging.filter_entries(info["entries"], states=["to do"])] == ["T-002"]
    assert [e["code"] for e in judging.filter_entries(info["entries"], text="t-00")] == ["T-001", "T-002", "T-003"]
    others = judging.judge_workspace(session=session, actor=scene.judges[1], edition_id=scene.edition_id)
    assert {e["state"] for e in others[0]["entries"]} == {"to do"}


def test_nothing_left_to_score_means_no_next_entry(session, scene):
    judge = scene.judges[0]
    for n in range(3):
        _save(session, scene, judge, GOOD, entry=n, submit=True)
    [info] = judging.judge_workspace(session=session, actor=judge, edition_id=scene.edition_id)
    assert judging.next_to_score(info["entries"]) is None and info["to_do"] == 0


# --- reopening and the audit trail -----------------------------------------------------


def test_the_organiser_reopens_with_a_reason_and_the_judge_resubmits(session, scene):
    judge = scene.judges[0]
    submitted = _save(session, scene, judge, GOOD, submit=True)
    with pytest.raises(InvalidInput, match="Give a reason"):
        judging.reopen_sheet(session=session, actor=scene.organiser, sheet_id=submitted.sheet_id, reason="  ")
    with pytest.raises(PermissionDenied):
        judging.reopen_sheet(session=session, actor=judge, sheet_id=submitted.sheet_id, reason="I want to")
    reopened = judging.reopen_sheet(session=session, actor=scene.organiser, sheet_id=submitted.sheet_id,
                                    reason="Market score looks swapped with layout")
    assert reopened.version == submitted.version + 1 and reopened.status == "draft"
    sheet = _form(session, scene, judge)
    assert sheet["reopened_reason"] == "Market score looks swapped with layout"
    assert sheet["values"]["market"] == GOOD["market"]  # the scores stay for the judge to edit
    # A page still holding the submitted version must reload first.
    with pytest.raises(StaleData):
        _save(session, scene, judge, GOOD, version=submitted.version)
    again = _save(session, scene, judge, dict(GOOD, market=14), version=reopened.version, submit=True)
    assert again.status == "submitted" and again.total == pytest.approx(sum(GOOD.values()) + 1)

    history = judging.sheet_history(session=session, actor=scene.organiser, sheet_id=submitted.sheet_id)
    assert [h["action"] for h in history] == ["sheet.submit", "sheet.reopen", "sheet.submit"]
    assert history[1]["who"].startswith("Grace Office") and history[1]["reason"].startswith("Market score")
    assert history[0]["who"].startswith(judge.name) and all(h["at"] for h in history)
    assert judging.sheet_history(session=session, actor=judge, sheet_id=submitted.sheet_id) == history


def test_only_submitted_sheets_can_be_reopened(session, scene):
    draft = _save(session, scene, scene.judges[0], {"advancement": 3})
    with pytest.raises(InvalidInput, match="only submitted sheets"):
        judging.reopen_sheet(session=session, actor=scene.organiser, sheet_id=draft.sheet_id, reason="why not")


def test_the_organiser_finds_sheets_by_entry_and_status(session, scene):
    _save(session, scene, scene.judges[0], GOOD, submit=True)
    _save(session, scene, scene.judges[1], {"advancement": 4})
    found = judging.find_sheets(session=session, actor=scene.organiser, edition_id=scene.edition_id,
                                entry_code="t-001", status="submitted")
    assert [(f["entry"], f["status"]) for f in found] == [("T-001", "submitted")]
    assert "judge1@panel.example.org" in found[0]["judge"]
    with pytest.raises(PermissionDenied):
        judging.find_sheets(session=session, actor=scene.judges[0], edition_id=scene.edition_id)


# --- declared conflicts ----------------------------------------------------------------


def test_a_declared_conflict_withdraws_the_sheet_and_offers_a_replacement(session, edition):
    scene = build_scene(session, edition, entries=1, judges=5)
    # Judges 4 and 5 are in the pool but not on the entry.
    for extra in scene.judges[3:]:
        row = session.exec(select(Assignment).where(Assignment.judge_id == extra.user_id)).one()
        session.delete(row)
    session.commit()
    judge = scene.judges[0]
    draft = _save(session, scene, judge, {"advancement": 12})
    with pytest.raises(InvalidInput, match="Say why"):
        judging.declare_conflict(session=session, actor=judge, round_id=scene.round.id,
                                 entry_id=scene.entries[0].id, reason="")
    conflict = judging.declare_conflict(session=session, actor=judge, round_id=scene.round.id,
                                        entry_id=scene.entries[0].id, reason="I advised this applicant last year")
    assert conflict.source == "declared"
    stored = session.exec(select(Conflict)).one()
    assert (stored.judge_id, stored.entry_id, stored.reason) == (judge.user_id, scene.entries[0].id,
                                                                 "I advised this applicant last year")
    sheet = session.get(ScoreSheet, draft.sheet_id)
    session.refresh(sheet)
    assert sheet.status == "withdrawn"
    assert judging.judge_workspace(session=session, actor=judge, edition_id=scene.edition_id) == []
    with pytest.raises(PermissionDenied):
        _save(session, scene, judge, {"advancement": 12}, version=sheet.version, sheet_id=sheet.id)

    [row] = judging.declared_conflicts(session=session, actor=scene.organiser, edition_id=scene.edition_id)
    assert (row["entry"], row["judges_now"], row["judges_needed"]) == ("T-001", 2, 3)
    suggestions = assignments.replacement_suggestions(session=session, actor=scene.organiser, round_id=scene.round.id,
                                                  entry_id=scene.entries[0].id)
    suggested = {s.judge_id for s in suggestions}
    assert suggested and suggested <= {scene.judges[3].user_id, scene.judges[4].user_id}
    with pytest.raises(InvalidInput, match="has a conflict"):
        assignments.assign_replacement(session=session, actor=scene.organiser, round_id=scene.round.id,
                                   entry_id=scene.entries[0].id, judge_id=judge.user_id)
    with pytest.raises(InvalidInput, match="already assigned"):
        assignments.assign_replacement(session=session, actor=scene.organiser, round_id=scene.round.id,
                                   entry_id=scene.entries[0].id, judge_id=scene.judges[1].user_id)
    chosen = suggestions[0].judge_id
    assignments.assign_replacement(session=session, actor=scene.organiser, round_id=scene.round.id,
                               entry_id=scene.entries[0].id, judge_id=chosen)
    [row] = judging.declared_conflicts(session=session, actor=scene.organiser, edition_id=scene.edition_id)
    assert row["judges_now"] == 3
    history = judging.sheet_history(session=session, actor=scene.organiser, sheet_id=draft.sheet_id)
    assert [h["action"] for h in history] == ["sheet.save", "sheet.withdraw"]


# --- a round with two sheets -----------------------------------------------------------


def test_an_entry_with_two_sheets_is_done_only_when_both_are_submitted(session, scene):
    semifinal = session.exec(select(Round).where(Round.edition_id == scene.edition_id,
                                                 Round.key == "semifinal")).one()
    judge = scene.judges[0]
    entry = scene.entries[0]
    session.add(Assignment(round_id=semifinal.id, entry_id=entry.id, judge_id=judge.user_id))
    session.commit()
    form = judging.score_form(session=session, actor=judge, round_id=semifinal.id, entry_id=entry.id)
    assert [s["key"] for s in form["sheets"]] == ["roadshow", "report"]

    def state():
        rounds = judging.judge_workspace(session=session, actor=judge, edition_id=scene.edition_id)
        [row] = [e for r in rounds if r["round_id"] == semifinal.id for e in r["entries"]]
        return row["state"]

    assert state() == "to do"
    for n, sheet in enumerate(form["sheets"]):
        values = {c.key: c.max_points * 0.6 for c in sheet["criteria"]}
        judging.save_scores(session=session, actor=judge, round_id=semifinal.id, entry_id=entry.id,
                            sheet_def_id=sheet["sheet_def_id"], expected_version=0, values=values, submit=True)
        assert state() == ("draft" if n == 0 else "submitted")
    # The semi-final is not blind: the judge sees who the applicant is.
    view = judging.portfolio(session=session, actor=judge, round_id=semifinal.id, entry_id=entry.id)
    assert view["applicant"] == APPLICANT and not view["blind"]


# --- the page helpers (plain values) ---------------------------------------------------


def test_redaction_ignores_case_and_replaces_the_longest_name_first():
    text = "SHENZHEN LANHAI MICROELECTRONICS CO., LTD. and Lanhai's lab; write to chen.wei@lanhai.example.cn"
    shown = redaction.redact(text, redaction.identity_terms([APPLICANT, "Lanhai", CONTACT_EMAIL, "", "ab"]))
    assert shown == "[applicant] and [applicant]'s lab; write to [applicant]"


def test_the_running_total_counts_scored_criteria_only():
    specs = [scoring.CriterionSpec("a", "A", 20, 1, 0.8), scoring.CriterionSpec("b", "B", 5, 1, 0.2)]
    assert judging.partial_total(specs, {"a": 10, "b": None}) == pytest.approx(40.0)
    assert judging.partial_total(specs, {"a": 20, "b": 5}) == pytest.approx(100.0)
    assert judging.partial_total(specs, {"a": "x"}) == 0.0


def test_band_descriptors_are_shown_in_points_of_the_criterion():
    spec = scoring.CriterionSpec("a", "A", 25, 1, 1.0)
    assert judging.band_points(spec) == [(0, 10, "weak"), (10, 17.5, "adequate"), (17.5, 22.5, "strong"),
                                         (22.5, 25, "outstanding")]


def test_a_replacement_never_adds_a_second_judge_of_one_organisation_or_a_same_region_judge(session, edition):
    scene = build_scene(session, edition, entries=1, judges=5)
    entry = scene.entries[0]
    newcomer = scene.judges[4]
    session.delete(session.exec(select(Assignment).where(Assignment.judge_id == newcomer.user_id)).one())
    profile = session.exec(select(JudgeProfile).where(JudgeProfile.user_id == newcomer.user_id)).one()
    colleague = session.exec(select(JudgeProfile).where(JudgeProfile.user_id == scene.judges[0].user_id)).one()
    profile.organisation = colleague.organisation.upper() + " Ltd."  # the same organisation, written differently
    session.add(profile)
    session.commit()
    with pytest.raises(InvalidInput, match="at most one judge per organisation"):
        assignments.assign_replacement(session=session, actor=scene.organiser, round_id=scene.round.id,
                                   entry_id=entry.id, judge_id=newcomer.user_id)
    profile.organisation, profile.region = "Independent Valuers", entry.region
    scene.round.region_conflicts = True
    session.add_all([profile, scene.round])
    session.commit()
    with pytest.raises(InvalidInput, match="same region: guangdong"):
        assignments.assign_replacement(session=session, actor=scene.organiser, round_id=scene.round.id,
                                   entry_id=entry.id, judge_id=newcomer.user_id)
    assert session.exec(select(Assignment).where(Assignment.judge_id == newcomer.user_id)).all() == []


def test_a_judge_reads_each_criterions_description_in_their_own_language(session, scene):
    criterion = session.exec(select(Criterion).where(Criterion.sheet_id == scene.sheet_def_id,
                                                     Criterion.key == "market")).one()
    criterion.description = "Size and growth of the market"
    criterion.descriptions = {"zh-Hant": "市場規模及增長"}
    session.add(criterion)
    session.commit()
    descriptions = _form(session, scene, scene.judges[0])["descriptions"]
    assert label_of(descriptions["market"], "zh-Hant") == "市場規模及增長"
    assert label_of(descriptions["market"], "zh-Hans") == "Size and growth of the market"  # none: English
