"""Edition set-up by the organiser: dates, groups, categories, tracks, rounds, score sheets
and their criteria. Every change is audited.

A rubric that already has score sheets is never changed under them: a change to points,
steps, weights, bands or the list of criteria is refused unless the organiser asks for a
new version (the old one is kept, inactive, with its scores). Wording may be corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Mapping

from sqlalchemy import func
from sqlmodel import Session, select

from contest import dates, documents, i18n, labels as names, ranking, rubrics
from contest.auth import Actor
from contest.models import (
    AdvancementRule,
    Assignment,
    BoardState,
    Category,
    ContestGroup,
    Criterion,
    Decision,
    DecisionKind,
    Edition,
    Entry,
    JudgeProfile,
    PatentKind,
    Role,
    Round,
    ScoreSheet,
    SheetDefinition,
    Track,
)
from contest.services import InvalidInput, NotFound, ServiceError, audit, require_role

MAX_JUDGES_PER_ENTRY = 50


def refused(heading: str, problems: list[str]) -> InvalidInput:
    """One problem is the message itself; several are listed under the heading."""
    return InvalidInput(problems[0] if len(problems) == 1 else heading, problems)


class RubricInUse(ServiceError):
    """The rubric has score sheets: the change must become a new version or be dropped."""


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _utc(value: datetime | None) -> datetime | None:
    """Dates from the page count as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


# --- loading -----------------------------------------------------------------------------


def _edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("common.no_such_edition")
    return edition


