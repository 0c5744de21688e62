"""The live board's formula for a roadshow round (semi-final, final): how the judges' totals
for the entry on stage become its round score, and the words the board shows for it.

Pure: totals in, a score out. Mean, median and trimmed (the mean without one highest and
one lowest total once there are three or more, as ranking.py trims) give what the ranking
gives a complete panel scoring one sheet. The judge-offset model and z-scores weigh each
judge against their scores of every other entry, so no figure for one entry on its own
equals them: the board shows the plain mean and says so in a note (it does not refuse).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from contest import ranking
from contest.i18n import Message, RuleError, msg

# The methods whose result for one entry needs only that entry's totals.
LIVE_METHODS = ("mean", "trimmed", "median")
TRIM_FROM = 3  # totals needed before one highest and one lowest are left out


@dataclass(frozen=True)
class Formula:
    """What the board computes (`rule`) for a round ranked by `method`."""

    method: str
    rule: str

    @property
    def description(self) -> Message:
        """The formula in words, for the venue screen."""
        return msg(f"roadshow.formula_{self.rule}")

    @property
    def note(self) -> Message | None:
        """Why the board's figure is not the round's ranking method, when it is not."""
        return None if self.method == self.rule else msg(f"roadshow.note_{self.method}")


@dataclass(frozen=True)
class Outcome:
    """The formula's result (None without totals) and the positions of the totals it left out."""

    score: float | None
    dropped: tuple[int, ...] = ()


def formula_for(method: str) -> Formula:
    """The round's method as the board shows it: itself when live, else the plain mean."""
    if method not in ranking.METHODS:
        raise RuleError("ranking.method_unknown", method=method, methods=", ".join(ranking.METHODS))
    return Formula(method, method if method in LIVE_METHODS else "mean")


def apply(formula: Formula, totals: Sequence[float]) -> Outcome:
    """The round score of one entry from its judges' totals, by the formula's rule."""
    values = [float(v) for v in totals]
    if not values:
        return Outcome(None)
    if formula.rule == "median":
        return Outcome(float(statistics.median(values)))
    if formula.rule == "trimmed" and len(values) >= TRIM_FROM:
        lowest = values.index(min(values))
        highest = len(values) - 1 - values[::-1].index(max(values))  # never the lowest's position
        kept = [v for i, v in enumerate(values) if i not in (lowest, highest)]
        return Outcome(sum(kept) / len(kept), tuple(sorted((lowest, highest))))
    return Outcome(sum(values) / len(values))
