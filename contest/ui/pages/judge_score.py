"""Score an assigned entry: its portfolio (blind when the round is), every sheet with the
band descriptors beside each input and a running total; every change is saved as a draft
at once (a reload loses nothing); submit locks the sheet. A conflict can be declared here."""

import pandas as pd
import streamlit as st

from contest import scoring
from contest.services import ServiceError, StaleData, judging
from contest.ui import context, formats, viewer, widgets
from contest.ui.i18n import named, t

PATENTS = {
    "number": formats.Column("col.patent_number"), "jurisdiction": formats.Column("col.jurisdiction"),
    "kind": formats.Column("col.patent_kind", "key", values="patent_kind"),
    "status": formats.Column("col.patent_status", "key", values="patent_status"),
    "grant_date": formats.Column("col.granted_on", "day"), "title": formats.Column("col.title"),
    "core": formats.Column("col.core_patent", "check"), "holder": formats.Column("col.holder")}
WHOLE_PAGE = "judge_score_whole_page"  # set when the next run must read the whole page again

actor = context.require_actor()
edition = context.edition()
state = st.session_state
st.title(t("judge_score.score_entry"))
if edition is None:
    st.info(t("common.there_no_contest_yet"))
    st.stop()
rounds: list[dict] = []
view = form = None
history: list[dict] = []
# One short read for the page: the judge's assignments, then the chosen entry's portfolio,
# sheets and history (each read session costs PostgreSQL round trips of its own).
with context.session(read_only=True) as s, context.user_errors():
    rounds = judging.judge_workspace(session=s, actor=actor, edition_id=edition.id)
    entries = [e for info in rounds for e in info["entries"]]
    if not entries:
        st.info(t("judge_score.nothing_assigned_yet"))
        st.stop()

    # The entry comes from the URL (?round=..&entry=..) so a reload reopens the same sheet.
    targets = [(e["round_id"], e["entry_id"]) for e in entries]
    try:
        wanted = (int(st.query_params.get("round", "")), int(st.query_params.get("entry", "")))
    except ValueError:
        wanted = None
    if wanted not in targets:
        upcoming = judging.next_to_score(entries) or entries[0]
        wanted = (upcoming["round_id"], upcoming["entry_id"])
    labels = {(e["round_id"], e["entry_id"]): f"{e['code']} · {e['title']} ({formats.value_label('work', e['state'])})"
              for e in entries}
    picked = st.selectbox(t("common.entry"), targets, index=targets.index(wanted), format_func=labels.get)
    if picked != wanted or st.query_params.get("entry") != str(picked[1]):
        st.query_params.update(round=str(picked[0]), entry=str(picked[1]))
    round_id, entry_id = picked
    view = judging.portfolio(session=s, actor=actor, round_id=round_id, entry_id=entry_id)
    form = judging.score_form(session=s, actor=actor, round_id=round_id, entry_id=entry_id)
    history = [row for sid in judging.my_sheet_ids(session=s, actor=actor, round_id=round_id, entry_id=entry_id)
               for row in judging.sheet_history(session=s, actor=actor, sheet_id=sid)]
if not rounds or view is None or form is None:
    st.stop()


def _num(spec: scoring.CriterionSpec):
    """Whole-point rubrics get integer inputs; others floats with enough decimals."""
    whole = float(spec.max_points).is_integer() and float(spec.step).is_integer()
    return (int, "%d") if whole else (float, "%.2f")


def _keys(sheet: dict) -> dict:
    base = f"s{round_id}_{entry_id}_{sheet['sheet_def_id']}"
    return {
        "base": base, "version": base + "_version", "message": base + "_message", "overall": base + "_overall",
        "accepted": base + "_accepted", "refused": base + "_refused",
        "values": {c.key: f"{base}_v_{c.key}" for c in sheet["criteria"]},
        "comments": {c.key: f"{base}_c_{c.key}" for c in sheet["criteria"]},
    }


def _load(sheet: dict, keys: dict) -> None:
    """Put the stored sheet into the widgets (first view, after a reload, or on request)."""
    for spec in sheet["criteria"]:
        cast, _ = _num(spec)
        value = sheet["values"][spec.key]
        state[keys["values"][spec.key]] = None if value is None else cast(value)
        state[keys["comments"][spec.key]] = sheet["comments"][spec.key]
    state[keys["overall"]] = sheet["comment"]
    state[keys["version"]] = sheet["version"]
    state[keys["accepted"]] = {k: state[w] for k, w in keys["values"].items()}


def _reload(keys: dict) -> None:
    for key in [*keys["values"].values(), *keys["comments"].values(), keys["overall"], keys["version"]]:
        state.pop(key, None)
    state[keys["message"]] = ("info", t("judge_score.loaded_newest_saved_version"), [])
    state[WHOLE_PAGE] = True


