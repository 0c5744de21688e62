"""The audit trail: every change to a score, an assignment or a decision, with who and when."""

import pandas as pd
import streamlit as st

from contest.services import audit_log
from contest.ui import context, formats, widgets
from contest.ui.i18n import t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_audit.audit_trail"))
with context.session(read_only=True) as s, context.user_errors():
    families = audit_log.action_families(session=s, actor=actor)
left, right = st.columns(2)
family = left.selectbox(t("organiser_audit.area"), ["all"] + families,
                        format_func={"all": t("common.all"), **{f: formats.value_label("audit_area", f) for f in families}}.get)
object_id = widgets.number(t("organiser_audit.object_id_optional"), low=0, high=None, value=0, key="audit_object", container=right)
with context.session(read_only=True) as s, context.user_errors():
    events = audit_log.list_events(
        session=s, actor=actor, edition_id=edition.id if edition else None,
        action_prefix="" if family == "all" else family + ".", object_id=object_id or None,
    )
if not events:
    st.info(t("organiser_audit.no_recorded_changes_match"))
else:
    st.caption(t("organiser_audit.newest_events", n=len(events)))
    widgets.table(pd.DataFrame(formats.in_language(events)), {
        "at": formats.Column("col.when", "moment"), "who": formats.Column("col.who"),
        "action": formats.Column("col.action", "key", values="audit"), "object": formats.Column("col.record"),
        "details": formats.Column("col.details")}, key="audit_events")
