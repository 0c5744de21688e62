"""A judge's assignments per round with progress."""

import pandas as pd
import streamlit as st

from contest.services import home
from contest.ui import context
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("My assignments"))
if edition is None:
    st.info(t("There is no contest yet."))
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    rounds = home.judge_overview(session=s, actor=actor, edition_id=edition.id)
if not rounds:
    st.info(t("Nothing is assigned to you yet. You will see your entries here once the contest office assigns them."))
for info in rounds:
    st.subheader(info["round"])
    st.progress(info["done"] / info["total"] if info["total"] else 0.0,
                text=t("{done} of {total} submitted", done=info["done"], total=info["total"]))
    st.dataframe(pd.DataFrame(info["entries"]), hide_index=True,
                 column_config={"code": "Entry", "title": "Title", "state": "State"})
