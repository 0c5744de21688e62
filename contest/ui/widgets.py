"""Small widget helpers shared by pages."""

from __future__ import annotations

import string

import streamlit as st

from contest import i18n
from contest.ui.i18n import t


_MARKDOWN = str.maketrans({char: "\\" + char for char in string.punctuation})


def plain(text) -> str:
    """Text a user typed, safe inside anything Streamlit renders as Markdown (titles, captions,
    messages, labels, radio options): every ASCII punctuation mark is backslash-escaped, so
    **bold**, [links](...), `code`, :red[colours] and :emoji: show as typed."""
    return str(text if text is not None else "").translate(_MARKDOWN)


def markdown_safe(value):
    """A message whose parameters (the user's text inside it) are plain(); the message's own
    wording keeps its Markdown."""
    if isinstance(value, i18n.Message):
        return i18n.Message(value.id, {k: markdown_safe(v) for k, v in value.params.items()})
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return type(value)(markdown_safe(v) for v in value)
    return value


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


def number(label: str, *, low: float, high: float | None, value: float | None, key: str, step: float = 1,
           kept: float | None = None, container=None, **kwargs) -> float | None:
    """A number field that says why it refuses a value. The browser gets no bounds (it would
    refuse 999 silently, with only a red border); a value outside low..high gets a message
    beside the field naming the range and the value still in use, and None is returned so
    the caller saves nothing."""
    where = container if container is not None else st
    got = where.number_input(label, value=value, step=step, key=key, **kwargs)
    if got is None or (got >= low and (high is None or got <= high)):
        return got
    stays = value if kept is None else kept
    if high is None:
        where.error(t("widgets.below_minimum", value=f"{got:g}", low=f"{low:g}", kept=f"{stays:g}"),
                    icon=":material/block:")
    else:
        where.error(t("widgets.out_of_range", value=f"{got:g}", low=f"{low:g}", high=f"{high:g}", kept=f"{stays:g}"),
                    icon=":material/block:")
    return None
