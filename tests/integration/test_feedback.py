"""Feedback to entrants on a real database: the report read back from its PDF, and nothing
released before publication, while the organiser withholds it, or to anyone else."""

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from contest import feedbackpdf
from contest.auth import SYSTEM
from contest.models import AuditEvent, CriterionScore, Entry, RoundResult, ScoreSheet, User
from contest.services import PermissionDenied, accounts, decisions
from contest.services import feedback as feedback_service
from tests.integration.test_results import (  # noqa: F401  (fixtures)
    _scored_template,
    organiser,
    person,
    preliminary,
    scored,
)

pytestmark = pytest.mark.integration


def publish(session):
    rnd = preliminary(session)
    decisions.advance_round(session=session, actor=organiser(session), round_id=rnd.id)
    decisions.publish_results(session=session, actor=organiser(session), round_id=rnd.id)
    return rnd


def release(session, rnd, *, comments=True):
    feedback_service.set_feedback(session=session, actor=organiser(session), round_id=rnd.id,
                                  released=True, comments=comments)


def an_entry(session, rnd) -> tuple[Entry, object]:
    """A decided entry and its entrant (as an Actor)."""
    entry_id = session.exec(select(RoundResult.entry_id).where(RoundResult.round_id == rnd.id)
                            .order_by(RoundResult.entry_id)).first()
    entry = session.get(Entry, entry_id)
    return entry, accounts.actor_for(session, session.get(User, entry.owner_id))


def judges_comment(session, entry, text_for):
    """Each judge of the entry writes text_for(judge) on their first criterion."""
    for sheet in session.exec(select(ScoreSheet).where(ScoreSheet.entry_id == entry.id,
                                                       ScoreSheet.status == "submitted")).all():
        judge = session.get(User, sheet.judge_id)
        score = session.exec(select(CriterionScore).where(CriterionScore.score_sheet_id == sheet.id)
                             .order_by(CriterionScore.criterion_id)).first()
        score.comment = text_for(judge)
        session.add(score)
    session.commit()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages) + "\n" + \
        "\n".join(str(v) for v in (reader.metadata or {}).values())


def judges_of_round(session, rnd) -> list[User]:
    ids = set(session.exec(select(ScoreSheet.judge_id).where(ScoreSheet.round_id == rnd.id)).all())
    return list(session.exec(select(User).where(User.id.in_(ids))).all())


def test_the_entrant_reads_percentile_every_criterion_and_comments_without_any_judge_named(scored):
    rnd = publish(scored)
    release(scored, rnd)
    entry, entrant = an_entry(scored, rnd)
    judges_comment(scored, entry, lambda judge: f"Clear claims. Regards, {judge.name} <{judge.email}>")

    report = feedback_service.feedback_report(session=scored, actor=entrant, entry_id=entry.id, round_id=rnd.id)
    text = pdf_text(feedback_service.feedback_pdf(session=scored, actor=entrant, entry_id=entry.id,
                                                  round_id=rnd.id, language="en"))

    fb = report.feedback
    assert 0 <= fb.percentile <= 100 and fb.group_size > 5
    assert f"percentile {round(fb.percentile)} in a group of {fb.group_size} entries" in text
    assert len(fb.criteria) == 5
    for item in fb.criteria:
        assert str(item.label) in text
        assert f"your group: median {feedbackpdf.number(item.group.median)}, middle half" in text
    assert text.count("Clear claims. Regards, [judge] <[judge]>") == fb.judges
    assert "Comments on the whole entry" in text
    for judge in judges_of_round(scored, rnd):
        assert judge.name not in text and judge.email not in text
        assert judge.email.split("@")[0] not in text


def test_nothing_before_the_round_is_published_even_when_released(scored):
    rnd = preliminary(scored)
    release(scored, rnd)  # released early: it waits for publication
    decisions.advance_round(session=scored, actor=organiser(scored), round_id=rnd.id)
    entry, entrant = an_entry(scored, rnd)
    for actor in (entrant, organiser(scored)):
        with pytest.raises(PermissionDenied, match="comes once its results are published") as refused:
            feedback_service.feedback_pdf(session=scored, actor=actor, entry_id=entry.id, round_id=rnd.id)
        assert refused.value.message.id == "feedback.not_published"
    assert feedback_service.entrant_feedback(session=scored, actor=entrant, edition_id=rnd.edition_id) == []


