"""Queries several services share, in one place (no service imports another sideways for
them): the judge pool, the entries a round judges, a round's neighbours, the edition's
configured keys and eligibility rules. Reads only; no permission checks (callers check).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from contest import eligibility, i18n, organisations, people
from contest.labels import label as named
from contest.models import (
    Assignment,
    AssignmentStatus,
    Category,
    ContestGroup,
    Document,
    Edition,
    Entry,
    EntryStatus,
    JudgeProfile,
    Patent,
    Round,
    ScoreSheet,
    SheetStatus,
    Track,
    User,
)
from contest.services import InvalidInput, NotFound

# Entries that can still be judged; drafts and withdrawn entries never are.
JUDGED_STATUSES = (EntryStatus.submitted.value, EntryStatus.eligible.value)
# Counted against the cap per enterprise, as the entrant's own check counts them.
COUNTED_FOR_CAP = (EntryStatus.submitted.value, EntryStatus.eligible.value)


# ---------------------------------------------------------------- judges


@dataclass(frozen=True)
class PoolJudge:
    """A judge of an edition's pool with the facts assignment and conflicts use."""

    user_id: int
    name: str
    email: str
    organisation: str
    region: str
    expertise: tuple[str, ...]
    max_load: int | None

    @property
    def label(self) -> str:
        """Names alone can repeat; the address tells two judges apart."""
        return f"{self.name} <{self.email}>"


def pool_labels(pool: list[PoolJudge]) -> dict[int, str]:
    """How pickers, lists and charts name the pool's judges (contest.people: name and
    organisation, the email added where two would read the same)."""
    return people.labels(people.Person(j.user_id, j.name, j.organisation, j.email) for j in pool)


def person_labels(session: Session, user_ids, *, edition_id: int | None = None) -> dict[int, str]:
    """Distinct labels for users shown together; a judge's organisation is the one in the
    edition's pool when given, else the account's."""
    ids = sorted({int(i) for i in user_ids if i is not None})
    if not ids:
        return {}
    found = session.exec(select(User.id, User.name, User.organisation, User.email).where(User.id.in_(ids))).all()
    pool: dict[int, str] = {}
    if edition_id is not None:
        pool = dict(session.exec(select(JudgeProfile.user_id, JudgeProfile.organisation).where(
            JudgeProfile.edition_id == edition_id, JudgeProfile.user_id.in_(ids))).all())
    return people.labels(
        people.Person(uid, name or "", pool.get(uid) or organisation or "", email or "")
        for uid, name, organisation, email in found)


def judge_pool(session: Session, edition_id: int) -> list[PoolJudge]:
    """Active judges of the edition, in a stable order (by user id)."""
    rows = session.exec(
        select(User, JudgeProfile)
        .join(JudgeProfile, JudgeProfile.user_id == User.id)
        .where(JudgeProfile.edition_id == edition_id, JudgeProfile.active == True,  # noqa: E712
               User.active == True)  # noqa: E712
        .order_by(User.id)
    ).all()
    return [
        PoolJudge(
            user_id=user.id, name=user.name, email=user.email,
            organisation=profile.organisation or user.organisation, region=profile.region,
            expertise=tuple(profile.expertise or ()), max_load=profile.max_load,
        )
        for user, profile in rows
    ]


# ---------------------------------------------------------------- entries and rounds


def judged_entries(session: Session, edition_id: int) -> list[Entry]:
    return list(session.exec(
        select(Entry).where(Entry.edition_id == edition_id, Entry.status.in_(JUDGED_STATUSES))
        .order_by(Entry.id)
    ).all())


def round_entries(session: Session, rnd: Round) -> list[Entry]:
    """The entries a round judges: those currently in it and not withdrawn."""
    return list(session.exec(
        select(Entry).where(Entry.current_round_id == rnd.id, Entry.status.in_(JUDGED_STATUSES))
        .order_by(Entry.id)
    ).all())


def scored_round(session: Session, round_id: int, *, lacks: str = "rounds.lacks_judges") -> Round:
    """The round, if it exists and is scored (only scored rounds have judges and a ranking);
    `lacks` (a message id) names what an unscored round has none of, in the refusal."""
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFound("rounds.not_found")
    if not rnd.scored:
        raise InvalidInput("rounds.not_scored", round=named(rnd), lacks=i18n.msg(lacks))
    return rnd


def first_scored_round(session: Session, edition_id: int) -> Round | None:
    return session.exec(select(Round).where(Round.edition_id == edition_id, Round.scored == True)  # noqa: E712
                        .order_by(Round.position, Round.id)).first()


def previous_scored_round(session: Session, rnd: Round) -> Round | None:
    return session.exec(
        select(Round).where(Round.edition_id == rnd.edition_id, Round.scored == True,  # noqa: E712
                            Round.position < rnd.position).order_by(Round.position.desc())
    ).first()


