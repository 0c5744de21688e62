"""Invitations: a link mailed through a real SMTP server on 127.0.0.1 sets the judge's
password once and then signs them in; used, replaced and expired links are refused;
without a mail server the link is returned to copy."""

from __future__ import annotations

import email
import re
import socket
from datetime import timedelta
from zoneinfo import ZoneInfo
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update
from sqlmodel import select

from contest import auth
from contest.dbtypes import utcnow
from contest.models import AuditEvent, Invitation, Role, User
from contest.services import InvalidInput, PermissionDenied, accounts, judges, mail

pytestmark = pytest.mark.integration

BASE_URL = "https://judging.example.org"
NEW_PASSWORD = "harbour lights 2026"


class _Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}?from=office@gba-contest.example.org", inbox
    finally:
        controller.stop()


@pytest.fixture
def organiser(make_user):
    return make_user(Role.organiser, email="office@example.org")


@pytest.fixture
def judge_profile(session, edition, organiser):
    return judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email="Mei.Chan@PolyU.example.hk",
                            name="Mei Chan", organisation="PolyU", region="hong_kong",
                            expertise="new_materials; biomedicine", max_load=12)


def _token(link: str) -> str:
    return re.search(r"[?&]token=([A-Za-z0-9_\-]+)", link).group(1)


def test_an_invitation_sent_by_smtp_arrives_with_a_link_that_sets_the_password_and_signs_in(
        session, edition, organiser, judge_profile, smtp_server):
    smtp_url, inbox = smtp_server
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL, smtp_url=smtp_url)
    assert sent.sent is True and sent.error == ""
    [message] = inbox.messages
    assert inbox.recipients == [["mei.chan@polyu.example.hk"]]
    assert message["From"] == "office@gba-contest.example.org"
    assert message["Subject"] == "Invitation to judge: Test Edition 2026"
    assert message["Date"] and message["Message-ID"]
    body = message.get_content()
    [link] = re.findall(r"https://\S+", body)
    assert link.startswith(f"{BASE_URL}/invite?token=")
    token = _token(link)
    assert judges.invitation_details(session=session, token=token) == {
        "email": "mei.chan@polyu.example.hk", "name": "Mei Chan"}
    judges.accept_invitation(session=session, token=token, password=NEW_PASSWORD)
    user, session_token = accounts.sign_in(session=session, email="mei.chan@polyu.example.hk", password=NEW_PASSWORD)
    actor = accounts.actor_from_token(session=session, token=session_token, idle_minutes=60)
    assert actor.has(Role.judge) and user.id == judge_profile.user_id


def test_only_the_hash_of_the_token_is_stored(session, edition, organiser, judge_profile):
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL)
    token = _token(sent.link)
    stored = session.exec(select(Invitation)).one()
    assert stored.token_hash == auth.token_hash(token) and token not in stored.token_hash


def test_without_a_mail_server_the_link_is_returned_to_copy(session, edition, organiser, judge_profile):
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL + "/")
    assert sent.sent is False and sent.link.startswith(f"{BASE_URL}/invite?token=")


def test_a_link_works_only_once(session, edition, organiser, judge_profile):
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL)
    judges.accept_invitation(session=session, token=_token(sent.link), password=NEW_PASSWORD)
    with pytest.raises(InvalidInput, match="already been used"):
        judges.accept_invitation(session=session, token=_token(sent.link), password="another password 99")
    accounts.sign_in(session=session, email="mei.chan@polyu.example.hk", password=NEW_PASSWORD)


def test_an_expired_link_is_refused(session, edition, organiser, judge_profile):
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL, lifetime=timedelta(seconds=-1))
    with pytest.raises(InvalidInput, match="has expired"):
        judges.accept_invitation(session=session, token=_token(sent.link), password=NEW_PASSWORD)


def test_a_new_invitation_replaces_the_old_link(session, edition, organiser, judge_profile):
    first = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                                user_id=judge_profile.user_id, base_url=BASE_URL)
    second = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                                 user_id=judge_profile.user_id, base_url=BASE_URL)
    with pytest.raises(InvalidInput, match="has expired"):
        judges.invitation_details(session=session, token=_token(first.link))
    judges.accept_invitation(session=session, token=_token(second.link), password=NEW_PASSWORD)


