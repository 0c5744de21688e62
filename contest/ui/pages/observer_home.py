"""Observers browse the finalists and mark the ones they want to meet."""

import streamlit as st

from contest.services import documents as document_service
from contest.services import home
from contest.ui import context, viewer, widgets
from contest.ui.i18n import t

actor = context.require_actor()


def deck(document_id: int) -> bytes:
    with context.session(read_only=True) as s:
        return document_service.get_document_for_viewer(session=s, actor=actor, document_id=document_id).data


edition = context.edition()
st.title(t("Finalists"))
if edition is None:
    st.info(t("There is no contest yet."))
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    showcase = home.observer_finalists(session=s, actor=actor, edition_id=edition.id)
if not showcase["entries"]:
    st.info(t("No entries are in the running yet. They appear here once the office confirms eligibility."))
else:
    st.caption(t("Stage: {stage} · {n} entries. Mark the teams you would like to meet after the contest.",
                 stage=widgets.plain(t(showcase["round"])), n=len(showcase["entries"])))
for f in showcase["entries"]:
    with st.container(border=True):
        st.markdown(f"**{widgets.plain(f['code'])}**")
        st.text(f"{f['title']}\n{f['applicant']} · {f['track']} · {f['group']}")
        if f["summary"]:
            st.text(f["summary"][:400])
        for doc in f["documents"]:
            if st.toggle(t("observer_home.show_document", kind=t(f"documents.kind_{doc['kind']}")),
                         key=f"observer_doc_{doc['id']}"):
                with context.user_errors():
                    viewer.show(key=f"observer_viewer_{doc['id']}", name=doc["name"], pages=doc["pages"],
                                viewer_key=doc["viewer_key"], load=lambda doc_id=doc["id"]: deck(doc_id))
        marked = st.toggle(t("I want to meet this team"), value=f["interested"], key=f"interest_{f['id']}")
        if marked != f["interested"]:
            with context.session() as s, context.user_errors():
                home.set_interest(session=s, actor=actor, entry_id=f["id"], interested=marked)
            st.rerun()
