"""An entrant's entries and their status."""

import pandas as pd
import streamlit as st

from contest.services import home
from contest.ui import context

actor = context.require_actor()
edition = context.edition()
st.title("My entries")
if edition is None:
    st.info("Registration has not opened yet.")
    st.stop()
st.caption(edition.name)
with context.session(read_only=True) as s, context.user_errors():
    entries = home.entrant_overview(session=s, actor=actor, edition_id=edition.id)
if not entries:
    st.info("You have no entries yet.")
else:
    frame = pd.DataFrame(entries).drop(columns=["id"])
    st.dataframe(frame, hide_index=True, column_config={
        "code": "Entry", "title": "Title", "group": "Group", "category": "Category", "status": "Status",
        "reason": "Reason", "stage": "Stage", "award": "Award",
        "submitted_at": st.column_config.DatetimeColumn("Submitted", format="YYYY-MM-DD HH:mm"),
    })
