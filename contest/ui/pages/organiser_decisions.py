"""Advancement, awards and publication of a round, with overrides that need a reason."""

import pandas as pd
import streamlit as st

from contest.services import editions, results
from contest.ui import context

actor = context.require_actor()
edition = context.edition()
st.title("Decisions and publication")
if edition is None:
    st.info("No edition yet.")
    st.stop()
with context.session(read_only=True) as s:
    rounds = {r.id: r.label for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
round_id = st.selectbox("Round", list(rounds), format_func=rounds.get)
overrides = st.session_state.setdefault("overrides", {})
with context.session(read_only=True) as s, context.user_errors():
    tiers = [t["key"] for t in results.award_tiers(session=s, actor=actor, edition_id=edition.id)]

with st.form("override", clear_on_submit=True):
    st.caption("Override the ranking for one entry (recorded with its reason).")
    code = st.text_input("Entry code")
    outcome = st.selectbox("Outcome", ["advance", "do not advance", *tiers, "no award"])
    reason = st.text_input("Reason")
    if st.form_submit_button("Add override") and code.strip():
        overrides[code.strip()] = (outcome, reason)
if overrides:
    st.dataframe(pd.DataFrame([(c, o, r) for c, (o, r) in overrides.items()], columns=["entry", "outcome", "reason"]),
                 hide_index=True)
    if st.button("Clear overrides"):
        overrides.clear()
        st.rerun()

advance_col, award_col = st.columns(2)
if advance_col.button("Decide advancement", type="primary"):
    chosen = {c: (o == "advance", r) for c, (o, r) in overrides.items() if o in ("advance", "do not advance")}
    with context.session() as s, context.user_errors():
        done = results.advance_round(session=s, actor=actor, round_id=round_id, overrides=chosen)
        st.success(f"{done['advanced']} entries advance to {done['next_round']}, {done['not_advanced']} do not "
                   f"({done['overrides']} overrides). Publish the list to move them.")
if award_col.button("Grant awards"):
    chosen = {c: ("" if o == "no award" else o, r) for c, (o, r) in overrides.items()
              if o not in ("advance", "do not advance")}
    with context.session() as s, context.user_errors():
        counts = results.grant_awards(session=s, actor=actor, round_id=round_id, overrides=chosen)
        st.success("Awards: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

st.subheader("Current decisions")
with context.session(read_only=True) as s:
    decided = results.round_decisions(session=s, actor=actor, round_id=round_id)
if decided.empty:
    st.caption("No decisions yet.")
else:
    st.dataframe(decided, hide_index=True)

st.subheader("Publish")
with st.form("publish"):
    kind = st.selectbox("List", list(results.PUBLICATION_KINDS))
    title = st.text_input("Title (optional)")
    note = st.text_area("Note (required for a correction: what changed and why)")
    if st.form_submit_button("Publish"):
        with context.session() as s, context.user_errors():
            published = results.publish_results(session=s, actor=actor, round_id=round_id, kind=kind,
                                                title=title, note=note)
            st.success(f"Published '{published.title}', version {published.version}.")
