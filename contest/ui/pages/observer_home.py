"""Observers browse the finalists and mark interest in the teams they want to meet."""

import pandas as pd
import streamlit as st

from contest.services import documents as document_service
from contest.services import home, matchmaking
from contest.ui import context, formats, interest, viewer, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()


def deck(document_id: int) -> bytes:
    with context.session(read_only=True) as s:
        return document_service.get_document_for_viewer(session=s, actor=actor, document_id=document_id).data


edition = context.edition()
st.title(t("observer_home.finalists"))
if edition is None:
    st.info(t("common.there_no_contest_yet"))
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    showcase = home.observer_finalists(session=s, actor=actor, edition_id=edition.id)
    mine = matchmaking.observer_interests(session=s, actor=actor, edition_id=edition.id)
interest.flash()
if mine:
    with st.expander(t("observer_home.my_interests", n=len(mine))):
        widgets.table(pd.DataFrame([{
            "entry": i.entry_code, "title": i.title, "kind": interest.kind_label(i.kind),
            "status": interest.status_label(i.status), "name": i.contact.name if i.contact else "",
            "email": i.contact.email if i.contact else "", "phone": i.contact.phone if i.contact else ""}
            for i in mine.values()]), {
            "entry": formats.Column("col.entry"), "title": formats.Column("col.title"),
            "kind": formats.Column("col.interest_kind"), "status": formats.Column("col.status"),
            "name": formats.Column("col.name"), "email": formats.Column("col.email"),
            "phone": formats.Column("col.phone")}, key="observer_interests")
finalists = showcase.entries
if not finalists:
    st.info(t("observer_home.no_entries_running_yet_they"))
else:
    st.caption(t("observer_home.stage_entries_mark_teams_would",
                 stage=widgets.plain(named(showcase.round)), n=len(finalists)))
    needle = st.text_input(t("observer_home.search"), key="observer_search", placeholder=t("table.search_hint"))
    by_group, by_track, by_region = st.columns(3)

    def offered(field: str, label=named) -> dict[str, str]:  # labels drawn now, in the user's language
        return {key: label(key) for key in sorted({getattr(f, field) for f in finalists if getattr(f, field)})}

    by = {field: offered(field) for field in ("group", "track")}
    by["region"] = offered("region", lambda r: formats.value_label("region", r))
    groups = by_group.multiselect(t("col.group"), list(by["group"]), format_func=by["group"].get,
                                  key="observer_groups", placeholder=t("common.choose_options"))
    tracks = by_track.multiselect(t("col.track"), list(by["track"]), format_func=by["track"].get,
                                  key="observer_tracks", placeholder=t("common.choose_options"))
    regions = by_region.multiselect(t("col.region"), list(by["region"]), format_func=by["region"].get,
                                    key="observer_regions", placeholder=t("common.choose_options"))
    finalists = home.filter_finalists(finalists, text=needle, groups=groups, tracks=tracks, regions=regions)
    if len(finalists) < len(showcase.entries):
        st.caption(t("table.matching", n=len(finalists), total=len(showcase.entries)))
    if not finalists:
        st.info(t("observer_home.none_match"))
    finalists = finalists[widgets.pager(len(finalists), key="observer_cards", page_size=20,
                                         told_as="observer_home.shown_of")]
for f in finalists:
    with st.container(border=True):
        st.markdown(f"**{widgets.plain(f.code)}**")
        st.text(f"{f.title}\n" + " · ".join(part for part in (f.applicant, named(f.track), named(f.group),
                                                                 formats.value_label("region", f.region)) if part))
        if f.summary:
            st.text(f.summary[:400])
        for doc in f.documents:
            if st.toggle(t("observer_home.show_document", kind=t(f"documents.kind_{doc.kind}")),
                         key=f"observer_doc_{doc.id}"):
                with context.user_errors():
                    viewer.show(key=f"observer_viewer_{doc.id}", name=doc.name, pages=doc.pages,
                                viewer_key=doc.viewer_key, load=lambda doc_id=doc.id: deck(doc_id))
        interest.observer_part(f.id, mine.get(f.id))
