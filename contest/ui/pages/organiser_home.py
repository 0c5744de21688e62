"""Organiser dashboard: entries per stage, group, category, region; judges; progress."""

import pandas as pd
import streamlit as st

from contest.services import home
from contest.ui import context, formats, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_home.dashboard"))
if edition is None:
    st.info(t("organiser_home.no_edition_yet"))
    st.stop()
st.caption(widgets.plain(edition.name))
with context.session(read_only=True) as s, context.user_errors():
    board = home.organiser_dashboard(session=s, actor=actor, edition_id=edition.id)

cols = st.columns(4)
cols[0].metric(t("organiser_home.entries"), board.entries)
cols[1].metric(t("organiser_home.submitted_or_later"), board.entries - board.by_status.get("draft", 0))
cols[2].metric(t("organiser_home.eligible"), board.by_status.get("eligible", 0))
cols[3].metric(t("common.judges"), board.judges)


def _bar(title: str, counts: dict, shown, unset: str = "common.unset") -> None:
    """Counts by an edition name or a stored key, each shown in words (None: not set)."""
    st.subheader(t(title))
    if counts:
        st.bar_chart(pd.Series({(t(unset) if k is None else shown(k)): v for k, v in counts.items()},
                               name=t("organiser_home.entries")), horizontal=True)
    else:
        st.caption(t("organiser_home.nothing_yet"))


left, right = st.columns(2)
with left:
    _bar("organiser_home.entries_by_status", board.by_status, lambda k: formats.value_label("entry_status", k))
    _bar("organiser_home.entries_by_group", board.by_group, named)
    _bar("organiser_home.entries_by_region", board.by_region, lambda k: formats.value_label("region", k))
with right:
    _bar("organiser_home.entries_by_stage", board.by_stage, named, unset="common.not_in_a_round")
    _bar("organiser_home.entries_by_category", board.by_category, named)
    _bar("organiser_home.entries_by_track", board.by_track, named)

st.subheader(t("organiser_home.scoring_progress"))
if board.progress:
    rows = pd.DataFrame(formats.in_language(board.progress))
    widgets.table(rows, {
        "round": formats.Column("col.round"), "assignments": formats.Column("col.assignments", "count"),
        "draft_sheets": formats.Column("col.draft_sheets", "count"),
        "submitted_sheets": formats.Column("col.submitted_sheets", "count")}, key="dashboard_progress")
else:
    st.caption(t("organiser_home.no_assignments_yet"))
