"""Scores to rankings: judge-offset model, simple methods, rank intervals, the tie rule.

SCORING.md sections 2-5. Pure: DataFrames in, DataFrames out. A ratings frame has one row
per submitted sheet: entry (int), judge (int), sheet (str), y (0-100 sheet total), and
optionally heaviest (score on the sheet's heaviest criterion, 0-100) and raw_points (sum
of raw points) for the tie rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, sparse, stats
from scipy.sparse import csgraph
from scipy.sparse import linalg as splinalg

from contest import scoring
from contest.i18n import RuleError, msg

METHODS = ("model", "mean", "trimmed", "median", "zscore")

# One line each: when the method misleads (SCORING.md section 5), in the reader's language
# (the catalogue holds the text; a workbook or a page renders it at the edge).
METHOD_WARNINGS = {m: msg(f"common.method_warning_{m}") for m in METHODS}

HUBER_C = 1.345
MIN_JUDGE_RATINGS = 8
MIN_ENTRY_RATINGS = 3
# The tie rule's steps (CONTEST.md): each compares one key, higher wins; whatever they all
# leave equal the organiser decides, with a recorded reason.
TIE_RULES = ("heaviest_criterion", "raw_points", "median")
ORGANISER = "organiser"
DEFAULT_TIE_RULE = (*TIE_RULES, ORGANISER)
_TIE_COLUMNS = {"heaviest_criterion": "tb_heaviest", "raw_points": "tb_raw_points",
                "median": "tb_median"}
# What each step means, for people (the keys are for files and settings).
TIE_LABELS = {step: msg(f"ranking.tie_{step}") for step in DEFAULT_TIE_RULE}


@dataclass(frozen=True)
class Cut:
    """Advancement or award cut: the top N of each group, or a score threshold."""

    top: int | None = None
    threshold: float | None = None

    def __post_init__(self) -> None:
        if (self.top is None) == (self.threshold is None):
            raise RuleError("ranking.cut_either")
        if self.top is not None and self.top < 1:
            raise RuleError("ranking.cut_top_at_least_one")


@dataclass
class DesignReport:
    """Who scored what, as a bipartite graph: connected pieces and thin spots."""

    connected: bool
    n_components: int
    components: list[dict]  # {"entries": [...], "judges": [...]}, largest first
    warnings: list[str]
    thin_judges: dict[int, int] = field(default_factory=dict)
    thin_entries: dict[int, int] = field(default_factory=dict)


class DisconnectedDesign(ValueError):
    """The round's judges and entries fall into pieces that share no judge."""

    def __init__(self, report: DesignReport, sheet: str | None = None):
        self.report = report
        self.sheet = sheet
        sizes = ", ".join(
            f"{len(c['entries'])} entries/{len(c['judges'])} judges"
            for c in report.components[:5]
        )
        where = f" on sheet '{sheet}'" if sheet else ""
        super().__init__(
            f"The ratings{where} split into {report.n_components} separate groups of "
            f"judges and entries that share no judge ({sizes}). Scores from different groups "
            "cannot be put on one scale: if one group's judges happen to be generous, its "
            "entries look better, and nothing in the data can tell that apart from better "
            "entries. Ask a few judges to score entries in more than one group (the bridging "
            "quota, or 3-5 shared calibration entries), then rank again; or use another "
            "method knowing that it ignores judge leniency."
        )

    def __reduce__(self):  # raised in a worker process, raised again in the app (pickled)
        return (type(self), (self.report, self.sheet))


@dataclass
class RankingResult:
    """A ranking with enough detail to explain each decision."""

    entries: pd.DataFrame
    judges: pd.DataFrame
    sigma: dict[str, float]
    tau: dict[str, float]
    method: str
    warnings: list[str]
    design: DesignReport
    ratings: pd.DataFrame  # input plus fitted, residual, weight, corrected
    draws: int = 0
    cut: Cut | None = None


# ---------------------------------------------------------------- design check


