"""Progress services on a real database: per judge, per entry and per track; overdue
work after the round closes; reminders through a real SMTP server or listed to copy."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from contest.dbtypes import utcnow
from contest.models import Assignment, AuditEvent, Role, SheetStatus, User
from contest.services import PermissionDenied
from contest.services import assignments as assignment_service
from contest.services import progress as service
from tests.integration.test_assignment_service import TRACKS, add_sheet, build_round

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(session, edition, make_user):
    judges = [(f"Org {n}", "", [TRACKS[n % 2]], None) for n in range(4)]
    entries = [(f"Applicant {n}", TRACKS[n % 2], "", "") for n in range(4)]
    s = build_round(session, edition, make_user, judges=judges, entries=entries)
    assignment_service.set_round_rules(session=session, actor=s.organiser, round_id=s.round.id,
                                       judges_per_entry=2, region_conflicts=False)
    # A fixed, hand-made assignment stored as is: judges 0 and 1 on entries 0-1, judges 2
    # and 3 on 2-3 (two separate pieces, which adding judges one by one would refuse).
    for judge, entry in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 2), (3, 2), (2, 3), (3, 3)]:
        session.add(Assignment(round_id=s.round.id, entry_id=s.entries[entry],
                               judge_id=s.judges[judge]))
    session.commit()
    submitted = [(0, 0), (1, 0), (0, 1), (2, 2)]
    for judge, entry in submitted:
        add_sheet(session, s.round, s.judges[judge], s.entries[entry], SheetStatus.submitted)
    add_sheet(session, s.round, s.judges[3], s.entries[2], SheetStatus.draft)
    return s


def test_progress_counts_each_judge_entry_and_track(session, setup):
    report = service.round_progress(session=session, actor=setup.organiser,
                                    round_id=setup.round.id)
    assert (report.assigned, report.to_do, report.draft, report.submitted) == (8, 3, 1, 4)
    judges = {row.judge.split(" (")[0]: row for row in report.judges}  # "Judge 00 (organisation)"
    assert (judges["Judge 00"].submitted, judges["Judge 00"].done) == (2, 1.0)
    assert (judges["Judge 03"].draft, judges["Judge 03"].to_do) == (1, 1)
    entries = {row.code: row for row in report.entries}
    assert entries["T-000"].complete is True
    assert entries["T-001"].complete is False and entries["T-001"].to_do == 1
    tracks = {row.track: row for row in report.tracks}
    ai = [row for name, row in tracks.items() if "ntelligence" in name][0]
    assert (ai.entries, ai.fully_scored, ai.coverage) == (2, 1, 0.5)
    assert ai.expert_judges == 2
    assert report.overdue == 0


def test_unsubmitted_work_is_overdue_once_the_round_closes(session, setup):
    setup.round.closes_at = utcnow() - timedelta(hours=1)
    session.add(setup.round)
    session.commit()
    report = service.round_progress(session=session, actor=setup.organiser,
                                    round_id=setup.round.id)
    assert report.closed and report.overdue == 4
    # The most overdue judges come first.
    assert report.judges[0].overdue == 2


def test_reminders_without_smtp_are_listed_to_copy(session, setup):
    outcome = service.send_reminders(session=session, actor=setup.organiser,
                                     round_id=setup.round.id, smtp_url="")
    assert outcome.sent == ()
    to_copy = {m.to: m for m in outcome.to_copy}
    assert set(to_copy) == {"judge01@mail1.example.org", "judge02@mail2.example.org",
                            "judge03@mail3.example.org"}
    assert "You have 2 entries left to score" in to_copy["judge03@mail3.example.org"].body
    assert "1 not started, 1 in draft" in to_copy["judge03@mail3.example.org"].body


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


def test_reminders_arrive_through_a_real_smtp_server(session, setup):
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        outcome = service.send_reminders(
            session=session, actor=setup.organiser, round_id=setup.round.id,
            smtp_url=f"smtp://127.0.0.1:{port}?from=office@contest.example.org",
        )
    finally:
        controller.stop()
    assert outcome.failed == () and len(outcome.sent) == 3
    recipients = sorted(r for rcpts, _ in inbox.messages for r in rcpts)
    assert recipients == ["judge01@mail1.example.org", "judge02@mail2.example.org",
                          "judge03@mail3.example.org"]
    assert all("Subject: Reminder:" in body for _, body in inbox.messages)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "progress.remind")).one()
    assert event.details["sent"] == 3


def test_a_failing_mail_server_is_reported_per_address(session, setup):
    outcome = service.send_reminders(session=session, actor=setup.organiser,
                                     round_id=setup.round.id, smtp_url="smtp://127.0.0.1:1")
    assert outcome.sent == () and len(outcome.failed) == 3
    assert "judge01@mail1.example.org" in str(outcome.failed[0])
    assert outcome.failed[0].render("zh-Hant").startswith("無法經 127.0.0.1:1 向 judge01@mail1.example.org 發送電郵")


def test_only_organisers_see_progress(session, setup, make_user):
    with pytest.raises(PermissionDenied):
        service.round_progress(session=session, actor=make_user(Role.judge),
                               round_id=setup.round.id)


def test_a_reminder_reads_in_its_recipients_language(session, setup):
    judge = session.exec(select(User).where(User.email == "judge03@mail3.example.org")).one()
    judge.language = "zh-Hant"
    session.add(judge)
    session.commit()
    to_copy = {m.to: m for m in service.send_reminders(session=session, actor=setup.organiser,
                                                       round_id=setup.round.id, smtp_url="").to_copy}
    chinese, english = to_copy["judge03@mail3.example.org"], to_copy["judge01@mail1.example.org"]
    assert "尚有 2 個項目待評分（1 個未開始，1 個為草稿）" in chinese.body and "請登入評審平台" in chinese.body
    assert chinese.subject.startswith("提示：") and "left to score" not in chinese.body
    assert "left to score" in english.body
    assert "UTC" not in chinese.body + english.body
