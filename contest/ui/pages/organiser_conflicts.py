"""Organiser: conflicts of interest with their reasons; automatic detection, conflicts
added by hand for one entry or a whole organisation, removal."""

import pandas as pd
import streamlit as st

from contest.services import conflicts
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("Conflicts of interest"))
if edition is None:
    st.info(t("No edition yet."))
    st.stop()

same_region = st.checkbox(t("Also a conflict: judge and applicant from the same region"))
if st.button(t("Find automatic conflicts"), type="primary"):
    with context.session() as s, context.user_errors():
        counts = conflicts.detect_conflicts(session=s, actor=actor, edition_id=edition.id,
                                            same_region=same_region)
        st.success(t("{total} automatic conflicts ({added} new, {removed} no longer apply).",
                     total=counts.total, added=counts.added, removed=counts.removed))

with context.session(read_only=True) as s, context.user_errors():
    picks = conflicts.choices(session=s, actor=actor, edition_id=edition.id)
    rows = conflicts.list_conflicts(session=s, actor=actor, edition_id=edition.id)

with st.form("add_conflict", clear_on_submit=True):
    st.subheader(t("Add a conflict"))
    # Labels as options (not ids with a format function) keep the form testable.
    judges = {label: judge_id for judge_id, label in picks.judges}
    entries = {t("(every entry of the organisation below)"): None,
               **{label: entry_id for entry_id, label in picks.entries}}
    judge = judges.get(st.selectbox(t("Judge"), list(judges)))
    entry = entries.get(st.selectbox(t("Entry"), list(entries)))
    organisation = st.text_input(t("Organisation (instead of one entry)"))
    reason = st.text_input(t("Reason"))
    if st.form_submit_button(t("Add conflict")):
        with context.session() as s, context.user_errors():
            conflicts.add_conflict(session=s, actor=actor, edition_id=edition.id, judge_id=judge,
                                   entry_id=entry, organisation=organisation, reason=reason)
            st.success(t("Conflict added."))
            st.rerun()

st.subheader(t("Recorded conflicts ({n})", n=len(rows)))
widgets.table(pd.DataFrame(rows, columns=["judge", "entry", "organisation", "source", "reason"]), {
    "judge": formats.Column("col.judge"), "entry": formats.Column("col.entry"),
    "organisation": formats.Column("col.organisation"), "source": formats.Column("col.source", "key", values="source"),
    "reason": formats.Column("col.reason")}, key="conflicts_recorded")
if rows:
    chosen = st.selectbox(t("Conflict to remove"), rows,
                          format_func=lambda r: f"{r.judge} / {r.entry or r.organisation}")
    if widgets.confirmed(t("Remove conflict"), key=f"remove_conflict_{chosen.id}",
                         question=t("Remove this conflict? The judge may then be assigned to these entries.")):
        with context.session() as s, context.user_errors():
            conflicts.remove_conflict(session=s, actor=actor, conflict_id=chosen.id)
            st.rerun()
