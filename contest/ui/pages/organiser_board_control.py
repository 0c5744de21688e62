"""Organiser: the live board of a roadshow round (scored, not blind): which entry is on
stage, and whether the venue screen shows the judges' totals and the running order."""

import streamlit as st

from contest.services import board
from contest.ui import context, navigation
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_board.board_control"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    rounds = {r.id: named(r) for r in board.board_rounds(session=s, actor=actor, edition_id=edition.id)}
    live = board.live_round(session=s, actor=actor, edition_id=edition.id)
if not rounds:
    st.info(t("organiser_board.no_rounds"))
    st.stop()
ids = list(rounds)
round_id = st.selectbox(t("common.round"), ids, index=ids.index(live) if live in rounds else len(ids) - 1,
                        key="board_round", format_func=rounds.get)
with context.session(read_only=True) as s, context.user_errors():
    control = board.board_control(session=s, actor=actor, round_id=round_id)
st.page_link(navigation.PAGES_DIR / "organiser_board.py", label=t("organiser_board.open_board"),
             icon=":material/tv:", query_params={"round": round_id})
st.caption(t("organiser_board.board_shows"))
if not control.entries:
    st.info(t("organiser_board.no_entries"))
    st.stop()
done = f" ({t('organiser_board.presented')})"
names = {None: t("organiser_board.stage_empty")} | {
    e["entry_id"]: f"{e['code']} · {e['title']}" + (done if e["presented"] else "") for e in control.entries}
# Keys carry the stored value: a change made elsewhere (another tab) shows at the next run.
on_stage = st.selectbox(t("organiser_board.on_stage"), list(names), index=list(names).index(control.on_stage),
                        key=f"board_stage_{round_id}_{control.on_stage}", format_func=names.get)
totals = st.toggle(t("organiser_board.reveal_totals"), value=control.reveal_totals,
                   key=f"board_totals_{round_id}_{control.reveal_totals}")
running = st.toggle(t("organiser_board.show_running_order"), value=control.show_running_order,
                    key=f"board_running_{round_id}_{control.show_running_order}")
if on_stage != control.on_stage:
    with context.session() as s, context.user_errors():
        board.put_on_stage(session=s, actor=actor, round_id=round_id, entry_id=on_stage)
        st.rerun()
if (totals, running) != (control.reveal_totals, control.show_running_order):
    with context.session() as s, context.user_errors():
        board.set_reveal(session=s, actor=actor, round_id=round_id, totals=totals, running_order=running)
        st.rerun()
