"""The organiser's reliability report (SCORING.md section 6), from a fitted ranking.

Pure: a ranking.RankingResult in, plain numbers and DataFrames out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from contest import i18n, ranking

ERRATIC_CORRELATION = 0.2  # a judge who agrees this little with the others is flagged
UNIFORM_SPREAD = 3.0  # points; a judge whose totals barely vary is not discriminating
MIN_BLOCK_ENTRIES = 5  # a panel sharing fewer entries is a coincidence of the assignment
MIN_CALIBRATION_ENTRIES = 2


@dataclass
class ReliabilityReport:
    """Design, variance shares, agreement before/after correction, judge and entry tables."""

    design: dict
    variance: pd.DataFrame  # per sheet: entry, judge and residual variance and shares
    alpha: pd.DataFrame  # per sheet: Krippendorff's alpha raw and after leniency correction
    blocks: pd.DataFrame  # complete blocks: sheet, entries, judges, icc_a1, icc_ak, kendall_w
    judges: pd.DataFrame
    entries: pd.DataFrame
    summary: list = field(default_factory=list)  # Messages (contest.i18n)


def krippendorff_alpha_interval(units: pd.Series, values: pd.Series) -> float:
    """Krippendorff's alpha for interval data; units with a single value are not pairable."""
    frame = pd.DataFrame({"u": units.to_numpy(), "v": values.to_numpy(float)})
    m = frame.groupby("u")["v"].transform("size")
    frame = frame[m >= 2]
    n = len(frame)
    if n < 2:
        return float("nan")
    g = frame.groupby("u")["v"]
    m_u = g.size()
    ss_u = g.apply(lambda v: float(((v - v.mean()) ** 2).sum()))
    # sum over ordered pairs within a unit of (v_c - v_k)^2 = 2 m_u SS_u
    d_o = float((2 * m_u * ss_u / (m_u - 1)).sum()) / n
    ss_tot = float(((frame["v"] - frame["v"].mean()) ** 2).sum())
    d_e = 2 * ss_tot / (n - 1)
    return float(1 - d_o / d_e) if d_e > 0 else float("nan")


def icc_two_way(matrix: np.ndarray) -> tuple[float, float]:
    """ICC(A,1) and ICC(A,k): two-way random effects, absolute agreement (McGraw & Wong)."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_rows = k * ((matrix.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((matrix.mean(axis=0) - grand) ** 2).sum()
    ss_err = ((matrix - grand) ** 2).sum() - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    single = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    average = (msr - mse) / (msr + (msc - mse) / n)
    return float(single), float(average)


def kendall_w(matrix: np.ndarray) -> float:
    """Kendall's coefficient of concordance (entries x judges), corrected for ties."""
    n, m = matrix.shape
    ranks = np.column_stack([stats.rankdata(matrix[:, j]) for j in range(m)])
    totals = ranks.sum(axis=1)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = 0.0
    for j in range(m):
        _, counts = np.unique(matrix[:, j], return_counts=True)
        ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    return s * 12 / denominator if denominator > 0 else float("nan")


def complete_blocks(ratings: pd.DataFrame, calibration: Sequence[int] = ()) -> list[dict]:
    """Entries that the same >= 2 judges all scored: panels (>= 5 entries), calibration entries
    (>= 2) with the judges who scored them all."""
    blocks = []
    for sheet, part in ratings.groupby("sheet"):
        panels = part.groupby("entry")["judge"].apply(lambda j: tuple(sorted(j)))
        found = {}
        for entry, panel in panels.items():
            if len(panel) >= 2:
                found.setdefault(panel, []).append(int(entry))
        if calibration:
            calib = [e for e in calibration if e in panels.index]
            if calib:
                shared = set.intersection(*(set(panels[e]) for e in calib))
                if len(shared) >= 2 and len(calib) >= MIN_CALIBRATION_ENTRIES:
                    blocks.append({"sheet": sheet, "judges": sorted(shared), "entries": calib, "calibration": True})
        for panel, entries in found.items():
            if len(entries) >= MIN_BLOCK_ENTRIES and set(entries) != set(calibration):
                blocks.append({"sheet": sheet, "judges": list(panel), "entries": entries, "calibration": False})
    blocks.sort(key=lambda b: (not b["calibration"], -len(b["entries"]) * len(b["judges"])))
    return blocks


