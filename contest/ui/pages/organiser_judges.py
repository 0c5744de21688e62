"""Judge pool: add judges, change their profile, send single-use invitation links."""

import pandas as pd
import streamlit as st

from contest import config
from contest.models import Region
from contest.services import judges, setup
from contest.ui import context

PAGE_PATH = "judges"

actor = context.require_actor()
edition = context.edition()
st.title("Judge pool")
if edition is None:
    st.info("No edition yet.")
    st.stop()
if "judges_flash" in st.session_state:
    st.success(st.session_state.pop("judges_flash"))


def _base_url() -> str:
    """The app's address as the browser sees it, without this page's path."""
    try:
        url = st.context.url or ""
    except Exception:  # AppTest has no request
        url = ""
    url = url.split("?")[0].rstrip("/")
    if url.endswith("/" + PAGE_PATH):
        url = url[: -len(PAGE_PATH) - 1]
    return url or "http://localhost:8501"


def _done(message: str) -> None:
    st.session_state["judges_flash"] = message
    st.session_state["judges_rev"] = st.session_state.get("judges_rev", 0) + 1  # fresh defaults below
    st.rerun()


with context.session(read_only=True) as s, context.user_errors():
    pool = judges.judge_pool(session=s, actor=actor, edition_id=edition.id)
    tracks = [t["key"] for t in setup.labels_of(session=s, edition_id=edition.id, kind="tracks")]
regions = [""] + [r.value for r in Region]

st.caption(f"{len(pool)} judges in {edition.name}. `contest import judges FILE` adds many at once.")
if pool:
    st.dataframe(pd.DataFrame(pool).drop(columns=["profile_id", "user_id"]), hide_index=True)

with st.expander("Add a judge", expanded=not pool):
    with st.form("add_judge"):
        cols = st.columns(2)
        email = cols[0].text_input("Email", key="judge_email")
        name = cols[1].text_input("Name", key="judge_name")
        organisation = cols[0].text_input("Organisation", key="judge_organisation")
        region = cols[1].selectbox("Region", regions, key="judge_region")
        expertise = st.multiselect("Expertise (tracks)", tracks, key="judge_expertise")
        max_load = st.text_input("Most entries this judge takes (blank: no personal cap)", key="judge_max_load")
        if st.form_submit_button("Add to the pool", type="primary"):
            with context.session() as s, context.user_errors():
                judges.add_judge(session=s, actor=actor, edition_id=edition.id, email=email, name=name,
                                 organisation=organisation, region=region, expertise=expertise, max_load=max_load)
                _done(f"{email} is in the judge pool. Send an invitation so they can set a password.")

if not pool:
    st.stop()

with st.expander("Change a judge"):
    who = st.selectbox("Judge", pool, format_func=lambda j: f"{j['name']} <{j['email']}>", key="edit_judge")
    with st.form(f"edit_judge_{who['profile_id']}"):
        organisation = st.text_input("Organisation", who["organisation"])
        region = st.selectbox("Region", regions, regions.index(who["region"]) if who["region"] in regions else 0)
        current = [t for t in who["expertise"].split("; ") if t in tracks]
        expertise = st.multiselect("Expertise (tracks)", tracks, current)
        max_load = st.text_input("Most entries (blank: no cap)",
                                 "" if who["max_load"] is None else str(who["max_load"]))
        active = st.checkbox("In the pool (unticked: not assigned any more)", who["active"])
        if st.form_submit_button("Save judge"):
            with context.session() as s, context.user_errors():
                judges.update_judge(session=s, actor=actor, profile_id=who["profile_id"], organisation=organisation,
                                    region=region, expertise=expertise, max_load=max_load, active=active)
                _done(f"{who['email']} saved.")

st.subheader("Invitations")
waiting = [j for j in pool if j["account"] != "password set"]
smtp_url = config.settings().smtp_url
st.caption("Each link works once and expires after 7 days; a new link replaces the old one. "
           + ("Links are sent by email." if smtp_url
              else "No mail server is set (CONTEST_SMTP_URL): copy the links."))
invitees = st.multiselect("Judges to invite", waiting, default=waiting,
                          format_func=lambda j: f"{j['name']} <{j['email']}> ({j['account']})",
                          key=f"invitees_{st.session_state.get('judges_rev', 0)}")
if st.button("Send invitations" if smtp_url else "Create invitation links", key="invite", disabled=not invitees):
    for judge in invitees:
        with context.session() as s, context.user_errors():
            sent = judges.invite_judge(session=s, actor=actor, edition_id=edition.id, user_id=judge["user_id"],
                                       base_url=_base_url(), smtp_url=smtp_url)
            if sent.sent:
                st.success(f"Invitation sent to {sent.email}.")
            else:
                if sent.error:
                    st.warning(sent.error)
                st.text(f"Link for {sent.email} (until {sent.expires_at:%Y-%m-%d %H:%M} UTC):")
                st.code(sent.link, language=None)
