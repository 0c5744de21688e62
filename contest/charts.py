"""Altair charts for the results and reliability pages; DataFrames in, alt.Chart out (the
rank intervals, drawn on every Rank, as a Vega-Lite spec built once per language).
Titles, axes, legends and their values are messages in the reader's language (`lang`)."""

from __future__ import annotations

import copy
import functools

import altair as alt
import pandas as pd

from contest import i18n

Z90 = 1.645  # a 90 % interval is the estimate +- 1.645 standard errors


def judge_leniency(judges: pd.DataFrame, *, lang: str = i18n.DEFAULT_LANGUAGE) -> alt.Chart:
    """Each judge's leniency in points with its 90 % interval; 0 is the average judge."""
    def say(message_id: str) -> str:
        return i18n.text(message_id, lang)

    data = judges.assign(
        judge_label=judges["judge_name"] if "judge_name" in judges else judges["judge"].astype(str),
        low=judges["leniency"] - Z90 * judges["leniency_se"],
        high=judges["leniency"] + Z90 * judges["leniency_se"],
    )[["judge_label", "sheet", "leniency", "low", "high", "ratings", "flags"]]
    order = alt.EncodingSortField(field="leniency", order="descending")
    y = alt.Y("judge_label:N", sort=order, title=say("charts.judge"))
    bars = alt.Chart(data).mark_rule().encode(
        y=y, x=alt.X("low:Q", title=say("charts.leniency_axis")), x2="high:Q")
    points = alt.Chart(data).mark_point(filled=True).encode(
        y=y, x="leniency:Q", color=alt.condition("datum.flags != ''", alt.value("#d62728"),
                                                   alt.value("#1f77b4")),
        tooltip=[alt.Tooltip("judge_label:N", title=say("charts.judge")),
                 alt.Tooltip("sheet:N", title=say("charts.sheet")),
                 alt.Tooltip("leniency:Q", format=".1f", title=say("charts.leniency")),
                 alt.Tooltip("low:Q", format=".1f", title=say("charts.interval_low")),
                 alt.Tooltip("high:Q", format=".1f", title=say("charts.interval_high")),
                 alt.Tooltip("ratings:Q", title=say("charts.ratings")),
                 alt.Tooltip("flags:N", title=say("charts.flags"))])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return alt.layer(bars, points, zero).properties(title=say("charts.leniency_title"))


def judge_loads(loads: pd.DataFrame, *, judge_title: str, load_title: str) -> alt.Chart:
    """One bar per judge (rows keyed by judge_id; the distinct `judge` label on the axis)."""
    data = loads[["judge_id", "judge", "load"]].drop_duplicates("judge_id")
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("judge:N", title=judge_title, sort=alt.EncodingSortField(field="load", order="descending"),
                axis=alt.Axis(labelLimit=400)),
        x=alt.X("load:Q", title=load_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("judge:N", title=judge_title), alt.Tooltip("load:Q", title=load_title)],
    ).properties(height=alt.Step(22))


