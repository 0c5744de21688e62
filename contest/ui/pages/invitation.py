"""Invitation acceptance (public): a judge opens the emailed link and sets a password."""

import streamlit as st

from contest.services import ServiceError, accounts, judges
from contest.ui import context
from contest.ui.i18n import t

st.title(t("Set your password"))
token = st.query_params.get("token")
invited = None
with context.session(read_only=True) as s, context.user_errors():
    invited = judges.invitation_details(session=s, token=token)
if invited is None:
    st.stop()  # the link cannot be used; the reason is shown above
st.text(f"{invited['name']} <{invited['email']}>")
with st.form("accept_invitation"):
    password = st.text_input(t("New password (at least 10 characters)"), type="password", key="invite_password")
    again = st.text_input(t("The same password again"), type="password", key="invite_password_again")
    submitted = st.form_submit_button(t("Set password and sign in"), type="primary")
if submitted:
    if password != again:
        st.error(t("The two passwords differ."))
        st.stop()
    try:
        with context.session() as s:
            judges.accept_invitation(session=s, token=token, password=password)
            _user, session_token = accounts.sign_in(session=s, email=invited["email"], password=password)
            ticket = accounts.issue_cookie_ticket(session=s, token=session_token)
    except ServiceError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["auth_token"] = session_token
    st.session_state["cookie_ticket"] = ticket
    st.query_params.clear()
    st.rerun()
