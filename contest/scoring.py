"""One score sheet: validate criterion scores, total them, blend a round's sheets.

Pure rules (SCORING.md section 1): plain values in, plain values out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    """A descriptor judges see beside the input: [low_pct, high_pct) of the maximum."""

    low_pct: float
    high_pct: float
    label: str


def _default_band(low: float, high: float, word: str) -> Band:
    """A default descriptor named in every language (catalogue ids band.weak, ...)."""
    from contest import i18n
    from contest.labels import OTHER_LANGUAGES, Label

    return Band(low, high, Label(word, {code: i18n.text(f"band.{word}", code) for code in OTHER_LANGUAGES}))


DEFAULT_BANDS: tuple[Band, ...] = (
    _default_band(0.0, 40.0, "weak"),
    _default_band(40.0, 70.0, "adequate"),
    _default_band(70.0, 90.0, "strong"),
    _default_band(90.0, 100.0, "outstanding"),
)


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of a sheet: scores lie in [0, max_points] on multiples of step."""

    key: str
    label: str
    max_points: float
    step: float
    weight: float
    bands: tuple[Band, ...] = DEFAULT_BANDS


class ScoreError(ValueError):
    """Scores refused; `problems` lists (criterion key, message naming the criterion)."""

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems: list[tuple[str, str]] = list(problems)
        super().__init__("; ".join(str(message) for _, message in self.problems))


def _msg(message_id: str, **params):
    """A problem as a message id with parameters, rendered in the reader's language."""
    from contest import i18n

    return i18n.msg(message_id, **params)


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_number(value: object) -> float | None:
    """A finite float, or None when the value is not a usable number."""
    if isinstance(value, bool):
        return None  # True would silently count as 1 point
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    return number if math.isfinite(number) else None


def _on_step(value: float, step: float) -> bool:
    if step <= 0:
        return True
    ratio = value / step
    return abs(ratio - round(ratio)) <= 1e-6


def _fmt(x: float) -> str:
    return f"{x:g}"


def validate_scores(
    criteria: Sequence[CriterionSpec], values: Mapping[str, object], *, complete: bool
) -> dict[str, float]:
    """Checked scores by criterion key; raises ScoreError listing every problem.

    A draft (complete=False) may leave criteria empty; a submitted sheet may not.
    """
    by_key = {c.key: c for c in criteria}
    problems: list[tuple[str, str]] = []
    checked: dict[str, float] = {}
    for key in values:
        if key not in by_key:
            problems.append((key, _msg("scoring.unknown_criterion", key=key)))
    for c in criteria:
        raw = values.get(c.key)
        if _is_empty(raw) or (isinstance(raw, float) and math.isnan(raw)):
            if complete:
                problems.append((c.key, _msg("scoring.required", criterion=c.label)))
            continue
        number = _as_number(raw)
        if number is None:
            problems.append((c.key, _msg("scoring.not_a_number", criterion=c.label, value=str(raw))))
            continue
        if number < 0:
            problems.append((c.key, _msg("scoring.negative", criterion=c.label, value=_fmt(number))))
            continue
        if number > c.max_points + 1e-9:
            problems.append((c.key, _msg("scoring.above_maximum", criterion=c.label, value=_fmt(number),
                                         maximum=_fmt(c.max_points))))
            continue
        if not _on_step(number, c.step):
            problems.append((c.key, _msg("scoring.off_step", criterion=c.label, value=_fmt(number),
                                         step=_fmt(c.step))))
            continue
        checked[c.key] = number
    if problems:
        raise ScoreError(problems)
    return checked


def normalised_weights(criteria: Sequence[CriterionSpec]) -> dict[str, float]:
    """Criterion weights scaled to sum 1; all-zero weights fall back to max points."""
    weights = {c.key: float(c.weight) for c in criteria}
    bad = [c for c in criteria if not (math.isfinite(weights[c.key]) and weights[c.key] >= 0)]
    if bad:
        raise ScoreError([(c.key, _msg("scoring.weight_negative", criterion=c.label)) for c in bad])
    total = sum(weights.values())
    if total <= 0:
        weights = {c.key: float(c.max_points) for c in criteria}
        total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def sheet_total(criteria: Sequence[CriterionSpec], values: Mapping[str, object]) -> float:
    """y = 100 * sum_c w_c * s_c / M_c, weights normalised to sum 1 (0-100)."""
    checked = validate_scores(criteria, values, complete=True)
    weights = normalised_weights(criteria)
    return 100.0 * sum(weights[c.key] * checked[c.key] / c.max_points for c in criteria)