def _round(session: Session, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise NotFound("common.no_such_round")
    return rnd


def _sheet(session: Session, sheet_id: int) -> SheetDefinition:
    sheet = session.get(SheetDefinition, sheet_id)
    if sheet is None:
        raise NotFound("setup.no_such_sheet")
    return sheet


def _count(session: Session, statement) -> int:
    return session.exec(select(func.count()).select_from(statement.subquery())).one()


def _score_sheet_count(session: Session, sheet_ids: list[int]) -> int:
    if not sheet_ids:
        return 0
    return session.exec(
        select(func.count()).select_from(ScoreSheet).where(ScoreSheet.sheet_id.in_(sheet_ids))
    ).one()


# --- reading -----------------------------------------------------------------------------

LABEL_KINDS = {"groups": ContestGroup, "categories": Category, "tracks": Track}


def setup_overview(*, session: Session, actor: Actor, edition_id: int) -> dict:
    """Everything the set-up page shows, plus the problems still to fix."""
    require_role(actor, Role.organiser)
    edition = _edition(session, edition_id)
    overview = {
        "edition": {
            "name": edition.name, "time_zone": edition.time_zone, "opens_at": edition.opens_at,
            "submission_deadline": edition.submission_deadline, "closes_at": edition.closes_at,
            "core_patent_cutoff": edition.core_patent_cutoff,
            "max_entries_per_enterprise": edition.max_entries_per_enterprise,
            "required_documents": list(edition.rules.get("required_documents", [])),
            "tie_rule": list(edition.rules.get("tie_rule") or ranking.DEFAULT_TIE_RULE),
        },
        "rounds": [_round_row(r) for r in _rounds(session, edition_id)],
        "problems": setup_problems(session=session, edition_id=edition_id),
        "missing_labels": missing_labels(session=session, edition_id=edition_id),
    }
    for kind in LABEL_KINDS:
        overview[kind] = labels_of(session=session, edition_id=edition_id, kind=kind)
    return overview


def labels_of(*, session: Session, edition_id: int, kind: str) -> list[dict]:
    model = LABEL_KINDS[kind]
    rows = session.exec(select(model).where(model.edition_id == edition_id)
                        .order_by(model.position, model.id)).all()
    out = []
    for r in rows:
        row = {"id": r.id, "key": r.key, **names.columns_of(r)}
        if kind == "groups":
            row.update(names.columns_of(r, "description"))
        if kind == "categories":
            row["core_kinds"] = "; ".join(r.core_kinds)
        out.append(row)
    return out


def _rounds(session: Session, edition_id: int) -> list[Round]:
    return list(session.exec(select(Round).where(Round.edition_id == edition_id)
                             .order_by(Round.position, Round.id)))


def _round_row(r: Round) -> dict:
    return {
        "id": r.id, "key": r.key, **names.columns_of(r), "order": r.position + 1,
        "scored": r.scored, "blind": r.blind, "judges_per_entry": r.judges_per_entry,
        "advancement_rule": r.advancement_rule, "advancement_value": r.advancement_value,
        "opens_at": r.opens_at, "closes_at": r.closes_at, "region_conflicts": r.region_conflicts,
        "public_vote_pct": round(100.0 * r.public_vote_weight, 6),
        "carry_over_pct": round(100.0 * r.carry_over_weight, 6),
        "rank_by_category": r.rank_by_category,
        "method": r.method, "status": r.status,
    }


def sheets_for(*, session: Session, actor: Actor, round_id: int, category_id: int) -> list[dict]:
    """The active score sheets of a round for a category, with weights in percent."""
    require_role(actor, Role.organiser)
    rows = session.exec(
        select(SheetDefinition)
        .where(SheetDefinition.round_id == round_id, SheetDefinition.category_id == category_id,
               SheetDefinition.active == True)  # noqa: E712
        .order_by(SheetDefinition.position, SheetDefinition.id)
    ).all()
    total = sum(s.weight for s in rows) or 1.0
    out = []
    for s in rows:
        older = session.exec(
            select(func.count()).select_from(SheetDefinition).where(
                SheetDefinition.round_id == round_id, SheetDefinition.category_id == category_id,
                SheetDefinition.key == s.key, SheetDefinition.active == False)  # noqa: E712
        ).one()
        out.append({
            "id": s.id, "key": s.key, **names.columns_of(s),
            "weight": round(100.0 * s.weight / total, 6), "version": s.version,
            "older_versions": older,
            "score_sheets": _score_sheet_count(session, [s.id]),
        })
    return out


def criteria_for(*, session: Session, actor: Actor, sheet_id: int) -> list[dict]:
    """A sheet's criteria as the organiser edits them: weight in percent, bands as text."""
    require_role(actor, Role.organiser)
    _sheet(session, sheet_id)
    rows = session.exec(select(Criterion).where(Criterion.sheet_id == sheet_id)
                        .order_by(Criterion.position, Criterion.id)).all()
    return [
        {"key": c.key, **names.columns_of(c), **names.columns_of(c, "description"),
         "max_points": c.max_points, "step": c.step, "weight": round(100.0 * c.weight, 6),
         **{names.column(code, "bands"): rubrics.format_bands(c.bands, code) for code in names.LANGUAGES}}
        for c in rows
    ]


def missing_labels(*, session: Session, edition_id: int) -> list[dict]:
    """The edition's names that show in English in another language for want of a label:
    what it is, its key, the English label and the languages that lack one."""
    out = []

    def check(what: str, key: str, thing: Any, base: str = "label") -> None:
        lacking = names.missing(thing, base)
        if lacking:
            out.append({"what": what, "key": key, "label": names.label_of(thing, base=base), "languages": lacking})

    for kind, model in (("group", ContestGroup), ("category", Category), ("track", Track), ("round", Round)):
        for record in session.exec(select(model).where(model.edition_id == edition_id)
                                   .order_by(model.position, model.id)):
            check(kind, record.key, record)
            if kind == "group":
                check("group_description", record.key, record, "description")
    sheets = session.exec(select(SheetDefinition).join(Round, Round.id == SheetDefinition.round_id)
                          .where(Round.edition_id == edition_id, SheetDefinition.active == True)  # noqa: E712
                          .order_by(Round.position, SheetDefinition.position, SheetDefinition.id)).all()
    seen: set = set()
    for sheet in sheets:
        if (sheet.key, sheet.label) not in seen:
            seen.add((sheet.key, sheet.label))
            check("sheet", sheet.key, sheet)
        for c in session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id)
                              .order_by(Criterion.position, Criterion.id)):
            if (sheet.key, c.key, c.label) not in seen:
                seen.add((sheet.key, c.key, c.label))
                check("criterion", f"{sheet.key}.{c.key}", c)
                check("criterion_description", f"{sheet.key}.{c.key}", c, "description")
            for band in c.bands or []:
                if ("band", band.get("label")) not in seen:
                    seen.add(("band", band.get("label")))
                    check("band", f"{sheet.key}.{c.key}", band)
    edition = _edition(session, edition_id)
    for tier in (edition.rules or {}).get("awards", []):
        check("award", tier.get("key", ""), tier)
    return out


def setup_problems(*, session: Session, edition_id: int) -> list[i18n.Message]:
    """What would stop judging: scored rounds without a rubric for a category, empty sheets."""
    problems = []
    categories = session.exec(select(Category).where(Category.edition_id == edition_id)
                              .order_by(Category.position)).all()
    for rnd in _rounds(session, edition_id):
        if not rnd.scored:
            continue
        for cat in categories:
            sheets = session.exec(select(SheetDefinition).where(
                SheetDefinition.round_id == rnd.id, SheetDefinition.category_id == cat.id,
                SheetDefinition.active == True)).all()  # noqa: E712
            if not sheets:
                problems.append(i18n.msg("setup.no_sheet", round=names.label(rnd), category=names.label(cat)))
            for sheet in sheets:
                if _count(session, select(Criterion.id).where(Criterion.sheet_id == sheet.id)) == 0:
                    problems.append(i18n.msg("setup.sheet_without_criteria", round=names.label(rnd),
                                             category=names.label(cat), sheet=names.label(sheet)))
    return problems


# --- edition dates and rules ---------------------------------------------------------------


