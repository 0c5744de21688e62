"""Investor matchmaking: every observer's interest in an entry and the team's answer, and
the `interest` workbook for the matchmaking session."""

import streamlit as st

from contest.services import exports, matchmaking
from contest.ui import context, formats, widgets
from contest.ui.i18n import language, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_matches.matchmaking"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    matches = matchmaking.interest_frame(session=s, actor=actor, edition_id=edition.id)
    workbook = exports.interest_workbook(session=s, actor=actor, edition_id=edition.id, lang=language())
if matches.empty:
    st.info(t("organiser_matches.none_yet"))
else:
    st.caption(t("organiser_matches.counts", n=len(matches), accepted=int((matches["status"] == "accepted").sum()),
                 pending=int((matches["status"] == "pending").sum())))
    widgets.table(matches, {
        "entry_code": formats.Column("col.entry"), "title": formats.Column("col.title"),
        "observer_organisation": formats.Column("col.observer_organisation"),
        "observer_name": formats.Column("col.observer"),
        "kind": formats.Column("col.interest_kind", "key", values="interest_kind"),
        "status": formats.Column("col.status", "key", values="interest_status"),
        "created_at": formats.Column("col.marked_at", "moment"),
        "responded_at": formats.Column("col.responded_at", "moment"), "note": formats.Column("col.note")},
        key="matches")
st.download_button(t("organiser_matches.download"), data=workbook, file_name="interest.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="interest_download")
