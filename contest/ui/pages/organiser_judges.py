"""Judge pool: add judges, change their profile, send single-use invitation links."""

import pandas as pd
import streamlit as st

from contest import config
from contest.models import Region
from contest.services import judges, setup
from contest.ui import context, formats, signin, widgets
from contest.ui.i18n import named, t

PAGE_PATH = "judges"

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_judges.judge_pool"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
if "judges_flash" in st.session_state:
    st.success(st.session_state.pop("judges_flash"))


def _base_url() -> str:
    """The app's address for invitation links (CONTEST_PUBLIC_URL when set)."""
    return signin.public_base_url(PAGE_PATH)


def _done(message: str) -> None:
    st.session_state["judges_flash"] = message
    st.session_state["judges_rev"] = st.session_state.get("judges_rev", 0) + 1  # fresh defaults below
    st.rerun()


with context.session(read_only=True) as s, context.user_errors():
    pool = judges.judge_pool(session=s, actor=actor, edition_id=edition.id)
    track_labels = {track["key"]: named(track) for track in setup.labels_of(session=s, edition_id=edition.id,
                                                                                 kind="tracks")}
tracks = list(track_labels)
region_labels = {r: formats.value_label("region", r) for r in [""] + [r.value for r in Region]}
regions = list(region_labels)

st.caption(t("organiser_judges.judges_contest_import_judges_file", n=len(pool),
             edition=widgets.plain(edition.name)))
if pool:
    listed = pd.DataFrame(pool)
    listed["expertise"] = listed["expertise"].map(
        lambda keys: ", ".join(track_labels.get(k, k) for k in keys.split("; ") if k))
    widgets.table(listed, {
        "name": formats.Column("col.name"), "email": formats.Column("col.email"),
        "organisation": formats.Column("col.organisation"), "region": formats.Column("col.region", "key", values="region"),
        "expertise": formats.Column("col.expertise"), "max_load": formats.Column("col.max_load", "count"),
        "active": formats.Column("col.active", "check"), "account": formats.Column("col.account", "key", values="account"),
        "invited_until": formats.Column("col.invited_until", "moment"),
        "confidentiality": formats.Column("col.confidentiality", "key", values="confidentiality")}, key="judges_pool")

with st.expander(t("organiser_judges.add_judge"), expanded=not pool):
    with st.form("add_judge"):
        cols = st.columns(2)
        email = cols[0].text_input(t("common.email"), key="judge_email")
        name = cols[1].text_input(t("common.name"), key="judge_name")
        organisation = cols[0].text_input(t("common.organisation"), key="judge_organisation")
        region = cols[1].selectbox(t("common.region"), regions, key="judge_region", format_func=region_labels.get)
        expertise = st.multiselect(t("organiser_judges.expertise_tracks"), tracks, key="judge_expertise", format_func=track_labels.get,
                                   placeholder=t("common.choose_options"))
        max_load = st.text_input(t("organiser_judges.most_entries_judge_takes_blank"), key="judge_max_load")
        if st.form_submit_button(t("organiser_judges.add_pool"), type="primary"):
            with context.session() as s, context.user_errors():
                judges.add_judge(session=s, actor=actor, edition_id=edition.id, email=email, name=name,
                                 organisation=organisation, region=region, expertise=expertise, max_load=max_load)
                _done(t("organiser_judges.judge_pool_send_invitation_so", email=email))

if not pool:
    st.stop()

with st.expander(t("organiser_judges.change_judge")):
    who = st.selectbox(t("common.judge"), pool, format_func=lambda j: f"{j['name']} <{j['email']}>", key="edit_judge")
    with st.form(f"edit_judge_{who['profile_id']}"):
        organisation = st.text_input(t("common.organisation"), who["organisation"])
        region = st.selectbox(t("common.region"), regions, regions.index(who["region"]) if who["region"] in regions else 0,
                              format_func=region_labels.get)
        current = [track for track in who["expertise"].split("; ") if track in tracks]
        expertise = st.multiselect(t("organiser_judges.expertise_tracks"), tracks, current, format_func=track_labels.get,
                                   placeholder=t("common.choose_options"))
        max_load = st.text_input(t("organiser_judges.most_entries_blank_no_cap"),
                                 "" if who["max_load"] is None else str(who["max_load"]))
        active = st.checkbox(t("organiser_judges.pool_unticked_not_assigned_any"), who["active"])
        if st.form_submit_button(t("organiser_judges.save_judge")):
            with context.session() as s, context.user_errors():
                judges.update_judge(session=s, actor=actor, profile_id=who["profile_id"], organisation=organisation,
                                    region=region, expertise=expertise, max_load=max_load, active=active)
                _done(t("organiser_judges.judge_saved", email=who["email"]))

st.subheader(t("organiser_judges.invitations"))
waiting = [j for j in pool if j["account"] != "password set"]
smtp_url = config.settings().smtp_url
st.caption(t("organiser_judges.each_link_works_once_expires") + " "
           + (t("organiser_judges.links_sent_email") if smtp_url
              else t("organiser_judges.no_mail_server_set_contest")))
invitees = st.multiselect(t("organiser_judges.judges_invite"), waiting, default=waiting,
                          format_func=lambda j: f"{j['name']} <{j['email']}> ({j['account']})",
                          key=f"invitees_{st.session_state.get('judges_rev', 0)}",
                          placeholder=t("common.choose_options"))
if st.button(t("organiser_judges.send_invitations") if smtp_url else t("organiser_judges.create_invitation_links"), key="invite", disabled=not invitees):
    for judge in invitees:
        with context.session() as s, context.user_errors():
            sent = judges.invite_judge(session=s, actor=actor, edition_id=edition.id, user_id=judge["user_id"],
                                       base_url=_base_url(), smtp_url=smtp_url)
            if sent.sent:
                st.success(t("organiser_judges.invitation_sent", email=widgets.plain(sent.email)))
            else:
                if sent.error:
                    st.warning(t(sent.error))
                st.text(t("organiser_judges.link_until", email=sent.email,
                          until=formats.when(sent.expires_at)))
                st.code(sent.link, language=None)
