"""An entrant's feedback on one entry in one round, from plain values. Pure: no database.

What an entrant learns: the entry's adjusted score and where it stands in its group (the
percentile), each criterion's mean score against the group's spread on that criterion, and
the judges' comments per criterion with nothing that tells which judge wrote which.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from contest import redaction

GENERAL = ""  # the comments key of remarks on the whole sheet rather than one criterion
JUDGE = "[judge]"  # what a judge's own name or email inside a comment becomes


def percentile(score: float, group_scores: Iterable[float]) -> float:
    """The share (0-100) of the group's other entries whose adjusted score is below this
    one, ties counting half: 100 is ahead of every other entry, 0 behind all, 50 in the
    middle. The entry itself is left out of the count; a group of one entry gives 100."""
    others = list(group_scores)
    if score in others:
        others.remove(score)
    if not others:
        return 100.0
    below = sum(1 for s in others if s < score)
    tied = sum(1 for s in others if s == score)
    return 100.0 * (below + 0.5 * tied) / len(others)


@dataclass(frozen=True)
class Spread:
    """A group's scores on one criterion: lowest, quartiles, highest and how many entries."""

    low: float
    q1: float
    median: float
    q3: float
    high: float
    n: int


def spread(values: Iterable[float]) -> Spread:
    """The five numbers of a group's scores (quartiles by linear interpolation between the
    sorted scores, the 'inclusive' method: the lowest is the 0th and the highest the 100th
    percentile). One score is its own quartiles."""
    ordered = sorted(float(v) for v in values if v is not None and not math.isnan(v))
    if not ordered:
        raise ValueError("a spread needs at least one score")
    if len(ordered) == 1:
        only = ordered[0]
        return Spread(only, only, only, only, only, 1)
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(ordered[0], q1, median, q3, ordered[-1], len(ordered))


def anonymous(comments: Iterable[str], *, judges: Sequence[str] = ()) -> tuple[str, ...]:
    """Comments as an entrant may read them: blank ones dropped, any judge's name or email
    (and the parts of it, contest.redaction) replaced by [judge], in alphabetical order so
    the order says nothing of who wrote first or of the judges' order in the round."""
    terms = redaction.identity_terms(judges)
    cleaned = (redaction.redact(" ".join(str(c).split()), terms, replacement=JUDGE)
               for c in comments if c and str(c).strip())
    return tuple(sorted(cleaned, key=lambda text: (text.casefold(), text)))


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion of the entry's score sheet as feedback shows it."""

    key: str  # unique in the round: sheet key and criterion key
    label: object  # its name (a contest.labels.Label, or plain text)
    max_points: float


@dataclass(frozen=True)
class CriterionFeedback:
    key: str
    label: object
    max_points: float
    score: float  # the mean of the entry's judges on this criterion
    group: Spread  # the group's entries' means on this criterion, this entry's included
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Feedback:
    adjusted_score: float | None
    percentile: float | None  # None when the entry has no adjusted score
    group_size: int  # entries of the group with an adjusted score
    judges: int  # how many judges' sheets the scores come from
    criteria: tuple[CriterionFeedback, ...]
    general: tuple[str, ...]  # comments on the whole sheet
    comments_included: bool


def entry_feedback(
    entry: int, *, adjusted: Mapping[int, float | None], criteria: Sequence[CriterionSpec],
    scores: Mapping[str, Mapping[int, Sequence[float]]],
    comments: Mapping[str, Sequence[str]] | None = None, judges: int = 0,
    judge_identities: Sequence[str] = (),
) -> Feedback:
    """One entry's feedback. `adjusted` holds the adjusted score of every entry in its group,
    `scores` each criterion's (by key) judges' scores per entry of the group, `comments` the
    entry's comments per criterion key (GENERAL for the whole sheet), or None to leave them
    out. A criterion the entry has no score on is left out; the group's spread on a criterion
    is over the entries of the group that were scored on it."""
    own = adjusted.get(entry)
    group = [float(s) for s in adjusted.values() if s is not None and not math.isnan(s)]
    standing = percentile(float(own), group) if own is not None and not math.isnan(own) else None
    shown = []
    for spec in criteria:
        per_entry = {e: [float(v) for v in values if v is not None]
                     for e, values in scores.get(spec.key, {}).items()}
        means = {e: statistics.fmean(values) for e, values in per_entry.items() if values}
        if entry not in means:
            continue
        said = anonymous((comments or {}).get(spec.key, ()), judges=judge_identities)
        shown.append(CriterionFeedback(spec.key, spec.label, float(spec.max_points), means[entry],
                                       spread(means.values()), said))
    general = anonymous((comments or {}).get(GENERAL, ()), judges=judge_identities)
    return Feedback(None if standing is None else float(own), standing, len(group), judges,
                    tuple(shown), general, comments is not None)


@dataclass(frozen=True)
class Report:
    """What an entrant's feedback report shows about one entry in one round."""

    edition: str
    entry_id: int
    entry_code: str
    entry_title: str
    round_id: int
    round_key: str
    round: object  # the round's name (a Label)
    group: object  # the group's name (a Label)
    published_at: object  # when the round's results were first published (aware datetime)
    time_zone: str  # the edition's, to show that moment on the contest's clock
    feedback: Feedback
