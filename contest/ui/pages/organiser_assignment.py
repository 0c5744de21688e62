"""Organiser: the round's assignment rules, a preview (loads, expertise match,
connectivity, problems) before committing, and manual changes afterwards."""

import pandas as pd
import streamlit as st

from contest import assignment, charts
from contest.services import assignments, calibration, conflicts, editions
from contest.ui import context, formats, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_assignment.assignment"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s:
    rounds = [r for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored]
by_id = {r.id: r for r in rounds}
rnd = by_id[st.selectbox(t("common.round"), list(by_id), format_func={i: named(r) for i, r in by_id.items()}.get, key="assign_round")]

with st.form("round_rules"):
    k = widgets.number(t("common.judges_per_entry"), low=1, high=assignments.MAX_JUDGES_PER_ENTRY,
                       value=rnd.judges_per_entry, key=f"judges_per_entry_{rnd.id}")
    region = st.checkbox(t("organiser_assignment.judge_applicant_s_region_has"), rnd.region_conflicts)
    if st.form_submit_button(t("organiser_assignment.save_round_rules")) and k is not None:
        with context.session() as s, context.user_errors():
            assignments.set_round_rules(session=s, actor=actor, round_id=rnd.id,
                                        judges_per_entry=int(k), region_conflicts=region)
            st.success(t("organiser_assignment.judges_per_entry", round=widgets.plain(named(rnd)), k=int(k)))

with st.expander(t("calibration.heading")), context.session(read_only=True) as s, context.user_errors():
    calib = calibration.calibration_settings(session=s, actor=actor, round_id=rnd.id)
    st.caption(t("calibration.help", fewest=calibration.FEWEST, most=calibration.MOST))
    if "calibration_flash" in st.session_state:
        st.success(st.session_state.pop("calibration_flash"))
    if st.button(t("calibration.suggest"), key=f"calibration_suggest_{rnd.id}"):
        st.session_state[f"calibration_codes_{rnd.id}"] = calibration.suggest_calibration(
            session=s, actor=actor, round_id=rnd.id)
    st.session_state.setdefault(f"calibration_codes_{rnd.id}", [e["code"] for e in calib.entries])
    codes = st.multiselect(t("calibration.entries"), list(calib.candidates), key=f"calibration_codes_{rnd.id}",
                           max_selections=calibration.MOST, placeholder=t("common.choose_options"))
    counts = st.checkbox(t("calibration.counts"), calib.counts, key=f"calibration_counts_{rnd.id}",
                         help=t("calibration.counts_help"))
    if calib.entries:
        st.caption(t("calibration.state", n=len(calib.entries), judges=calib.judges))
    for skipped in calib.skipped:
        st.caption(t("calibration.skipped", judge=skipped["judge"], code=skipped["entry_code"]))
    if st.button(t("calibration.save"), key=f"calibration_save_{rnd.id}"):
        with context.session() as w, context.user_errors():
            saved = calibration.set_calibration(session=w, actor=actor, round_id=rnd.id, entry_codes=codes,
                                                counts=counts)
            st.session_state["calibration_flash"] = t("calibration.saved", n=len(saved.entries), judges=saved.judges)
            st.rerun()

seed = widgets.number(t("organiser_assignment.seed_same_seed_same_assignment"), low=0, high=1_000_000, value=0, key="assign_seed")
if st.button(t("organiser_assignment.preview_assignment"), type="primary", disabled=seed is None):
    bar = st.progress(0.0, text=t("organiser_assignment.assigning"))
    with context.session(read_only=True) as s, context.user_errors():
        st.session_state["assignment_preview"] = assignments.preview_assignment(
            session=s, actor=actor, round_id=rnd.id, seed=int(seed),
            progress=lambda share, message: bar.progress(min(share, 1.0), text=t(message)))
    bar.empty()