def _refuse_bad_values(keys: dict, criteria: list) -> bool:
    """Put a value the rubric refuses (999 in a 0-20 field, -5, a half point on a whole-point
    scale) back to the last accepted one, with the reason beside the field. True if any."""
    accepted, refused = state.setdefault(keys["accepted"], {}), state.setdefault(keys["refused"], {})
    for spec in criteria:
        widget = keys["values"][spec.key]
        value = state.get(widget)
        if value is None:
            continue
        try:
            scoring.validate_scores([spec], {spec.key: value}, complete=False)
        except scoring.ScoreError as exc:
            kept = accepted.get(spec.key)
            refused[spec.key] = t("judge_score.value_refused", problem=t(exc.problems[0][1]),
                                  kept=t("judge_score.nothing_saved") if kept is None else f"{kept:g}")
            state[widget] = kept
    return bool(refused)


def _save(sheet: dict, keys: dict, submit: bool) -> None:
    sheet_def_id, criteria = sheet["sheet_def_id"], sheet["criteria"]
    refused = _refuse_bad_values(keys, criteria)
    values = {k: state.get(w) for k, w in keys["values"].items()}
    if refused and not submit and values == state.get(keys["accepted"]):
        return  # nothing else changed: no new version for a refused value
    comments = {k: state.get(w) or "" for k, w in keys["comments"].items()}
    try:
        with context.session() as session:
            saved = judging.save_scores(
                session=session, actor=actor, round_id=round_id, entry_id=entry_id, sheet_def_id=sheet_def_id,
                expected_version=state.get(keys["version"], 0), values=values, comments=comments,
                comment=state.get(keys["overall"]) or "", submit=submit,
            )
    except StaleData as exc:
        state[keys["message"]] = ("error", t(str(exc)), [])
        state[WHOLE_PAGE] = True  # read the newer sheet: the page offers to load it
    except ServiceError as exc:
        state[keys["message"]] = ("error", t(str(exc)), getattr(exc, "problems", []))
    else:
        state[keys["version"]] = saved.version
        sheet["version"] = saved.version  # the fragment's copy of the sheet follows its own saves
        if submit:
            state[WHOLE_PAGE] = True  # the sheet locks, the entry list and "next to score" change
        state[keys["accepted"]] = values
        text = t("judge_score.submitted_sheet_locked") if submit else t("judge_score.draft_saved_version", v=saved.version)
        state[keys["message"]] = ("success", text, [])


def _show_message(keys: dict) -> None:
    kind, text, problems = state.pop(keys["message"], (None, "", []))
    if kind:
        getattr(st, kind)(text)
        for problem in problems if len(problems) > 1 else []:
            st.text(f"• {problem}")


def _guide(spec: scoring.CriterionSpec, description: str, value) -> None:
    """What the criterion asks and its bands, the one the value falls in marked: one element,
    a line each (an element per band, or the description apart, made the sheet heavier: it
    reruns on every save, and each element costs the server as much as the save's queries)."""
    current = scoring.band_for(spec, value).label if value is not None else None
    lines = [widgets.plain(description)] if description else []
    lines += [f"{'▶ ' if label == current else ''}{low:g}–{high:g}: {widgets.plain(named(label))}"
              for low, high, label in judging.band_points(spec)]
    st.caption("  \n".join(lines))


@st.fragment
def _sheet(form: dict, sheet: dict) -> None:
    """One score sheet. A fragment: a field's change saves the draft and reruns only this
    sheet, not the page with its portfolio, document viewer and assignment list (a judge
    saves on every change). A submit, a refused stale save or a reload reruns the page."""
    if state.pop(WHOLE_PAGE, False):
        st.rerun(scope="app")
    keys = _keys(sheet)
    if any(w not in state for w in keys["values"].values()) or keys["version"] not in state:
        _load(sheet, keys)
    locked = sheet["status"] != "draft" or bool(form["closed"])
    st.subheader(widgets.plain(named(sheet["label"])))
    if sheet["status"] == "submitted":
        st.success(t("judge_score.submitted_sheet_locked_contest_office",
                     at=formats.when(sheet["submitted_at"])))
    elif sheet["status"] == "withdrawn":
        st.warning(t("judge_score.sheet_was_withdrawn_after_declared"))
    if sheet["status"] == "draft" and sheet["reopened_reason"]:
        st.warning(t("judge_score.contest_office_reopened_sheet_their"))
        st.text(sheet["reopened_reason"])
    if form["closed"]:
        st.warning(t(form["closed"]))
    if state[keys["version"]] != sheet["version"]:
        st.warning(t(judging.STALE_MESSAGE))
        st.button(t("judge_score.load_newest_version"), key=keys["base"] + "_reload", on_click=_reload, args=(keys,))
    args = (sheet, keys, False)
    for spec in sheet["criteria"]:
        cast, fmt = _num(spec)
        # The field with its bands beside it in one row, the comment under both: a row is
        # one element where columns were three.
        with st.container(horizontal=True, gap="medium"):
            value = st.number_input(
                t("judge_score.criterion_range", label=named(spec.label), max=f"{spec.max_points:g}",
                  step=f"{spec.step:g}"),
                step=cast(spec.step), format=fmt, value=None, key=keys["values"][spec.key],
                on_change=_save, args=args, disabled=locked, placeholder=t("judge_score.not_scored_yet"),
                width=320,
            )  # no bounds in the browser: it would refuse 999 silently; the rubric refuses it aloud
            description = sheet["descriptions"].get(spec.key)
            _guide(spec, named(description) if description else "", value)
        if problem := state.get(keys["refused"], {}).pop(spec.key, None):
            st.error(problem, icon=":material/block:")
        needed = value is not None and scoring.comment_required(spec, value)
        st.text_area(
            t("judge_score.comment_required_score", c=named(spec.label)) if needed
            else t("judge_score.comment_on", c=named(spec.label)),
            key=keys["comments"][spec.key], on_change=_save, args=args, disabled=locked, height=68,
        )
    st.text_area(t("judge_score.overall_comment"), key=keys["overall"], on_change=_save, args=args, disabled=locked)
    values = {k: state.get(w) for k, w in keys["values"].items()}
    scored = sum(v is not None for v in values.values())
    st.metric(t("judge_score.total_so_far"), f"{judging.partial_total(sheet['criteria'], values):.1f} / 100",
              help=t("judge_score.criteria_scored", n=scored, m=len(values)))
    _show_message(keys)
    buttons = st.container(horizontal=True)  # one element where two columns were three
    buttons.button(t("judge_score.save_draft"), key=keys["base"] + "_save", on_click=_save, args=args, disabled=locked)
    buttons.button(t("judge_score.submit"), key=keys["base"] + "_submit", type="primary", on_click=_save,
                      args=(sheet, keys, True), disabled=locked)