def _block_table(ratings: pd.DataFrame, calibration: Sequence[int]) -> pd.DataFrame:
    rows = []
    for block in complete_blocks(ratings, calibration)[:20]:
        part = ratings[(ratings["sheet"] == block["sheet"])
                       & ratings["entry"].isin(block["entries"])
                       & ratings["judge"].isin(block["judges"])]
        matrix = part.pivot_table(index="entry", columns="judge", values="y").to_numpy()
        single, average = icc_two_way(matrix)
        rows.append({"sheet": block["sheet"], "calibration": block["calibration"], "n_entries": len(block["entries"]),
                     "n_judges": len(block["judges"]), "icc_a1": single, "icc_ak": average,
                     "kendall_w": kendall_w(matrix),
                     "judges": ",".join(str(j) for j in block["judges"])})
    columns = ["sheet", "calibration", "n_entries", "n_judges", "icc_a1", "icc_ak", "kendall_w", "judges"]
    return pd.DataFrame(rows, columns=columns)


def _judge_table(result: ranking.RankingResult) -> pd.DataFrame:
    r = result.ratings
    # Consensus = the other judges' leniency-corrected mean, so a judge is not compared
    # with a score they helped make (with 3 judges that would inflate the agreement).
    g = r.groupby(["sheet", "entry"])["corrected"]
    total, count = g.transform("sum"), g.transform("count")
    loo = ((total - r["corrected"]) / (count - 1)).where(count > 1)
    frame = r.assign(consensus=loo)
    rows = []
    for (sheet, judge), part in frame.groupby(["sheet", "judge"]):
        usable = part.dropna(subset=["consensus"])
        corr = (float(np.corrcoef(usable["y"], usable["consensus"])[0, 1])
                if len(usable) >= 3 and usable["y"].std() > 0 and usable["consensus"].std() > 0
                else float("nan"))
        rows.append({"sheet": sheet, "judge": int(judge), "ratings": len(part),
                     "spread": float(part["y"].std()) if len(part) > 1 else float("nan"),
                     "consensus_correlation": corr,
                     "mean_score": float(part["y"].mean())})
    table = pd.DataFrame(rows).merge(
        result.judges.rename(columns={"offset": "leniency", "se": "leniency_se"})
        [["sheet", "judge", "leniency", "leniency_se", "downweighted_share"]],
        on=["sheet", "judge"], how="left")
    # A judge's leniency stands out when it lies beyond 3 robust SDs of the other judges'.
    centre = table.groupby("sheet")["leniency"].transform("median")
    mad = table.groupby("sheet")["leniency"].transform(lambda v: (v - v.median()).abs().median())
    table["outlier_"] = (table["leniency"] - centre).abs() > 3 * 1.4826 * mad
    flags = []
    for row in table.itertuples():
        f = []
        if row.ratings < ranking.MIN_JUDGE_RATINGS:
            f.append("few_ratings")
        if (row.ratings >= 5 and not np.isnan(row.consensus_correlation)
                and row.consensus_correlation < ERRATIC_CORRELATION) \
                or row.downweighted_share > 0.3:
            f.append("erratic")
        if row.ratings >= 5 and row.spread < UNIFORM_SPREAD:
            f.append("uniform")
        if row.outlier_ and abs(row.leniency) > 2 * (row.leniency_se or 0):
            f.append("lenient" if row.leniency > 0 else "harsh")
        flags.append(",".join(f))
    table["flags"] = flags
    table = table.drop(columns="outlier_")
    return table.sort_values(["sheet", "leniency"], ascending=[True, False]).reset_index(
        drop=True)


def _entry_table(result: ranking.RankingResult) -> pd.DataFrame:
    r = result.ratings
    sigma = r["sheet"].map(result.sigma).astype(float)
    r = r.assign(z=(r["residual"] / sigma.where(sigma > 0)).abs())
    g = r.groupby("entry")
    table = pd.DataFrame({
        "disagreement": g["corrected"].std(),
        "largest_residual": g["residual"].apply(lambda v: float(v.abs().max())),
        "extreme": g["z"].max() > 3,
        "lowest": g["corrected"].min(),
        "highest": g["corrected"].max(),
    })
    sheet_sigma = r.groupby("entry")["sheet"].first().map(result.sigma).astype(float)
    table["large_disagreement"] = table["disagreement"] > 2 * sheet_sigma
    e = result.entries.set_index("entry")
    table = table.join(e[["group", "adjusted_score", "in_cut", "p_cut", "borderline"]])
    # The cut score of a group: the lowest adjusted score still inside the cut.
    cut_score = e[e["in_cut"]].groupby("group")["adjusted_score"].min()
    line = table["group"].map(cut_score)
    straddle = (table["lowest"] < line) & (table["highest"] >= line)
    table["split_at_cut"] = straddle.fillna(False) | table["borderline"].fillna(False)
    flags = []
    for row in table.itertuples():
        f = [name for name, on in (("large_disagreement", row.large_disagreement),
                                   ("extreme_rating", row.extreme),
                                   ("split_at_cut", row.split_at_cut)) if on]
        flags.append(",".join(f))
    table["flags"] = flags
    return table.reset_index()[["entry", "group", "adjusted_score", "disagreement",
                                "largest_residual", "lowest", "highest", "flags"]]


