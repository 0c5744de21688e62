"""Published result lists (公示), newest first; corrections are shown as new versions."""

import pandas as pd
import streamlit as st

from contest.services import decisions
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("Published results"))
if edition is None:
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    lists = decisions.published_results(session=s, actor=actor, edition_id=edition.id)
if not lists:
    st.info(t("No results have been published yet."))
for item in lists:
    st.subheader(t("{title} (version {version})", title=widgets.plain(item.title), version=item.version))
    st.caption(t("published.at", at=formats.when(item.published_at))
               + (t(" - a correction of an earlier version") if item.correction else ""))
    if item.note:
        st.text(item.note)
    rows = pd.DataFrame(item.rows)
    if actor.has("entrant") and rows["mine"].any():
        st.success(t("Your entries on this list: ") + ", ".join(rows.loc[rows["mine"], "entry_code"]))
    widgets.table(rows.assign(**{c: rows[c].map(t) for c in ("group", "category") if c in rows}), {
        "rank": formats.Column("col.rank", "count"), "entry_code": formats.Column("col.entry"),
        "title": formats.Column("col.title"), "applicant": formats.Column("col.applicant"),
        "group": formats.Column("col.group"), "category": formats.Column("col.category"),
        "outcome": formats.Column("col.outcome", "key", values="outcome")}, key=f"published_{item.id}")
