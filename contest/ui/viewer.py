"""The document viewer every role uses: one page at a time drawn on the server as an image
(so Chromium, Firefox and Safari all show it, with no PDF plug-in and no iframe), page
controls, and the download beside it.

The caller passes a `load` function that fetches the bytes through the service that decides
who may read them, and the service's `viewer_key` (content hash plus variant, e.g. the blind
copy): pages are cached by that key, so a reader turning pages does not fetch or redraw the
file, and a judge's blind copy never shares pixels with the full one.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from contest import pdfpages
from contest.ui import widgets
from contest.ui.i18n import t

PAGE_WIDTH = 1000  # pixels; the image scales down to the column


@st.cache_data(max_entries=200, ttl=3600, show_spinner=False)
def _page(viewer_key: str, page: int, width: int, _load: Callable[[], bytes]) -> pdfpages.PageImage | None:
    try:
        return pdfpages.render_page(_load(), page, width=width)
    except pdfpages.PageUnavailable:
        return None


def _turn(page_key: str, step: int, pages: int) -> None:
    st.session_state[page_key] = min(max(int(st.session_state.get(page_key) or 1) + step, 1), pages)


def download(*, key: str, name: str, load: Callable[[], bytes], label: str | None = None) -> None:
    """The file as it is served (fetched only when clicked)."""
    st.download_button(label or t("viewer.download", name=widgets.plain(name)), data=load, file_name=name,
                       mime="application/pdf", on_click="ignore", key=f"{key}_download",
                       icon=":material/download:", width="stretch")


def show(*, key: str, name: str, pages: int, viewer_key: str, load: Callable[[], bytes],
         with_download: bool = True) -> None:
    """Page controls, the current page and (unless the caller shows one) a download button."""
    pages = max(int(pages or 1), 1)
    page_key = f"{key}_page"
    if int(st.session_state.get(page_key) or 1) > pages:
        st.session_state[page_key] = pages
    back, number, forward, download_slot = st.columns([1, 2, 1, 3], vertical_alignment="bottom")
    current = st.session_state.get(page_key) or 1
    back.button(t("viewer.previous"), key=f"{key}_back", icon=":material/chevron_left:", disabled=current <= 1,
                on_click=_turn, args=(page_key, -1, pages), width="stretch")
    current = number.number_input(t("viewer.page_of", pages=pages), min_value=1, max_value=pages, step=1,
                                  key=page_key)
    forward.button(t("viewer.next"), key=f"{key}_forward", icon=":material/chevron_right:",
                   disabled=current >= pages, on_click=_turn, args=(page_key, 1, pages), width="stretch")
    if with_download:
        with download_slot:
            download(key=key, name=name, load=load)
    image = _page(viewer_key, int(current), PAGE_WIDTH, load)
    if image is None:
        st.warning(t("viewer.page_unavailable"))
        return
    # As PNG: "auto" would have Streamlit decode the page and encode it as JPEG on every rerun
    # (about half of a judge's rerun, measured with py-spy).
    st.image(image.png, output_format="PNG", width="stretch",
             caption=t("viewer.page_caption", page=int(current), pages=image.pages, name=widgets.plain(name)))
