"""The entry editor, in steps: project, applicant, patents, core patent, documents, review.

Glue only: every step reads its widgets and calls one service of contest.services.entries
or contest.services.documents; all checks live there.
"""

import pandas as pd
import streamlit as st

from contest import config, excel, i18n
from contest.services import ServiceError, entries
from contest.services import documents as document_service
from contest.ui import context, formats, viewer, widgets
from contest.ui.i18n import named, t

STEPS = ["project", "applicant", "patents", "core_patent", "documents", "review"]
STEP_LABELS = {"project": "entrant_entry.step_project", "applicant": "entrant_entry.step_applicant",
               "patents": "entrant_entry.step_patents", "core_patent": "entrant_entry.step_core_patent",
               "documents": "entrant_entry.step_documents", "review": "entrant_entry.step_review"}
WHOLE_PAGE = "entry_whole_page"  # set when a save changed what the page shows above the step
PATENT_COLUMNS = ["patent_number", "kind", "title", "status", "filing_date", "grant_date", "holder"]

RULE_RESULTS = {"ok": formats.Column("col.passed"), "rule": formats.Column("col.rule", "key", values="rule"),
                "result": formats.Column("col.result")}

actor = context.require_actor()
edition = context.edition()
entry_id = st.query_params.get("entry") or st.session_state.get("entry_id")
if edition is None or not entry_id or not str(entry_id).isdigit():
    st.title(t("common.entry"))
    st.info(t("entrant_entry.open_entry_my_entries_start"))
    st.stop()
entry_id = int(entry_id)
st.session_state["entry_id"] = entry_id
st.query_params["entry"] = str(entry_id)
view = choices = None
with context.session(read_only=True) as s, context.user_errors():
    view = entries.get_entry(session=s, actor=actor, entry_id=entry_id)
    choices = entries.edition_choices(session=s, edition_id=view.entry.edition_id)
if view is None:
    st.stop()
for field, prefix in (("region", "region"), ("applicant_type", "applicant_type"), ("kind", "patent_kind"),
                      ("status", "patent_status")):  # stored keys offered in words
    choices[field] = {key: formats.value_label(prefix, key) for key in choices[field]}
for field in ("group", "category", "track"):  # the edition's own names in the user's language
    choices[field] = {key: named(label) for key, label in choices[field].items()}
entry = view.entry
st.title(f"{widgets.plain(entry.code)}: {widgets.plain(entry.title) if entry.title else t('entrant_entry.untitled')}")
st.caption(t("entrant_entry.status_line", status=formats.value_label("entry_status", entry.status))
           + (t("entrant_entry.deadline", at=formats.when(view.deadline)) if view.deadline else ""))
if not view.editable:
    st.info(t("entrant_entry.entry_can_no_longer_changed"))
step = st.radio(t("entrant_entry.step"), STEPS, horizontal=True, key="entry_step", label_visibility="collapsed",
                format_func={s: t(label) for s, label in STEP_LABELS.items()}.get)


def viewer_file(document_id):
    """The document's bytes through the service that checks who may read them."""
    with context.session(read_only=True) as s:
        return document_service.get_document_for_viewer(session=s, actor=actor, document_id=document_id)


def pick(label, options, current, key, blank=True):
    keys = ([""] if blank else []) + list(options)
    labels = {"": t("entrant_entry.choose"), **{k: t(v) if isinstance(v, i18n.Message) else v
                                                for k, v in options.items()}}
    return st.selectbox(label, keys, index=keys.index(current) if current in keys else 0,
                        format_func=labels.get, key=key,
                        disabled=not view.editable)


def run(service, success, **kwargs):
    """Call one service in a write session; show its message or the success text."""
    with context.session() as s, context.user_errors():
        service(session=s, actor=actor, entry_id=entry_id, **kwargs)
        st.session_state["entry_flash"] = success
        st.rerun()


