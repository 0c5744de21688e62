"""The judge pool: judges added by the organiser (or imported), single-use expiring
invitation links where a judge sets a password, and the confidentiality acknowledgement
a judge gives at the first sign-in.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import update
from sqlmodel import Session, select

from contest import auth, i18n
from contest.auth import Actor
from contest.dbtypes import utcnow
from contest.models import Edition, Invitation, JudgeProfile, Region, Role, Track, User
from contest.services import InvalidInput, NotFound, PermissionDenied, accounts, audit, mail, require_role

INVITATION_LIFETIME = timedelta(days=7)
INVITE_PATH = "/invite"
MAX_LOAD_LIMIT = 10_000

CONFIDENTIALITY_TEXT = (
    "As a judge of this contest I will see entries' documents, patent portfolios and business "
    "plans that are not public, and the scores and comments of the judging. I will keep all of it "
    "confidential during and after the contest; I will use it only to judge the entries assigned to "
    "me; I will not copy, share or discuss it outside the judging; and I will declare at once any "
    "conflict of interest with an entrant."
)


# --- the pool ----------------------------------------------------------------------------


def _expertise_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    items = value if isinstance(value, (list, tuple, set, frozenset)) else re.split(r"[;,，；]", str(value))
    return sorted({str(i).strip() for i in items if str(i).strip()})


def _looks_like_email(email: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) is not None and len(email) <= 254


def _max_load(value: Any) -> tuple[int | None, str | None]:
    """None (no personal cap) or a whole number from 1; else the problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, float) and math.isnan(value):
        return None, None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"max load '{value}' is not a number"
    if not number.is_integer() or not 1 <= number <= MAX_LOAD_LIMIT:
        return None, f"max load must be a whole number of at least 1 (blank: no personal cap), not '{value}'"
    return int(number), None


def _profile_problems(session: Session, edition_id: int, region: str, expertise: list[str],
                      max_load: Any) -> tuple[int | None, list[str]]:
    problems = []
    if region and region not in {r.value for r in Region}:
        problems.append(f"region '{region}' is not one of {', '.join(r.value for r in Region)}")
    tracks = set(session.exec(select(Track.key).where(Track.edition_id == edition_id)).all())
    unknown = [t for t in expertise if t not in tracks]
    if unknown:
        problems.append(f"unknown expertise tracks {', '.join(unknown)}; the tracks are {', '.join(sorted(tracks))}")
    load, problem = _max_load(max_load)
    if problem:
        problems.append(problem)
    return load, problems


def _refused(email: str, problems: list[str]) -> InvalidInput:
    named = [f"Judge {email}: {p}." for p in problems]
    return InvalidInput(named[0] if len(named) == 1 else f"Judge {email} was not saved:", named)


def add_judge(
    *,
    session: Session,
    actor: Actor,
    edition_id: int,
    email: str,
    name: str,
    organisation: str = "",
    region: str = "",
    expertise: Iterable[str] | str = (),
    max_load: int | str | None = None,
    commit: bool = True,
) -> JudgeProfile:
    """Put a person in the edition's judge pool: a user with the judge role and a profile.

    An existing account gets the judge role; a judge already in the pool has the profile
    updated. Expertise is a list of track keys (or "a; b"); max_load blank means no cap.
    """
    require_role(actor, Role.organiser)
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("common.no_such_edition")
    email = accounts.normalise_email(email)
    name = (name or "").strip()
    organisation = (organisation or "").strip()
    region = (region or "").strip()
    tracks = _expertise_list(expertise)
    load, problems = _profile_problems(session, edition_id, region, tracks, max_load)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        if not _looks_like_email(email):
            problems.insert(0, f"'{email}' is not a valid email address")
        if not name:
            problems.insert(0, "a name is required")
    if problems:
        raise _refused(email or "(no email)", problems)
    if user is None:
        user = accounts.create_user(session=session, email=email, name=name, roles=[Role.judge],
                                    organisation=organisation, actor=actor, commit=False)
    else:
        accounts.add_roles(session=session, actor=actor, user=user, roles=[Role.judge])
    profile = session.exec(select(JudgeProfile).where(JudgeProfile.edition_id == edition_id,
                                                      JudgeProfile.user_id == user.id)).first()
    fields = {"organisation": organisation, "region": region, "expertise": tracks, "max_load": load}
    if profile is None:
        profile = JudgeProfile(edition_id=edition_id, user_id=user.id, **fields)
        session.add(profile)
        session.flush()
        audit(session, actor, "judge.add", "judge_profile", profile.id, edition_id=edition_id, email=email, **fields)
    else:
        before = {k: getattr(profile, k) for k in fields}
        for k, v in fields.items():
            setattr(profile, k, v)
        profile.active = True
        session.add(profile)
        if before != fields:
            audit(session, actor, "judge.update", "judge_profile", profile.id, edition_id=edition_id, email=email,
                  before=before, after=fields)
    if commit:
        session.commit()
    return profile