def check_design(ratings: pd.DataFrame) -> DesignReport:
    """Connected pieces of the judge-entry graph, judges under 8 and entries under 3 ratings."""
    e_ids, e_codes = np.unique(ratings["entry"].to_numpy(), return_inverse=True)
    j_ids, j_codes = np.unique(ratings["judge"].to_numpy(), return_inverse=True)
    n_e, n_j = len(e_ids), len(j_ids)
    if n_e == 0:
        return DesignReport(True, 0, [], [msg("ranking.no_ratings")])
    graph = sparse.coo_matrix(
        (np.ones(len(e_codes)), (e_codes, n_e + j_codes)), shape=(n_e + n_j, n_e + n_j)
    )
    n_comp, labels = csgraph.connected_components(graph, directed=False)
    components = []
    for c in range(n_comp):
        entries = [int(x) for x in e_ids[labels[:n_e] == c]]
        judges = [int(x) for x in j_ids[labels[n_e:] == c]]
        components.append({"entries": entries, "judges": judges})
    components.sort(key=lambda c: (-len(c["entries"]) - len(c["judges"]), c["entries"][:1]))

    pairs = np.unique(e_codes * n_j + j_codes)  # each entry-judge pair once (over sheets)
    per_judge = np.bincount(pairs % n_j, minlength=n_j)
    per_entry = np.bincount(pairs // n_j, minlength=n_e)
    thin_j = {int(j_ids[k]): int(v) for k, v in enumerate(per_judge) if v < MIN_JUDGE_RATINGS}
    thin_e = {int(e_ids[k]): int(v) for k, v in enumerate(per_entry) if v < MIN_ENTRY_RATINGS}
    warnings = []
    if n_comp > 1:
        warnings.append(msg("ranking.design_pieces", n=n_comp))
    if thin_j:
        warnings.append(msg("ranking.thin_judges", n=len(thin_j), min=MIN_JUDGE_RATINGS))
    if thin_e:
        warnings.append(msg("ranking.thin_entries", n=len(thin_e), min=MIN_ENTRY_RATINGS))
    return DesignReport(n_comp == 1, n_comp, components, warnings, thin_j, thin_e)


# ---------------------------------------------------------------- per-sheet fits


@dataclass
class _SheetFit:
    """One sheet's entry scores, their uncertainty and a sampler for interval draws."""

    entries: np.ndarray  # entry ids
    score: np.ndarray
    se: np.ndarray
    sample: Callable[[np.random.Generator, int], np.ndarray]  # -> (n_entries, n_draws)
    judges: pd.DataFrame
    sigma: float
    tau: float
    rating_cols: dict[str, np.ndarray]


def _robust_sigma(residuals: np.ndarray, leverage: np.ndarray) -> float:
    """1.4826 * median |r| / sqrt(1 - h): residuals standardised by their leverage h."""
    # A rating that alone determines its entry (h near 1) says nothing about the noise.
    keep = leverage < 0.99
    if not np.any(keep):
        return 1e-6
    scaled = np.abs(residuals[keep]) / np.sqrt(1.0 - leverage[keep])
    return max(1.4826 * float(np.median(scaled)), 1e-6)


DENSE_JUDGES = 4000  # up to this many judges the judge block is solved densely


class _NormalEquations:
    """min sum w (y - S_e - b_j)^2 + lam sum (b_j - b0_j)^2, entries eliminated exactly.

    The same minimiser sparse least squares (lsqr) would approach iteratively; eliminating
    the unpenalised entry scores leaves one small judge-by-judge system, factorised once and
    reused by every interval draw.
    """

    def __init__(self, e, j, n_e, n_j, w, lam):
        self.e, self.j, self.w, self.lam = e, j, w, lam
        self.n_e, self.n_j = n_e, n_j
        self.d_e = np.bincount(e, weights=w, minlength=n_e)
        d_j = np.bincount(j, weights=w, minlength=n_j)
        self.cross = sparse.csr_matrix((w, (e, j)), shape=(n_e, n_j))  # weight per pair
        self.cross_t = self.cross.T.tocsr()  # made once: every solve (each interval draw) needs it
        h = sparse.diags(d_j + lam) - self.cross.T @ sparse.diags(1.0 / self.d_e) @ self.cross
        # The ridge optimum already has sum b = 0; adding c * 11' pins it without moving the
        # optimum and keeps the system invertible when lam is tiny (the unshrunk fit).
        c = float(np.mean(d_j)) or 1.0
        self.dense = n_j <= DENSE_JUDGES
        if self.dense:
            self.h = h.toarray() + c
            self.factor = linalg.cho_factor(self.h)
        else:
            ones = sparse.csr_matrix(np.ones((n_j, 1)))
            bordered = sparse.bmat([[h, ones], [ones.T, None]]).tocsc()
            self.lu = splinalg.splu(bordered)

    def solve(self, rhs_e: np.ndarray, rhs_j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry scores and judge offsets for right-hand sides (vectors or columns of draws)."""
        d_e = self.d_e if rhs_e.ndim == 1 else self.d_e[:, None]
        reduced = np.asarray(rhs_j - self.cross_t @ (rhs_e / d_e))
        if self.dense:
            b = linalg.cho_solve(self.factor, reduced)
        else:
            pad = np.zeros((1,) + reduced.shape[1:])
            b = self.lu.solve(np.concatenate([reduced, pad]))[: self.n_j]
        return np.asarray((rhs_e - self.cross @ b) / d_e), b

    def solve_ratings(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wy = self.w * y
        rhs_e = np.bincount(self.e, weights=wy, minlength=self.n_e)
        rhs_j = np.bincount(self.j, weights=wy, minlength=self.n_j)
        return self.solve(rhs_e, rhs_j)

    def leverage(self) -> np.ndarray:
        """Diagonal of the hat matrix, to first order: the entry's and the judge's share."""
        d_j = np.bincount(self.j, weights=self.w, minlength=self.n_j)
        w = self.w
        return np.clip(w / self.d_e[self.e] + w / (d_j[self.j] + self.lam) - w / w.sum(), 0, 1)


def _fit_model(e: np.ndarray, j: np.ndarray, y: np.ndarray, n_e: int, n_j: int) -> dict:
    """Huber fit of y = S_i + b_j with a ridge on b (judges only), sum b = 0."""
    n = len(y)
    clip = HUBER_C

    def huber(system: _NormalEquations, S, b, sigma: float, tol: float, max_iter: int):
        # Huber and Dutter's winsorised-residual iteration: least squares on pseudo-ratings
        # whose residuals are clipped at c*sigma. It has the same fixed point as reweighted
        # least squares (weights min(1, c*sigma/|r|)) but one factorisation serves every step.
        for _ in range(max_iter):
            resid = y - S[e] - b[j]
            pseudo = y - resid + np.clip(resid, -clip * sigma, clip * sigma)
            S_new, b_new = system.solve_ratings(pseudo)
            done = max(np.max(np.abs(S_new - S)), np.max(np.abs(b_new - b), initial=0)) < tol
            S, b = S_new, b_new
            if done:
                break
        resid = y - S[e] - b[j]
        return S, b, np.minimum(1.0, clip * sigma / np.maximum(np.abs(resid), 1e-12))

    # The scale comes from the plain least-squares fit, before any down-weighting: residuals
    # of a Huber fit on entries with 3 ratings are pulled in and would understate the noise.
    ones = np.ones(n)
    tiny = 1e-8
    plain = _NormalEquations(e, j, n_e, n_j, ones, tiny)
    S, b = plain.solve_ratings(y)
    sigma = _robust_sigma(y - S[e] - b[j], plain.leverage())
    # Stage 1: nearly unpenalised robust judge offsets, to estimate their spread (method of
    # moments); only the spread is needed, so a loose tolerance will do.
    S, b, _ = huber(plain, S, b, sigma, tol=1e-2, max_iter=50)
    tau2_floor = max(1e-4 * sigma**2, 1e-8)
    tau2 = max(float(np.var(b)) - sigma**2 / (n / n_j), tau2_floor) if n_j > 1 else tau2_floor
    # Stage 2: shrink judge offsets only, lambda = sigma^2 / tau_b^2. Scores show two
    # decimals; moving less than 1e-4 points is converged.
    lam = sigma**2 / tau2
    S, b, w = huber(_NormalEquations(e, j, n_e, n_j, ones, lam), S, b, sigma, tol=1e-4,
                    max_iter=500)
    # Standard errors and interval draws use the final Huber weights.
    system = _NormalEquations(e, j, n_e, n_j, w, lam)
    return {"S": S, "b": b, "w": w, "sigma": sigma, "tau": float(np.sqrt(tau2)), "lam": lam,
            "system": system}


def _model_sheet(df: pd.DataFrame) -> _SheetFit:
    e, e_ids = pd.factorize(df["entry"], sort=True)
    j, j_ids = pd.factorize(df["judge"], sort=True)
    y = df["y"].to_numpy(float)
    n_e, n_j, n = len(e_ids), len(j_ids), len(y)
    fit = _fit_model(e, j, y, n_e, n_j)
    S, b, w, sigma, lam, tau = (fit[k] for k in ("S", "b", "w", "sigma", "lam", "tau"))
    system: _NormalEquations = fit["system"]

    # Var(S_i) = sigma^2 / d_i + v_i' Cov(b) v_i, v_i the entry's judge weights / d_i.
    norm_cross = sparse.diags(1.0 / system.d_e) @ system.cross
    if system.dense:
        cov_b = sigma**2 * linalg.cho_solve(system.factor, np.eye(n_j))
        se_b = np.sqrt(np.clip(np.diag(cov_b), 0, None))
        extra = np.empty(n_e)
        for start in range(0, n_e, 2000):
            block = norm_cross[start:start + 2000]
            extra[start:start + 2000] = np.asarray(
                (block @ cov_b * block.toarray()).sum(axis=1)).ravel()
    else:  # too many judges for a dense inverse: ignore the covariance between offsets
        d_j = np.bincount(j, weights=w, minlength=n_j)
        se_b = sigma / np.sqrt(d_j + lam)
        extra = np.asarray(norm_cross.multiply(norm_cross) @ (se_b**2)).ravel()
    se_s = np.sqrt(sigma**2 / system.d_e + np.clip(extra, 0, None))

    # Each rating's entry and judge as 0/1 matrices: their products sum a column of ratings
    # per entry and per judge, in rating order as bincount does, for all draws at once.
    rating = np.arange(n)
    sum_by_entry = sparse.csr_matrix((np.ones(n), (e, rating)), shape=(n_e, n))
    sum_by_judge = sparse.csr_matrix((np.ones(n), (j, rating)), shape=(n_j, n))

    def sample(rng: np.random.Generator, k: int) -> np.ndarray:
        # Perturb-and-solve: noisy ratings and a noisy prior mean give exact posterior draws.
        wy = w[:, None] * (y[:, None] + (sigma / np.sqrt(w))[:, None]
                           * rng.standard_normal((n, k)))
        rhs_e = sum_by_entry @ wy
        rhs_j = sum_by_judge @ wy
        rhs_j += lam * tau * rng.standard_normal((n_j, k))
        return system.solve(rhs_e, rhs_j)[0]

    n_per_judge = np.bincount(j, minlength=n_j)
    down = np.bincount(j, weights=(w < 0.999).astype(float), minlength=n_j)
    judges = pd.DataFrame({
        "judge": j_ids.to_numpy(), "offset": b, "se": se_b, "n": n_per_judge,
        "downweighted_share": down / np.maximum(n_per_judge, 1),
    })
    fitted = S[e] + b[j]
    cols = {"fitted": fitted, "residual": y - fitted, "weight": w, "corrected": y - b[j]}
    return _SheetFit(e_ids.to_numpy(), S, se_s, sample, judges, sigma, tau, cols)


def _simple_sheet(df: pd.DataFrame, method: str) -> _SheetFit:
    """mean / trimmed / median / zscore per entry; draws from a normal approximation."""
    y = df["y"].to_numpy(float)
    values = pd.Series(y, index=df.index)
    if method == "zscore":
        by_judge = values.groupby(df["judge"])
        sd = by_judge.transform("std").fillna(0.0)
        z = ((values - by_judge.transform("mean")) / sd.where(sd > 0)).fillna(0.0)
        # Back to points so the scale reads like the others.
        values = float(np.mean(y)) + float(np.std(y)) * z
    grouped = values.groupby(df["entry"])
    if method in ("mean", "zscore"):
        score = grouped.mean()
    elif method == "median":
        score = grouped.median()
    else:  # trimmed: drop one highest and one lowest score when there are at least 3
        def trimmed(s: pd.Series) -> float:
            v = np.sort(s.to_numpy())
            return float(v[1:-1].mean()) if len(v) >= 3 else float(v.mean())
        score = grouped.apply(trimmed)
    counts = grouped.size()
    resid = values - grouped.transform("mean")
    dof = len(values) - len(counts)
    pooled = float(np.sqrt((resid**2).sum() / dof)) if dof > 0 else 0.0
    se = (pooled / np.sqrt(counts)).to_numpy(float)
    score_arr = score.to_numpy(float)

    def sample(rng: np.random.Generator, k: int) -> np.ndarray:
        return score_arr[:, None] + se[:, None] * rng.standard_normal((len(score_arr), k))

    mean_all = float(np.mean(y))
    jstats = pd.Series(y).groupby(df["judge"].to_numpy())
    judges = pd.DataFrame({
        "judge": jstats.mean().index.to_numpy(),
        "offset": (jstats.mean() - mean_all).to_numpy(),
        "se": (jstats.std() / np.sqrt(jstats.size())).to_numpy(),
        "n": jstats.size().to_numpy(), "downweighted_share": 0.0,
    })
    fitted = score.reindex(df["entry"]).to_numpy(float)
    cols = {"fitted": fitted, "residual": y - fitted, "weight": np.ones(len(y)),
            "corrected": values.to_numpy(float)}
    return _SheetFit(score.index.to_numpy(), score_arr, se, sample, judges, pooled, 0.0, cols)


# ---------------------------------------------------------------- ranking


def _normalise_cut(cut: Cut | int | float | None) -> Cut | None:
    if cut is None or isinstance(cut, Cut):
        return cut
    return Cut(top=int(cut))


def _check_ratings(ratings: pd.DataFrame) -> None:
    missing = [c for c in ("entry", "judge", "y") if c not in ratings.columns]
    if missing:
        raise RuleError("ranking.ratings_columns", missing=", ".join(missing))
    y = ratings["y"].to_numpy(float)
    if not np.all(np.isfinite(y)):
        raise RuleError("ranking.ratings_total_missing")
    if len(ratings) and (y.min() < 0 or y.max() > 100):
        raise RuleError("ranking.ratings_total_range")
    if ratings.duplicated(["entry", "judge", "sheet"] if "sheet" in ratings else
                          ["entry", "judge"]).any():
        raise RuleError("ranking.ratings_twice")


def _tie_keys(data: "_Prepared") -> dict[str, np.ndarray]:
    """Per entry row: the tie rule's keys (median rating, mean heaviest criterion, raw points)."""
    ratings, n = data.ratings, len(data.entry_ids)
    y = ratings["y"].to_numpy(float)
    order = np.lexsort((y, data.row))  # by entry, then rating
    count = np.bincount(data.row, minlength=n)
    start = np.r_[0, np.cumsum(count)[:-1]]
    ys = y[order]
    median = (ys[start + (count - 1) // 2] + ys[start + count // 2]) / 2
    keys = {"median": median, "heaviest": np.full(n, np.nan), "raw_points": np.full(n, np.nan)}
    if "heaviest" in ratings:  # mean over the ratings that have one
        heaviest = ratings["heaviest"].to_numpy(float)
        known = ~np.isnan(heaviest)
        with np.errstate(invalid="ignore", divide="ignore"):
            keys["heaviest"] = data.per_entry(np.where(known, heaviest, 0.0)) / data.per_entry(known.astype(float))
    if "raw_points" in ratings:  # the sum (missing points count as none)
        keys["raw_points"] = data.per_entry(np.nan_to_num(ratings["raw_points"].to_numpy(float)))
    return keys


def check_tie_rule(tie_rule: Sequence[str]) -> tuple[str, ...]:
    """The tie rule's steps in order, each once, from TIE_RULES; the organiser decides
    whatever they leave tied (so "organiser" may only come last)."""
    steps = [step for step in tie_rule if step != ORGANISER]
    unknown = [step for step in steps if step not in TIE_RULES]
    if unknown:
        raise RuleError("ranking.tie_step_unknown", step=unknown[0], steps=", ".join(TIE_RULES))
    if len(set(steps)) != len(steps):
        raise RuleError("ranking.tie_step_twice")
    if ORGANISER in tie_rule and list(tie_rule).index(ORGANISER) != len(tie_rule) - 1:
        raise RuleError("ranking.tie_organiser_last")
    return tuple(steps)


def _assign_ranks(frame: pd.DataFrame, tie_rule: Sequence[str] = DEFAULT_TIE_RULE) -> pd.DataFrame:
    """Rank within group by score, then the tie rule's steps in order; never random, a
    shared rank when every step leaves two entries equal (the organiser decides)."""
    steps = check_tie_rule(tie_rule)
    keys = []
    for column in ["adjusted_score", *(_TIE_COLUMNS[s] for s in steps)]:
        key = frame[column].to_numpy(float).round(6)
        keys.append(np.where(np.isnan(key), -np.inf, key))
    _, group = np.unique(frame["group"].to_numpy(), return_inverse=True)
    # By group, then each key from the highest, then the entry (np.lexsort: last key first).
    order = np.lexsort((frame["entry"].to_numpy(), *(-key for key in reversed(keys)), group))
    group, keys = group[order], [key[order] for key in keys]
    n = len(order)
    same_group = np.r_[False, group[1:] == group[:-1]]
    eq = [np.r_[False, key[1:] == key[:-1]] & same_group for key in keys]
    # With the row above: 0 if the scores differ, else the first step that tells them
    # apart, else len(keys) (the organiser's).
    level_prev = np.full(n, len(keys))
    for i in range(len(keys) - 1, 0, -1):
        level_prev = np.where(~eq[i], i, level_prev)
    level_prev = np.where(eq[0], level_prev, 0)
    level_next = np.r_[level_prev[1:], 0]
    level = np.maximum(level_prev, level_next)
    all_equal_prev = np.logical_and.reduce(eq)
    row = np.arange(n)
    position = row - np.maximum.accumulate(np.where(same_group, 0, row)) + 1  # within the group
    first_of_tie = np.maximum.accumulate(np.where(all_equal_prev, 0, row))
    f = frame.iloc[order].copy()
    f["rank"] = position[first_of_tie].astype(int)
    names = np.array(["", *steps, ORGANISER])
    f["tie_broken_by"] = names[level]
    f["_unresolved"] = level == len(keys)
    return f


# ---------------------------------------------------------------- the methods


@dataclass(frozen=True)
class Method:
    """A ranking method: how one sheet's ratings become entry scores, and whether it can
    only rank a connected design (judge effects are compared through shared judges)."""

    key: str
    fit: Callable[[pd.DataFrame], _SheetFit]
    needs_connected_design: bool

    @property
    def warning(self):
        """When the method misleads, in one line (SCORING.md section 5)."""
        return METHOD_WARNINGS[self.key]


REGISTRY: dict[str, Method] = {
    "model": Method("model", _model_sheet, needs_connected_design=True),
    **{key: Method(key, functools.partial(_simple_sheet, method=key), needs_connected_design=False)
       for key in ("mean", "trimmed", "median", "zscore")},
}


def method_for(key: str) -> Method:
    if key not in REGISTRY:
        raise RuleError("ranking.method_unknown", method=key, methods=", ".join(METHODS))
    return REGISTRY[key]


def methods_for_design(connected: bool) -> tuple[str, ...]:
    """The methods that can rank a design: every one when it is connected, else those
    that do not compare judges through shared entries."""
    return tuple(k for k, m in REGISTRY.items() if connected or not m.needs_connected_design)


# ---------------------------------------------------------------- ranking, step by step


@dataclass
class _Prepared:
    ratings: pd.DataFrame
    sheets: list[str]
    weights: dict[str, float]
    entry_ids: np.ndarray
    position: pd.Series  # entry id -> row in the per-entry arrays
    row: np.ndarray  # per rating: its entry's row in the per-entry arrays
    sheet_code: np.ndarray  # per rating: its sheet's place in `sheets`
    judge_code: np.ndarray  # per rating: its judge's place among the judges

    def per_entry(self, values: np.ndarray) -> np.ndarray:
        """Sum of `values` (one per rating) per entry row."""
        return np.bincount(self.row, weights=values, minlength=len(self.entry_ids))

    def distinct_per_entry(self, codes: np.ndarray) -> np.ndarray:
        """How many different codes (judge_code, sheet_code) each entry's ratings have."""
        n_codes = int(codes.max(initial=0)) + 1
        pairs = np.unique(self.row * n_codes + codes)
        return np.bincount(pairs // n_codes, minlength=len(self.entry_ids))


def _prepare(ratings: pd.DataFrame, groups: Mapping[int, str],
             sheet_weights: Mapping[str, float] | None) -> _Prepared:
    """Check the ratings and the sheets' weights; every entry needs a group."""
    _check_ratings(ratings)
    ratings = ratings.reset_index(drop=True)
    if "sheet" not in ratings:
        ratings = ratings.assign(sheet="sheet")
    sheets = sorted(ratings["sheet"].unique())
    weights = dict(sheet_weights) if sheet_weights else {s: 1.0 for s in sheets}
    unweighted = [s for s in sheets if s not in weights]
    if unweighted:
        raise RuleError("ranking.sheets_unweighted", sheets=", ".join(map(str, unweighted)))
    missing_group = sorted(set(ratings["entry"].unique()) - set(groups))
    if missing_group:
        raise RuleError("ranking.entries_without_group", entries=missing_group[:10])
    entry_ids, row = np.unique(ratings["entry"].to_numpy(), return_inverse=True)
    sheet_code = pd.Index(sheets).get_indexer(ratings["sheet"])
    judge_code = np.unique(ratings["judge"].to_numpy(), return_inverse=True)[1]
    return _Prepared(ratings, sheets, weights, entry_ids,
                     pd.Series(np.arange(len(entry_ids)), index=entry_ids), row, sheet_code, judge_code)


def _fit_sheets(data: _Prepared, method: Method, design: DesignReport) -> dict[str, _SheetFit]:
    """Each sheet fitted on its own; a method that needs a connected design refuses a
    sheet whose ratings fall apart (DisconnectedDesign names the pieces). `design` is that
    of all the ratings (a single sheet's own)."""
    fits = {}
    for s in data.sheets:
        part = data.ratings[data.ratings["sheet"] == s]
        if method.needs_connected_design:
            sheet_design = design if len(data.sheets) == 1 else check_design(part)
            if not sheet_design.connected:
                raise DisconnectedDesign(sheet_design, s if len(data.sheets) > 1 else None)
        fits[s] = method.fit(part)
    return fits


def _design_warnings(data: _Prepared, fits: dict[str, _SheetFit], method: Method,
                     design: DesignReport, draws: int) -> list:
    warnings = [method.warning, *design.warnings]
    if draws > 0:
        for s in data.sheets:
            if fits[s].sigma <= 1e-6:
                warnings.append(msg("ranking.no_noise", sheet=s))
    if not design.connected and not method.needs_connected_design:
        warnings.append(msg("ranking.disconnected_anyway", method=method.key))
    return warnings


@dataclass
class _Blend:
    share: np.ndarray  # per entry and sheet: the sheet's share of the entry's score
    own: float  # the judges' share after the public vote and a carried result
    constant: np.ndarray  # per entry: public vote and carried points
    adjusted: np.ndarray
    se: np.ndarray


def _blend(data: _Prepared, fits: dict[str, _SheetFit], *, extra: pd.DataFrame | None,
           public_vote_weight: float, carry_weight: float) -> _Blend:
    """Sheets blended by weight (an entry's missing sheet leaves the others' shares), then
    the public vote (rescaled to 0-100) and a carried result by their shares."""
    n_all, sheets, weights = len(data.entry_ids), data.sheets, data.weights
    w_mat = np.zeros((n_all, len(sheets)))
    score_mat = np.zeros((n_all, len(sheets)))
    var_mat = np.zeros((n_all, len(sheets)))
    for k, s in enumerate(sheets):
        idx = data.position[fits[s].entries].to_numpy()
        w_mat[idx, k] = float(weights[s])
        score_mat[idx, k] = fits[s].score
        var_mat[idx, k] = fits[s].se**2
    wsum = w_mat.sum(axis=1)
    if np.any(wsum <= 0):
        raise RuleError("ranking.only_zero_weight_sheets")
    share = w_mat / wsum[:, None]
    blended = (share * score_mat).sum(axis=1)
    se = np.sqrt((share**2 * var_mat).sum(axis=1))

    own = 1.0 - public_vote_weight - carry_weight
    if not (0 <= public_vote_weight < 1 and 0 <= carry_weight < 1 and own > 0):
        raise RuleError("ranking.shares_out_of_range")
    entry_ids = data.entry_ids
    constant = np.zeros(n_all)
    if public_vote_weight or carry_weight:
        ex = (extra if extra is not None else pd.DataFrame(columns=["entry"])).set_index("entry")
        if public_vote_weight:
            votes = ex["public_vote"].reindex(entry_ids).fillna(0.0) if "public_vote" in ex \
                else pd.Series(0.0, index=entry_ids)
            rescaled = scoring.rescale_public_votes(votes.to_dict())
            constant += public_vote_weight * np.array([rescaled[i] for i in entry_ids])
        if carry_weight:
            carried = ex["carried"].reindex(entry_ids) if "carried" in ex \
                else pd.Series(np.nan, index=entry_ids)
            if carried.isna().any():
                missing = [int(i) for i in carried[carried.isna()].index[:10]]
                raise RuleError("ranking.no_carried_result", entries=missing)
            constant += carry_weight * carried.to_numpy(float)
    return _Blend(share, own, constant, own * blended + constant, own * se)


def _ranked_frame(data: _Prepared, blend: _Blend, groups: Mapping[int, str],
                  tie_rule: Sequence[str]) -> pd.DataFrame:
    """Per entry: adjusted score beside the raw mean and the number of judges, the tie
    rule's keys, and the rank within its group (ties broken by the tie rule)."""
    ratings, entry_ids, weights = data.ratings, data.entry_ids, data.weights
    n_all, n_sheets = len(entry_ids), len(data.sheets)
    cell = data.row * n_sheets + data.sheet_code  # per rating: its entry and sheet
    y = ratings["y"].to_numpy(float)
    sums = np.bincount(cell, weights=y, minlength=n_all * n_sheets).reshape(n_all, n_sheets)
    counts = np.bincount(cell, minlength=n_all * n_sheets).reshape(n_all, n_sheets)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = sums / counts  # each sheet's raw mean; NaN where the entry has no rating on it
    raw_w = np.where(counts > 0, [float(weights[s]) for s in data.sheets], 0.0)
    raw_mean = np.nansum(raw * raw_w, axis=1) / raw_w.sum(axis=1)
    n_judges = data.distinct_per_entry(data.judge_code)
    tie = _tie_keys(data)
    frame = pd.DataFrame({
        "entry": entry_ids,
        "group": [groups[int(i)] for i in entry_ids],
        "adjusted_score": blend.adjusted,
        "raw_mean": raw_mean,
        "n_judges": n_judges,
        "se": blend.se,
        "tb_heaviest": tie["heaviest"],
        "tb_raw_points": tie["raw_points"],
        "tb_median": tie["median"],
    })
    return _assign_ranks(frame, tie_rule).sort_values("entry")


def _intervals(frame: pd.DataFrame, data: _Prepared, fits: dict[str, _SheetFit],
               blend: _Blend, *, cut: Cut | None, draws: int, seed: int,
               progress: Callable[[float], None] | None) -> None:
    """90 % score and rank intervals and the chance of clearing the cut, from `draws`
    perturb-and-solve draws (in chunks, so progress can report); NaN without draws."""
    for column in ("score_low", "score_high", "rank_low", "rank_high", "p_cut"):
        frame[column] = np.nan
    if draws <= 0:
        return
    n_all = len(data.entry_ids)
    rng = np.random.default_rng(seed)
    group_idx = [np.flatnonzero(frame["group"].to_numpy() == g)
                 for g in pd.unique(frame["group"])]
    all_scores = np.empty((draws, n_all), dtype=np.float32)
    all_ranks = np.empty((draws, n_all), dtype=np.int32)
    rows = [data.position[fits[s].entries].to_numpy() for s in data.sheets]
    shares = [blend.share[idx, c][:, None] for c, idx in enumerate(rows)]
    chunk = 50
    for start in range(0, draws, chunk):
        k = min(chunk, draws - start)
        total = np.zeros((n_all, k))
        for s, idx, share in zip(data.sheets, rows, shares):
            total[idx] += share * fits[s].sample(rng, k)
        total = blend.own * total + blend.constant[:, None]
        all_scores[start:start + k] = total.T
        for gi in group_idx:
            order = np.argsort(-total[gi], axis=0, kind="stable")
            ranks = np.empty_like(order)
            np.put_along_axis(ranks, order, np.arange(1, len(gi) + 1)[:, None], axis=0)
            all_ranks[start:start + k, gi] = ranks.T
        if progress is not None:
            progress((start + k) / draws)
    frame["score_low"] = np.quantile(all_scores, 0.05, axis=0)
    frame["score_high"] = np.quantile(all_scores, 0.95, axis=0)
    rank_low, rank_high = np.quantile(all_ranks, [0.05, 0.95], axis=0)
    frame["rank_low"] = np.floor(rank_low).astype(int)
    frame["rank_high"] = np.ceil(rank_high).astype(int)
    if cut is not None:
        hit = all_ranks <= cut.top if cut.top is not None else all_scores >= cut.threshold
        frame["p_cut"] = hit.mean(axis=0)


def _cut_and_flags(frame: pd.DataFrame, data: _Prepared, *, cut: Cut | None,
                   borderline: tuple[float, float]) -> None:
    """Who clears the cut, the borderline band, and each entry's flags (an unresolved tie,
    fewer than 3 judges, a missing sheet)."""
    if cut is None:
        frame["in_cut"] = False
    elif cut.top is not None:
        frame["in_cut"] = frame["rank"] <= cut.top
    else:
        frame["in_cut"] = frame["adjusted_score"] >= cut.threshold
    lo, hi = borderline
    frame["borderline"] = frame["p_cut"].gt(lo) & frame["p_cut"].lt(hi)
    weights = data.weights
    sheet_count = data.distinct_per_entry(data.sheet_code)
    expected_sheets = sum(1 for s in data.sheets if float(weights[s]) > 0)
    flags = []
    for row_unresolved, n_j, n_s in zip(frame["_unresolved"], frame["n_judges"], sheet_count):
        f = []
        if row_unresolved:
            f.append("tie_unresolved")
        if n_j < MIN_ENTRY_RATINGS:
            f.append("few_judges")
        if n_s < expected_sheets:
            f.append("missing_sheet")
        flags.append(",".join(f))
    frame["flags"] = flags


def _annotated(data: _Prepared, fits: dict[str, _SheetFit]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Judge statistics per sheet, and the ratings with each one's fit, residual, weight
    and leniency-corrected value."""
    judge_frames = []
    for s in data.sheets:
        jf = fits[s].judges.copy()
        jf.insert(0, "sheet", s)
        judge_frames.append(jf)
    judges = pd.concat(judge_frames, ignore_index=True)
    ratings = data.ratings
    annotated = ratings.copy()
    columns = {col: np.full(len(ratings), np.nan) for col in ("fitted", "residual", "weight", "corrected")}
    for s in data.sheets:
        mask = (ratings["sheet"] == s).to_numpy()
        for col, values in fits[s].rating_cols.items():
            columns[col][mask] = values
    for col, values in columns.items():
        annotated[col] = values
    return judges, annotated


ENTRY_COLUMNS = ["entry", "group", "adjusted_score", "raw_mean", "n_judges", "se", "score_low",
                 "score_high", "rank", "rank_low", "rank_high", "p_cut", "in_cut", "borderline",
                 "tie_broken_by", "flags", "tb_heaviest", "tb_raw_points", "tb_median"]


def rank_entries(
    ratings: pd.DataFrame,
    *,
    groups: Mapping[int, str],
    method: str = "model",
    sheet_weights: Mapping[str, float] | None = None,
    extra: pd.DataFrame | None = None,
    public_vote_weight: float = 0.0,
    carry_weight: float = 0.0,
    cut: Cut | int | None = None,
    draws: int = 0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    borderline: tuple[float, float] = (0.1, 0.9),
    tie_rule: Sequence[str] = DEFAULT_TIE_RULE,
) -> RankingResult:
    """Rank entries within their group by the chosen method, sheets blended by weight.

    A method that needs a connected design (the registry says which) refuses a
    disconnected one (DisconnectedDesign); the others rank with a warning. Ties are broken
    by `tie_rule`'s steps in order, then left to the organiser. With draws > 0: 90 % score
    and rank intervals and the chance of clearing cut.
    """
    chosen = method_for(method)
    cut = _normalise_cut(cut)
    check_tie_rule(tie_rule)
    data = _prepare(ratings, groups, sheet_weights)
    design = check_design(data.ratings)
    fits = _fit_sheets(data, chosen, design)
    warnings = _design_warnings(data, fits, chosen, design, draws)
    blend = _blend(data, fits, extra=extra, public_vote_weight=public_vote_weight,
                   carry_weight=carry_weight)
    frame = _ranked_frame(data, blend, groups, tie_rule)
    _intervals(frame, data, fits, blend, cut=cut, draws=draws, seed=seed, progress=progress)
    _cut_and_flags(frame, data, cut=cut, borderline=borderline)
    if frame["_unresolved"].any():
        warnings.append(msg("ranking.ties_unresolved"))
    judges, annotated = _annotated(data, fits)
    return RankingResult(
        entries=frame[ENTRY_COLUMNS].sort_values(["group", "rank", "entry"]).reset_index(drop=True),
        judges=judges,
        sigma={s: fits[s].sigma for s in data.sheets},
        tau={s: fits[s].tau for s in data.sheets},
        method=method,
        warnings=warnings,
        design=design,
        ratings=annotated,
        draws=draws,
        cut=cut,
    )


def compare_methods(
    ratings: pd.DataFrame,
    *,
    groups: Mapping[int, str],
    reference: str = "model",
    methods: Sequence[str] = METHODS,
    cut: Cut | int | None = None,
    **options,
) -> pd.DataFrame:
    """Agreement of each method with the reference: rank correlations, changed decisions.

    One row per method: spearman and kendall correlation of scores, how many entries change
    decision (in or out of the cut), which ones, and the method's warning.
    """
    cut = _normalise_cut(cut)
    results: dict[str, RankingResult | str] = {}
    for m in dict.fromkeys([reference, *methods]):
        try:
            results[m] = rank_entries(ratings, groups=groups, method=m, cut=cut, draws=0,
                                      **options)
        except DisconnectedDesign as exc:
            results[m] = str(exc)
    ref = results[reference]
    rows = []
    for m in methods:
        res = results[m]
        if isinstance(res, str) or isinstance(ref, str):
            rows.append({"method": m, "reference": reference, "spearman": np.nan,
                         "kendall": np.nan, "decisions_changed": np.nan, "entries_changed": "",
                         "warning": res if isinstance(res, str) else str(ref)})
            continue
        a = ref.entries.set_index("entry")
        b = res.entries.set_index("entry").reindex(a.index)
        rho = stats.spearmanr(a["adjusted_score"], b["adjusted_score"]).statistic
        tau = stats.kendalltau(a["adjusted_score"], b["adjusted_score"]).statistic
        changed = a.index[(a["in_cut"] != b["in_cut"]).to_numpy()] if cut else a.index[:0]
        rows.append({
            "method": m, "reference": reference, "spearman": float(rho), "kendall": float(tau),
            "decisions_changed": int(len(changed)) if cut else np.nan,
            "entries_changed": ",".join(str(int(i)) for i in sorted(changed)),
            "warning": METHOD_WARNINGS[m],
        })
    return pd.DataFrame(rows)
