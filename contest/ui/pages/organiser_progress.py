"""Organiser: scoring progress per judge, per entry and per track; overdue work;
reminders by mail (or a list to copy when no mail server is set)."""

import pandas as pd
import streamlit as st

from contest.services import editions, progress
from contest.ui import context
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("Progress"))
if edition is None:
    st.info(t("No edition yet."))
    st.stop()
with context.session(read_only=True) as s:
    rounds = [r for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored]
rnd = st.selectbox(t("Round"), rounds, format_func=lambda r: r.label, key="progress_round")
with context.session(read_only=True) as s, context.user_errors():
    report = progress.round_progress(session=s, actor=actor, round_id=rnd.id)

cols = st.columns(5)
cols[0].metric(t("Assigned"), report["assigned"])
cols[1].metric(t("Submitted"), report["submitted"])
cols[2].metric(t("Draft"), report["draft"])
cols[3].metric(t("To do"), report["to do"])
cols[4].metric(t("Overdue"), report["overdue"])
if report["assigned"]:
    st.progress(report["submitted"] / report["assigned"],
                text=t("{done} of {total} submitted", done=report["submitted"], total=report["assigned"]))

st.subheader(t("Coverage per track"))
tracks = pd.DataFrame(report["tracks"])
st.dataframe(tracks, hide_index=True, column_config={c: t(c) for c in tracks.columns})
st.subheader(t("Per judge"))
judges = pd.DataFrame(report["judges"])
st.dataframe(judges, hide_index=True, column_order=[c for c in judges.columns if c != "judge_id"], column_config={
    **{c: t(c) for c in judges.columns},
    "done": st.column_config.ProgressColumn(t("done"), min_value=0, max_value=1)})
st.subheader(t("Per entry"))
entries = pd.DataFrame(report["entries"])
if not entries.empty and st.toggle(t("Only entries not yet fully scored")):
    entries = entries[~entries["complete"]]
st.dataframe(entries, hide_index=True, column_config={c: t(c) for c in entries.columns})

if st.button(t("Send reminders to judges with open work")):
    with context.session() as s, context.user_errors():
        outcome = progress.send_reminders(session=s, actor=actor, round_id=rnd.id)
        if outcome["sent"]:
            st.success(t("Reminders sent to {n} judges.", n=len(outcome["sent"])))
        for failure in outcome["failed"]:
            st.error(failure)
        if outcome["to_copy"]:
            st.info(t("No mail server is set (CONTEST_SMTP_URL): copy these reminders."))
            for message in outcome["to_copy"]:
                st.code(f"To: {message['to']}\nSubject: {message['subject']}\n\n{message['body']}",
                        language=None)
        elif not outcome["sent"] and not outcome["failed"]:
            st.info(t("Every judge has submitted: no reminders needed."))
