"""The statistics organisers publish every year: entries, eligibility, advancement and
awards by region, applicant type, track and category."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

DIMENSIONS = ("region", "applicant_type", "track", "category", "group")


def entry_statistics(entries: pd.DataFrame, *,
                     dimensions: Sequence[str] = DIMENSIONS,
                     awards: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per value of each dimension (and a first row for all entries) counting
    entries, eligible, advanced, awards and each award level.

    `entries` has the dimension columns and optionally `eligible` and `advanced`
    (booleans) and `award` (award key or empty). Award columns follow `awards`, else the
    order awards first appear. Blank dimension values count under "(none)".
    """
    frame = entries.copy()
    for flag in ("eligible", "advanced"):
        frame[flag] = frame[flag].fillna(False).astype(bool) if flag in frame else False
    award = frame["award"] if "award" in frame else pd.Series(None, index=frame.index,
                                                              dtype=object)
    award = award.astype(object).where(award.notna() & (award.astype(str) != ""), None)
    frame["award"] = award
    levels = list(awards) if awards is not None else list(
        dict.fromkeys(a for a in award.tolist() if a is not None))
    for level in levels:
        frame[f"award:{level}"] = frame["award"] == level
    frame["has_award"] = frame["award"].notna()
    counted = ["eligible", "advanced", "has_award"] + [f"award:{lv}" for lv in levels]

    def block(dimension: str, keys: pd.Series) -> pd.DataFrame:
        grouped = frame.groupby(keys, sort=True, dropna=False)
        table = grouped[counted].sum().astype(int)
        table.insert(0, "entries", grouped.size().astype(int))
        table = table.reset_index(drop=False, names="value")
        table.insert(0, "dimension", dimension)
        return table

    blocks = [block("all", pd.Series("all", index=frame.index))]
    for dimension in dimensions:
        if dimension not in frame:
            continue
        keys = frame[dimension].astype(object).where(
            frame[dimension].notna() & (frame[dimension].astype(str) != ""), "(none)")
        blocks.append(block(dimension, keys.astype(str)))
    result = pd.concat(blocks, ignore_index=True)
    result = result.rename(columns={"has_award": "awards",
                                    **{f"award:{lv}": str(lv) for lv in levels}})
    return result[["dimension", "value", "entries", "eligible", "advanced", "awards",
                   *[str(lv) for lv in levels]]]
