"""Organiser: the round's assignment rules, a preview (loads, expertise match,
connectivity, problems) before committing, and manual changes afterwards."""

import pandas as pd
import streamlit as st

from contest import assignment
from contest.services import assignments, conflicts, editions
from contest.ui import context

actor = context.require_actor()
edition = context.edition()
st.title("Assignment")
if edition is None:
    st.info("No edition yet.")
    st.stop()
with context.session(read_only=True) as s:
    rounds = [r for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored]
rnd = st.selectbox("Round", rounds, format_func=lambda r: r.label, key="assign_round")

with st.form("round_rules"):
    k = st.number_input("Judges per entry", 1, assignments.MAX_JUDGES_PER_ENTRY, rnd.judges_per_entry)
    region = st.checkbox("A judge from the applicant's region has a conflict", rnd.region_conflicts)
    if st.form_submit_button("Save round rules"):
        with context.session() as s, context.user_errors():
            assignments.set_round_rules(session=s, actor=actor, round_id=rnd.id,
                                        judges_per_entry=int(k), region_conflicts=region)
            st.success(f"{rnd.label}: {int(k)} judges per entry.")

seed = st.number_input("Seed (same seed, same assignment)", 0, 1_000_000, 0)
if st.button("Preview assignment", type="primary"):
    bar = st.progress(0.0, text="Assigning…")
    with context.session(read_only=True) as s, context.user_errors():
        st.session_state["assignment_preview"] = assignments.preview_assignment(
            session=s, actor=actor, round_id=rnd.id, seed=int(seed),
            progress=lambda share, message: bar.progress(min(share, 1.0), text=message))
    bar.empty()

preview = st.session_state.get("assignment_preview")
if preview is not None and preview.round_id == rnd.id:
    result = preview.result
    st.subheader("Preview")
    cols = st.columns(5)
    cols[0].metric("Pairs", len(result.pairs))
    cols[1].metric("Expertise match", f"{result.expertise_match:.0%}")
    cols[2].metric("Load spread", result.load_spread)
    cols[3].metric("Conflicts avoided", result.forbidden_avoided)
    cols[4].metric("Connected", "yes" if result.connected else f"no ({result.n_components} pieces)")
    st.caption(f"{len(preview.kept)} kept with work, {len(preview.to_add)} to add, "
               f"{len(preview.to_withdraw)} to withdraw")
    if preview.dropped_work:
        st.warning(f"{len(preview.dropped_work)} started assignments will be withdrawn: their "
                   "judge now has a conflict with the entry or left the pool.")
    loads = pd.DataFrame(preview.loads)
    st.bar_chart(loads.set_index("judge")[["load"]], horizontal=True)
    problems = assignment.explained_problems(result)
    if problems:
        # Problems quote names people typed: a table shows them as text, never Markdown.
        st.error(f"{len(problems)} problems: committing now would break the rules below.")
        st.dataframe(pd.DataFrame({"problem": problems}), hide_index=True)
    accept = st.checkbox("Commit despite these problems") if problems else False
    if st.button("Commit assignment"):
        with context.session() as s, context.user_errors():
            stored = assignments.commit_assignment(session=s, actor=actor, preview=preview,
                                                   accept_problems=accept)
            st.session_state.pop("assignment_preview")
            st.success(f"Assignment stored: {stored['added']} added, {stored['withdrawn']} "
                       f"withdrawn, {stored['kept']} kept with work.")

with context.session(read_only=True) as s, context.user_errors():
    current = assignments.round_assignments(session=s, actor=actor, round_id=rnd.id)
    picks = conflicts.choices(session=s, actor=actor, edition_id=edition.id)
st.subheader("Current assignment")
table = pd.DataFrame(current, columns=["code", "judges", "needed", "names"])
st.dataframe(table, hide_index=True)

with st.expander("Change by hand"):
    by_label = {f"{e['code']} ({e['names']})": e for e in current}
    entry = by_label.get(st.selectbox("Entry", list(by_label), key="manual_entry"))
    judges = {label: judge_id for judge_id, label in picks["judges"]}
    judge = judges.get(st.selectbox("Judge", list(judges), key="manual_judge"))
    other = judges.get(st.selectbox("Replace by (swap)", list(judges), key="manual_other"))
    add, remove, swap = st.columns(3)
    action = ("add" if add.button("Add judge") else "remove" if remove.button("Remove judge")
              else "swap" if swap.button("Swap judges") else None)
    if action and entry:
        with context.session() as s, context.user_errors():
            args = dict(session=s, actor=actor, round_id=rnd.id, entry_id=entry["id"])
            if action == "add":
                assignments.add_judge(**args, judge_id=judge)
            elif action == "remove":
                assignments.remove_judge(**args, judge_id=judge)
            else:
                assignments.swap_judge(**args, old_judge_id=judge, new_judge_id=other)
            st.success(f"Done: {action} on {entry['code']}.")