def update_edition(
    *,
    session: Session,
    actor: Actor,
    edition_id: int,
    name: str,
    opens_at: datetime | None,
    submission_deadline: datetime | None,
    closes_at: datetime | None,
    core_patent_cutoff: date | None,
    max_entries_per_enterprise: int,
    required_documents: list[str] | None = None,
    time_zone: str | None = None,
) -> Edition:
    """Name, dates and deadlines, the core-patent cut-off, the entry cap, required documents,
    the time zone its dates are set and shown in (an IANA name; None keeps it).

    Dates must follow each other: opening, then the submission deadline, then closing.
    """
    require_role(actor, Role.organiser)
    edition = _edition(session, edition_id)
    opens_at, closes_at = _utc(opens_at), _utc(closes_at)
    submission_deadline = _utc(submission_deadline)
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append(i18n.msg("setup.edition_name_needed"))
    if opens_at and submission_deadline and not opens_at < submission_deadline:
        problems.append(i18n.msg("setup.deadline_after_opening"))
    if submission_deadline and closes_at and not submission_deadline <= closes_at:
        problems.append(i18n.msg("setup.close_after_deadline"))
    if opens_at and closes_at and not opens_at < closes_at:
        problems.append(i18n.msg("setup.close_after_open"))
    if not isinstance(max_entries_per_enterprise, int) or max_entries_per_enterprise < 1:
        problems.append(i18n.msg("setup.cap_whole_number"))
    docs = list(edition.rules.get("required_documents", [])
                if required_documents is None else required_documents)
    unknown = [d for d in docs if d not in documents.DOCUMENT_KINDS]
    if unknown:
        problems.append(i18n.msg("setup.unknown_document_kinds", kinds=", ".join(unknown),
                                 allowed=[i18n.msg(f"documents.kind_{k}") for k in documents.DOCUMENT_KINDS]))
    time_zone = edition.time_zone if time_zone is None else time_zone
    if time_zone not in dates.zone_names():
        problems.append(i18n.msg("setup.unknown_time_zone", zone=time_zone))
    if problems:
        raise refused("common.please_correct", problems)
    before = {
        "name": edition.name, "time_zone": edition.time_zone, "opens_at": _iso(edition.opens_at),
        "submission_deadline": _iso(edition.submission_deadline),
        "closes_at": _iso(edition.closes_at),
        "core_patent_cutoff": _iso(edition.core_patent_cutoff),
        "max_entries_per_enterprise": edition.max_entries_per_enterprise,
        "required_documents": list(edition.rules.get("required_documents", [])),
    }
    edition.name, edition.time_zone = name, time_zone
    edition.opens_at = opens_at
    edition.submission_deadline = submission_deadline
    edition.closes_at = closes_at
    edition.core_patent_cutoff = core_patent_cutoff
    edition.max_entries_per_enterprise = max_entries_per_enterprise
    # a new dict so the JSON column is saved
    edition.rules = {**edition.rules, "required_documents": docs}
    after = {
        "name": name, "time_zone": time_zone, "opens_at": _iso(opens_at), "submission_deadline": _iso(submission_deadline),
        "closes_at": _iso(closes_at), "core_patent_cutoff": _iso(core_patent_cutoff),
        "max_entries_per_enterprise": max_entries_per_enterprise, "required_documents": docs,
    }
    session.add(edition)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit(session, actor, "edition.update", "edition", edition.id, edition_id=edition.id,
              changed=changed)
    session.commit()
    return edition


def set_tie_rule(*, session: Session, actor: Actor, edition_id: int, steps: list[str]) -> Edition:
    """The order of the tie rule's steps (heaviest criterion, raw points, median; any may be
    left out); whatever they leave tied the organiser decides with a recorded reason."""
    require_role(actor, Role.organiser)
    edition = _edition(session, edition_id)
    try:
        chosen = [*ranking.check_tie_rule(steps), ranking.ORGANISER]
    except ValueError as exc:
        raise InvalidInput("setup.tie_rule_refused", problem=getattr(exc, "message", str(exc))) from None
    _change_rule(session, actor, edition, "tie_rule", list(edition.rules.get("tie_rule") or ranking.DEFAULT_TIE_RULE),
                 chosen)
    session.commit()
    return edition


def _change_rule(session: Session, actor: Actor, edition: Edition, name: str, before: Any, after: Any) -> None:
    """Set one of edition.rules, audited as edition.<name> with before and after, if it changes."""
    if after != before:
        edition.rules = {**edition.rules, name: after}  # a new dict: the JSON column saves
        session.add(edition)
        audit(session, actor, f"edition.{name}", "edition", edition.id, edition_id=edition.id,
              before=before, after=after)


# --- groups, categories, tracks ---------------------------------------------------------------


