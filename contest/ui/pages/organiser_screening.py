"""Eligibility screening: submitted entries with the automatic rule results; mark entries
eligible or not, with the reason the entrant sees, one at a time or in bulk."""

import pandas as pd
import streamlit as st

from contest.services import screening
from contest.ui import context

VIEWS = {"Awaiting check": ("submitted",), "All screened entries": screening.SCREENABLE}

actor = context.require_actor()
edition = context.edition()
st.title("Eligibility screening")
if edition is None:
    st.info("No edition yet.")
    st.stop()
if "screening_flash" in st.session_state:
    st.success(st.session_state.pop("screening_flash"))

view = st.radio("Show", list(VIEWS), horizontal=True, key="screening_view")
with context.session(read_only=True) as s, context.user_errors():
    queue = screening.screening_queue(session=s, actor=actor, edition_id=edition.id, statuses=VIEWS[view])
if not queue:
    st.info("No entries are awaiting the check." if view == "Awaiting check"
            else "No entries have been submitted yet.")
    st.stop()

frame = pd.DataFrame(queue)
frame.insert(0, "select", False)
shown = ["select", "code", "status_label", "rules_passed", "rule_problems", "applicant", "title", "category",
         "group", "reason"]
edited = st.data_editor(
    frame[shown], hide_index=True, disabled=shown[1:],
    key=f"screening_table_{st.session_state.get('screening_rev', 0)}",
    column_config={"select": st.column_config.CheckboxColumn("choose"),
                   "status_label": "status", "rules_passed": st.column_config.CheckboxColumn("rules pass"),
                   "rule_problems": st.column_config.TextColumn("automatic check", width="large")})
ticked = edited["select"].fillna(False).astype(bool)
if st.checkbox("Also choose every entry shown whose automatic rules all pass", key="screening_all_passing"):
    ticked = ticked | frame["rules_passed"]
chosen = frame.loc[ticked, ["id", "code"]]
st.caption(f"{len(chosen)} chosen of {len(frame)}.")

with st.expander("Automatic rule results of one entry"):
    code = st.selectbox("Entry", frame["code"].tolist(), key="screening_detail")
    detail = next(row for row in queue if row["code"] == code)
    st.dataframe(pd.DataFrame(detail["results"]), hide_index=True)

with st.form("screening_decision"):
    decision = st.radio("Decision", ["Eligible", "Not eligible"], horizontal=True, key="screening_decision_choice")
    reason = st.text_area("Reason (shown to the entrant; required for not eligible and for overrides)",
                          key="screening_reason")
    if st.form_submit_button("Apply to the chosen entries", type="primary"):
        with context.session() as s, context.user_errors():
            outcome = screening.decide_eligibility(session=s, actor=actor, entry_ids=chosen["id"].tolist(),
                                                   eligible=decision == "Eligible", reason=reason)
            moved = f" and moved into {outcome.round_label}" if decision == "Eligible" else ""
            st.session_state["screening_flash"] = (
                f"{outcome.changed} entries marked {decision.lower()}{moved}"
                + (f"; {outcome.unchanged} already were." if outcome.unchanged else ".")
                + (f" {outcome.assignments_withdrawn} judge assignments withdrawn."
                   if outcome.assignments_withdrawn else ""))
            st.session_state["screening_rev"] = st.session_state.get("screening_rev", 0) + 1
            st.rerun()