def next_scored_round(session: Session, rnd: Round) -> Round | None:
    return session.exec(
        select(Round).where(Round.edition_id == rnd.edition_id, Round.scored == True,  # noqa: E712
                            Round.position > rnd.position).order_by(Round.position)
    ).first()


# ---------------------------------------------------------------- assignments


def active_assignments(session: Session, round_id: int) -> list[Assignment]:
    return list(session.exec(select(Assignment).where(
        Assignment.round_id == round_id, Assignment.status == AssignmentStatus.active.value
    )).all())


def pairs_with_work(session: Session, round_id: int) -> set[tuple[int, int]]:
    """(judge, entry) pairs of the round with a draft or submitted sheet."""
    return set(session.exec(
        select(ScoreSheet.judge_id, ScoreSheet.entry_id).where(
            ScoreSheet.round_id == round_id, ScoreSheet.status != SheetStatus.withdrawn.value
        ).distinct()
    ).all())


# ---------------------------------------------------------------- the edition's configuration


def edition_choices(session: Session, edition_id: int) -> dict[str, list[str]]:
    """The edition's own keys for the columns whose values it configures."""
    def keys(model):
        return list(session.exec(select(model.key).where(model.edition_id == edition_id)
                                 .order_by(model.position)).all())
    return {"group": keys(ContestGroup), "category": keys(Category), "track": keys(Track)}


def edition_rules(session: Session, edition: Edition, *,
                  documents: bool = True) -> eligibility.EditionRules:
    """The edition's thresholds as the pure rules take them; documents=False leaves the
    required-documents rule out (an import, whose documents are uploaded later)."""
    categories = session.exec(select(Category).where(Category.edition_id == edition.id)).all()
    required = (edition.rules or {}).get("required_documents", []) if documents else []
    return eligibility.EditionRules(
        core_patent_cutoff=edition.core_patent_cutoff or dt.date.min,
        max_entries_per_enterprise=edition.max_entries_per_enterprise,
        allowed_core_kinds={c.key: frozenset(c.core_kinds or [c.key]) for c in categories},
        required_documents=frozenset(required),
    )


def automatic_results(session: Session, edition: Edition,
                      entries: list[Entry]) -> dict[int, list[eligibility.RuleResult]]:
    """The entry rules for many entries at once (patents and documents loaded in bulk)."""
    ids = [e.id for e in entries]
    patents_by_entry: dict[int, list[Patent]] = defaultdict(list)
    kinds_by_entry: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for p in session.exec(select(Patent).where(Patent.entry_id.in_(chunk)).order_by(Patent.position)):
            patents_by_entry[p.entry_id].append(p)
        documents = select(Document.entry_id, Document.kind).where(Document.entry_id.in_(chunk))
        for entry_id, kind in session.exec(documents):
            kinds_by_entry[entry_id].add(kind)
    category_keys = dict(session.exec(select(Category.id, Category.key)
                                      .where(Category.edition_id == edition.id)).all())
    counted = session.exec(select(Entry.id, Entry.applicant).where(
        Entry.edition_id == edition.id, Entry.status.in_(COUNTED_FOR_CAP))).all()
    per_applicant = Counter(organisations.normalise_organisation(name) for _id, name in counted)
    counted_ids = {entry_id for entry_id, _name in counted}
    rules = edition_rules(session, edition)
    out = {}
    for entry in entries:
        rows = patents_by_entry[entry.id]
        facts = eligibility.EntryFacts(
            applicant=entry.applicant,
            applicant_type=entry.applicant_type,
            category=category_keys.get(entry.category_id, ""),
            patents=tuple(eligibility.PatentFacts(p.normalised, p.kind or None, p.status, p.grant_date, p.holder,
                                                  p.jurisdiction or None) for p in rows),
            core_patent=next((p.normalised for p in rows if p.is_core), None),
            document_kinds=frozenset(kinds_by_entry[entry.id]),
        )
        key = organisations.normalise_organisation(entry.applicant)
        others = (per_applicant[key] - (1 if entry.id in counted_ids else 0)) if key else 0
        out[entry.id] = eligibility.check_entry(facts, rules, entries_by_same_applicant=others)
    return out


def showcase_round(session: Session, edition_id: int) -> Round | None:
    """The round observers browse: the final once it has entries, else the furthest
    scored round that has entries (so investors can follow the field as it narrows)."""
    return session.exec(
        select(Round)
        .join(Entry, Entry.current_round_id == Round.id)
        .where(Round.edition_id == edition_id, Round.scored == True)  # noqa: E712
        .order_by(Round.position.desc())
    ).first()
