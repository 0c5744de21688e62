"""Registration (public): a new entrant creates an account, answered the same way whether or
not the address already has one (with mail configured, a link finishes the registration)."""

import streamlit as st

from contest import config
from contest.services import ServiceError, entries
from contest.ui import context, signin
from contest.ui.i18n import language, t

st.title(t("entrant_register.register_entrant"))
st.caption(t("entrant_register.companies_universities_research_institutes_individual"))
done = st.session_state.get("registered")
if done is not None:
    if done.by_mail:
        st.success(t("register.check_mail", email=done.email))
        if done.mail_error:
            st.warning(t("register.mail_failed"))
    else:
        st.success(t("register.account_ready", email=done.email))
        st.page_link(signin.sign_in_page_entry(), label=t("common.sign_in"), icon=":material/login:")
    st.stop()
with st.form("register"):
    name = st.text_input(t("common.your_name"), key="register_name")
    email = st.text_input(t("common.email"), key="register_email")
    organisation = st.text_input(t("entrant_register.organisation_applicant_entries"), key="register_org")
    password = st.text_input(t("common.password_least_10_characters"), type="password",
                             key="register_password")
    again = st.text_input(t("common.same_password_again"), type="password", key="register_again")
    submitted = st.form_submit_button(t("entrant_register.create_account"), type="primary")
if submitted:
    try:
        with context.session() as s:
            registered = entries.register_entrant(
                session=s, email=email, name=name, organisation=organisation, password=password,
                password_repeat=again, address=signin.client_address(), language=language(),
                smtp_url=config.settings().smtp_url, base_url=signin.public_base_url("register"))
    except ServiceError as exc:
        signin.show_error(exc)
        st.stop()
    st.session_state["registered"] = registered
    st.rerun()
