"""Registration (public): a new entrant creates an account and is signed in."""

import streamlit as st

from contest.services import ServiceError, entries
from contest.ui import context, signin
from contest.ui.i18n import t

st.title(t("Register as an entrant"))
st.caption(t("Companies, universities, research institutes and individual teams register here "
             "to enter the contest. Judges and organisers are invited by the contest office."))
with st.form("register"):
    name = st.text_input(t("Your name"), key="register_name")
    email = st.text_input(t("Email"), key="register_email")
    organisation = st.text_input(t("Organisation (the applicant of your entries)"), key="register_org")
    password = st.text_input(t("Password (at least 10 characters)"), type="password",
                             key="register_password")
    again = st.text_input(t("The same password again"), type="password", key="register_again")
    submitted = st.form_submit_button(t("Create account"), type="primary")
if submitted:
    try:
        with context.session() as s:
            entries.register_entrant(session=s, email=email, name=name, organisation=organisation,
                                     password=password, password_repeat=again)
        signin.start_session(email, password)
    except ServiceError as exc:
        st.error(t(str(exc)))
        st.stop()
    st.rerun()