def on_save(service, success: str, *, step_only=lambda values: False, **widgets_by_field):
    """A form's Save as a callback: the service gets the form's values (each field's widget
    key) before the step runs again, so one run shows the saved entry with the success text
    or the refusal. (Saving in the page's body and then st.rerun() ran the page twice per save.)
    The whole page runs again after the save unless `step_only(values)` says that nothing
    shown above the step changed."""
    def save():
        values = {field: st.session_state.get(key) for field, key in widgets_by_field.items()}
        try:
            with context.session() as s:
                service(session=s, actor=actor, entry_id=entry_id, **values)
        except ServiceError as exc:
            st.session_state["entry_refusal"] = exc
        else:
            st.session_state["entry_flash"] = success
            if not step_only(values):
                st.session_state[WHOLE_PAGE] = True
    return dict(on_click=save)


@st.fragment
def show_step(step: str) -> None:
    """The chosen step. A fragment: an entrant saves the project step most often, and such a
    save reruns only the step, not the page's header and the sidebar (a project save cost the
    server 31 ms of CPU as a whole page, 14.6 ms as the step). A save that changes what the
    page shows above the step (the title, the status) runs the whole page again."""
    if st.session_state.pop(WHOLE_PAGE, False):
        st.rerun(scope="app")
    # Always the same slot, so a message appearing or going does not move (and reset) the
    # widgets below it, such as a file waiting in an uploader.
    flash_slot = st.empty()
    if flash := st.session_state.pop("entry_flash", None):
        flash_slot.success(flash)
    elif refusal := st.session_state.pop("entry_refusal", None):
        context.show_error(refusal, where=flash_slot.container())
    notes_slot = st.container()  # always there, for the same reason
    for note in st.session_state.pop("entry_notes", []):  # what an upload's check changed or found
        notes_slot.warning(note)

    if step == STEPS[0]:
        with st.form("project"):
            st.text_input(t("entrant_entry.title"), value=entry.title, key="project_title", disabled=not view.editable)
            pick(t("common.category"), choices["category"], view.category, "project_category")
            pick(t("entrant_entry.track_industry"), choices["track"], view.track, "project_track")
            st.text(t("entrant_entry.group_line", group=choices['group'].get(view.group, t('entrant_entry.set_applicant_step'))))
            st.text_area(t("entrant_entry.summary"), value=entry.summary, key="project_summary",
                         disabled=not view.editable)
            st.form_submit_button(t("entrant_entry.save_project"), type="primary", disabled=not view.editable,
                                  **on_save(entries.save_project, t("entrant_entry.project_saved"), title="project_title",
                                            category="project_category", track="project_track",
                                            summary="project_summary",
                                            step_only=lambda values: (values["title"] or "").strip() == entry.title))

    elif step == STEPS[1]:
        with st.form("applicant"):
            st.text_input(t("entrant_entry.applicant_right_holder_core_patent"), value=entry.applicant,
                          key="applicant_name", disabled=not view.editable)
            pick(t("entrant_entry.applicant_type"), choices["applicant_type"], entry.applicant_type,
                 "applicant_type", blank=False)
            pick(t("common.region"), choices["region"], entry.region, "applicant_region")
            pick(t("entrant_entry.revenue_last_year_decides_group"), choices["revenue_band"], entry.revenue_band,
                 "applicant_band")
            st.text_input(t("entrant_entry.contact_name"), value=entry.contact_name, key="contact_name",
                          disabled=not view.editable)
            st.text_input(t("entrant_entry.contact_email"), value=entry.contact_email, key="contact_email",
                          disabled=not view.editable)
            st.text_input(t("entrant_entry.contact_phone"), value=entry.contact_phone, key="contact_phone",
                          disabled=not view.editable)
            st.form_submit_button(t("entrant_entry.save_applicant"), type="primary", disabled=not view.editable,
                                  **on_save(entries.save_applicant, t("entrant_entry.applicant_saved"),
                                            applicant="applicant_name", applicant_type="applicant_type",
                                            region="applicant_region", revenue_band="applicant_band",
                                            contact_name="contact_name", contact_email="contact_email",
                                            contact_phone="contact_phone"))

    elif step == STEPS[2]:
        seed_key = f"patent_rows_{entry_id}"
        rows = st.session_state.get(seed_key) or [
            {c: getattr(p, c) for c in PATENT_COLUMNS} for p in view.patents]
        table = pd.DataFrame(rows, columns=PATENT_COLUMNS)
        for column in ("filing_date", "grant_date"):
            table[column] = pd.to_datetime(table[column], errors="coerce")
        st.caption(t("entrant_entry.type_paste_one_patent_row"))
        edited = st.data_editor(table, num_rows="dynamic", hide_index=True, key=f"patent_editor_{entry_id}",
                                disabled=not view.editable, column_config={
            "patent_number": st.column_config.TextColumn(t("entrant_entry.patent_number"), required=True),
            "kind": st.column_config.SelectboxColumn(t("entrant_entry.kind"), options=list(choices["kind"]),
                                                     format_func=choices["kind"].get),
            "title": t("entrant_entry.title"),
            "status": st.column_config.SelectboxColumn(t("common.status"), options=list(choices["status"]),
                                                       format_func=choices["status"].get, default="granted"),
            "filing_date": st.column_config.DateColumn(t("entrant_entry.filing_date"), format="YYYY-MM-DD"),
            "grant_date": st.column_config.DateColumn(t("entrant_entry.grant_date"), format="YYYY-MM-DD"),
            "holder": t("entrant_entry.holder"),
        })
        if st.button(t("entrant_entry.save_patents"), type="primary", disabled=not view.editable, key="save_patents"):
            st.session_state.pop(seed_key, None)
            st.session_state.pop(f"patent_editor_{entry_id}", None)
            run(entries.save_patents, t("entrant_entry.patents_saved"), rows=edited.to_dict("records"))
        with st.expander(t("entrant_entry.add_patents_workbook_sheet_patents")):
            st.download_button(t("entrant_entry.download_patents_template"), excel.template_workbook("patents"),
                               file_name="patents_template.xlsx", key="patents_template")
            upload = st.file_uploader(t("common.workbook_xlsx"), type=["xlsx"], key=f"patents_upload_{entry_id}",
                                      disabled=not view.editable)
            if st.button(t("entrant_entry.add_workbook"), disabled=upload is None or not view.editable, key="add_workbook"):
                run(entries.add_patents_from_workbook, t("entrant_entry.patents_added_workbook"), data=upload.getvalue())
        if view.patents:
            st.subheader(t("entrant_entry.as_stored"))
            widgets.table(pd.DataFrame([{
                "written": p.patent_number, "normalised": p.normalised, "jurisdiction": p.jurisdiction,
                "kind": p.kind, "status": p.status, "core": p.is_core,
                "notes": " ".join(p.warnings)} for p in view.patents]), {
                "written": formats.Column("col.patent_written"), "normalised": formats.Column("col.patent_number"),
                "jurisdiction": formats.Column("col.jurisdiction"),
                "kind": formats.Column("col.patent_kind", "key", values="patent_kind"),
                "status": formats.Column("col.patent_status", "key", values="patent_status"),
                "core": formats.Column("col.core_patent", "check"), "notes": formats.Column("col.notes")},
                key=f"patents_stored_{entry_id}")

    elif step == STEPS[3]:
        options = {p.normalised: f"{p.normalised} – {p.title or p.kind}" for p in view.patents}
        if not options:
            st.info(t("entrant_entry.list_patents_first_step_3"))
        else:
            current = next((p.normalised for p in view.patents if p.is_core), "")
            core = pick(t("entrant_entry.core_patent_granted_after_cut"), options, current,
                        "core_patent")
            if st.button(t("entrant_entry.save_core_patent"), type="primary", disabled=not view.editable, key="save_core"):
                run(entries.set_core_patent, t("entrant_entry.core_patent_saved"), normalised=core or None)

    elif step == STEPS[4]:
        kinds = {k: f"documents.kind_{k}" for k in ("report", "roadshow", "supporting")}
        limit = config.settings().max_upload_mb
        kind_labels = {k: t(v) for k, v in kinds.items()}
        kind = st.selectbox(t("entrant_entry.document"), list(kinds), format_func=kind_labels.get, key="document_kind",
                            disabled=not view.editable)
        pdf = st.file_uploader(t("entrant_entry.pdf_file_most_mb", limit=limit), type=["pdf"],
                               key=f"document_upload_{entry_id}",
                               disabled=not view.editable)
        if st.button(t("entrant_entry.upload"), type="primary", disabled=pdf is None or not view.editable, key="upload_document"):
            with context.session() as s, context.user_errors(), st.spinner(t("documents.checking")):
                done = document_service.upload_document(
                    session=s, actor=actor, entry_id=entry_id, kind=kind, filename=pdf.name, data=pdf.getvalue(),
                    max_bytes=config.settings().max_upload_bytes, limits=config.settings().pdf_limits)
                st.session_state["entry_flash"] = t("documents.uploaded", document=kind_labels[kind])
                st.session_state["entry_notes"] = [t(widgets.markdown_safe(note)) for note in done.notes]
                st.rerun()
        for doc in view.documents:
            with st.container(border=True):
                st.text(f"{t(kinds.get(doc.kind, doc.kind))}: {doc.name} · "
                        + t("entrant_entry.n_pages", n=doc.pages) + f" · {doc.size / 1024:.0f} KB")
                left, middle, right = st.columns(3)
                show = left.toggle(t("entrant_entry.view_document"), key=f"view_{doc.id}")
                with middle:
                    viewer.download(key=f"viewer_{doc.id}", name=doc.name, label=t("entrant_entry.download"),
                                    load=lambda doc_id=doc.id: viewer_file(doc_id).data)
                with right:
                    remove = view.editable and widgets.confirmed(
                        t("entrant_entry.remove"), key=f"remove_{doc.id}", question=t("entrant_entry.remove_document_entry"))
                if remove:
                    with context.session() as s, context.user_errors():
                        document_service.delete_document(session=s, actor=actor, document_id=doc.id)
                        st.session_state["entry_flash"] = t("entrant_entry.document_removed")
                        st.rerun()
                if show:
                    with context.user_errors():
                        viewer.show(key=f"viewer_{doc.id}", name=doc.name, pages=doc.pages,
                                    viewer_key=document_service.viewer_key(doc, blind=False),
                                    load=lambda doc_id=doc.id: viewer_file(doc_id).data, with_download=False)

    else:
        with context.session(read_only=True) as s, context.user_errors():
            results = entries.entry_eligibility(session=s, actor=actor, entry_id=entry_id)
            receipt = entries.latest_receipt(session=s, actor=actor, entry_id=entry_id)
        st.subheader(t("entrant_entry.eligibility_check"))
        widgets.table(pd.DataFrame([{"ok": "✓" if r.passed else "✗", "rule": r.key, "result": t(r.message)}
                                    for r in results]), RULE_RESULTS, key=f"eligibility_{entry_id}")
        st.caption(t("entrant_entry.patents_documents", patents=len(view.patents),
                     documents=len(view.documents)))
        if view.editable and st.button(t("entrant_entry.submit_entry") if entry.status == "draft" else t("entrant_entry.submit_changes"),
                                       type="primary", key="submit_entry"):
            run(entries.submit_entry, t("entrant_entry.entry_submitted_keep_receipt_below"))
        if receipt is not None:
            st.success(t("entrant_entry.receipt", code=receipt.code, at=formats.when(receipt.submitted_at),
                         reference=receipt.reference, patents=receipt.patents, documents=receipt.documents))
        if view.editable:
            with st.expander(t("entrant_entry.withdraw_this_entry")):
                sure = st.checkbox(t("entrant_entry.i_want_withdraw_entry_cannot"), key="withdraw_sure")
                if st.button(t("entrant_entry.withdraw_entry"), disabled=not sure, key="withdraw_entry"):
                    run(entries.withdraw_entry, t("entrant_entry.entry_withdrawn"))


show_step(step)