def _documents(view: dict) -> None:
    """Each document in the viewer, the first one open: reading it is the judge's main task."""
    for number, doc in enumerate(view["documents"]):
        with st.container(border=True):
            st.text(t("judge_score.document_line", name=doc["name"], kind=t(f"documents.kind_{doc['kind']}"), pages=doc["pages"]))
            key = f"doc_{round_id}_{entry_id}_{doc['id']}"
            if not st.toggle(t("judge_score.show_document"), value=number == 0, key=key):
                continue

            def load(document_id=doc["id"]) -> bytes:
                with context.session(read_only=True) as s:
                    return judging.document_for_judge(session=s, actor=actor, round_id=round_id, entry_id=entry_id,
                                                      document_id=document_id)[1]

            with context.user_errors():
                viewer.show(key=key, name=doc["name"], pages=doc["pages"], viewer_key=doc["viewer_key"], load=load)



portfolio_tab, score_tab, history_tab = st.tabs([t("judge_score.portfolio"), t("judge_score.score_sheet"), t("judge_score.history")])
with portfolio_tab:
    st.text(f"{view['code']} · {view['title']}")
    st.caption(widgets.plain(" · ".join(named(view[k]) for k in ("round", "category", "track", "group"))))
    if view["blind"]:
        st.info(t("judge_score.blind_round_applicant_s_name"))
    else:
        st.text(f"{view['applicant']} ({formats.value_label('applicant_type', view['applicant_type'])}, "
                f"{formats.value_label('region', view['region'])})")
        st.text(f"{view['contact_name']} · {view['contact_email']} · {view['contact_phone']}")
    st.text(view["summary"])
    widgets.table(pd.DataFrame(view["patents"]), PATENTS, key=f"portfolio_{view['code']}")
    _documents(view)
with score_tab:
    if not form["sheets"]:
        st.info(t("judge_score.round_has_no_score_sheet"))
    for sheet in form["sheets"]:
        _sheet(form, sheet)
    upcoming = judging.next_to_score([e for e in entries if (e["round_id"], e["entry_id"]) != picked])
    if upcoming and form["sheets"] and all(sh["status"] == "submitted" for sh in form["sheets"]):
        if st.button(t("common.next_score", code=widgets.plain(upcoming["code"])), key="next_after_submit",
                     type="primary"):
            st.query_params.update(round=str(upcoming["round_id"]), entry=str(upcoming["entry_id"]))
            st.rerun()
    with st.expander(t("judge_score.declare_conflict_interest")):
        st.caption(t("judge_score.declaring_conflict_withdraws_entry_sheet"))
        reason = st.text_area(t("common.reason"), key=f"conflict_{round_id}_{entry_id}")
        if st.button(t("judge_score.declare_conflict"), key=f"declare_{round_id}_{entry_id}"):
            with context.session() as s, context.user_errors():
                judging.declare_conflict(session=s, actor=actor, round_id=round_id, entry_id=entry_id,
                                         reason=reason)
                st.success(t("judge_score.conflict_recorded_entry_was_withdrawn"))
                st.query_params.clear()
with history_tab:
    if history:
        st.text("\n".join(formats.history_lines(history)))
    else:
        st.info(t("judge_score.no_recorded_changes_yet"))
