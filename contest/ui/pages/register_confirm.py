"""Finish a registration (public): the link mailed to a new entrant creates the account."""

import streamlit as st

from contest.services import ServiceError, accounts
from contest.ui import context, signin
from contest.ui.i18n import t

st.title(t("register_confirm.title"))
token = st.query_params.get("token")
try:
    with context.session() as s:
        _user, session_token = accounts.confirm_registration(session=s, token=token)
except ServiceError as exc:
    signin.show_error(exc)
    st.page_link(signin.sign_in_page_entry(), label=t("common.sign_in"), icon=":material/login:")
    st.stop()
signin.adopt_token(session_token)
st.query_params.clear()
st.rerun()
