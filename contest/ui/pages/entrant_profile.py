"""The signed-in person's own profile: name, organisation, phone, language."""

import streamlit as st

from contest.models import User
from contest.services import entries
from contest.ui import context
from contest.ui.i18n import t

actor = context.require_actor()
st.title(t("My profile"))
with context.session(read_only=True) as s:
    user = s.get(User, actor.user_id)
st.text(t("Email: {email}", email=user.email))
with st.form("profile"):
    name = st.text_input(t("Name"), value=user.name, key="profile_name")
    organisation = st.text_input(t("Organisation"), value=user.organisation, key="profile_org")
    phone = st.text_input(t("Phone"), value=user.phone, key="profile_phone")
    language = st.selectbox(t("Language"), ["en", "zh"], index=["en", "zh"].index(user.language)
                            if user.language in ("en", "zh") else 0,
                            format_func={"en": "English", "zh": "中文"}.get, key="profile_language")
    saved = st.form_submit_button(t("Save profile"), type="primary")
if saved:
    with context.session() as s, context.user_errors():
        entries.update_profile(session=s, actor=actor, name=name, organisation=organisation,
                               phone=phone, language=language)
        st.success(t("Profile saved."))
