"""Invitation acceptance (public): a judge opens the emailed link and sets a password."""

import streamlit as st

from contest.services import ServiceError, judges
from contest.ui import context, signin
from contest.ui.i18n import t

st.title(t("invitation.set_password"))
token = st.query_params.get("token")
invited = None
with context.session(read_only=True) as s, context.user_errors():
    invited = judges.invitation_details(session=s, token=token)
if invited is None:
    st.stop()  # the link cannot be used; the reason is shown above
st.text(f"{invited['name']} <{invited['email']}>")
with st.form("accept_invitation"):
    password = st.text_input(t("invitation.new_password_least_10_characters"), type="password", key="invite_password")
    again = st.text_input(t("common.same_password_again"), type="password", key="invite_password_again")
    submitted = st.form_submit_button(t("invitation.set_password_sign"), type="primary")
if submitted:
    if password != again:
        st.error(t("invitation.two_passwords_differ"))
        st.stop()
    try:
        with context.session() as s:
            judges.accept_invitation(session=s, token=token, password=password)
        signin.start_session(invited["email"], password)
    except ServiceError as exc:
        st.error(t(str(exc)))
        st.stop()
    st.query_params.clear()
    st.rerun()
