"""Published result lists (公示), newest first; corrections are shown as new versions."""

import pandas as pd
import streamlit as st

from contest.services import decisions
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("published_results.published_results"))
if edition is None:
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    lists = decisions.published_results(session=s, actor=actor, edition_id=edition.id)
if not lists:
    st.info(t("published_results.no_results_have_been_published"))
for item in lists:
    st.subheader(t("published_results.list_version", title=widgets.plain(item.title), version=item.version))
    st.caption(t("published.at", at=formats.when(item.published_at))
               + (t("published_results.correction_earlier_version") if item.correction else ""))
    if item.note:
        st.text(item.note)
    rows = pd.DataFrame(formats.in_language(item.rows))
    if actor.has("entrant") and rows["mine"].any():
        st.success(t("published_results.entries_list") + ", ".join(rows.loc[rows["mine"], "entry_code"]))
    widgets.table(rows, {
        "rank": formats.Column("col.rank", "count"), "entry_code": formats.Column("col.entry"),
        "title": formats.Column("col.title"), "applicant": formats.Column("col.applicant"),
        "group": formats.Column("col.group"), "category": formats.Column("col.category"),
        "outcome": formats.Column("col.outcome", "key", values="outcome")}, key=f"published_{item.id}")