def band_for(criterion: CriterionSpec, value: float) -> Band:
    """The band holding value as a share of the maximum; 100 % falls in the top band."""
    pct = 100.0 * float(value) / criterion.max_points if criterion.max_points else 0.0
    bands = sorted(criterion.bands, key=lambda b: b.low_pct)
    for band in bands:
        if band.low_pct <= pct < band.high_pct:
            return band
    return bands[-1] if pct >= bands[-1].low_pct else bands[0]


def comment_required(criterion: CriterionSpec, value: float) -> bool:
    """A comment is required for a score in the lowest or the highest band."""
    bands = sorted(criterion.bands, key=lambda b: b.low_pct)
    band = band_for(criterion, value)
    return band == bands[0] or band == bands[-1]


def rescale_public_votes(votes: Mapping[object, float]) -> dict[object, float]:
    """Vote counts to 0-100: the most-voted entry gets 100, none gets 0."""
    top = max((float(v) for v in votes.values()), default=0.0)
    if top <= 0:
        return {k: 0.0 for k in votes}
    return {k: 100.0 * max(float(v), 0.0) / top for k, v in votes.items()}


def blend_round(
    sheet_scores: Mapping[str, float],
    sheet_weights: Mapping[str, float],
    *,
    public_vote: float | None = None,
    public_vote_weight: float = 0.0,
    public_vote_max: float = 100.0,
    carried: float | None = None,
    carry_weight: float = 0.0,
) -> float:
    """An entry's round score (0-100) from its sheet scores, public vote and carried result.

    Sheets blend by their weights (normalised to sum 1); the public vote, first rescaled to
    0-100 against public_vote_max, and a carried result take their shares off the top.
    """
    problems: list[tuple[str, str]] = []
    for key, weight in sheet_weights.items():
        if not math.isfinite(float(weight)) or float(weight) < 0:
            problems.append((key, f"Sheet '{key}': weight must be zero or positive."))
        elif float(weight) > 0 and key not in sheet_scores:
            problems.append((key, f"Sheet '{key}': no score for this entry."))
    for key in sheet_scores:
        if key not in sheet_weights:
            problems.append((key, f"Sheet '{key}' has no weight in this round."))
    for name, share in (("public vote", public_vote_weight), ("carried result", carry_weight)):
        if not (0.0 <= float(share) < 1.0):
            problems.append((name, f"The {name} share must lie in [0, 1), got {_fmt(share)}."))
    if float(public_vote_weight) + float(carry_weight) >= 1.0:
        problems.append(("shares", "Public vote and carried shares together must stay below 1."))
    if carry_weight > 0 and carried is None:
        problems.append(("carried", "A carried share is set but the previous result is missing."))
    if public_vote_max <= 0:
        problems.append(("public vote", "The public vote maximum must be positive."))
    if problems:
        raise ScoreError(problems)

    total_weight = sum(float(w) for w in sheet_weights.values())
    if total_weight <= 0:
        raise ScoreError([("sheets", "The round's sheet weights sum to zero.")])
    sheets = sum(float(w) * float(sheet_scores[k]) for k, w in sheet_weights.items() if w > 0)
    sheets /= total_weight
    # An entry nobody voted for has zero votes, not an unknown score.
    vote = 100.0 * min(max(float(public_vote or 0.0), 0.0), public_vote_max) / public_vote_max
    own_share = 1.0 - public_vote_weight - carry_weight
    result = own_share * sheets + public_vote_weight * vote
    if carry_weight > 0:
        result += carry_weight * float(carried)  # type: ignore[arg-type]
    return result