def save_labels(*, session: Session, actor: Actor, edition_id: int, kind: str,
                rows: list[Mapping[str, Any]]) -> None:
    """Replace an edition's groups, categories or tracks by the edited table.

    Keys of saved rows stay as they are (files and imports use them); a row still used by
    entries, score sheets or judges' expertise cannot be removed.
    """
    require_role(actor, Role.organiser)
    if kind not in LABEL_KINDS:
        raise InvalidInput("setup.unknown_list", kind=kind)
    _edition(session, edition_id)
    model = LABEL_KINDS[kind]
    singular = {"groups": "Group", "categories": "Category", "tracks": "Track"}[kind]
    existing = {r.id: r for r in session.exec(select(model).where(model.edition_id == edition_id))}
    problems, kept_ids = rubrics.key_label_problems(rows, singular), set()
    for n, row in enumerate(rows, start=1):
        row_id = _id(row.get("id"))
        key = rubrics.cell_text(row.get("key"))
        where = rubrics.row_place(singular, n, key)
        if row_id is not None:
            if row_id not in existing:
                problems.append(i18n.msg("setup.row_gone", where=where))
                continue
            kept_ids.add(row_id)
            if key != existing[row_id].key:
                problems.append(i18n.msg("setup.key_fixed", where=where, key=existing[row_id].key))
        if kind == "categories":
            kinds = _split(row.get("core_kinds"))
            bad = [k for k in kinds if k not in {p.value for p in PatentKind}]
            if bad:
                problems.append(i18n.msg("setup.unknown_core_kinds", where=where, kinds=", ".join(bad),
                                         allowed=", ".join(p.value for p in PatentKind)))
    for row_id, record in existing.items():
        if row_id not in kept_ids:
            why = _label_in_use(session, kind, record)
            if why:
                problems.append(i18n.msg("setup.not_removable", what=i18n.msg(f"rubrics.what_{singular.lower()}"),
                                         key=record.key, why=why))
    if problems:
        raise refused(i18n.msg("setup.list_not_saved", list=i18n.msg(f"setup.list_{kind}")), problems)
    for row_id, record in existing.items():
        if row_id not in kept_ids:
            if kind == "categories":  # its unused rubrics go with it
                for sheet in session.exec(select(SheetDefinition)
                                          .where(SheetDefinition.category_id == record.id)):
                    for criterion in session.exec(select(Criterion)
                                                  .where(Criterion.sheet_id == sheet.id)):
                        session.delete(criterion)
                    session.flush()
                    session.delete(sheet)
                session.flush()
            audit(session, actor, f"{kind}.remove", singular.lower(), record.id,
                  edition_id=edition_id, key=record.key)
            session.delete(record)
    session.flush()
    for pos, row in enumerate(rows):
        row_id = _id(row.get("id"))
        if row_id is not None:
            record = existing[row_id]
        else:
            record = model(edition_id=edition_id, key=rubrics.cell_text(row["key"]))
        before = labels_dict(kind, record) if row_id is not None else None
        record.label = rubrics.cell_text(row.get("label"))
        record.labels = _labels(row, record.labels if row_id is not None else {})
        record.position = pos
        if kind == "groups":
            record.description = rubrics.cell_text(row.get("description"))
            record.descriptions = _labels(row, record.descriptions if row_id is not None else {}, "description")
        if kind == "categories":
            record.core_kinds = _split(row.get("core_kinds"))
        session.add(record)
        session.flush()
        after = labels_dict(kind, record)
        if before is None:
            audit(session, actor, f"{kind}.add", singular.lower(), record.id,
                  edition_id=edition_id, **after)
        elif before != after:
            audit(session, actor, f"{kind}.update", singular.lower(), record.id,
                  edition_id=edition_id, before=before, after=after)
    session.commit()


def award_tiers(*, session: Session, actor: Actor, edition_id: int) -> list[dict]:
    """The edition's award tiers as the organiser edits them: key, a label per language and
    how many entries of each group receive the tier."""
    require_role(actor, Role.organiser)
    return [{"key": tier.get("key", ""), **names.columns_of(tier), "per_group": int(tier.get("per_group", 0) or 0)}
            for tier in (_edition(session, edition_id).rules or {}).get("awards", [])]


def save_award_tiers(*, session: Session, actor: Actor, edition_id: int, rows: list[Mapping[str, Any]]) -> None:
    """Replace the edition's award tiers, best first, by the edited table.

    Each tier has a key, an English label and a whole number of awards per group (0 or
    more); a tier already granted to an entry cannot be removed.
    """
    require_role(actor, Role.organiser)
    edition = _edition(session, edition_id)
    problems = rubrics.key_label_problems(rows, "Award")
    tiers = []
    for n, row in enumerate(rows, start=1):
        key = rubrics.cell_text(row.get("key"))
        count = rubrics.cell_number(row.get("per_group"))
        if count is None or count < 0 or count != int(count):
            problems.append(i18n.msg("setup.per_group_whole", where=rubrics.row_place("Award", n, key),
                                     value=rubrics.cell_text(row.get("per_group"))))
            count = 0
        tiers.append({"key": key, "label": rubrics.cell_text(row.get("label")),
                      "labels": names.labels_from_row(row), "per_group": int(count)})
    before = [dict(tier) for tier in (edition.rules or {}).get("awards", [])]
    kept = {tier["key"] for tier in tiers}
    for tier in before:
        if tier.get("key") not in kept:
            granted = _count(session, select(Decision.id).where(
                Decision.edition_id == edition_id, Decision.kind == DecisionKind.award.value,
                Decision.outcome == tier.get("key"), Decision.active == True))  # noqa: E712
            if granted:
                problems.append(i18n.msg("setup.not_removable", what=i18n.msg("rubrics.what_award"),
                                         key=tier.get("key"), why=i18n.msg("setup.tier_granted", n=granted)))
    if problems:
        raise refused(i18n.msg("setup.list_not_saved", list=i18n.msg("setup.list_awards")), problems)
    _change_rule(session, actor, edition, "awards", before, tiers)
    session.commit()


