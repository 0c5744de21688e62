"""Investor matchmaking on the observer's and the entrant's pages: the observer's form on a
finalist's card, the entrant's answer to an interest. Every rule is in
contest.services.matchmaking; this is glue."""

from __future__ import annotations

import streamlit as st

from contest.services import matchmaking
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

FLASH = "interest_flash"


def kind_label(kind: str) -> str:
    return formats.value_label("interest_kind", kind)


def status_label(status: str) -> str:
    return formats.value_label("interest_status", status)


def contact_text(contact: matchmaking.Contact) -> str:
    return t("interest.contact", name=contact.name, email=contact.email, phone=contact.phone or "–")


def flash() -> None:
    """What the last action did, once."""
    if said := st.session_state.pop(FLASH, None):
        st.success(said)


def _run(service, said: str, **kwargs) -> None:
    with context.session() as s, context.user_errors():
        service(session=s, actor=context.require_actor(), **kwargs)
        st.session_state[FLASH] = said
        st.rerun()


def observer_part(entry_id: int, mine: matchmaking.Interest | None) -> None:
    """On a finalist's card: the observer's interest (what, where it stands, the team's
    contact once accepted), the form to mark or change it, and withdrawing it."""
    if mine is not None:
        st.caption(t("observer_home.your_interest", kind=kind_label(mine.kind), status=status_label(mine.status)))
    if mine is not None and mine.contact is not None:
        st.success(t("observer_home.team_accepted"))
        st.text(contact_text(mine.contact))
    if mine is None or mine.status in ("pending", "withdrawn"):
        with st.expander(t("observer_home.i_want_meet_team")), st.form(f"interest_{entry_id}"):
            kinds = {key: kind_label(key) for key in matchmaking.KINDS}  # drawn now, in the user's language
            kind = st.selectbox(t("observer_home.interest_kind"), list(kinds), format_func=kinds.get,
                                index=list(kinds).index(mine.kind) if mine else 0, key=f"interest_kind_{entry_id}")
            note = st.text_area(t("observer_home.interest_note"), value=mine.note if mine else "",
                                max_chars=2000, key=f"interest_note_{entry_id}")
            if st.form_submit_button(t("observer_home.send_interest"), type="primary", key=f"send_interest_{entry_id}"):
                _run(matchmaking.mark_interest, t("observer_home.interest_sent"), entry_id=entry_id,
                     kind=kind, note=note)
    if mine is not None and mine.status in ("pending", "accepted") and widgets.confirmed(
            t("observer_home.withdraw_interest"), key=f"withdraw_{mine.id}", question=t("observer_home.withdraw_question")):
        _run(matchmaking.withdraw_interest, t("observer_home.interest_withdrawn"), interest_id=mine.id)


def entrant_card(interest: matchmaking.Interest) -> None:
    """One interest in the entrant's entry: who (organisation only), what, the note; the
    observer's contact once accepted; accept or decline while it is pending."""
    with st.container(border=True):
        st.markdown(f"**{widgets.plain(interest.entry_code)}** {widgets.plain(interest.title)}")
        st.text(t("entrant_home.interest_line", organisation=interest.organisation, kind=kind_label(interest.kind),
                  status=status_label(interest.status), at=formats.when(interest.created_at)))
        if interest.note:
            st.text(interest.note)
        if interest.contact is not None:
            st.success(t("entrant_home.accepted_contact"))
            st.text(contact_text(interest.contact))
        if interest.status != "pending":
            return
        st.caption(t("entrant_home.contact_after_accept"))
        accept, decline = st.columns(2)
        if accept.button(t("entrant_home.accept"), key=f"accept_{interest.id}", type="primary"):
            _run(matchmaking.answer_interest, t("entrant_home.interest_accepted"), interest_id=interest.id, accept=True)
        with decline:
            if widgets.confirmed(t("entrant_home.decline"), key=f"decline_{interest.id}",
                                 question=t("entrant_home.decline_question")):
                _run(matchmaking.answer_interest, t("entrant_home.interest_declined"), interest_id=interest.id,
                     accept=False)
