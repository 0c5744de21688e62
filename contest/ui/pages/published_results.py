"""Published result lists (公示), newest first; corrections are shown as new versions."""

import pandas as pd
import streamlit as st

from contest.services import decisions
from contest.ui import context, widgets
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
    st.subheader(t("{title} (version {version})", title=widgets.plain(item["title"]), version=item["version"]))
    st.caption(t("Published {at} UTC", at=f"{item['published_at']:%Y-%m-%d %H:%M}")
               + (t(" - a correction of an earlier version") if item["correction"] else ""))
    if item["note"]:
        st.text(item["note"])
    rows = pd.DataFrame(item["rows"])
    if actor.has("entrant") and rows["mine"].any():
        st.success(t("Your entries on this list: ") + ", ".join(rows.loc[rows["mine"], "entry_code"]))
    shown = rows.drop(columns="mine")
    st.dataframe(shown, hide_index=True, column_config={c: t(c) for c in shown.columns})
