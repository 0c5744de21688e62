"""The optional public-vote component of a round: vote counts per entry, entered by the
office (rescaled to 0-100 when the round is ranked, SCORING.md section 1)."""

from __future__ import annotations

import math
from typing import Iterable, Mapping

from sqlmodel import Session, select

from contest.auth import Actor
from contest.models import Entry, PublicVote, Role, Round
from contest.services import InvalidInput, NotFound, audit, require_role


def _round(session: Session, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None or not rnd.scored:
        raise NotFound("public_vote.no_round")
    return rnd


def public_votes(*, session: Session, actor: Actor, round_id: int) -> dict:
    """The round's share for the vote and its entries with their counts (0 where none)."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    votes = dict(session.exec(select(PublicVote.entry_id, PublicVote.votes).where(PublicVote.round_id == rnd.id)).all())
    entries = session.exec(
        select(Entry.id, Entry.code, Entry.title).where(Entry.current_round_id == rnd.id).order_by(Entry.code)
    ).all()
    return {
        "weight": rnd.public_vote_weight,
        "rows": [{"entry_code": code, "title": title, "votes": votes.get(entry_id, 0.0)} for entry_id, code, title in entries],
    }


def record_public_votes(
    *, session: Session, actor: Actor, round_id: int, rows: Iterable[Mapping[str, object]]
) -> int:
    """Store vote counts by entry code; all or nothing, every bad row named."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    codes = dict(session.exec(
        select(Entry.code, Entry.id).where(Entry.edition_id == rnd.edition_id, Entry.current_round_id == rnd.id)
    ).all())
    problems, clean = [], {}
    for n, row in enumerate(rows, start=1):
        code = str(row.get("entry_code") or "").strip()
        raw = row.get("votes")
        if code not in codes:
            problems.append(f"row {n}: '{code}' is not an entry of {rnd.label}")
            continue
        try:
            votes = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            votes = math.nan
        if not math.isfinite(votes) or votes < 0:
            problems.append(f"row {n} ({code}): votes must be a number of at least 0, not {raw!r}")
            continue
        if code in clean:
            problems.append(f"row {n} ({code}): the entry appears twice")
            continue
        clean[code] = votes
    if problems:
        raise InvalidInput("public_vote.not_saved", problems)
    stored = {v.entry_id: v for v in session.exec(select(PublicVote).where(PublicVote.round_id == rnd.id))}
    for code, votes in clean.items():
        row = stored.get(codes[code]) or PublicVote(round_id=rnd.id, entry_id=codes[code])
        row.votes = votes
        session.add(row)
    audit(session, actor, "public_vote.record", "round", rnd.id, edition_id=rnd.edition_id, entries=len(clean))
    session.commit()
    return len(clean)
