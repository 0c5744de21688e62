"""The live board for the venue screen: the entry on stage with each judge's total (J1...Jn)
as it comes in, the round's formula in words and its result, and the running order: only
what the organiser revealed on the board control page. It refreshes itself every second."""

import streamlit as st

from contest.services import board
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

REFRESH_SECONDS = 1.0
# Venue-screen sizes: read from the back of a hall (a fixed style, no user text in it).
st.html("<style>[data-testid='stMetricValue'] {font-size: 4.5rem;} "
        "[data-testid='stMetricLabel'] p {font-size: 2rem;} .stMarkdown h3 {font-size: 2.2rem;}</style>")

actor = context.require_actor()
edition = context.edition()
if edition is None:
    st.title(t("organiser_board.live_board"))
    st.info(t("common.no_edition_yet"))
    st.stop()


def _round_id() -> int | None:
    try:
        return int(st.query_params["round"])
    except (KeyError, ValueError):
        with context.session(read_only=True) as s:
            return board.live_round(session=s, actor=actor, edition_id=edition.id)


def _score(line: board.Standing) -> str:
    if line.score is None:
        return t("organiser_board.no_score_yet")
    shown = formats.decimal(line.score, 2)
    return shown if line.complete else t("organiser_board.partial", score=shown, n=line.submitted, m=line.assigned)


def _on_stage(view: board.BoardView) -> None:
    entry = view.on_stage
    if entry is None:
        st.header(t("organiser_board.waiting_for_stage"))
        return
    st.header(f"{widgets.plain(entry.code)} · {widgets.plain(entry.title)}")
    if not view.totals_revealed:
        st.subheader(t("organiser_board.totals_in", n=entry.submitted, m=entry.assigned))
        return
    for column, judge in zip(st.columns(max(entry.assigned, len(entry.judges), 1)), entry.judges):
        column.metric(judge.label, formats.decimal(judge.total, 1),
                      delta=t("organiser_board.left_out") if judge.dropped else None, delta_color="off")
    st.metric(t("organiser_board.round_score"), _score(entry))


@st.fragment(run_every=REFRESH_SECONDS)
def _board() -> None:
    round_id = _round_id()
    if round_id is None:
        st.title(t("organiser_board.live_board"))
        st.info(t("organiser_board.nothing_live"))
        return
    with context.session(read_only=True) as s, context.user_errors():
        view = board.board_view(session=s, actor=actor, round_id=round_id)
        st.title(t("organiser_board.live_board_of", round=widgets.plain(view.round)))
        _on_stage(view)
        st.markdown(f"### {t(view.formula.description)}")
        if view.formula.note:
            st.caption(t(view.formula.note))
        if view.running_order is not None:
            st.subheader(t("organiser_board.running_order"))
            for n, line in enumerate(view.running_order, start=1):
                st.markdown(f"### {n}\\. {widgets.plain(line.code)} · {widgets.plain(line.title)}: {_score(line)}")


_board()
