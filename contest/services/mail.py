"""Outgoing mail over SMTP, configured by CONTEST_SMTP_URL (smtp://user:pass@host:587).

smtp:// uses STARTTLS whenever the server offers it; smtps:// (or port 465) connects over
TLS from the start. A `from` query parameter sets the sender (default: noreply@ the SMTP host).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from contest.services import ServiceError

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TIMEOUT_SECONDS = 20


class MailError(ServiceError):
    """The message could not be handed to the mail server; says why."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str
    password: str
    sender: str


def parse_smtp_url(smtp_url: str) -> SmtpSettings:
    """Read smtp[s]://[user[:password]@]host[:port][?from=address]; refuse anything else."""
    parts = urlsplit((smtp_url or "").strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise MailError("mail.url_scheme", scheme=parts.scheme or smtp_url)
    if not parts.hostname:
        raise MailError("mail.url_no_host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise MailError("mail.url_bad_port") from None
    sender = parse_qs(parts.query).get("from", [""])[0] or f"noreply@{parts.hostname}"
    return SmtpSettings(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        sender=sender,
    )


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid()
    message.set_content(body)
    return message


def send_mail(smtp_url: str, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raises MailError with the reason when it fails."""
    cfg = parse_smtp_url(smtp_url)
    message = build_message(cfg.sender, to, subject, body)
    try:
        if cfg.scheme == "smtps" or cfg.port == 465:  # 465 is the implicit-TLS port
            client = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if cfg.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if cfg.username:
                client.login(cfg.username, cfg.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The password is in the URL: name only the server.
        raise MailError("mail.not_sent", to=to, server=f"{cfg.host}:{cfg.port}", reason=str(exc)) from None