def labels_dict(kind: str, record: Any) -> dict:
    out = {"key": record.key, "label": record.label, "labels": dict(record.labels or {}),
           "position": record.position}
    if kind == "groups":
        out["description"] = record.description
        out["descriptions"] = dict(record.descriptions or {})
    if kind == "categories":
        out["core_kinds"] = list(record.core_kinds)
    return out


def _label_in_use(session: Session, kind: str, record: Any) -> i18n.Message | None:
    column = {"groups": Entry.group_id, "categories": Entry.category_id,
              "tracks": Entry.track_id}[kind]
    entries = _count(session, select(Entry.id).where(column == record.id))
    if entries:
        return i18n.msg("setup.used_by_entries", n=entries)
    if kind == "categories":
        sheet_ids = list(session.exec(select(SheetDefinition.id)
                                      .where(SheetDefinition.category_id == record.id)))
        scored = _score_sheet_count(session, sheet_ids)
        if scored:
            return i18n.msg("setup.used_by_sheets", n=scored)
    if kind == "tracks":
        profiles = session.exec(select(JudgeProfile.expertise)
                                .where(JudgeProfile.edition_id == record.edition_id)).all()
        judges = sum(1 for expertise in profiles if record.key in (expertise or []))
        if judges:
            return i18n.msg("setup.used_by_judges", n=judges)
    return None


def _labels(row: Mapping[str, Any], current: Mapping[str, str], base: str = "label") -> dict[str, str]:
    """The other languages' labels (or descriptions) a row sets; a row that names none keeps
    the current ones."""
    keys = {names.TRANSLATED[base], *(names.column(code, base) for code in names.OTHER_LANGUAGES)}
    if base == "label":
        keys.add(names.LEGACY_COLUMN)
    if not keys & set(row):
        return dict(current or {})
    return names.labels_from_row(row, base)


