"""A judge's first sign-in: the confidentiality undertaking, before any entry is shown."""

import streamlit as st

from contest.services import judges
from contest.ui import context
from contest.ui.i18n import t

actor = context.require_actor()
st.title(t("Confidentiality"))
st.write(t("Before you see any entry, please read and accept this undertaking."))
st.info(t(judges.CONFIDENTIALITY_TEXT))
agreed = st.checkbox(t("I have read this and will keep everything I see confidential"),
                     key="confidentiality_agree")
if st.button(t("Accept and continue"), type="primary", disabled=not agreed, key="confidentiality_accept"):
    with context.session() as s, context.user_errors():
        judges.acknowledge_confidentiality(session=s, actor=actor)
        st.rerun()
