"""Editions: create one from a preset, find the one a command or page works on."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlmodel import Session, select

from contest import presets
from contest.labels import labels_from_row
from contest.auth import Actor
from contest.models import (
    Category,
    ContestGroup,
    Criterion,
    Edition,
    Role,
    Round,
    SheetDefinition,
    Track,
)
from contest.services import InvalidInput, NotFound, audit, require_role


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:48] or "edition"


def _unique_slug(session: Session, base: str) -> str:
    slug, n = base, 2
    while session.exec(select(Edition.id).where(Edition.slug == slug)).first() is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_edition(
    *, session: Session, actor: Actor, name: str, preset: str = "gba", slug: str | None = None
) -> Edition:
    """A new empty edition with the preset's groups, categories, tracks, rounds and rubrics."""
    require_role(actor, Role.organiser)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("editions.name_needed")
    try:
        spec = presets.load(preset)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0])) from None
    edition = Edition(
        slug=_unique_slug(session, slugify(slug or name)),
        name=name,
        preset=preset,
        core_patent_cutoff=date.fromisoformat(spec["core_patent_cutoff"]) if spec.get("core_patent_cutoff") else None,
        max_entries_per_enterprise=spec.get("max_entries_per_enterprise", 3),
        rules={
            "required_documents": spec.get("required_documents", []),
            "awards": [_named(a) for a in spec.get("awards", [])],
            "tie_rule": spec.get("tie_rule", []),
            "revenue_threshold_rmb": spec.get("revenue_threshold_rmb", 20_000_000),
            # Region and city names hidden from judges in blind rounds (services/blind.py).
            "places": [name for region in spec.get("places", []) for name in region.get("names", [])],
        },
    )
    session.add(edition)
    session.flush()
    for pos, g in enumerate(spec.get("groups", [])):
        session.add(ContestGroup(edition_id=edition.id, key=g["key"], label=g["label"],
                                 labels=labels_from_row(g), description=g.get("description", ""),
                                 descriptions=labels_from_row(g, "description"), position=pos))
    categories = {}
    for pos, c in enumerate(spec.get("categories", [])):
        cat = Category(edition_id=edition.id, key=c["key"], label=c["label"], labels=labels_from_row(c),
                       core_kinds=c.get("core_kinds", []), position=pos)
        session.add(cat)
        categories[c["key"]] = cat
    for pos, t in enumerate(spec.get("tracks", [])):
        session.add(Track(edition_id=edition.id, key=t["key"], label=t["label"], labels=labels_from_row(t), position=pos))
    session.flush()
    bands = spec.get("bands", [])
    for pos, r in enumerate(spec.get("rounds", [])):
        rnd = Round(
            edition_id=edition.id, key=r["key"], label=r["label"], labels=labels_from_row(r), position=pos,
            scored=r.get("scored", True), blind=r.get("blind", False), judges_per_entry=r.get("judges_per_entry", 3),
            advancement_rule=r.get("advancement_rule", "top_n"), advancement_value=r.get("advancement_value", 0),
            rank_by_category=r.get("rank_by_category", False), public_vote_weight=r.get("public_vote_weight", 0.0),
        )
        session.add(rnd)
        session.flush()
        for spos, s in enumerate(r.get("sheets", [])):
            for cat_key in s["categories"]:
                sheet = SheetDefinition(round_id=rnd.id, category_id=categories[cat_key].id, key=s["key"],
                                        label=s["label"], labels=labels_from_row(s), weight=s.get("weight", 1.0),
                                        position=spos)
                session.add(sheet)
                session.flush()
                total = sum(c["max_points"] for c in s["criteria"])
                for cpos, c in enumerate(s["criteria"]):
                    session.add(Criterion(
                        sheet_id=sheet.id, key=c["key"], label=c["label"], labels=labels_from_row(c),
                        description=c.get("description", ""), descriptions=labels_from_row(c, "description"),
                        max_points=c["max_points"], step=c.get("step", 1), weight=c["max_points"] / total,
                        bands=[_named(b) for b in c.get("bands", bands)], position=cpos,
                    ))
    audit(session, actor, "edition.create", "edition", edition.id, edition_id=edition.id, preset=preset, name=name)
    session.commit()
    return edition


def _named(item: dict) -> dict:
    """A preset's award tier or band with its other languages as `labels` (an older
    `label_zh` is read as Simplified Chinese)."""
    out = {k: v for k, v in item.items() if k != "label_zh"}
    out["labels"] = labels_from_row(item)
    return out


def find_edition(*, session: Session, slug: str | None = None) -> Edition:
    """The edition named by slug; without one, the only edition in the database."""
    if slug:
        edition = session.exec(select(Edition).where(Edition.slug == slug)).first()
        if edition is None:
            raise NotFound("editions.no_such_slug", slug=slug)
        return edition
    editions = session.exec(select(Edition).order_by(Edition.id)).all()
    if not editions:
        raise NotFound("editions.none_yet")
    if len(editions) > 1:
        raise InvalidInput(
            "There are several editions; pick one with --contest SLUG: " + ", ".join(e.slug for e in editions)
        )
    return editions[0]


def latest_edition(*, session: Session) -> Edition | None:
    return session.exec(select(Edition).order_by(Edition.id.desc())).first()


def find_round(*, session: Session, edition_id: int, key: str) -> Round:
    rnd = session.exec(select(Round).where(Round.edition_id == edition_id, Round.key == key)).first()
    if rnd is None:
        keys = session.exec(select(Round.key).where(Round.edition_id == edition_id).order_by(Round.position)).all()
        raise NotFound("editions.no_such_round", key=key, rounds=", ".join(keys))
    return rnd


def rounds_of(*, session: Session, edition_id: int) -> list[Round]:
    return list(session.exec(select(Round).where(Round.edition_id == edition_id).order_by(Round.position)).all())


def list_editions(*, session: Session) -> list[Edition]:
    return list(session.exec(select(Edition).order_by(Edition.id.desc())).all())
