"""Small widget helpers shared by pages."""

from __future__ import annotations

import streamlit as st

from contest.ui.i18n import t


def confirmed(label: str, *, key: str, question: str) -> bool:
    """A destructive button that asks first: the first click shows the question with
    "Yes" and "Cancel"; True only once the user has said yes."""
    pending = f"{key}_pending"
    if not st.session_state.get(pending):
        if st.button(label, key=key):
            st.session_state[pending] = True
            st.rerun()
        return False
    st.warning(question)
    yes, no = st.columns(2)
    if yes.button(t("Yes, go ahead"), key=f"{key}_yes", type="primary"):
        del st.session_state[pending]
        return True
    if no.button(t("Cancel"), key=f"{key}_no"):
        del st.session_state[pending]
        st.rerun()
    return False


def planned(label: str, *, key: str, preview, primary: bool = False) -> bool:
    """An action on many records that shows what it will do before it does it: the first
    click draws preview() (which returns whether the action can go ahead) with "Yes, go
    ahead" and "Cancel"; True once the user has said yes."""
    pending = f"{key}_pending"
    if not st.session_state.get(pending):
        if st.button(label, key=key, type="primary" if primary else "secondary"):
            st.session_state[pending] = True
            st.rerun()
        return False
    ready = preview()
    yes, no = st.columns(2)
    if ready and yes.button(t("common.yes_go_ahead"), key=f"{key}_yes", type="primary"):
        del st.session_state[pending]
        return True
    if no.button(t("common.cancel"), key=f"{key}_no"):
        del st.session_state[pending]
        st.rerun()
    return False