def test_nothing_reaches_the_entrant_while_the_organiser_withholds_it(scored):
    rnd = publish(scored)
    entry, entrant = an_entry(scored, rnd)
    with pytest.raises(PermissionDenied) as refused:
        feedback_service.feedback_report(session=scored, actor=entrant, entry_id=entry.id, round_id=rnd.id)
    assert refused.value.message.id == "feedback.withheld"
    assert feedback_service.entrant_feedback(session=scored, actor=entrant, edition_id=rnd.edition_id) == []
    # the organiser reads it to check it before releasing
    assert feedback_service.feedback_report(session=scored, actor=organiser(scored), entry_id=entry.id,
                                            round_id=rnd.id).entry_code == entry.code
    release(scored, rnd)
    shown = feedback_service.entrant_feedback(session=scored, actor=entrant, edition_id=rnd.edition_id)
    assert [r.entry_code for r in shown] == [entry.code]


def test_another_entrant_and_a_judge_are_refused(scored):
    rnd = publish(scored)
    release(scored, rnd)
    entry, _ = an_entry(scored, rnd)
    other = scored.exec(select(Entry).where(Entry.owner_id != entry.owner_id)).first()
    stranger = accounts.actor_for(scored, scored.get(User, other.owner_id))
    for actor in (stranger, person(scored, "judge")):
        with pytest.raises(PermissionDenied) as refused:
            feedback_service.feedback_pdf(session=scored, actor=actor, entry_id=entry.id, round_id=rnd.id)
        assert refused.value.message.id == "feedback.only_own_entries"


def test_comments_are_left_out_when_the_organiser_excludes_them(scored):
    rnd = publish(scored)
    release(scored, rnd, comments=False)
    entry, entrant = an_entry(scored, rnd)
    judges_comment(scored, entry, lambda judge: "A comment only the office should read.")
    report = feedback_service.feedback_report(session=scored, actor=entrant, entry_id=entry.id, round_id=rnd.id)
    assert not report.feedback.comments_included and report.feedback.general == ()
    text = pdf_text(feedback_service.feedback_pdf(session=scored, actor=entrant, entry_id=entry.id,
                                                  round_id=rnd.id))
    assert "only the office" not in text
    sheet_comments = scored.exec(select(ScoreSheet.comment).where(ScoreSheet.entry_id == entry.id,
                                                                  ScoreSheet.status == "submitted")).all()
    assert all(c and c not in text for c in sheet_comments)
    assert "does not share the judges' comments" in text


def test_a_traditional_chinese_report_reads_in_hong_kong_chinese(scored):
    rnd = publish(scored)
    release(scored, rnd)
    entry, entrant = an_entry(scored, rnd)
    text = pdf_text(feedback_service.feedback_pdf(session=scored, actor=entrant, entry_id=entry.id,
                                                  round_id=rnd.id, language="zh-Hant"))
    assert "參賽項目回饋" in text and "各評分項目得分" in text and "百分位為" in text
    assert "初賽" in text  # the round's own name in Traditional Chinese
    assert "参赛项目反馈" not in text and "Feedback on your entry" not in text


def test_the_settings_are_the_organisers_and_each_change_is_audited(scored):
    rnd = preliminary(scored)
    with pytest.raises(PermissionDenied):
        feedback_service.set_feedback(session=scored, actor=person(scored, "entrant"), round_id=rnd.id,
                                      released=True, comments=True)
    settings = feedback_service.set_feedback(session=scored, actor=organiser(scored), round_id=rnd.id,
                                             released=True, comments=False)
    assert (settings.released, settings.comments, settings.published) == (True, False, False)
    event = scored.exec(select(AuditEvent).where(AuditEvent.action == "feedback.settings")).one()
    assert event.details["released"] is True and event.details["before"] == {"released": False, "comments": False}


def test_every_report_of_a_round_is_written_for_the_office(scored):
    rnd = publish(scored)
    made = list(feedback_service.round_reports(session=scored, actor=SYSTEM, round_id=rnd.id, language="zh-Hans"))
    decided = scored.exec(select(RoundResult).where(RoundResult.round_id == rnd.id)).all()
    assert [done for done, *_ in made] == list(range(1, len(decided) + 1))
    assert all(data.startswith(b"%PDF") for *_, data in made)
    assert "参赛项目反馈" in pdf_text(made[0][3])