def update_judge(*, session: Session, actor: Actor, profile_id: int, organisation: str, region: str,
                 expertise: Iterable[str] | str, max_load: int | str | None, active: bool = True) -> JudgeProfile:
    """Change a pool member's organisation, region, expertise, cap, or take them out (active)."""
    require_role(actor, Role.organiser)
    profile = session.get(JudgeProfile, profile_id)
    if profile is None:
        raise NotFound("judges.not_in_pool")
    user = session.get(User, profile.user_id)
    tracks = _expertise_list(expertise)
    region = (region or "").strip()
    load, problems = _profile_problems(session, profile.edition_id, region, tracks, max_load)
    if problems:
        raise _refused(user.email, problems)
    fields = {"organisation": (organisation or "").strip(), "region": region, "expertise": tracks,
              "max_load": load, "active": bool(active)}
    before = {k: getattr(profile, k) for k in fields}
    if before == fields:
        return profile
    for k, v in fields.items():
        setattr(profile, k, v)
    session.add(profile)
    audit(session, actor, "judge.update", "judge_profile", profile.id, edition_id=profile.edition_id,
          email=user.email, before=before, after=fields)
    session.commit()
    return profile


def judge_pool(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """The edition's judges with their profile, invitation state and acknowledgement."""
    require_role(actor, Role.organiser)
    rows = session.exec(select(JudgeProfile, User).join(User, User.id == JudgeProfile.user_id)
                        .where(JudgeProfile.edition_id == edition_id).order_by(User.name, User.email)).all()
    latest: dict[int, Invitation] = {}
    user_ids = [u.id for _p, u in rows] or [-1]
    for inv in session.exec(select(Invitation).where(Invitation.user_id.in_(user_ids)).order_by(Invitation.id)):
        latest[inv.user_id] = inv
    now = utcnow()
    out = []
    for profile, user in rows:
        out.append({
            "profile_id": profile.id, "user_id": user.id, "name": user.name, "email": user.email,
            "organisation": profile.organisation, "region": profile.region,
            "expertise": "; ".join(profile.expertise), "max_load": profile.max_load, "active": profile.active,
            "account": _account_state(user, latest.get(user.id), now),
            "invited_until": _link_valid_until(user, latest.get(user.id), now),
            "confidentiality": "acknowledged" if user.confidentiality_ack_at else "not yet",
        })
    return out


def _account_state(user: User, invitation: Invitation | None, now: datetime) -> str:
    if user.password_hash:
        return "password set"
    if invitation is None:
        return "not invited"
    if _link_valid_until(user, invitation, now) is not None:
        return "invited"
    return "invitation expired"


def _link_valid_until(user: User, invitation: Invitation | None, now: datetime) -> datetime | None:
    """Until when the judge's invitation link works (None: no link in use); pages show
    the moment on the contest's clock."""
    if user.password_hash or invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        return None
    return invitation.expires_at


# --- invitations -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationSent:
    email: str
    link: str
    expires_at: datetime
    sent: bool  # True: the mail server accepted the message; False: show the link to copy
    error: i18n.Message | str = ""  # why the mail was not sent


def invitation_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{INVITE_PATH}?token={token}"


def invite_judge(*, session: Session, actor: Actor, edition_id: int, user_id: int, base_url: str,
                 smtp_url: str | None = None, lifetime: timedelta = INVITATION_LIFETIME) -> InvitationSent:
    """A single-use link, valid for `lifetime`, where a judge of the pool sets a password.

    Earlier unused links of that judge stop working. With smtp_url the link is mailed;
    otherwise (or when sending fails) the organiser copies it. Only its hash is stored.
    """
    require_role(actor, Role.organiser)
    edition = session.get(Edition, edition_id)
    profile = session.exec(select(JudgeProfile).where(JudgeProfile.edition_id == edition_id,
                                                      JudgeProfile.user_id == user_id)).first()
    user = session.get(User, user_id)
    if edition is None or profile is None or user is None:
        raise NotFound("judges.person_not_in_pool")
    if user.password_hash:
        raise InvalidInput("judges.already_has_password", email=user.email)
    if not base_url or not base_url.startswith(("http://", "https://")):
        raise InvalidInput("judges.base_url_needed")
    now = utcnow()
    for old in session.exec(select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
                                                     Invitation.expires_at > now)):
        old.expires_at = now
        session.add(old)
    token = auth.new_token()
    invitation = Invitation(user_id=user.id, token_hash=auth.token_hash(token), expires_at=now + lifetime,
                            created_by=actor.user_id)
    session.add(invitation)
    session.flush()
    link = invitation_link(base_url, token)
    audit(session, actor, "judge.invite", "invitation", invitation.id, edition_id=edition_id, email=user.email,
          expires_at=invitation.expires_at.isoformat(), by_mail=bool(smtp_url))
    # Committed before talking to the mail server, so a slow server holds no database lock.
    session.commit()
    sent, error = False, ""
    if smtp_url:
        try:
            language = i18n.language_or_default(user.language)  # the recipient's language
            mail.send_mail(smtp_url, user.email, i18n.text("mail.invitation_subject", language, edition=edition.name),
                           _invitation_body(user, edition, link, invitation.expires_at).render(language))
            sent = True
        except mail.MailError as exc:
            error = exc.message  # said in the organiser's language on the page
        audit(session, actor, "judge.invite_mailed" if sent else "judge.invite_mail_failed", "invitation",
              invitation.id, edition_id=edition_id, email=user.email, error=str(error))
        session.commit()
    return InvitationSent(email=user.email, link=link, expires_at=invitation.expires_at, sent=sent, error=error)


