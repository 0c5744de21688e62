"""Organiser: scoring progress per judge, per entry and per track; overdue work;
reminders by mail (or a list to copy when no mail server is set)."""

import pandas as pd
import streamlit as st

from contest.services import editions, progress
from contest.ui import context, formats, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_progress.progress"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s:
    rounds = [r for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored]
by_id = {r.id: r for r in rounds}
rnd = by_id[st.selectbox(t("common.round"), list(by_id), format_func={i: named(r) for i, r in by_id.items()}.get, key="progress_round")]
with context.session(read_only=True) as s, context.user_errors():
    report = progress.round_progress(session=s, actor=actor, round_id=rnd.id)

cols = st.columns(5)
cols[0].metric(t("organiser_progress.assigned"), report.assigned)
cols[1].metric(t("organiser_progress.submitted"), report.submitted)
cols[2].metric(t("organiser_progress.draft"), report.draft)
cols[3].metric(t("common.to_do"), report.to_do)
cols[4].metric(t("organiser_progress.overdue"), report.overdue)
if report.assigned:
    st.progress(report.submitted / report.assigned,
                text=t("common.done_of_total_submitted", done=report.submitted, total=report.assigned))

WORK = {"assigned": formats.Column("col.assigned", "count"), "to_do": formats.Column("col.to_do", "count"),
        "draft": formats.Column("col.draft", "count"), "submitted": formats.Column("col.submitted", "count")}
st.subheader(t("organiser_progress.coverage_per_track"))
tracks = pd.DataFrame(formats.in_language(report.tracks), columns=["track", "entries", "fully_scored", "coverage", "understaffed",
                                               "sheets_submitted", "sheets_assigned", "expert_judges"])
widgets.table(tracks, {
    "track": formats.Column("col.track"), "entries": formats.Column("col.entries", "count"),
    "fully_scored": formats.Column("col.fully_scored", "count"), "coverage": formats.Column("col.coverage", "share"),
    "understaffed": formats.Column("col.understaffed", "count"),
    "sheets_submitted": formats.Column("col.sheets_submitted", "count"),
    "sheets_assigned": formats.Column("col.sheets_assigned", "count"),
    "expert_judges": formats.Column("col.expert_judges", "count")}, key="progress_tracks")
st.subheader(t("organiser_progress.per_judge"))
widgets.table(pd.DataFrame(report.judges, columns=["judge", "email", *WORK, "overdue", "done"]), {
    "judge": formats.Column("col.judge"), "email": formats.Column("col.email"), **WORK,
    "overdue": formats.Column("col.overdue", "count"), "done": formats.Column("col.done", "bar")}, key="progress_judges")
st.subheader(t("organiser_progress.per_entry"))
entries = pd.DataFrame(formats.in_language(report.entries), columns=["code", "track", "assigned", "needed", "to_do", "draft", "submitted",
                                               "complete"])
if not entries.empty and st.toggle(t("organiser_progress.only_entries_not_yet_fully")):
    entries = entries[~entries["complete"]]
widgets.table(entries, {
    "code": formats.Column("col.entry"), "track": formats.Column("col.track"), **WORK,
    "needed": formats.Column("col.needed", "count"), "complete": formats.Column("col.complete", "check")},
    key="progress_entries")

if st.button(t("organiser_progress.send_reminders_judges_open_work")):
    with context.session() as s, context.user_errors():
        outcome = progress.send_reminders(session=s, actor=actor, round_id=rnd.id)
        if outcome.sent:
            st.success(t("organiser_progress.reminders_sent_judges", n=len(outcome.sent)))
        for failure in outcome.failed:
            st.error(t(failure))
        if outcome.to_copy:
            st.info(t("organiser_progress.no_mail_server_set_contest"))
            for message in outcome.to_copy:
                st.code(t("organiser_progress.mail_to_copy", to=message.to, subject=message.subject,
                          body=message.body), language=None)
        elif not outcome.sent and not outcome.failed:
            st.info(t("organiser_progress.every_judge_has_submitted_no"))
