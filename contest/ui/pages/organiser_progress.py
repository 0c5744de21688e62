"""Organiser: scoring progress per judge, per entry and per track; overdue work;
reminders by mail (or a list to copy when no mail server is set)."""

import pandas as pd
import streamlit as st

from contest.services import editions, progress
from contest.ui import context

actor = context.require_actor()
edition = context.edition()
st.title("Progress")
if edition is None:
    st.info("No edition yet.")
    st.stop()
with context.session(read_only=True) as s:
    rounds = [r for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored]
rnd = st.selectbox("Round", rounds, format_func=lambda r: r.label, key="progress_round")
with context.session(read_only=True) as s, context.user_errors():
    report = progress.round_progress(session=s, actor=actor, round_id=rnd.id)

cols = st.columns(5)
cols[0].metric("Assigned", report["assigned"])
cols[1].metric("Submitted", report["submitted"])
cols[2].metric("Draft", report["draft"])
cols[3].metric("To do", report["to do"])
cols[4].metric("Overdue", report["overdue"])
if report["assigned"]:
    st.progress(report["submitted"] / report["assigned"],
                text=f"{report['submitted']} of {report['assigned']} submitted")

st.subheader("Coverage per track")
st.dataframe(pd.DataFrame(report["tracks"]), hide_index=True)
st.subheader("Per judge")
st.dataframe(pd.DataFrame(report["judges"]), hide_index=True,
             column_config={"done": st.column_config.ProgressColumn("done", min_value=0, max_value=1)})
st.subheader("Per entry")
entries = pd.DataFrame(report["entries"])
if not entries.empty and st.toggle("Only entries not yet fully scored"):
    entries = entries[~entries["complete"]]
st.dataframe(entries, hide_index=True)

if st.button("Send reminders to judges with open work"):
    with context.session() as s, context.user_errors():
        outcome = progress.send_reminders(session=s, actor=actor, round_id=rnd.id)
        if outcome["sent"]:
            st.success(f"Reminders sent to {len(outcome['sent'])} judges.")
        for failure in outcome["failed"]:
            st.error(failure)
        if outcome["to_copy"]:
            st.info("No mail server is set (CONTEST_SMTP_URL): copy these reminders.")
            for message in outcome["to_copy"]:
                st.code(f"To: {message['to']}\nSubject: {message['subject']}\n\n{message['body']}",
                        language=None)
        elif not outcome["sent"] and not outcome["failed"]:
            st.info("Every judge has submitted: no reminders needed.")
