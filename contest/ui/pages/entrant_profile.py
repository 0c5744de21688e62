"""The signed-in person's own profile: name, organisation, phone, language."""

import streamlit as st

from contest.models import User
from contest.services import entries
from contest.ui import context
from contest import i18n
from contest.ui.i18n import language_name, t

actor = context.require_actor()
st.title(t("entrant_profile.my_profile"))
with context.session(read_only=True) as s:
    user = s.get(User, actor.user_id)
st.text(t("entrant_profile.email_line", email=user.email))
if st.session_state.pop("profile_saved", False):
    st.success(t("entrant_profile.profile_saved"))
with st.form("profile"):
    name = st.text_input(t("common.name"), value=user.name, key="profile_name")
    organisation = st.text_input(t("common.organisation"), value=user.organisation, key="profile_org")
    phone = st.text_input(t("entrant_profile.phone"), value=user.phone, key="profile_phone")
    codes = list(i18n.LANGUAGES)
    language = st.selectbox(t("common.language"), codes, index=codes.index(i18n.language_or_default(user.language)),
                            format_func=language_name, key="profile_language")
    saved = st.form_submit_button(t("entrant_profile.save_profile"), type="primary")
if saved:
    with context.session() as s, context.user_errors():
        entries.update_profile(session=s, actor=actor, name=name, organisation=organisation,
                               phone=phone, language=language)
        st.session_state["language"] = language
        st.session_state["profile_saved"] = True
        st.rerun()  # the whole page, sidebar included, in the language just saved