def _invitation_body(user: User, edition: Edition, link: str, expires_at: datetime) -> i18n.Message:
    return i18n.msg("mail.invitation_body", name=user.name, edition=edition.name, link=link, email=user.email,
                    expires=i18n.Moment(expires_at, edition.time_zone))


def _live_invitation(session: Session, token: str | None) -> tuple[Invitation, User]:
    invitation = None
    if token:
        invitation = session.exec(select(Invitation).where(Invitation.token_hash == auth.token_hash(token))).first()
    if invitation is None:
        raise InvalidInput("judges.link_not_valid")
    if invitation.used_at is not None:
        raise InvalidInput("judges.link_used")
    if invitation.expires_at <= utcnow():
        raise InvalidInput("judges.link_expired")
    user = session.get(User, invitation.user_id)
    if user is None or not user.active:
        raise InvalidInput("judges.invitation_invalid")
    return invitation, user


def invitation_details(*, session: Session, token: str | None) -> dict:
    """Whom an invitation link is for; raises with the reason when it cannot be used."""
    _invitation, user = _live_invitation(session, token)
    return {"email": user.email, "name": user.name}


def accept_invitation(*, session: Session, token: str | None, password: str) -> User:
    """Set the judge's password through a live link; the link then stops working. The
    password is hashed between two short transactions, never inside one."""
    invitation, user = _live_invitation(session, token)
    weak = auth.password_problems(password or "", email=user.email, name=user.name)
    if weak:
        raise InvalidInput(weak[0] if len(weak) == 1 else "auth.account_problems", problems=weak)
    invitation_id, user_id, email = invitation.id, user.id, user.email
    session.rollback()
    password_hash = auth.hash_password(password)
    # Claimed with a guarded UPDATE: of two tabs submitting the same link, one wins.
    claimed = session.execute(update(Invitation).where(Invitation.id == invitation_id, Invitation.used_at.is_(None))
                              .values(used_at=utcnow()))
    if claimed.rowcount != 1:
        session.rollback()
        raise InvalidInput("judges.link_used")
    user = session.get(User, user_id)
    user.password_hash = password_hash
    session.add(user)
    audit(session, None, "judge.accept_invitation", "invitation", invitation_id, user_id=user_id, email=email)
    session.commit()
    return user


# --- confidentiality ----------------------------------------------------------------------


def needs_confidentiality_ack(*, session: Session, actor: Actor | None) -> bool:
    """A judge who has not yet acknowledged confidentiality sees only that page."""
    if actor is None or not actor.has(Role.judge):
        return False
    user = session.get(User, actor.user_id)
    return user is not None and user.confidentiality_ack_at is None


def acknowledge_confidentiality(*, session: Session, actor: Actor) -> datetime:
    """Record when the judge accepted the confidentiality undertaking (once)."""
    require_role(actor, Role.judge)
    user = session.get(User, actor.user_id)
    if user is None:
        raise PermissionDenied("common.sign_in_again")
    if user.confidentiality_ack_at is None:
        user.confidentiality_ack_at = utcnow()
        session.add(user)
        audit(session, actor, "judge.confidentiality_ack", "user", user.id, text=CONFIDENTIALITY_TEXT)
        session.commit()
    return user.confidentiality_ack_at
