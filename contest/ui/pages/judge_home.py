"""A judge's working list: assignments per round with progress, filters, and a button that
opens the next entry to score."""

import pandas as pd
import streamlit as st

from contest.services import calibration, judging
from contest.ui import context, formats, navigation, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("judge_home.my_assignments"))
if edition is None:
    st.info(t("common.there_no_contest_yet"))
    st.stop()
rounds = []
with context.session(read_only=True) as s, context.user_errors():
    rounds = judging.judge_workspace(session=s, actor=actor, edition_id=edition.id)
if not rounds:
    st.info(t("judge_home.nothing_assigned_yet_will_see"))
SCORE_PAGE = navigation.PAGES_DIR / "judge_score.py"
for info in rounds:
    rid = info["round_id"]
    st.subheader(widgets.plain(named(info["round"])))
    st.progress(info["done"] / info["total"] if info["total"] else 0.0,
                text=t("common.done_of_total_submitted", done=info["done"], total=info["total"]))
    done, drafts, todo = st.columns(3)
    done.metric(t("judge_home.done"), info["done"])
    drafts.metric(t("judge_home.started"), info["drafts"])
    todo.metric(t("common.to_do"), info["to_do"])
    if info["calibration_to_do"]:
        st.info(t("calibration.score_first", n=info["calibration_to_do"]), icon=":material/tune:")
    elif any(e["calibration"] for e in info["entries"]):  # no query for a round without calibration
        with context.session(read_only=True) as s, context.user_errors():
            check = calibration.self_check(session=s, actor=actor, round_id=rid)
        if check is not None and check.ready:
            widgets.calibration_check(check, key=f"calibration_{rid}")
    upcoming = judging.next_to_score(info["entries"])
    if upcoming is not None and st.button(t("common.next_score", code=widgets.plain(upcoming["code"])), key=f"next_{rid}",
                                          type="primary"):
        st.switch_page(SCORE_PAGE, query_params={"round": str(rid), "entry": str(upcoming["entry_id"])})
    states, text, track = st.columns(3)
    chosen = states.multiselect(t("judge_home.state"), ["to do", "draft", "submitted"], key=f"states_{rid}",
                                format_func={s: formats.value_label("work", s) for s in ["to do", "draft", "submitted"]}.get,
                                placeholder=t("common.choose_options"))
    needle = text.text_input(t("judge_home.search_code_title"), key=f"search_{rid}")
    tracks = sorted({e["track"] for e in info["entries"] if e["track"]})
    picked = track.selectbox(t("judge_home.track"), [""] + tracks, key=f"track_{rid}",
                             format_func={"": t("common.all"), **{v: named(v) for v in tracks}}.get)
    shown = judging.filter_entries(info["entries"], states=chosen, text=needle, track=picked)
    listed = pd.DataFrame(formats.in_language(shown), columns=["code", "calibration", "title", "track", "state"])
    widgets.table(listed, {
        "code": formats.Column("col.entry"), "calibration": formats.Column("col.calibration", "check"),
        "title": formats.Column("col.title"),
        "track": formats.Column("col.track"), "state": formats.Column("col.state", "key", values="work")}, key=f"judge_list_{rid}")
    if shown:
        labels = {e["entry_id"]: f"{e['code']} · {e['title']}" for e in shown}
        entry_id = st.selectbox(t("judge_home.open_entry"), list(labels), format_func=labels.get, key=f"open_{rid}")
        if st.button(t("judge_home.open_entry_button"), key=f"open_button_{rid}"):
            st.switch_page(SCORE_PAGE, query_params={"round": str(rid), "entry": str(entry_id)})
