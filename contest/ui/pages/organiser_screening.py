"""Eligibility screening: submitted entries with the automatic rule results; mark entries
eligible or not, with the reason the entrant sees, one at a time or in bulk."""

import pandas as pd
import streamlit as st

from contest.services import documents as document_service
from contest.services import screening
from contest.ui import context, formats, viewer, widgets
from contest.ui.i18n import t

VIEWS = {"awaiting": ("submitted",), "screened": screening.SCREENABLE}
VIEW_LABELS = {"awaiting": "organiser_screening.view_awaiting", "screened": "organiser_screening.view_screened"}
DECISIONS = {"eligible": "organiser_screening.decide_eligible", "not_eligible": "organiser_screening.decide_not_eligible"}

actor = context.require_actor()


def viewer_bytes(document_id: int) -> bytes:
    with context.session(read_only=True) as s:
        return document_service.get_document_for_viewer(session=s, actor=actor, document_id=document_id).data


edition = context.edition()
st.title(t("organiser_screening.eligibility_screening"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
if "screening_flash" in st.session_state:
    st.success(st.session_state.pop("screening_flash"))

view = st.radio(t("organiser_screening.show"), list(VIEWS), format_func={v: t(label) for v, label in VIEW_LABELS.items()}.get, horizontal=True,
                key="screening_view")
with context.session(read_only=True) as s, context.user_errors():
    queue = screening.screening_queue(session=s, actor=actor, edition_id=edition.id, statuses=VIEWS[view])
if not queue:
    st.info(t("organiser_screening.no_entries_awaiting_check") if view == "awaiting"
            else t("organiser_screening.no_entries_have_been_submitted"))
    st.stop()

# each entry's rule results show one entry at a time below, not as a column of the table
frame = pd.DataFrame(formats.in_language([{k: v for k, v in row.items() if k != "results"}
                                          for row in queue]))
frame.insert(0, "select", False)
edited = widgets.editable_table(frame, {
    "select": formats.Column("col.choose", "check"), "code": formats.Column("col.entry"),
    "status_label": formats.Column("col.status"), "rules_passed": formats.Column("col.rules_pass", "check"),
    "rule_problems": formats.Column("col.automatic_check", width="large"), "applicant": formats.Column("col.applicant"),
    "title": formats.Column("col.title"), "category": formats.Column("col.category"),
    "group": formats.Column("col.group"), "reason": formats.Column("col.reason")},
    key="screening_queue", row_id="id", editable=("select",),
    editor_key=f"screening_table_{st.session_state.get('screening_rev', 0)}")
ticked = edited.rows["select"].fillna(False).astype(bool)  # ticks on every page of the table
if st.checkbox(t("organiser_screening.also_choose_every_entry_shown"), key="screening_all_passing"):
    ticked = ticked | frame["rules_passed"].where(frame.index.isin(edited.shown), False).astype(bool)
chosen = frame.loc[ticked, ["id", "code"]]
st.caption(t("organiser_screening.chosen", n=len(chosen), total=len(frame)))

with st.expander(t("organiser_screening.automatic_rule_results_one_entry")):
    code = st.selectbox(t("common.entry"), frame["code"].tolist(), key="screening_detail")
    detail = next(row for row in queue if row["code"] == code)
    widgets.table(pd.DataFrame(formats.in_language(detail["results"])), {
        "rule": formats.Column("col.rule", "key", values="rule"), "passed": formats.Column("col.passed", "check"),
        "message": formats.Column("col.result")}, key="screening_rules")
    with context.session(read_only=True) as s, context.user_errors():
        for doc in document_service.list_documents(session=s, actor=actor, entry_id=detail["id"]):
            if st.toggle(t("organiser_screening.show_document", name=widgets.plain(doc.name), kind=t(f"documents.kind_{doc.kind}")),
                         key=f"screening_doc_{doc.id}"):
                viewer.show(key=f"screening_viewer_{doc.id}", name=doc.name, pages=doc.pages,
                            viewer_key=document_service.viewer_key(doc, blind=False),
                            load=lambda doc_id=doc.id: viewer_bytes(doc_id))

with st.form("screening_decision"):
    decision = st.radio(t("organiser_screening.decision"), list(DECISIONS),
                        format_func={d: t(label) for d, label in DECISIONS.items()}.get, horizontal=True,
                        key="screening_decision_choice")
    reason = st.text_area(t("organiser_screening.reason_shown_entrant_required_not"),
                          key="screening_reason")
    if st.form_submit_button(t("organiser_screening.apply_chosen_entries"), type="primary"):
        with context.session() as s, context.user_errors():
            outcome = screening.decide_eligibility(session=s, actor=actor, entry_ids=chosen["id"].tolist(),
                                                   eligible=decision == "eligible", reason=reason)
            parts = [t("organiser_screening.entries_marked_eligible_moved_into", n=outcome.changed,
                       round=outcome.round_label) if decision == "eligible"
                     else t("organiser_screening.entries_marked_not_eligible", n=outcome.changed)]
            if outcome.unchanged:
                parts.append(t("organiser_screening.already_were", n=outcome.unchanged))
            if outcome.assignments_withdrawn:
                parts.append(t("organiser_screening.judge_assignments_withdrawn", n=outcome.assignments_withdrawn))
            st.session_state["screening_flash"] = " ".join(parts)
            st.session_state["screening_rev"] = st.session_state.get("screening_rev", 0) + 1
            st.rerun()