def score_distributions(scores: pd.DataFrame, *, lang: str = i18n.DEFAULT_LANGUAGE) -> alt.Chart:
    """Box plots of criterion scores as a share of each criterion's maximum."""
    data = scores[["criterion", "percent"]]
    return alt.Chart(data).mark_boxplot().encode(
        x=alt.X("percent:Q", title=i18n.text("charts.score_percent_axis", lang),
                scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("criterion:N", title=i18n.text("charts.criterion", lang)),
    ).properties(title=i18n.text("charts.score_distributions_title", lang))


def rank_intervals_near_cut(entries: pd.DataFrame, *, cut: int | None, window: int = 15,
                            lang: str = i18n.DEFAULT_LANGUAGE) -> dict:
    """90 % rank intervals of the entries ranked within `window` of the cut, by group: a
    Vega-Lite spec for st.vega_lite_chart, its rows in the dataset "entries" (a DataFrame).

    The spec is built with Altair once per language and copied: building and checking it
    took longer than the 60-entry ranking it shows, and organisers press Rank again and
    again."""
    data = entries.dropna(subset=["rank_low", "rank_high"])
    if cut is not None:
        data = data[(data["rank"] - cut).abs() <= window]
    data = data.assign(entry_label=data["entry_label"] if "entry_label" in data
                       else data["entry"].astype(str))
    near, clear = i18n.text("charts.borderline_yes", lang), i18n.text("charts.borderline_no", lang)
    rows = data[["entry_label", "group", "rank", "rank_low", "rank_high", "p_cut", "borderline"]].assign(
        cut_line=(cut + 0.5) if cut is not None else None,
        borderline=data["borderline"].map(lambda b: near if bool(b) else clear)).reset_index(drop=True)
    spec = copy.deepcopy(_rank_intervals_spec(cut is not None, i18n.language_or_default(lang)))
    spec["datasets"] = {"entries": rows}
    return spec


@functools.lru_cache(maxsize=None)
def _rank_intervals_spec(with_cut: bool, lang: str) -> dict:
    def say(message_id: str) -> str:
        return i18n.text(message_id, lang)

    near, clear = say("charts.borderline_yes"), say("charts.borderline_no")
    y = alt.Y("entry_label:N", sort=alt.EncodingSortField(field="rank"), title=say("charts.entry"))
    base = alt.Chart()
    rule = base.mark_rule().encode(y=y, x=alt.X("rank_low:Q", title=say("charts.rank_interval_axis")),
                                   x2="rank_high:Q")
    dots = base.mark_point(filled=True).encode(
        y=y, x="rank:Q",
        color=alt.Color("borderline:N", title=say("charts.borderline"),
                        scale=alt.Scale(domain=[clear, near], range=["#1f77b4", "#ff7f0e"]),
                        # whole labels: at Vega's default 160 px the Chinese ones were cut short
                        legend=alt.Legend(labelLimit=400, titleLimit=400)),
        tooltip=[alt.Tooltip("entry_label:N", title=say("charts.entry")),
                 alt.Tooltip("group:N", title=say("charts.group")),
                 alt.Tooltip("rank:Q", title=say("charts.rank")),
                 alt.Tooltip("rank_low:Q", title=say("charts.interval_low")),
                 alt.Tooltip("rank_high:Q", title=say("charts.interval_high")),
                 alt.Tooltip("p_cut:Q", format=".0%", title=say("charts.p_cut"))])
    layers = [rule, dots]
    if with_cut:  # same data as the other layers, so the chart can be faceted
        layers.append(base.mark_rule(color="#d62728", strokeDash=[4, 4]).encode(x="cut_line:Q"))
    chart = alt.layer(*layers, data=alt.Data(name="entries")).facet(
        row=alt.Row("group:N", title=say("charts.group"))).resolve_scale(y="independent").properties(
        title=say("charts.rank_intervals_title"))
    spec = chart.to_dict()
    spec.pop("config", None)  # Altair's default theme (a view size); Streamlit draws with its own
    return spec


def method_agreement(comparison: pd.DataFrame, *, lang: str = i18n.DEFAULT_LANGUAGE) -> alt.Chart:
    """Rank correlation of each method with the reference, with decisions it changes."""
    def say(message_id: str) -> str:
        return i18n.text(message_id, lang)

    def method(key) -> str:
        return say(f"ranking_method.{key}")

    data = comparison.dropna(subset=["spearman"])[
        ["method", "reference", "spearman", "decisions_changed", "entries_changed"]]
    data = data.assign(method=data["method"].map(method), reference=data["reference"].map(method))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("spearman:Q", title=say("charts.spearman_axis"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("method:N", title=say("charts.method"), sort="-x"),
        tooltip=[alt.Tooltip("method:N", title=say("charts.method")),
                 alt.Tooltip("reference:N", title=say("charts.reference")),
                 alt.Tooltip("spearman:Q", format=".3f", title=say("charts.spearman")),
                 alt.Tooltip("decisions_changed:Q", title=say("charts.decisions_changed")),
                 alt.Tooltip("entries_changed:Q", title=say("charts.entries_changed"))],
    ).properties(title=say("charts.agreement_title"))


def calibration_check(rows: pd.DataFrame, *, lang: str = i18n.DEFAULT_LANGUAGE) -> alt.Chart:
    """Per calibration entry: the rest of the panel's range (a bar), its mean (a tick) and
    the judge's own total (a dot), on the 0-100 scale."""
    def say(message_id: str) -> str:
        return i18n.text(message_id, lang)

    data = rows.dropna(subset=["panel_mean"])[["code", "mine", "panel_mean", "panel_low", "panel_high"]]
    y = alt.Y("code:N", title=say("charts.entry"), sort=None)
    scale = alt.Scale(domain=[0, 100])
    panel = alt.Chart(data).mark_bar(opacity=0.3, height=14).encode(
        y=y, x=alt.X("panel_low:Q", title=say("charts.sheet_total_axis"), scale=scale), x2="panel_high:Q")
    mean = alt.Chart(data).mark_tick(thickness=2, size=18).encode(y=y, x="panel_mean:Q")
    mine = alt.Chart(data).mark_point(filled=True, size=90, color="#d62728").encode(
        y=y, x="mine:Q",
        tooltip=[alt.Tooltip("code:N", title=say("charts.entry")),
                 alt.Tooltip("mine:Q", format=".1f", title=say("charts.my_total")),
                 alt.Tooltip("panel_mean:Q", format=".1f", title=say("charts.panel_mean"))])
    return alt.layer(panel, mean, mine).properties(title=say("charts.calibration_title"), height=alt.Step(34))