def _split(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[;,]", rubrics.cell_text(value))
    return [str(i).strip() for i in items if str(i).strip()]


def _id(value: Any) -> int | None:
    number = rubrics.cell_number(value)
    return int(number) if number is not None else None


# --- rounds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSettings:
    """What the organiser sets for a round (weights in percent)."""

    label: str
    scored: bool = True
    blind: bool = False
    judges_per_entry: int = 3
    advancement_rule: str = AdvancementRule.none.value
    advancement_value: float = 0.0
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    labels: Mapping[str, str] = field(default_factory=dict)  # {language code: label}
    region_conflicts: bool = False
    public_vote_pct: float = 0.0
    carry_over_pct: float = 0.0  # share of the previous round's result carried into this one
    rank_by_category: bool = False
    method: str = "model"  # the ranking method the results start from


def round_problems(settings: RoundSettings) -> list[i18n.Message]:
    """Judges per entry a whole number from 1; top N a whole number from 1; a threshold 0-100."""
    problems = []
    if not settings.label.strip():
        problems.append(i18n.msg("setup.round_label_needed"))
    if settings.scored and (not isinstance(settings.judges_per_entry, int)
                            or not 1 <= settings.judges_per_entry <= MAX_JUDGES_PER_ENTRY):
        problems.append(i18n.msg("setup.judges_per_entry_range", max=MAX_JUDGES_PER_ENTRY))
    rule = settings.advancement_rule
    value = rubrics.cell_number(settings.advancement_value)
    if rule not in {r.value for r in AdvancementRule}:
        problems.append(i18n.msg("setup.unknown_rule", rule=rule))
    elif rule == AdvancementRule.top_n.value and (value is None or value < 1
                                                   or value != int(value)):
        problems.append(i18n.msg("setup.top_n_needed"))
    elif rule == AdvancementRule.threshold.value and (value is None or not 0 <= value <= 100):
        problems.append(i18n.msg("setup.threshold_range"))
    if (settings.opens_at and settings.closes_at
            and not _utc(settings.opens_at) < _utc(settings.closes_at)):
        problems.append(i18n.msg("setup.round_close_after_open"))
    pv = rubrics.cell_number(settings.public_vote_pct)
    carry = rubrics.cell_number(settings.carry_over_pct)
    if pv is None or not 0 <= pv < 100:
        problems.append(i18n.msg("setup.vote_share_range"))
    if carry is None or not 0 <= carry < 100:
        problems.append(i18n.msg("setup.carried_share_range"))
    if pv is not None and carry is not None and pv + carry >= 100:
        problems.append(i18n.msg("setup.shares_below_100"))
    if settings.method not in ranking.METHODS:
        problems.append(i18n.msg("setup.unknown_method", method=settings.method,
                                 methods=", ".join(ranking.METHODS)))
    return problems


def _apply_round(rnd: Round, settings: RoundSettings) -> None:
    rnd.label = settings.label.strip()
    rnd.labels = names.clean(settings.labels)
    rnd.scored = bool(settings.scored)
    rnd.blind = bool(settings.blind)
    rnd.judges_per_entry = int(settings.judges_per_entry)
    rnd.advancement_rule = settings.advancement_rule
    no_rule = settings.advancement_rule == AdvancementRule.none.value
    rnd.advancement_value = 0.0 if no_rule else float(settings.advancement_value)
    rnd.opens_at = _utc(settings.opens_at)
    rnd.closes_at = _utc(settings.closes_at)
    rnd.region_conflicts = bool(settings.region_conflicts)
    rnd.public_vote_weight = float(settings.public_vote_pct) / 100.0
    rnd.carry_over_weight = float(settings.carry_over_pct) / 100.0
    rnd.rank_by_category = bool(settings.rank_by_category)
    rnd.method = settings.method


def _round_audit(rnd: Round) -> dict:
    return {k: _iso(v) for k, v in _round_row(rnd).items() if k not in ("id", "status")}


def _reorder(session: Session, edition_id: int, rnd: Round, order: int | None) -> None:
    """Put the round at 1-based place `order` and number the others around it."""
    others = [r for r in _rounds(session, edition_id) if r.id != rnd.id]
    place = len(others) if order is None else min(max(int(order) - 1, 0), len(others))
    others.insert(place, rnd)
    for pos, r in enumerate(others):
        if r.position != pos:
            r.position = pos
            session.add(r)


def update_round(*, session: Session, actor: Actor, round_id: int, settings: RoundSettings,
                 order: int | None = None) -> Round:
    """Change a round's order, scoring, blindness, judges per entry, advancement and dates."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    problems = round_problems(settings)
    if rnd.scored and not settings.scored:
        scored = _count(session, select(ScoreSheet.id).where(ScoreSheet.round_id == rnd.id))
        if scored:
            problems.append(i18n.msg("setup.round_has_sheets", round=names.label(rnd), n=scored))
    if problems:
        raise refused("common.please_correct", problems)
    before = _round_audit(rnd)
    _apply_round(rnd, settings)
    session.add(rnd)
    if order is not None:
        _reorder(session, rnd.edition_id, rnd, order)
    session.flush()
    after = _round_audit(rnd)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit(session, actor, "round.update", "round", rnd.id, edition_id=rnd.edition_id,
              key=rnd.key, changed=changed)
    session.commit()
    return rnd


def add_round(*, session: Session, actor: Actor, edition_id: int, key: str, settings: RoundSettings,
              order: int | None = None) -> Round:
    """A new round; its score sheets are added afterwards per category."""
    require_role(actor, Role.organiser)
    _edition(session, edition_id)
    key = (key or "").strip()
    problems = round_problems(settings)
    if not rubrics.KEY_PATTERN.match(key):
        problems.append(i18n.msg("setup.round_key_invalid", key=key, rule=i18n.msg(rubrics.KEY_RULE)))
    elif session.exec(select(Round.id)
                      .where(Round.edition_id == edition_id, Round.key == key)).first():
        problems.append(i18n.msg("setup.round_key_taken", key=key))
    if problems:
        raise refused("common.please_correct", problems)
    rnd = Round(edition_id=edition_id, key=key, label=settings.label.strip())
    _apply_round(rnd, settings)
    rnd.position = len(_rounds(session, edition_id))
    session.add(rnd)
    session.flush()
    _reorder(session, edition_id, rnd, order)
    audit(session, actor, "round.add", "round", rnd.id, edition_id=edition_id, **_round_audit(rnd))
    session.commit()
    return rnd


def remove_round(*, session: Session, actor: Actor, round_id: int) -> None:
    """Only a round nothing refers to yet: no entries in it, no assignments, scores or decisions."""
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    uses = {
        "setup.in_use_entries": select(Entry.id).where(Entry.current_round_id == rnd.id),
        "setup.in_use_assignments": select(Assignment.id).where(Assignment.round_id == rnd.id),
        "setup.in_use_sheets": select(ScoreSheet.id).where(ScoreSheet.round_id == rnd.id),
        "setup.in_use_decisions": select(Decision.id).where(Decision.round_id == rnd.id),
    }
    reasons = [i18n.msg(why) for why, stmt in uses.items() if _count(session, stmt)]
    if reasons:
        raise InvalidInput("setup.round_not_removable", round=names.label(rnd), reasons=reasons)
    for board in session.exec(select(BoardState).where(BoardState.round_id == rnd.id)).all():
        session.delete(board)  # a board set up but never used (nothing on stage: no entries)
    sheets = session.exec(select(SheetDefinition).where(SheetDefinition.round_id == rnd.id)).all()
    for sheet in sheets:
        for c in session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id)).all():
            session.delete(c)
        session.flush()
        session.delete(sheet)
    session.flush()
    audit(session, actor, "round.remove", "round", rnd.id, edition_id=rnd.edition_id, key=rnd.key)
    edition_id = rnd.edition_id
    session.delete(rnd)
    session.flush()
    for pos, r in enumerate(_rounds(session, edition_id)):
        r.position = pos
        session.add(r)
    session.commit()


# --- score sheets of a round and category ---------------------------------------------------------


def save_sheets(*, session: Session, actor: Actor, round_id: int, category_id: int,
                rows: list[Mapping[str, Any]]) -> None:
    """The sheets a category is scored on in a round and their weights (percent, sum 100).

    Weights and the list of sheets are fixed once any of them has score sheets.
    """
    require_role(actor, Role.organiser)
    rnd = _round(session, round_id)
    category = session.get(Category, category_id)
    if category is None or category.edition_id != rnd.edition_id:
        raise NotFound("setup.no_such_category")
    current = {s.key: s for s in session.exec(select(SheetDefinition).where(
        SheetDefinition.round_id == round_id, SheetDefinition.category_id == category_id,
        SheetDefinition.active == True))}  # noqa: E712
    problems = rubrics.key_label_problems(rows, "Sheet")
    if not rows and rnd.scored:
        problems.append(i18n.msg("setup.category_needs_sheet", round=names.label(rnd),
                                 category=names.label(category)))
    problems += rubrics.check_weights(list(rows), "Sheet")
    if problems:
        raise refused("setup.sheets_not_saved", problems)
    all_versions = session.exec(select(SheetDefinition.id).where(
        SheetDefinition.round_id == round_id, SheetDefinition.category_id == category_id)).all()
    in_use = _score_sheet_count(session, list(all_versions))
    total_now = sum(s.weight for s in current.values()) or 1.0
    old_weights = {k: round(100.0 * s.weight / total_now, 6) for k, s in current.items()}
    typed_total = sum(float(rubrics.cell_number(r["weight"])) for r in rows) or 100.0
    new_weights = {
        rubrics.cell_text(r["key"]):
            round(100.0 * float(rubrics.cell_number(r["weight"])) / typed_total, 6)
        for r in rows
    }
    if in_use and (set(old_weights) != set(new_weights)
                   or any(abs(old_weights[k] - new_weights[k]) > rubrics.WEIGHT_TOLERANCE_PCT
                          for k in new_weights)):
        raise RubricInUse("setup.sheets_in_use", round=names.label(rnd), category=names.label(category), n=in_use)
    for key, sheet in current.items():
        if key not in new_weights:
            for c in session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id)).all():
                session.delete(c)
            session.flush()
            audit(session, actor, "sheet.remove", "sheet_definition", sheet.id,
                  edition_id=rnd.edition_id, round=rnd.key, category=category.key, key=key)
            session.delete(sheet)
    session.flush()
    for pos, row in enumerate(rows):
        key = rubrics.cell_text(row["key"])
        sheet = current.get(key)
        values = {"label": rubrics.cell_text(row.get("label")),
                  "labels": _labels(row, sheet.labels if sheet is not None else {}),
                  "weight": new_weights[key] / 100.0, "position": pos}
        if sheet is None:
            sheet = SheetDefinition(round_id=round_id, category_id=category_id, key=key, **values)
            session.add(sheet)
            session.flush()
            audit(session, actor, "sheet.add", "sheet_definition", sheet.id,
                  edition_id=rnd.edition_id, round=rnd.key, category=category.key, key=key,
                  weight_pct=new_weights[key])
            continue
        before = {"label": sheet.label, "labels": dict(sheet.labels or {}), "weight_pct": old_weights[key],
                  "position": sheet.position}
        for name, value in values.items():
            setattr(sheet, name, value)
        session.add(sheet)
        after = {"label": sheet.label, "labels": dict(sheet.labels or {}),
                 "weight_pct": new_weights[key], "position": pos}
        if before != after:
            audit(session, actor, "sheet.update", "sheet_definition", sheet.id,
                  edition_id=rnd.edition_id, round=rnd.key, category=category.key, key=key,
                  before=before, after=after)
    session.commit()


@dataclass(frozen=True)
class RubricSaved:
    sheet_id: int  # the active sheet now (a new one when a version was made)
    version: int
    new_version: bool
    changed: bool


def save_criteria(*, session: Session, actor: Actor, sheet_id: int, rows: list[Mapping[str, Any]],
                  new_version: bool = False) -> RubricSaved:
    """Save a sheet's criteria (weights in percent summing to 100, bands as text).

    With score sheets present, a change to what decides totals is refused unless
    new_version: then a new version becomes active and the old one is kept with its scores.
    """
    require_role(actor, Role.organiser)
    sheet = _sheet(session, sheet_id)
    rnd = _round(session, sheet.round_id)
    if not sheet.active:
        raise InvalidInput("setup.old_version_kept", version=sheet.version, sheet=names.label(sheet))
    clean, problems = rubrics.check_criteria(list(rows))
    if problems:
        raise refused(i18n.msg("setup.criteria_not_saved", sheet=names.label(sheet)), problems)
    total = sum(c["weight"] for c in clean)
    for c in clean:
        # shares summing to exactly 1, whatever the rounding typed
        c["weight"] = c["weight"] / total
    existing = list(session.exec(select(Criterion).where(Criterion.sheet_id == sheet.id)
                                 .order_by(Criterion.position, Criterion.id)))
    old = [{"key": c.key, "label": c.label, "labels": dict(c.labels or {}), "description": c.description,
            "descriptions": dict(c.descriptions or {}), "max_points": c.max_points, "step": c.step, "weight": c.weight,
            "bands": list(c.bands)} for c in existing]
    if _comparable(old) == _comparable(clean):
        return RubricSaved(sheet.id, sheet.version, False, False)
    scoring_changed = rubrics.scoring_signature(old) != rubrics.scoring_signature(clean)
    in_use = _score_sheet_count(session, [sheet.id])
    category = session.get(Category, sheet.category_id)
    if scoring_changed and in_use and not new_version:
        raise RubricInUse("setup.rubric_in_use", sheet=names.label(sheet), round=names.label(rnd),
                          category=names.label(category) if category else "", n=in_use)
    details = {"round": rnd.key, "category": category.key if category else None, "sheet": sheet.key,
               "before": _audit_criteria(old), "after": _audit_criteria(clean)}
    if scoring_changed and in_use:
        sheet.active = False
        session.add(sheet)
        session.flush()
        successor = SheetDefinition(round_id=sheet.round_id, category_id=sheet.category_id,
                                    key=sheet.key, label=sheet.label, labels=dict(sheet.labels or {}),
                                    weight=sheet.weight, version=_next_version(session, sheet),
                                    active=True, position=sheet.position)
        session.add(successor)
        session.flush()
        for pos, c in enumerate(clean):
            session.add(Criterion(sheet_id=successor.id, position=pos, **c))
        audit(session, actor, "rubric.new_version", "sheet_definition", successor.id,
              edition_id=rnd.edition_id,
              previous_sheet_id=sheet.id, previous_version=sheet.version, version=successor.version,
              score_sheets_on_previous=in_use, **details)
        session.commit()
        return RubricSaved(successor.id, successor.version, True, True)
    by_key = {c.key: c for c in existing}
    wanted = {c["key"] for c in clean}
    for key, record in by_key.items():
        if key not in wanted:
            session.delete(record)
    session.flush()
    for pos, c in enumerate(clean):
        record = by_key.get(c["key"]) or Criterion(sheet_id=sheet.id, key=c["key"])
        for name, value in c.items():
            setattr(record, name, value)
        record.position = pos
        session.add(record)
    audit(session, actor, "rubric.update", "sheet_definition", sheet.id, edition_id=rnd.edition_id,
          wording_only=not scoring_changed, score_sheets=in_use, **details)
    session.commit()
    return RubricSaved(sheet.id, sheet.version, False, True)


def _next_version(session: Session, sheet: SheetDefinition) -> int:
    top = session.exec(select(func.max(SheetDefinition.version)).where(
        SheetDefinition.round_id == sheet.round_id,
        SheetDefinition.category_id == sheet.category_id,
        SheetDefinition.key == sheet.key)).one()
    return int(top or 0) + 1


def _comparable(criteria: list[dict]) -> list:
    return [
        (c["key"], c["label"], sorted(names.clean(c.get("labels")).items()), c["description"],
         sorted(names.clean(c.get("descriptions")).items()),
         round(float(c["max_points"]), 9), round(float(c["step"]), 9), round(float(c["weight"]), 9),
         tuple((round(float(b["low"]), 6), round(float(b["high"]), 6), b["label"],
                tuple(sorted(names.clean(b.get("labels")).items())))
               for b in c["bands"]))
        for c in criteria
    ]


def _audit_criteria(criteria: list[dict]) -> list[dict]:
    return [{"key": c["key"], "label": c["label"], "labels": names.clean(c.get("labels")),
             "description": c["description"], "descriptions": names.clean(c.get("descriptions")),
             "max_points": c["max_points"], "step": c["step"],
             "weight_pct": round(100.0 * float(c["weight"]), 6),
             "bands": rubrics.format_bands(c["bands"])} for c in criteria]
