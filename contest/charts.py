"""Altair charts for the results and reliability pages; DataFrames in, alt.Chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

Z90 = 1.645  # a 90 % interval is the estimate +- 1.645 standard errors


def judge_leniency(judges: pd.DataFrame) -> alt.Chart:
    """Each judge's leniency in points with its 90 % interval; 0 is the average judge."""
    data = judges.assign(
        judge_label=judges["judge_name"] if "judge_name" in judges else judges["judge"].astype(str),
        low=judges["leniency"] - Z90 * judges["leniency_se"],
        high=judges["leniency"] + Z90 * judges["leniency_se"],
    )[["judge_label", "sheet", "leniency", "low", "high", "ratings", "flags"]]
    order = alt.EncodingSortField(field="leniency", order="descending")
    y = alt.Y("judge_label:N", sort=order, title="Judge")
    bars = alt.Chart(data).mark_rule().encode(
        y=y, x=alt.X("low:Q", title="Leniency (points above the average judge)"), x2="high:Q")
    points = alt.Chart(data).mark_point(filled=True).encode(
        y=y, x="leniency:Q", color=alt.condition("datum.flags != ''", alt.value("#d62728"),
                                                   alt.value("#1f77b4")),
        tooltip=["judge_label", "sheet", alt.Tooltip("leniency:Q", format=".1f"),
                 alt.Tooltip("low:Q", format=".1f"), alt.Tooltip("high:Q", format=".1f"),
                 "ratings", "flags"])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return alt.layer(bars, points, zero).properties(title="Judge leniency with 90 % intervals")


def judge_loads(loads: pd.DataFrame, *, judge_title: str, load_title: str) -> alt.Chart:
    """One bar per judge (rows keyed by judge_id; the distinct `judge` label on the axis)."""
    data = loads[["judge_id", "judge", "load"]].drop_duplicates("judge_id")
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("judge:N", title=judge_title, sort=alt.EncodingSortField(field="load", order="descending"),
                axis=alt.Axis(labelLimit=400)),
        x=alt.X("load:Q", title=load_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("judge:N", title=judge_title), alt.Tooltip("load:Q", title=load_title)],
    ).properties(height=alt.Step(22))


def score_distributions(scores: pd.DataFrame) -> alt.Chart:
    """Box plots of criterion scores as a share of each criterion's maximum."""
    data = scores[["criterion", "percent"]]
    return alt.Chart(data).mark_boxplot().encode(
        x=alt.X("percent:Q", title="Score (% of the criterion's maximum)",
                scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("criterion:N", title="Criterion"),
    ).properties(title="Score distributions per criterion")


def rank_intervals_near_cut(entries: pd.DataFrame, *, cut: int | None, window: int = 15
                            ) -> alt.Chart:
    """90 % rank intervals of the entries ranked within `window` of the cut, by group."""
    data = entries.dropna(subset=["rank_low", "rank_high"])
    if cut is not None:
        data = data[(data["rank"] - cut).abs() <= window]
    data = data.assign(entry_label=data["entry_label"] if "entry_label" in data
                       else data["entry"].astype(str))
    data = data[["entry_label", "group", "rank", "rank_low", "rank_high", "p_cut",
                 "borderline"]].assign(cut_line=(cut + 0.5) if cut is not None else None)
    y = alt.Y("entry_label:N", sort=alt.EncodingSortField(field="rank"), title="Entry")
    base = alt.Chart()
    rule = base.mark_rule().encode(y=y, x=alt.X("rank_low:Q", title="Rank (90 % interval)"),
                                   x2="rank_high:Q")
    dots = base.mark_point(filled=True).encode(
        y=y, x="rank:Q",
        color=alt.Color("borderline:N", title="Borderline",
                        scale=alt.Scale(domain=[False, True], range=["#1f77b4", "#ff7f0e"])),
        tooltip=["entry_label", "group", "rank", "rank_low", "rank_high",
                 alt.Tooltip("p_cut:Q", format=".0%", title="P(clears the cut)")])
    layers = [rule, dots]
    if cut is not None:  # same data as the other layers, so the chart can be faceted
        layers.append(base.mark_rule(color="#d62728", strokeDash=[4, 4]).encode(x="cut_line:Q"))
    return alt.layer(*layers, data=data).facet(row=alt.Row("group:N", title="Group")).resolve_scale(
        y="independent").properties(title="Rank intervals near the cut")


def method_agreement(comparison: pd.DataFrame) -> alt.Chart:
    """Rank correlation of each method with the reference, with decisions it changes."""
    data = comparison.dropna(subset=["spearman"])[
        ["method", "reference", "spearman", "decisions_changed", "entries_changed"]]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("spearman:Q", title="Rank correlation with the reference",
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("method:N", title="Method", sort="-x"),
        tooltip=["method", "reference", alt.Tooltip("spearman:Q", format=".3f"),
                 "decisions_changed", "entries_changed"],
    ).properties(title="Agreement between methods")
