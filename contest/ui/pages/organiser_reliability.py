"""How reliable the scoring was: design, variance shares, agreement, judges, entries."""

import pandas as pd
import streamlit as st

from contest import charts, ranking
from contest.services import editions, results
from contest.ui import context, formats, widgets
from contest.ui.i18n import language, named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_reliability.reliability"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s:
    rounds = {r.id: named(r) for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
left, right = st.columns(2)
round_id = left.selectbox(t("common.round"), list(rounds), format_func=rounds.get)
method = right.selectbox(t("common.method"), ranking.METHODS, format_func={m: t(f"ranking_method.{m}") for m in ranking.METHODS}.get)
if st.button(t("organiser_reliability.build_report"), type="primary"):
    # Built once when asked (in a worker process, with a progress bar), kept for this tab.
    st.session_state.pop("reliability", None)
    bar = st.progress(0.0, text=t("common.rank_intervals"))
    with context.session(read_only=True) as s, context.user_errors():
        st.session_state["reliability"] = ((round_id, method), results.round_reliability(
            session=s, actor=actor, round_id=round_id, method=method, draws=500, progress=bar.progress))
    bar.empty()
built = st.session_state.get("reliability")
if built is None or built[0] != (round_id, method):
    st.info(t("organiser_reliability.choose_round_then_build_report"))
    st.stop()
rel = built[1]
report = rel.report
for line in report.summary:
    st.markdown(f"- {widgets.plain(line)}")
C = formats.Column
SHEET = {"sheet": C("col.sheet", "key", values="sheet")}
st.subheader(t("organiser_reliability.design"))
widgets.table(pd.DataFrame({"measure": list(report.design), "value": [
    formats.decimal(v, 0 if float(v).is_integer() else 1) for v in report.design.values()]}), {
    "measure": C("col.measure", "key", values="design"), "value": C("col.value")}, key="reliability_design")
st.subheader(t("organiser_reliability.variance_shares_agreement"))
widgets.table(report.variance.merge(report.alpha, on="sheet"), {
    **SHEET, "entry_share": C("col.entry_share", "share"), "judge_share": C("col.judge_share", "share"),
    "residual_share": C("col.residual_share", "share"), "judges_differ_by": C("col.judges_differ_by", "number"),
    "alpha_raw": C("col.alpha_raw", "number"), "alpha_corrected": C("col.alpha_corrected", "number")},
    key="reliability_variance")
if not report.blocks.empty:
    st.caption(t("organiser_reliability.blocks_same_judges_all_scored"))
    widgets.table(report.blocks, {
        **SHEET, "calibration": C("col.calibration", "check"), "judges": C("col.judges_named"),
        "n_entries": C("col.entries", "count"),
        "icc_a1": C("col.icc_a1", "number"), "icc_ak": C("col.icc_ak", "number"),
        "kendall_w": C("col.kendall_w", "number")}, key="reliability_blocks")
st.subheader(t("common.judges"))
st.altair_chart(charts.judge_leniency(report.judges, lang=language()), width="stretch")
widgets.table(report.judges, {
    "judge_name": C("col.judge"), **SHEET, "ratings": C("col.ratings", "count"), "mean_score": C("col.mean_score", "number"),
    "spread": C("col.spread", "number"), "leniency": C("col.leniency", "number"),
    "leniency_se": C("col.leniency_se", "number"), "consensus_correlation": C("col.consensus_correlation", "number"),
    "downweighted_share": C("col.downweighted_share", "share"), "flags": C("col.flags", "key", values="flag")},
    key="reliability_judges")
st.subheader(t("organiser_reliability.entries_flagged"))
flagged = report.entries[report.entries["flags"] != ""]
pools = dict(zip(rel.ranking.table["pool"], rel.ranking.table["pool_label"]))
widgets.table(flagged.assign(group=flagged["group"].map(lambda pool: named(pools.get(pool, pool)))), {
    "entry_code": C("col.entry"), "group": C("col.group"), "adjusted_score": C("col.adjusted_score", "number"),
    "disagreement": C("col.disagreement", "number"), "largest_residual": C("col.largest_residual", "number"),
    "lowest": C("col.lowest", "number"), "highest": C("col.highest", "number"),
    "flags": C("col.flags", "key", values="flag")}, key="reliability_entries")
st.subheader(t("organiser_reliability.score_distributions_per_criterion"))
st.altair_chart(charts.score_distributions(rel.criterion_scores.assign(
    criterion=rel.criterion_scores["criterion_label"].map(named)), lang=language()), width="stretch")
st.subheader(t("organiser_reliability.agreement_between_methods"))
st.altair_chart(charts.method_agreement(rel.comparison, lang=language()), width="stretch")
widgets.table(rel.comparison, {  # each method's warning is a message: the table shows it in the reader's language
    "method": C("col.method", "key", values="ranking_method"),
    "reference": C("col.reference", "key", values="ranking_method"), "spearman": C("col.spearman", "number"),
    "kendall": C("col.kendall", "number"), "decisions_changed": C("col.decisions_changed", "count"),
    "entries_changed": C("col.entries_changed"), "warning": C("col.warning")}, key="reliability_methods")
