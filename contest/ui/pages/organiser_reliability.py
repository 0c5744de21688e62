"""How reliable the scoring was: design, variance shares, agreement, judges, entries."""

import pandas as pd
import streamlit as st

from contest import charts, ranking
from contest.services import editions, results
from contest.ui import context, widgets
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("Reliability"))
if edition is None:
    st.info(t("No edition yet."))
    st.stop()
with context.session(read_only=True) as s:
    rounds = {r.id: r.label for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
left, right = st.columns(2)
round_id = left.selectbox(t("Round"), list(rounds), format_func=rounds.get)
method = right.selectbox(t("Method"), ranking.METHODS, format_func={m: t(m) for m in ranking.METHODS}.get)
if st.button(t("Build the report"), type="primary"):
    st.session_state["reliability_for"] = (round_id, method)
if st.session_state.get("reliability_for") != (round_id, method):
    st.info(t("Choose a round, then build the report."))
    st.stop()
rel = None
with context.session(read_only=True) as s, context.user_errors():
    rel = results.round_reliability(session=s, actor=actor, round_id=round_id, method=method, draws=500)
if rel is None:
    st.stop()
report = rel.report
for line in report.summary:
    st.markdown(f"- {widgets.plain(line)}")
st.subheader(t("Design"))
st.dataframe(pd.DataFrame([report.design]), hide_index=True)
st.subheader(t("Variance shares and agreement"))
st.dataframe(report.variance.merge(report.alpha, on="sheet"), hide_index=True)
if not report.blocks.empty:
    st.caption(t("Blocks that the same judges all scored: ICC and Kendall's W"))
    st.dataframe(report.blocks, hide_index=True)
st.subheader(t("Judges"))
st.altair_chart(charts.judge_leniency(report.judges), width="stretch")
st.dataframe(report.judges, hide_index=True, column_order=[c for c in report.judges.columns if c != "judge"])
st.subheader(t("Entries flagged"))
flagged = report.entries[report.entries["flags"] != ""]
st.dataframe(flagged, hide_index=True, column_order=[c for c in flagged.columns if c != "entry"])
st.subheader(t("Score distributions per criterion"))
st.altair_chart(charts.score_distributions(rel.criterion_scores), width="stretch")
st.subheader(t("Agreement between methods"))
st.altair_chart(charts.method_agreement(rel.comparison), width="stretch")
st.dataframe(rel.comparison, hide_index=True)
