"""Organiser: conflicts of interest with their reasons; automatic detection, conflicts
added by hand for one entry or a whole organisation, removal."""

import pandas as pd
import streamlit as st

from contest.services import conflicts
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_conflicts.conflicts_interest"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()

same_region = st.checkbox(t("organiser_conflicts.also_conflict_judge_applicant_same"))
if st.button(t("organiser_conflicts.find_automatic_conflicts"), type="primary"):
    with context.session() as s, context.user_errors():
        counts = conflicts.detect_conflicts(session=s, actor=actor, edition_id=edition.id,
                                            same_region=same_region)
        st.success(t("organiser_conflicts.automatic_conflicts_new_no_longer",
                     total=counts.total, added=counts.added, removed=counts.removed))

with context.session(read_only=True) as s, context.user_errors():
    picks = conflicts.choices(session=s, actor=actor, edition_id=edition.id)
    rows = conflicts.list_conflicts(session=s, actor=actor, edition_id=edition.id)

with st.form("add_conflict", clear_on_submit=True):
    st.subheader(t("organiser_conflicts.add_conflict"))
    # Labels as options (not ids with a format function) keep the form testable.
    judges = {label: judge_id for judge_id, label in picks.judges}
    entries = {t("organiser_conflicts.every_entry_organisation_below"): None,
               **{label: entry_id for entry_id, label in picks.entries}}
    judge = judges.get(st.selectbox(t("common.judge"), list(judges)))
    entry = entries.get(st.selectbox(t("common.entry"), list(entries)))
    organisation = st.text_input(t("organiser_conflicts.organisation_instead_one_entry"))
    reason = st.text_input(t("common.reason"))
    if st.form_submit_button(t("organiser_conflicts.add_conflict_button")):
        with context.session() as s, context.user_errors():
            conflicts.add_conflict(session=s, actor=actor, edition_id=edition.id, judge_id=judge,
                                   entry_id=entry, organisation=organisation, reason=reason)
            st.success(t("organiser_conflicts.conflict_added"))
            st.rerun()

st.subheader(t("organiser_conflicts.recorded_conflicts", n=len(rows)))
widgets.table(pd.DataFrame(rows, columns=["judge", "entry", "organisation", "source", "reason"]), {
    "judge": formats.Column("col.judge"), "entry": formats.Column("col.entry"),
    "organisation": formats.Column("col.organisation"), "source": formats.Column("col.source", "key", values="source"),
    "reason": formats.Column("col.reason")}, key="conflicts_recorded")
if rows:
    chosen = st.selectbox(t("organiser_conflicts.conflict_remove"), rows,
                          format_func=lambda r: f"{r.judge} / {r.entry or r.organisation}")
    if widgets.confirmed(t("organiser_conflicts.remove_conflict"), key=f"remove_conflict_{chosen.id}",
                         question=t("organiser_conflicts.remove_conflict_judge_may_then")):
        with context.session() as s, context.user_errors():
            conflicts.remove_conflict(session=s, actor=actor, conflict_id=chosen.id)
            st.rerun()
