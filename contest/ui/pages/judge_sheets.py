"""The organiser's view of judges' score sheets: find a sheet, read its history (who did what
and when), reopen a submitted sheet with a reason; replace judges who declared a conflict."""

import pandas as pd
import streamlit as st

from contest.services import assignments, judging
from contest.ui import context, formats, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("common.score_sheets"))
if edition is None:
    st.info(t("common.there_no_contest_yet"))
    st.stop()

code_col, judge_col, status_col = st.columns(3)
entry_code = code_col.text_input(t("judge_sheets.entry_code"), key="sheets_entry")
judge_email = judge_col.text_input(t("judge_sheets.judge_email"), key="sheets_judge")
STATUSES = ["", "draft", "submitted", "withdrawn"]
status = status_col.selectbox(t("common.status"), STATUSES, key="sheets_status",
                              format_func={v: formats.value_label("sheet_status", v) if v else t("common.all")
                                           for v in STATUSES}.get)
sheets: list[dict] = []
with context.session(read_only=True) as s, context.user_errors():
    sheets = judging.find_sheets(session=s, actor=actor, edition_id=edition.id, entry_code=entry_code,
                                 judge_email=judge_email, status=status)
if not sheets:
    st.info(t("judge_sheets.no_score_sheets_match"))
else:
    listed = pd.DataFrame(formats.in_language(sheets))
    widgets.table(listed, {
        "sheet_id": formats.Column("col.sheet_number", "count"), "round": formats.Column("col.round"),
        "entry": formats.Column("col.entry"), "judge": formats.Column("col.judge"), "sheet": formats.Column("col.sheet"),
        "status": formats.Column("col.status", "key", values="sheet_status"),
        "version": formats.Column("col.version", "count"), "total": formats.Column("col.total", "number"),
        "submitted_at": formats.Column("col.submitted_at", "moment"),
        "reopened_reason": formats.Column("col.reopened_reason")}, key="sheets_found")
    by_id = {row["sheet_id"]: row for row in sheets}
    sheet_labels = {i: f"#{i} · {row['entry']} · {row['judge']} · {formats.value_label('sheet_status', row['status'])}"
                    for i, row in by_id.items()}
    sheet_id = st.selectbox(t("judge_sheets.sheet"), list(by_id), key="sheets_pick", format_func=sheet_labels.get)
    chosen = by_id[sheet_id]
    with context.session(read_only=True) as s, context.user_errors():
        history = judging.sheet_history(session=s, actor=actor, sheet_id=sheet_id)
        st.markdown(t("judge_sheets.history_sheet", n=sheet_id))
        st.text("\n".join(formats.history_lines(history)))
    if chosen["status"] == "submitted":
        reason = st.text_area(t("judge_sheets.reason_reopening_judge_sees"), key=f"reopen_reason_{sheet_id}")
        if st.button(t("judge_sheets.reopen_sheet"), key=f"reopen_{sheet_id}"):
            with context.session() as s, context.user_errors():
                judging.reopen_sheet(session=s, actor=actor, sheet_id=sheet_id, reason=reason,
                                     expected_version=chosen["version"])
                st.success(t("judge_sheets.sheet_reopened_judge_can_edit"))

st.header(t("judge_sheets.declared_conflicts"))
conflicts: list[dict] = []
with context.session(read_only=True) as s, context.user_errors():
    conflicts = judging.declared_conflicts(session=s, actor=actor, edition_id=edition.id)
if not conflicts:
    st.info(t("judge_sheets.no_judge_has_declared_conflict"))
for row in conflicts:
    st.text(f"{row['entry']} · {named(row['round'])} · {row['judge']}: {row['reason']}")
    st.caption(t("judge_sheets.judges_now", now=row["judges_now"], needed=row["judges_needed"]))
    if row["judges_now"] >= row["judges_needed"]:
        continue
    suggestions: list[assignments.Replacement] = []
    with context.session(read_only=True) as s, context.user_errors():
        suggestions = assignments.replacement_suggestions(session=s, actor=actor, round_id=row["round_id"],
                                                          entry_id=row["entry_id"])
    if not suggestions:
        st.warning(t("judge_sheets.no_judge_pool_can_take"))
        continue
    names = {sug.judge_id: f"{sug.judge} · {sug.organisation} · {t('judge_sheets.load')} {sug.load}"
             + (f" · {t('judge_sheets.expertise_match')}" if sug.expertise_match else "") for sug in suggestions}
    key = f"{row['conflict_id']}_{row['round_id']}"
    judge_id = st.radio(t("judge_sheets.replacement_judge"), list(names), format_func=lambda j: widgets.plain(names[j]),
                        key=f"replace_{key}")
    if st.button(t("judge_sheets.assign_replacement"), key=f"assign_{key}"):
        with context.session() as s, context.user_errors():
            assignments.assign_replacement(session=s, actor=actor, round_id=row["round_id"],
                                           entry_id=row["entry_id"], judge_id=judge_id)
            st.success(t("judge_sheets.replacement_assigned"))
