"""A judge's first sign-in: the confidentiality undertaking, before any entry is shown."""

import streamlit as st

from contest.services import judges
from contest.ui import context
from contest.ui.i18n import t

actor = context.require_actor()
st.title(t("common.confidentiality"))
st.write(t("confidentiality.before_see_any_entry_please"))
st.info(t("confidentiality.undertaking"))
agreed = st.checkbox(t("confidentiality.i_have_read_will_keep"),
                     key="confidentiality_agree")
if st.button(t("confidentiality.accept_continue"), type="primary", disabled=not agreed, key="confidentiality_accept"):
    with context.session() as s, context.user_errors():
        judges.acknowledge_confidentiality(session=s, actor=actor)
        st.rerun()
