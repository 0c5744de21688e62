"""Registration (public): a new entrant creates an account and is signed in."""

import streamlit as st

from contest.services import ServiceError, accounts, entries
from contest.ui import context

st.title("Register as an entrant")
st.caption("Companies, universities, research institutes and individual teams register here "
           "to enter the contest. Judges and organisers are invited by the contest office.")
with st.form("register"):
    name = st.text_input("Your name", key="register_name")
    email = st.text_input("Email", key="register_email")
    organisation = st.text_input("Organisation (the applicant of your entries)", key="register_org")
    password = st.text_input("Password (at least 10 characters)", type="password",
                             key="register_password")
    again = st.text_input("The same password again", type="password", key="register_again")
    submitted = st.form_submit_button("Create account", type="primary")
if submitted:
    try:
        with context.session() as s:
            entries.register_entrant(session=s, email=email, name=name, organisation=organisation,
                                     password=password, password_repeat=again)
            _user, token = accounts.sign_in(session=s, email=email, password=password)
            ticket = accounts.issue_cookie_ticket(session=s, token=token)
    except ServiceError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["auth_token"] = token
    st.session_state["cookie_ticket"] = ticket
    st.rerun()