preview = st.session_state.get("assignment_preview")
if preview is not None and preview.round_id == rnd.id:
    result = preview.result
    st.subheader(t("organiser_assignment.preview"))
    cols = st.columns(5)
    cols[0].metric(t("organiser_assignment.pairs"), len(result.pairs))
    cols[1].metric(t("organiser_assignment.expertise_match"), formats.percent(result.expertise_match))
    cols[2].metric(t("organiser_assignment.load_spread"), result.load_spread)
    cols[3].metric(t("organiser_assignment.conflicts_avoided"), result.forbidden_avoided)
    cols[4].metric(t("organiser_assignment.connected"), t("organiser_assignment.yes") if result.connected
                    else t("organiser_assignment.no_pieces", n=result.n_components))
    st.caption(t("organiser_assignment.kept_work_add_withdraw", kept=len(preview.kept),
                 add=len(preview.to_add), withdraw=len(preview.to_withdraw)))
    if preview.dropped_work:
        st.warning(t("organiser_assignment.started_assignments_will_withdrawn_their", n=len(preview.dropped_work)))
    loads = pd.DataFrame(preview.loads)
    st.altair_chart(charts.judge_loads(loads, judge_title=t("organiser_assignment.chart_judge"),
                                       load_title=t("organiser_assignment.chart_load")), width="stretch")
    problems = assignment.explained_problems(result)
    if problems:
        # Problems quote names people typed: a table shows them as text, never Markdown.
        st.error(t("organiser_assignment.problems_committing_now_would_break", n=len(problems)))
        widgets.table(pd.DataFrame({"problem": problems}), {"problem": formats.Column("col.problem")},
                      key=f"assignment_problems_{rnd.id}")
    accept = st.checkbox(t("organiser_assignment.commit_despite_these_problems")) if problems else False
    if st.button(t("organiser_assignment.commit_assignment")):
        with context.session() as s, context.user_errors():
            stored = assignments.commit_assignment(session=s, actor=actor, preview=preview,
                                                   accept_problems=accept)
            st.session_state.pop("assignment_preview")
            st.success(t("organiser_assignment.assignment_stored_added_withdrawn_kept",
                         added=stored.added, withdrawn=stored.withdrawn, kept=stored.kept))

with context.session(read_only=True) as s, context.user_errors():
    current = assignments.round_assignments(session=s, actor=actor, round_id=rnd.id)
    picks = conflicts.choices(session=s, actor=actor, edition_id=edition.id)
st.subheader(t("organiser_assignment.current_assignment"))
widgets.table(pd.DataFrame(current, columns=["code", "judges", "needed", "names"]), {
    "code": formats.Column("col.entry"), "judges": formats.Column("col.judges", "count"),
    "needed": formats.Column("col.needed", "count"), "names": formats.Column("col.judge_names")},
    key=f"assignment_current_{rnd.id}")

with st.expander(t("organiser_assignment.change_hand")):
    by_label = {f"{e.code} ({e.names})": e for e in current}
    entry = by_label.get(st.selectbox(t("common.entry"), list(by_label), key="manual_entry"))
    judges = {label: judge_id for judge_id, label in picks.judges}
    judge = judges.get(st.selectbox(t("common.judge"), list(judges), key="manual_judge"))
    other = judges.get(st.selectbox(t("organiser_assignment.replace_swap"), list(judges), key="manual_other"))
    add, remove, swap = st.columns(3)
    action = ("add" if add.button(t("organiser_assignment.add_judge")) else "remove" if remove.button(t("organiser_assignment.remove_judge"))
              else "swap" if swap.button(t("organiser_assignment.swap_judges")) else None)
    if action and entry:
        with context.session() as s, context.user_errors():
            args = dict(session=s, actor=actor, round_id=rnd.id, entry_id=entry.id)
            if action == "add":
                assignments.add_judge(**args, judge_id=judge)
            elif action == "remove":
                assignments.remove_judge(**args, judge_id=judge)
            else:
                assignments.swap_judge(**args, old_judge_id=judge, new_judge_id=other)
            st.success(t("organiser_assignment.done_action", action=t(f"organiser_assignment.action_{action}"), code=widgets.plain(entry.code)))