def test_an_unknown_token_and_a_weak_password_are_refused(session, edition, organiser, judge_profile):
    with pytest.raises(InvalidInput, match="not valid"):
        judges.accept_invitation(session=session, token="made-up", password=NEW_PASSWORD)
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL)
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        judges.accept_invitation(session=session, token=_token(sent.link), password="short")
    session.rollback()
    judges.accept_invitation(session=session, token=_token(sent.link), password=NEW_PASSWORD)  # still usable


def test_a_mail_server_that_cannot_be_reached_leaves_the_link_to_copy(session, edition, organiser, judge_profile):
    dead = f"smtp://127.0.0.1:{_free_port()}"
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL, smtp_url=dead)
    assert sent.sent is False and "Could not send mail to mei.chan@polyu.example.hk" in str(sent.error)
    judges.invitation_details(session=session, token=_token(sent.link))
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "judge.invite_mail_failed")).all()
    assert "Could not send mail" in event.details["error"]


def test_a_judge_who_already_has_a_password_is_not_invited(session, edition, organiser, make_user):
    judge = make_user(Role.judge, email="set@example.org")
    judges.add_judge(session=session, actor=organiser, edition_id=edition.id, email=judge.email, name="Set")
    with pytest.raises(InvalidInput, match="already set a password"):
        judges.invite_judge(session=session, actor=organiser, edition_id=edition.id, user_id=judge.user_id,
                            base_url=BASE_URL)


def test_only_organisers_send_invitations(session, edition, judge_profile, make_user):
    someone = make_user(Role.judge, Role.entrant, Role.observer)  # every role but organiser
    with pytest.raises(PermissionDenied):
        judges.invite_judge(session=session, actor=someone, edition_id=edition.id, user_id=judge_profile.user_id,
                            base_url=BASE_URL)
    assert session.exec(select(Invitation)).first() is None


@pytest.mark.parametrize("url, message", [
    ("http://mail.example.org", "must start with smtp:// or smtps://"),
    ("smtp://", "names no mail server host"),
    ("smtp://mail.example.org:port", "port that is not a number"),
])
def test_a_malformed_smtp_url_is_named(url, message):
    with pytest.raises(mail.MailError, match=message) as refused:
        mail.parse_smtp_url(url)
    assert "CONTEST_SMTP_URL" in refused.value.render("zh-Hant") and message not in refused.value.render("zh-Hant")


def test_smtp_url_credentials_and_sender_are_read():
    cfg = mail.parse_smtp_url("smtp://robot%40office:p%40ss@mail.example.org:587?from=office@example.org")
    assert (cfg.host, cfg.port, cfg.username, cfg.password, cfg.sender) == (
        "mail.example.org", 587, "robot@office", "p@ss", "office@example.org")


def test_when_another_tab_claims_the_link_first_the_second_sets_no_password(
        session, edition, organiser, judge_profile, monkeypatch):
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL)
    checked = judges._live_invitation

    def other_tab_wins(s, token):
        invitation, user = checked(s, token)  # this tab saw the link unused ...
        # ... and the other tab claimed it just before this one does
        s.execute(update(Invitation).where(Invitation.id == invitation.id).values(used_at=utcnow()))
        s.commit()
        return invitation, user

    monkeypatch.setattr(judges, "_live_invitation", other_tab_wins)
    with pytest.raises(InvalidInput, match="already been used"):
        judges.accept_invitation(session=session, token=_token(sent.link), password=NEW_PASSWORD)
    user = session.exec(select(User).where(User.id == judge_profile.user_id)).one()
    session.refresh(user)
    assert user.password_hash == ""


def test_a_judge_who_reads_traditional_chinese_gets_the_invitation_in_traditional_chinese(
        session, edition, organiser, judge_profile, smtp_server):
    smtp_url, inbox = smtp_server
    session.exec(update(User).where(User.id == judge_profile.user_id).values(language="zh-Hant"))
    session.commit()
    sent = judges.invite_judge(session=session, actor=organiser, edition_id=edition.id,
                               user_id=judge_profile.user_id, base_url=BASE_URL, smtp_url=smtp_url)
    [message] = inbox.messages
    assert message["Subject"] == "評審邀請：Test Edition 2026"
    body = message.get_content()
    assert "誠邀您擔任Test Edition 2026的評審" in body and "設定密碼" in body and "登入" in body
    assert sent.link in body
    local = sent.expires_at.astimezone(ZoneInfo(edition.time_zone))
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in body  # on the contest's clock
    assert "UTC" not in body and "+00:00" not in body
