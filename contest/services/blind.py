"""Blind rounds in the service layer: the identity terms of entries and the edition's places,
loaded once for a list of entries, and the judge's copy of a document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, select

from contest import presets, redaction
from contest.models import Edition, Entry, Patent, User


def places_of(edition: Edition | None) -> list[str]:
    """The edition's region and city names (English and Chinese); the gba preset's list for
    editions created before editions kept their own."""
    names = list((edition.rules or {}).get("places", [])) if edition is not None else []
    if not names:
        names = preset_places(edition.preset if edition is not None and edition.preset else "gba")
    return names


def preset_places(preset: str) -> list[str]:
    try:
        spec = presets.load(preset)
    except KeyError:
        spec = presets.load("gba")
    return [name for region in spec.get("places", []) for name in region.get("names", [])]


def identities(session: Session, entries: Sequence[Entry], places: Iterable[str] = ()) -> dict[int, list[str]]:
    """entry id -> the terms that identify its entrant: applicant, contact name, email and
    phone, the owner's name, email, organisation and phone, the patents' holders."""
    places = list(places)
    owner_ids = {e.owner_id for e in entries if e.owner_id}
    owners = {u.id: u for u in session.exec(select(User.id, User.name, User.email, User.organisation, User.phone)
                                            .where(User.id.in_(owner_ids))).all()} if owner_ids else {}
    holders: dict[int, set[str]] = {}
    ids = [e.id for e in entries]
    if ids:
        for entry_id, holder in session.exec(select(Patent.entry_id, Patent.holder)
                                             .where(Patent.entry_id.in_(ids), Patent.holder != "")).all():
            holders.setdefault(entry_id, set()).add(holder)
    found = {}
    for entry in entries:
        values = [entry.applicant, entry.contact_name, entry.contact_email, entry.contact_phone,
                  *holders.get(entry.id, ())]
        owner = owners.get(entry.owner_id)
        if owner is not None:
            values += [owner.name, owner.email, owner.organisation, owner.phone]
        found[entry.id] = redaction.identity_terms(values, places=places)
    return found
