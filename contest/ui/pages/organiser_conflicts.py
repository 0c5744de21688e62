"""Organiser: conflicts of interest with their reasons; automatic detection, conflicts
added by hand for one entry or a whole organisation, removal."""

import pandas as pd
import streamlit as st

from contest.services import conflicts
from contest.ui import context

actor = context.require_actor()
edition = context.edition()
st.title("Conflicts of interest")
if edition is None:
    st.info("No edition yet.")
    st.stop()

same_region = st.checkbox("Also a conflict: judge and applicant from the same region")
if st.button("Find automatic conflicts", type="primary"):
    with context.session() as s, context.user_errors():
        counts = conflicts.detect_conflicts(session=s, actor=actor, edition_id=edition.id,
                                            same_region=same_region)
        st.success(f"{counts['total']} automatic conflicts ({counts['added']} new, "
                   f"{counts['removed']} no longer apply).")

with context.session(read_only=True) as s, context.user_errors():
    picks = conflicts.choices(session=s, actor=actor, edition_id=edition.id)
    rows = conflicts.list_conflicts(session=s, actor=actor, edition_id=edition.id)

with st.form("add_conflict", clear_on_submit=True):
    st.subheader("Add a conflict")
    # Labels as options (not ids with a format function) keep the form testable.
    judges = {label: judge_id for judge_id, label in picks["judges"]}
    entries = {"(every entry of the organisation below)": None,
               **{label: entry_id for entry_id, label in picks["entries"]}}
    judge = judges.get(st.selectbox("Judge", list(judges)))
    entry = entries.get(st.selectbox("Entry", list(entries)))
    organisation = st.text_input("Organisation (instead of one entry)")
    reason = st.text_input("Reason")
    if st.form_submit_button("Add conflict"):
        with context.session() as s, context.user_errors():
            conflicts.add_conflict(session=s, actor=actor, edition_id=edition.id, judge_id=judge,
                                   entry_id=entry, organisation=organisation, reason=reason)
            st.success("Conflict added.")
            st.rerun()

st.subheader(f"Recorded conflicts ({len(rows)})")
st.dataframe(pd.DataFrame(rows, columns=["judge", "entry", "organisation", "source", "reason"]),
             hide_index=True)
if rows:
    chosen = st.selectbox("Conflict to remove", rows,
                          format_func=lambda r: f"{r['judge']} / {r['entry'] or r['organisation']}")
    if st.button("Remove conflict"):
        with context.session() as s, context.user_errors():
            conflicts.remove_conflict(session=s, actor=actor, conflict_id=chosen["id"])
            st.rerun()
