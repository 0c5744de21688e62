"""Excel in and out: import templates, imports (every error listed; dry run), the results
workbook of a round."""

import hashlib

import streamlit as st

from contest import excel, i18n
from contest.services import InvalidInput, ServiceError, editions, exports, imports
from contest.ui import context
from contest.ui.i18n import language, t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
METHODS = ["model", "mean", "trimmed", "median", "zscore"]



actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_excel.excel_import_export"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s, context.user_errors():
    scored_rounds = {r.key: r.label for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
    scored = list(scored_rounds)
    templates = {kind: exports.template(session=s, actor=actor, edition_id=edition.id,
                                        kind=kind, lang=language()) for kind in excel.KINDS}

st.subheader(t("organiser_excel.templates"))
st.caption(t("organiser_excel.each_template_explains_columns_rows"))
kind_labels = {kind: t(f"organiser_excel.kind_{kind}") for kind in excel.KINDS}
for column, (kind, data) in zip(st.columns(len(templates)), templates.items()):
    column.download_button(kind_labels[kind], data, file_name=f"{kind}-template.xlsx", mime=XLSX,
                           key=f"template_{kind}")

st.subheader(t("organiser_excel.import"))
kind = st.selectbox(t("organiser_excel.what_import"), imports.KINDS, format_func=kind_labels.get, key="import_kind")
round_key = st.selectbox(t("common.round"), scored, format_func={k: t(label) for k, label in scored_rounds.items()}.get,
                         key="import_round") if kind == "scores" else None
upload = st.file_uploader(t("common.workbook_xlsx"), type=["xlsx"], key="import_file")
dry_run = st.checkbox(t("organiser_excel.dry_run_check_everything_store"), value=True,
                      key="import_dry_run")
force = st.checkbox(t("imports.force_label"), value=False, key="import_force") \
    if kind == "scores" else False
if st.button(t("organiser_excel.import"), disabled=upload is None, key="import_go"):
    bar = st.progress(0.0, text=t("organiser_excel.import"))
    data = upload.getvalue()
    # A scores import compares each sheet with the versions the dry run of this very file
    # saw, so a judge's save after the organiser's check is never lost unnoticed.
    checked = (hashlib.sha256(data).hexdigest(), kind, round_key)
    prepared = st.session_state.get("import_prepared")
    try:
        with context.session() as s:
            report = imports.import_workbook(
                session=s, actor=actor, edition_id=edition.id, kind=kind, data=data,
                round_key=round_key, dry_run=dry_run, force=force, file_name=upload.name,
                prepared=prepared[1] if prepared and prepared[0] == checked else None,
                progress=bar.progress)
        bar.empty()
        st.session_state["import_prepared"] = (checked, report.versions) if dry_run else None
        st.success(t(report.summary()))
        notes = [t(note) for note in report.notes]
        if report.forced:
            notes.append(t(i18n.msg("imports.forced_note", n=report.forced)))
        if notes:
            st.dataframe({t("organiser_excel.note"): notes}, hide_index=True)
    except InvalidInput as exc:
        st.error(t(exc.message))
        st.dataframe({t("organiser_excel.error"): [t(p) for p in exc.problems]}, hide_index=True,
                     width="stretch")
    except ServiceError as exc:
        st.error(t(exc.message))

st.subheader(t("organiser_excel.results_workbook"))
left, right = st.columns(2)
result_round = left.selectbox(t("common.round"), scored, format_func={k: t(label) for k, label in scored_rounds.items()}.get,
                              key="export_round")
round_method = t("organiser_excel.round_s_method")
method = right.selectbox(t("common.method"), [None, *METHODS], key="export_method",
                         format_func={None: round_method, **{m: t(f"ranking_method.{m}") for m in METHODS}}.get)
if st.button(t("organiser_excel.prepare_results_workbook"), key="export_go", disabled=not scored):
    bar = st.progress(0.0, text=t("organiser_excel.prepare_results_workbook"))
    with context.session(read_only=True) as s, context.user_errors():
        st.session_state["results_workbook"] = (result_round, exports.results_workbook(
            session=s, actor=actor, edition_id=edition.id, round_key=result_round,
            method=method, lang=language(), progress=bar.progress))
    bar.empty()
prepared = st.session_state.get("results_workbook")
if prepared:
    st.download_button(t("organiser_excel.download_results"), prepared[1],
                       file_name=f"results-{edition.slug}-{prepared[0]}.xlsx", mime=XLSX,
                       key="export_download")
