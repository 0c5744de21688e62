"""An entrant's entries and their status; start a new entry or open one; the judges'
feedback on each entry once released."""

import pandas as pd
import streamlit as st

from contest import feedbackpdf
from contest.services import entries, feedback, home, matchmaking
from contest.ui import context, formats, interest, viewer, widgets
from contest.ui.i18n import language, named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("entrant_home.my_entries"))
if edition is None:
    st.info(t("entrant_home.registration_has_not_opened_yet"))
    st.stop()
st.caption(widgets.plain(edition.name))
if edition.submission_deadline:
    st.caption(t("entrant_home.deadline", at=formats.when(edition.submission_deadline)))
with context.session(read_only=True) as s, context.user_errors():
    overview = home.entrant_overview(session=s, actor=actor, edition_id=edition.id)
if not overview:
    st.info(t("entrant_home.have_no_entries_yet"))
else:
    frame = pd.DataFrame(formats.in_language(overview)).drop(columns=["id"])
    widgets.table(frame, {
        "code": formats.Column("col.entry"), "title": formats.Column("col.title"), "group": formats.Column("col.group"),
        "category": formats.Column("col.category"), "status": formats.Column("col.status", "key", values="entry_status"),
        "reason": formats.Column("col.reason"), "stage": formats.Column("col.stage"),
        "award": formats.Column("col.award"), "submitted_at": formats.Column("col.submitted_at", "moment")},
        key="entrant_entries")
    labels = {row.id: f"{row.code} – {row.title}" for row in overview}
    chosen = st.selectbox(t("common.entry"), list(labels), format_func=labels.get, key="home_entry_choice")
    if st.button(t("entrant_home.open_entry"), icon=":material/edit:", key="open_entry"):
        st.session_state["entry_id"] = chosen
        st.switch_page("contest/ui/pages/entrant_entry.py", query_params={"entry": str(chosen)})
if st.button(t("entrant_home.start_new_entry"), icon=":material/add:", type="primary", key="new_entry"):
    created = None
    with context.session() as s, context.user_errors():
        created = entries.create_entry(session=s, actor=actor, edition_id=edition.id)
    if created is not None:
        st.session_state["entry_id"] = created.id
        st.switch_page("contest/ui/pages/entrant_entry.py", query_params={"entry": str(created.id)})
st.caption(t("entrant_home.result_lists_appear_under_published"))
st.subheader(t("entrant_home.investor_interest"))
interest.flash()
with context.session(read_only=True) as s, context.user_errors():
    interests = matchmaking.entrant_interests(session=s, actor=actor, edition_id=edition.id)
if not interests:
    st.caption(t("entrant_home.no_interest_yet"))
for shown in interests:
    interest.entrant_card(shown)

st.subheader(t("feedback.heading"))
reports = []
with context.session(read_only=True) as s, context.user_errors():
    reports = feedback.entrant_feedback(session=s, actor=actor, edition_id=edition.id)
if not reports:
    st.info(t("feedback.none_yet"))


def report_pdf(entry_id: int, round_id: int) -> bytes:
    with context.session(read_only=True) as s:
        return feedback.feedback_pdf(session=s, actor=actor, entry_id=entry_id, round_id=round_id,
                                     language=language())


for report in reports:
    standing = report.feedback
    with st.container(border=True):
        st.markdown(f"**{widgets.plain(report.entry_code)} · {widgets.plain(named(report.round))}**")
        st.text(t("feedback.adjusted_line", score=feedbackpdf.number(standing.adjusted_score),
                  percentile=feedbackpdf.number(round(standing.percentile)), n=standing.group_size)
                if standing.percentile is not None else t("feedback.no_adjusted_score"))
        viewer.download(key=f"feedback_{report.entry_id}_{report.round_id}", label=t("feedback.download"),
                        name=f"{report.entry_code}-{report.round_key}-feedback.pdf",
                        load=lambda e=report.entry_id, r=report.round_id: report_pdf(e, r))