def build_report(
    result: ranking.RankingResult,
    *,
    conflicts_excluded: int = 0,
    calibration: Sequence[int] = (),
    calibration_ratings: pd.DataFrame | None = None,
) -> ReliabilityReport:
    """Everything SCORING.md section 6 asks for, from one fitted ranking."""
    r = result.ratings
    pairs = r.drop_duplicates(["sheet", "entry", "judge"])
    per_judge = pairs.groupby(["sheet", "judge"]).size()
    per_entry = pairs.groupby(["sheet", "entry"]).size()
    design = {
        "ratings": int(len(r)), "entries": int(r["entry"].nunique()),
        "judges": int(r["judge"].nunique()),
        "ratings_per_judge_min": int(per_judge.min()),
        "ratings_per_judge_median": float(per_judge.median()),
        "ratings_per_judge_max": int(per_judge.max()),
        "ratings_per_entry_min": int(per_entry.min()),
        "ratings_per_entry_median": float(per_entry.median()),
        "ratings_per_entry_max": int(per_entry.max()),
        "connected_pieces": result.design.n_components,
        "conflicts_excluded": int(conflicts_excluded),
    }

    var_rows, alpha_rows = [], []
    for sheet, part in r.groupby("sheet"):
        judges = result.judges[result.judges["sheet"] == sheet]
        sigma = float(result.sigma.get(sheet, 0.0))
        tau = float(result.tau.get(sheet, 0.0)) or float(judges["offset"].std(ddof=0))
        entry_means = part.groupby("entry")["corrected"].mean()
        # Entry signal: spread of corrected entry means less the noise averaged into them.
        noise_in_means = sigma**2 * float((1 / part.groupby("entry").size()).mean())
        signal = max(float(entry_means.var()) - noise_in_means, 0.0)
        total = signal + tau**2 + sigma**2
        var_rows.append({"sheet": sheet, "entry_variance": signal, "judge_variance": tau**2,
                         "residual_variance": sigma**2,
                         "entry_share": signal / total if total else float("nan"),
                         "judge_share": tau**2 / total if total else float("nan"),
                         "residual_share": sigma**2 / total if total else float("nan"),
                         "judges_differ_by": tau})
        alpha_rows.append({
            "sheet": sheet,
            "alpha_raw": krippendorff_alpha_interval(part["entry"], part["y"]),
            "alpha_corrected": krippendorff_alpha_interval(part["entry"], part["corrected"]),
        })
    variance = pd.DataFrame(var_rows)
    alpha = pd.DataFrame(alpha_rows)
    # Calibration sheets left out of the ranking still make the calibration block.
    blocks = _block_table(r if calibration_ratings is None or calibration_ratings.empty
                          else pd.concat([r, calibration_ratings], ignore_index=True), calibration)
    judges = _judge_table(result)
    entries = _entry_table(result)

    # Messages, rendered in the reader's language at the edge (page, workbook)
    summary = [
        i18n.msg("reliability.summary_design", ratings=design["ratings"], entries=design["entries"],
                 judges=design["judges"], per_entry_min=design["ratings_per_entry_min"],
                 per_entry_max=design["ratings_per_entry_max"], per_judge_min=design["ratings_per_judge_min"],
                 per_judge_max=design["ratings_per_judge_max"]),
        i18n.msg("reliability.summary_connected") if result.design.connected else
        i18n.msg("reliability.summary_pieces", n=result.design.n_components),
    ]
    if conflicts_excluded:
        summary.append(i18n.msg("reliability.summary_conflicts", n=conflicts_excluded))
    for row in variance.itertuples():
        if np.isnan(row.entry_share):
            summary.append(i18n.msg("reliability.summary_too_few", sheet=row.sheet))
            continue
        summary.append(i18n.msg("reliability.summary_variation", sheet=row.sheet,
                                points=f"{row.judges_differ_by:.1f}", entries=f"{row.entry_share:.0%}",
                                leniency=f"{row.judge_share:.0%}", disagreement=f"{row.residual_share:.0%}"))
    for row in alpha.itertuples():
        if np.isnan(row.alpha_raw):
            summary.append(i18n.msg("reliability.summary_no_agreement", sheet=row.sheet))
            continue
        summary.append(i18n.msg("reliability.summary_alpha", sheet=row.sheet, raw=f"{row.alpha_raw:.2f}",
                                corrected=f"{row.alpha_corrected:.2f}"))
    flagged = judges[judges["flags"].str.len() > 0]
    if len(flagged):
        summary.append(i18n.msg("reliability.summary_flagged", n=len(flagged)))
    return ReliabilityReport(design, variance, alpha, blocks, judges, entries, summary)
