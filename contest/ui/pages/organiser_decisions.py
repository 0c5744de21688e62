"""Advancement, awards and publication of a round, with overrides that need a reason."""

import pandas as pd
import streamlit as st

from contest.services import editions, results
from contest.ui import context
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("Decisions and publication"))
if edition is None:
    st.info(t("No edition yet."))
    st.stop()
with context.session(read_only=True) as s:
    rounds = {r.id: r.label for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
round_id = st.selectbox(t("Round"), list(rounds), format_func=rounds.get)
overrides = st.session_state.setdefault("overrides", {})
with context.session(read_only=True) as s, context.user_errors():
    tiers = [tier["key"] for tier in results.award_tiers(session=s, actor=actor, edition_id=edition.id)]

with st.form("override", clear_on_submit=True):
    st.caption(t("Override the ranking for one entry (recorded with its reason)."))
    code = st.text_input(t("Entry code"))
    outcomes = ["advance", "do not advance", *tiers, "no award"]
    outcome = st.selectbox(t("Outcome"), outcomes, format_func={o: t(o) for o in outcomes}.get)
    reason = st.text_input(t("Reason"))
    if st.form_submit_button(t("Add override")) and code.strip():
        overrides[code.strip()] = (outcome, reason)
if overrides:
    st.dataframe(pd.DataFrame([(c, o, r) for c, (o, r) in overrides.items()], columns=["entry", "outcome", "reason"]),
                 hide_index=True, column_config={c: t(c) for c in ["entry", "outcome", "reason"]})
    if st.button(t("Clear overrides")):
        overrides.clear()
        st.rerun()

advance_col, award_col = st.columns(2)
if advance_col.button(t("Decide advancement"), type="primary"):
    chosen = {c: (o == "advance", r) for c, (o, r) in overrides.items() if o in ("advance", "do not advance")}
    with context.session() as s, context.user_errors():
        done = results.advance_round(session=s, actor=actor, round_id=round_id, overrides=chosen)
        st.success(t("{advanced} entries advance to {next_round}, {not_advanced} do not ({overrides} overrides). "
                     "Publish the list to move them.", **done))
if award_col.button(t("Grant awards")):
    chosen = {c: ("" if o == "no award" else o, r) for c, (o, r) in overrides.items()
              if o not in ("advance", "do not advance")}
    with context.session() as s, context.user_errors():
        counts = results.grant_awards(session=s, actor=actor, round_id=round_id, overrides=chosen)
        st.success(t("Awards: ") + ", ".join(f"{t(k)} {v}" for k, v in counts.items()))

st.subheader(t("Current decisions"))
with context.session(read_only=True) as s:
    decided = results.round_decisions(session=s, actor=actor, round_id=round_id)
if decided.empty:
    st.caption(t("No decisions yet."))
else:
    st.dataframe(decided, hide_index=True, column_config={c: t(c) for c in decided.columns})

st.subheader(t("Publish"))
with st.form("publish"):
    kind = st.selectbox(t("List"), list(results.PUBLICATION_KINDS),
                        format_func={k: t(k) for k in results.PUBLICATION_KINDS}.get)
    title = st.text_input(t("Title (optional)"))
    note = st.text_area(t("Note (required for a correction: what changed and why)"))
    if st.form_submit_button(t("Publish")):
        with context.session() as s, context.user_errors():
            published = results.publish_results(session=s, actor=actor, round_id=round_id, kind=kind,
                                                title=title, note=note)
            st.success(t("Published '{title}', version {version}.", title=published.title,
                         version=published.version))
