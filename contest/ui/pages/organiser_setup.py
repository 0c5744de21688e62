"""Edition set-up: dates and rules, groups/categories/tracks, rounds, score sheets and criteria."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from contest import dates, documents, i18n, labels as names, ranking
from contest.services import setup
from contest.ui import context, formats, widgets
from contest.ui.i18n import named, t

LABEL_COLUMNS = {"groups": ["id", "key", *names.LABEL_COLUMNS, *names.DESCRIPTION_COLUMNS],
                 "categories": ["id", "key", *names.LABEL_COLUMNS, "core_kinds"],
                 "tracks": ["id", "key", *names.LABEL_COLUMNS]}
BAND_COLUMNS = [names.column(code, "bands") for code in names.LANGUAGES]
RULE_LABELS = {rule: f"advancement_rule.{rule}" for rule in ("top_n", "threshold", "none")}
# Each list's heading, save button and saved message.
LIST_TEXTS = {"groups": ("organiser_setup.groups", "organiser_setup.save_groups", "organiser_setup.groups_saved"),
              "categories": ("organiser_setup.categories", "organiser_setup.save_categories",
                             "organiser_setup.categories_saved"),
              "tracks": ("organiser_setup.tracks", "organiser_setup.save_tracks", "organiser_setup.tracks_saved")}

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_setup.edition_set_up"))
if edition is None:
    st.info(t("organiser_setup.no_edition_yet_create_one"))
    st.stop()
st.caption(widgets.plain(edition.name))
if "setup_flash" in st.session_state:
    st.success(st.session_state.pop("setup_flash"))


def _saved(message: str) -> None:
    """Show the message after the rerun and give the tables fresh editors."""
    st.session_state["setup_flash"] = message
    st.session_state["setup_rev"] = st.session_state.get("setup_rev", 0) + 1
    st.rerun()


def _rev() -> int:
    return st.session_state.get("setup_rev", 0)


def _at(day: date | None, end_of_day: bool = False, zone: str | None = None) -> datetime | None:
    zone = zone or edition.time_zone
    return dates.day_end(day, zone) if end_of_day else dates.day_start(day, zone)


def _day(moment: datetime | None) -> date | None:
    return dates.day_of(moment, edition.time_zone)


def _headings(frame: pd.DataFrame) -> dict:
    """Editor headings in words (the keys stay the records' field names); a label or bands
    column per language names its language."""
    headings = {name: st.column_config.Column(t(f"col.{name}")) for name in frame.columns}
    for code in names.OTHER_LANGUAGES:
        language = i18n.LANGUAGES[code].name
        if names.column(code) in frame.columns:
            headings[names.column(code)] = st.column_config.Column(t("setup.label_in", language=language))
        if names.column(code, "description") in frame.columns:
            headings[names.column(code, "description")] = st.column_config.TextColumn(
                t("setup.description_in", language=language))
        if names.column(code, "bands") in frame.columns:
            headings[names.column(code, "bands")] = st.column_config.TextColumn(
                t("setup.bands_in", language=language))
    return headings


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


with context.session(read_only=True) as s, context.user_errors():
    overview = setup.setup_overview(session=s, actor=actor, edition_id=edition.id)
for problem in overview["problems"]:
    st.warning(t(problem))
if overview["missing_labels"]:
    with st.expander(t("setup.missing_labels", n=len(overview["missing_labels"]))):
        st.caption(t("setup.missing_labels_help"))
        missing = pd.DataFrame([{"what": t(f"col.{m['what']}"), "key": m["key"], "label": m["label"],
                                 "languages": ", ".join(i18n.LANGUAGES[c].name for c in m["languages"])}
                                for m in overview["missing_labels"]])
        st.dataframe(missing, hide_index=True, width="stretch", column_config={
            "what": t("setup.missing_what"), "key": t("col.key"), "label": t("col.label"),
            "languages": t("setup.missing_languages")})

tab_dates, tab_lists, tab_rounds, tab_sheets = st.tabs(
    [t("organiser_setup.dates_rules"), t("organiser_setup.groups_categories_tracks"), t("organiser_setup.rounds"), t("common.score_sheets")])

with tab_dates:
    ed = overview["edition"]
    with st.form("edition_form"):
        name = st.text_input(t("organiser_setup.edition_name"), ed["name"], key="edition_name")
        cols = st.columns(3)
        opens = cols[0].date_input(t("setup.opens_day"), _day(ed["opens_at"]), key="edition_opens")
        deadline = cols[1].date_input(t("setup.deadline_day"), _day(ed["submission_deadline"]),
                                      key="edition_deadline")
        closes = cols[2].date_input(t("setup.closes_day"), _day(ed["closes_at"]), key="edition_closes")
        zones = dates.zone_names()
        zone = st.selectbox(t("setup.time_zone"), zones, index=zones.index(ed["time_zone"]) if ed["time_zone"] in zones
                            else zones.index(dates.ZONE_NAME), key="edition_time_zone", help=t("setup.time_zone_help"))
        cutoff = st.date_input(t("organiser_setup.core_patent_granted_after"), ed["core_patent_cutoff"], key="edition_cutoff")
        cap = st.number_input(t("organiser_setup.entries_per_enterprise_most"), 1, 100, ed["max_entries_per_enterprise"],
                              key="edition_cap")
        docs = st.multiselect(t("organiser_setup.required_documents"), list(documents.DOCUMENT_KINDS), ed["required_documents"],
                              format_func={k: t(f"documents.kind_{k}") for k in documents.DOCUMENT_KINDS}.get, key="edition_docs",
                              placeholder=t("common.choose_options"))
        if st.form_submit_button(t("organiser_setup.save_dates_rules"), type="primary"):
            with context.session() as s, context.user_errors():
                setup.update_edition(session=s, actor=actor, edition_id=edition.id, name=name,
                                     opens_at=_at(opens, zone=zone), submission_deadline=_at(deadline, True, zone),
                                     closes_at=_at(closes, True, zone), core_patent_cutoff=cutoff,
                                     max_entries_per_enterprise=int(cap), required_documents=docs, time_zone=zone)
                _saved(t("organiser_setup.dates_rules_saved"))
    with st.form("tie_rule_form"):
        steps = st.multiselect(t("setup.tie_rule"), list(ranking.TIE_RULES),
                               [s for s in ed["tie_rule"] if s in ranking.TIE_RULES],
                               format_func=lambda step: t(ranking.TIE_LABELS[step]), key="edition_tie_rule",
                               placeholder=t("common.choose_options"))
        st.caption(t("setup.tie_rule_help"))
        if st.form_submit_button(t("setup.save_tie_rule")):
            with context.session() as s, context.user_errors():
                setup.set_tie_rule(session=s, actor=actor, edition_id=edition.id, steps=steps)
                _saved(t("setup.tie_rule_saved"))

with tab_lists:
    st.caption(t("organiser_setup.keys_used_files_imports_they"))
    for kind, (title, save, saved) in LIST_TEXTS.items():
        st.subheader(t(title))
        frame = pd.DataFrame(overview[kind], columns=LABEL_COLUMNS[kind])
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=f"labels_{kind}_{_rev()}",
                                column_config={**_headings(frame), "id": None}, width="stretch")
        if st.button(t(save), key=f"save_{kind}"):
            with context.session() as s, context.user_errors():
                setup.save_labels(session=s, actor=actor, edition_id=edition.id, kind=kind, rows=_records(edited))
                _saved(t(saved))
    st.subheader(t("organiser_setup.awards"))
    st.caption(t("organiser_setup.awards_help"))
    with context.session(read_only=True) as s, context.user_errors():
        tiers = pd.DataFrame(setup.award_tiers(session=s, actor=actor, edition_id=edition.id),
                             columns=["key", *names.LABEL_COLUMNS, "per_group"])
    edited_tiers = st.data_editor(tiers, num_rows="dynamic", hide_index=True, key=f"labels_awards_{_rev()}",
                                  width="stretch", column_config={
                                      **_headings(tiers), "per_group": st.column_config.NumberColumn(
                                          t("col.per_group"), min_value=0, step=1)})
    if st.button(t("organiser_setup.save_awards"), key="save_awards"):
        with context.session() as s, context.user_errors():
            setup.save_award_tiers(session=s, actor=actor, edition_id=edition.id, rows=_records(edited_tiers))
            _saved(t("organiser_setup.awards_saved"))

with tab_rounds:
    rounds = overview["rounds"]
    if not rounds:
        st.info(t("organiser_setup.no_rounds_yet_add_first"))
    else:
        listed = pd.DataFrame(rounds)
        widgets.table(listed.assign(label=[named(r) for r in rounds]), {
            "order": formats.Column("col.order", "count"), "label": formats.Column("col.round"),
            "scored": formats.Column("col.scored", "check"), "blind": formats.Column("col.blind", "check"),
            "judges_per_entry": formats.Column("col.judges_per_entry", "count"),
            "advancement_rule": formats.Column("col.advancement_rule", "key", values="advancement_rule"),
            "advancement_value": formats.Column("col.advancement_value", "number", digits=0),
            "opens_at": formats.Column("col.opens", "moment"), "closes_at": formats.Column("col.closes", "moment")},
            key="setup_rounds")
        round_names = {r["id"]: f"{r['order']}. {named(r)}" for r in rounds}  # drawn now, in the user's language
        chosen = st.selectbox(t("common.round"), rounds, format_func=lambda r: round_names[r["id"]], key="setup_round")
        k = f"round_{chosen['key']}"
        with st.form(f"{k}_form"):
            label = st.text_input(t("organiser_setup.label"), chosen["label"], key=f"{k}_label")
            other_labels = {code: st.text_input(t("setup.label_in", language=i18n.LANGUAGES[code].name),
                                                chosen[names.column(code)], key=f"{k}_{names.column(code)}")
                            for code in names.OTHER_LANGUAGES}
            cols = st.columns(3)
            order = cols[0].number_input(t("organiser_setup.order"), 1, len(rounds), chosen["order"], key=f"{k}_order")
            scored = cols[1].checkbox(t("organiser_setup.scored_judges"), chosen["scored"], key=f"{k}_scored")
            blind = cols[2].checkbox(t("organiser_setup.blind_judges_do_not_see"), chosen["blind"], key=f"{k}_blind")
            judges = cols[0].number_input(t("common.judges_per_entry"), 1, setup.MAX_JUDGES_PER_ENTRY,
                                          max(1, chosen["judges_per_entry"]), key=f"{k}_judges")
            rule = cols[1].selectbox(t("organiser_setup.advancement"), list(RULE_LABELS),
                                     list(RULE_LABELS).index(chosen["advancement_rule"]),
                                     format_func={r: t(label) for r, label in RULE_LABELS.items()}.get,
                                     key=f"{k}_rule")
            value = cols[2].number_input(t("organiser_setup.n_per_group_threshold_0"), 0.0, 100000.0,
                                         float(chosen["advancement_value"]), key=f"{k}_value")
            opens_day = cols[0].date_input(t("setup.opens_day"), _day(chosen["opens_at"]), key=f"{k}_opens")
            closes_day = cols[1].date_input(t("setup.closes_end_of_day"), _day(chosen["closes_at"]), key=f"{k}_closes")
            vote = cols[2].number_input(t("organiser_setup.public_vote_share"), 0.0, 99.0, float(chosen["public_vote_pct"]),
                                        key=f"{k}_vote")
            carry = cols[0].number_input(t("organiser_setup.carried_previous_round"), 0.0, 99.0,
                                         float(chosen["carry_over_pct"]), key=f"{k}_carry")
            method = cols[1].selectbox(t("organiser_setup.ranking_method"), list(ranking.METHODS),
                                       list(ranking.METHODS).index(chosen["method"])
                                       if chosen["method"] in ranking.METHODS else 0, key=f"{k}_method")
            by_category = cols[2].checkbox(t("organiser_setup.rank_each_category_separately"), chosen["rank_by_category"],
                                           key=f"{k}_by_category")
            region = st.checkbox(t("organiser_setup.judges_applicant_s_region_conflicted"), chosen["region_conflicts"],
                                 key=f"{k}_region")
            if st.form_submit_button(t("organiser_setup.save_round"), type="primary"):
                settings = setup.RoundSettings(label=label, labels=other_labels, scored=scored, blind=blind,
                                               judges_per_entry=int(judges), advancement_rule=rule,
                                               advancement_value=value, opens_at=_at(opens_day),
                                               closes_at=_at(closes_day, True), region_conflicts=region,
                                               public_vote_pct=vote, carry_over_pct=carry,
                                               rank_by_category=by_category, method=method)
                with context.session() as s, context.user_errors():
                    setup.update_round(session=s, actor=actor, round_id=chosen["id"], settings=settings,
                                       order=int(order))
                    _saved(t("organiser_setup.round_saved", label=label))
        if widgets.confirmed(t("organiser_setup.remove_round"), key=f"{k}_remove",
                             question=t("organiser_setup.remove_round_rubrics_cannot_undone")):
            with context.session() as s, context.user_errors():
                setup.remove_round(session=s, actor=actor, round_id=chosen["id"])
                _saved(t("organiser_setup.round_removed"))
    with st.expander(t("organiser_setup.add_round")):
        with st.form("new_round_form"):
            new_key = st.text_input(t("organiser_setup.key_e_g_semifinal"), key="new_round_key")
            new_label = st.text_input(t("organiser_setup.label"), key="new_round_label")
            new_order = st.number_input(t("organiser_setup.order"), 1, len(rounds) + 1, len(rounds) + 1, key="new_round_order")
            new_judges = st.number_input(t("common.judges_per_entry"), 1, setup.MAX_JUDGES_PER_ENTRY, 3, key="new_round_judges")
            if st.form_submit_button(t("organiser_setup.add_round_button")):
                with context.session() as s, context.user_errors():
                    setup.add_round(session=s, actor=actor, edition_id=edition.id, key=new_key, order=int(new_order),
                                    settings=setup.RoundSettings(label=new_label, judges_per_entry=int(new_judges)))
                    _saved(t("organiser_setup.round_added_give_score_sheets", label=new_label))

with tab_sheets:
    scored_rounds = [r for r in overview["rounds"] if r["scored"]]
    cats = overview["categories"]
    if not scored_rounds or not cats:
        st.info(t("organiser_setup.add_scored_round_category_first"))
        st.stop()
    cols = st.columns(2)
    shown_names = {(kind, x["id"]): named(x) for kind, rows in (("round", scored_rounds), ("category", cats)) for x in rows}
    rnd = cols[0].selectbox(t("common.round"), scored_rounds, format_func=lambda r: shown_names["round", r["id"]],
                            key="sheets_round")
    cat = cols[1].selectbox(t("common.category"), cats, format_func=lambda c: shown_names["category", c["id"]],
                            key="sheets_category")
    with context.session(read_only=True) as s, context.user_errors():
        sheets = setup.sheets_for(session=s, actor=actor, round_id=rnd["id"], category_id=cat["id"])
    st.subheader(t("organiser_setup.sheets_their_weights_round"))
    sheet_frame = pd.DataFrame(sheets, columns=["id", "key", *names.LABEL_COLUMNS, "weight", "version",
                                                "score_sheets"])
    edited_sheets = st.data_editor(
        sheet_frame, num_rows="dynamic", hide_index=True, key=f"sheets_{rnd['id']}_{cat['id']}_{_rev()}",
        column_config={**_headings(sheet_frame), "id": None,
                       "weight": st.column_config.NumberColumn(t("col.weight_percent"), min_value=0.0),
                       "version": st.column_config.NumberColumn(t("col.version"), disabled=True),
                       "score_sheets": st.column_config.NumberColumn(t("col.score_sheets"), disabled=True)})
    sheet_total = pd.to_numeric(edited_sheets["weight"], errors="coerce").sum()
    st.caption(t("organiser_setup.weights_add_up_must_100", total=f"{sheet_total:g}"))
    if st.button(t("organiser_setup.save_sheets"), key="save_sheets"):
        with context.session() as s, context.user_errors():
            setup.save_sheets(session=s, actor=actor, round_id=rnd["id"], category_id=cat["id"],
                              rows=_records(edited_sheets))
            _saved(t("organiser_setup.sheets_saved"))
    if not sheets:
        st.stop()
    sheet_names = {x["id"]: t("organiser_setup.sheet_version", label=named(x), version=x["version"]) for x in sheets}
    sheet = st.selectbox(t("organiser_setup.criteria_sheet"), sheets, format_func=lambda x: sheet_names[x["id"]],
                         key="criteria_sheet")
    with context.session(read_only=True) as s, context.user_errors():
        criteria = setup.criteria_for(session=s, actor=actor, sheet_id=sheet["id"])
    crit_frame = pd.DataFrame(criteria, columns=["key", *names.LABEL_COLUMNS, *names.DESCRIPTION_COLUMNS,
                                                 "max_points", "step",
                                                 "weight", *BAND_COLUMNS])
    edited = st.data_editor(
        crit_frame, num_rows="dynamic", hide_index=True, key=f"criteria_{sheet['id']}_{_rev()}",
        column_config={**_headings(crit_frame), "weight": st.column_config.NumberColumn(t("col.weight_percent")),
                       "bands": st.column_config.TextColumn(t("col.bands"))})
    criteria_total = pd.to_numeric(edited["weight"], errors="coerce").sum()
    st.caption(t("organiser_setup.weights_add_up_must_100", total=f"{criteria_total:g}"))
    new_version = False
    if sheet["score_sheets"]:
        st.warning(t("organiser_setup.score_sheets_use_rubric_changes", n=sheet["score_sheets"]))
        new_version = st.checkbox(t("organiser_setup.save_new_version"), key="criteria_new_version")
    if sheet["older_versions"]:
        st.caption(t("organiser_setup.older_version_s_kept_scores", n=sheet["older_versions"]))
    if st.button(t("organiser_setup.save_criteria"), type="primary", key="save_criteria"):
        with context.session() as s, context.user_errors():
            result = setup.save_criteria(session=s, actor=actor, sheet_id=sheet["id"], rows=_records(edited),
                                         new_version=new_version)
            _saved(t("organiser_setup.rubric_version_in_use", version=result.version) if result.new_version
                   else t("organiser_setup.criteria_saved") if result.changed else t("organiser_setup.nothing_changed"))
