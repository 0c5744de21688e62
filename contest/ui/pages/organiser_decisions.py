"""Decisions on a round: advancement, awards and publication. A round scored in separate
pieces and entries short of ratings come first, each with its way out; every action shows
what it will do before it does it."""

import pandas as pd
import streamlit as st

from contest import ranking
from contest.services import decisions, editions, feedback
from contest.ui import context, widgets
from contest.ui.i18n import named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("decisions.title"))
if edition is None:
    st.info(t("decisions.no_edition"))
    st.stop()
with context.session(read_only=True) as s:
    rounds = {r.id: named(r) for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
round_id = st.selectbox(t("decisions.round"), list(rounds), format_func=rounds.get)
actions = None
with context.session(read_only=True) as s, context.user_errors():
    actions = decisions.round_actions(session=s, actor=actor, round_id=round_id)
    design = decisions.design_check(session=s, actor=actor, round_id=round_id)
    short = decisions.short_entries(session=s, actor=actor, round_id=round_id)
if actions is None:
    st.stop()
tier_labels = {tier.key: named(tier.label) for tier in actions.tiers}


def outcome_label(outcome: str) -> str:
    if outcome in ("advanced", "not_advanced"):
        return t(f"decisions.outcome_{outcome}")
    return tier_labels.get(outcome, outcome) if outcome else t("decisions.choice_no_award")


def show_connection() -> bool:
    with context.session(read_only=True) as s, context.user_errors():
        plan = decisions.plan_connection(session=s, actor=actor, round_id=round_id)
        st.warning(t("decisions.connect_will", n=len(plan.bridges)))
        st.dataframe(pd.DataFrame([(b.entry, b.judge) for b in plan.bridges],
                                  columns=[t("decisions.entry"), t("decisions.judge")]), hide_index=True)
        for code, why in plan.unserved:
            st.error(t(why))
        return bool(plan.bridges)
    return False


if not design.connected:
    st.warning(t("decisions.split", pieces=design.pieces, n=len(design.stranded)))
    for piece in design.apart:
        st.text(t("decisions.piece", entries=", ".join(piece.entries), judges=", ".join(piece.judges)))
    if widgets.planned(t("decisions.connect"), key=f"connect_{round_id}", preview=show_connection):
        with context.session() as s, context.user_errors():
            done = decisions.connect_round(session=s, actor=actor, round_id=round_id)
            st.success(t("decisions.connected", n=len(done.bridges)))

methods = {m: t(f"ranking_method.{m}") for m in design.methods}  # labels bound when drawn
method = st.selectbox(t("decisions.method"), list(methods), key=f"method_{round_id}",
                      index=list(methods).index(actions.method) if actions.method in methods else 0,
                      format_func=methods.get)
st.caption(t(ranking.METHOD_WARNINGS[method]))

# Entries short of ratings: each needs a choice before the round is decided.
choices = {"wait": t("decisions.choice_wait"), "assign_more": t("decisions.choice_assign_more"),
           "as_ranked": t("decisions.choice_as_ranked")}
if actions.advancement:
    choices |= {"advance": t("decisions.choice_advance"), "not_advance": t("decisions.choice_not_advance")}
for tier in actions.tiers:
    choices[f"tier:{tier.key}"] = t("decisions.choice_tier", tier=named(tier.label))
if actions.tiers:
    choices["tier:"] = t("decisions.choice_no_award")
chosen: dict[int, tuple[str, str]] = {}
if short:
    st.subheader(t("decisions.short_heading", n=len(short), needed=short[0].needed))
    for entry in short:
        line, pick, why = st.columns([3, 2, 3])
        line.text(t("decisions.short_line", code=entry.code, ratings=entry.ratings, needed=entry.needed,
                    assigned=entry.assigned))
        options = [c for c in choices if c != "as_ranked" or entry.rank is not None]
        chosen[entry.entry_id] = (
            pick.selectbox(t("decisions.choice"), options, format_func=choices.get,
                           key=f"short_{round_id}_{entry.entry_id}"),
            why.text_input(t("decisions.reason"), key=f"short_reason_{round_id}_{entry.entry_id}"))
    more = [entry_id for entry_id, (choice, _) in chosen.items() if choice == "assign_more"]
    if st.button(t("decisions.assign_more", n=len(more)), disabled=not more, key=f"more_{round_id}"):
        with context.session() as s, context.user_errors():
            outcome = decisions.assign_more(session=s, actor=actor, round_id=round_id, entry_ids=more)
            st.success(t("decisions.assigned_more", n=len(outcome.added)))
            for code in outcome.waiting:
                st.info(t("decisions.waits_for_sheets", code=code))
            for reason in outcome.unserved:
                st.warning(t(reason))

overrides = st.session_state.setdefault(f"overrides_{round_id}", {})
with st.form(f"override_{round_id}", clear_on_submit=True):
    st.caption(t("decisions.override_help"))
    code = st.text_input(t("decisions.entry_code"))
    outcome = st.selectbox(t("decisions.outcome"), [c for c in choices if c not in ("wait", "assign_more",
                                                                                   "as_ranked")],
                           format_func=choices.get)
    reason = st.text_input(t("decisions.reason"))
    if st.form_submit_button(t("decisions.add_override")) and code.strip():
        overrides[code.strip()] = (outcome, reason)
if overrides:
    st.dataframe(pd.DataFrame([(c, choices[o], r) for c, (o, r) in overrides.items()],
                              columns=[t("decisions.entry"), t("decisions.outcome"), t("decisions.reason")]),
                 hide_index=True)
    if st.button(t("decisions.clear_overrides")):
        overrides.clear()
        st.rerun()


def decided(kind: str) -> tuple[dict, dict]:
    """The page's choices as the service takes them: overrides and "decide as ranked"."""
    given, accept = {}, {}
    for key, (choice, why) in [*chosen.items(), *overrides.items()]:
        if choice == "as_ranked":
            accept[key] = why
        elif kind == "advancement" and choice in ("advance", "not_advance"):
            given[key] = (choice == "advance", why)
        elif kind == "awards" and choice.startswith("tier:"):
            given[key] = (choice.removeprefix("tier:"), why)
    return given, accept


def show_plan(kind: str) -> bool:
    given, accept = decided(kind)
    planner = decisions.plan_advancement if kind == "advancement" else decisions.plan_awards
    with context.session(read_only=True) as s, context.user_errors():
        plan = planner(session=s, actor=actor, round_id=round_id, method=method, overrides=given, accept=accept)
        if kind == "advancement":
            st.warning(t("decisions.advance_will", next_round=widgets.plain(plan.next_round), overrides=plan.overrides,
                         **plan.counts))
        else:
            st.warning(t("decisions.awards_will", counts=", ".join(
                t("decisions.tier_count", tier=tier_labels[k], n=n) for k, n in plan.counts.items()),
                overrides=plan.overrides))
        for problem in plan.blocking:
            st.error(t(problem))
        st.dataframe(pd.DataFrame([(r.code, named(r.pool), r.rank, r.ratings, outcome_label(r.outcome), r.reason,
                                    r.override) for r in plan.rows],
                                  columns=["entry_code", "group", "rank", "n_judges", "outcome", "reason",
                                           "override"]),
                     hide_index=True, column_config={c: t(f"decisions.col_{c}") for c in
                                                     ("entry_code", "group", "rank", "n_judges", "outcome",
                                                      "reason", "override")})
        return plan.ready
    return False


if actions.advancement:
    st.subheader(t("decisions.advancement_heading", next_round=widgets.plain(actions.next_round)))
    if widgets.planned(t("decisions.decide_advancement"), key=f"advance_{round_id}", primary=True,
                       preview=lambda: show_plan("advancement")):
        given, accept = decided("advancement")
        with context.session() as s, context.user_errors():
            done = decisions.advance_round(session=s, actor=actor, round_id=round_id, method=method,
                                           overrides=given, accept=accept)
            st.success(t("decisions.advanced", next_round=widgets.plain(done.next_round), overrides=done.overrides,
                         **done.counts))
if actions.tiers:
    st.subheader(t("decisions.awards_heading"))
    if widgets.planned(t("decisions.grant_awards"), key=f"awards_{round_id}", primary=True,
                       preview=lambda: show_plan("awards")):
        given, accept = decided("awards")
        with context.session() as s, context.user_errors():
            done = decisions.grant_awards(session=s, actor=actor, round_id=round_id, method=method,
                                          overrides=given, accept=accept)
            st.success(t("decisions.granted", n=sum(done.counts.values())))
elif not actions.advancement:
    st.info(t("decisions.nothing_to_decide"))

st.subheader(t("decisions.current"))
with context.session(read_only=True) as s:
    current = decisions.round_decisions(session=s, actor=actor, round_id=round_id)
if current.empty:
    st.caption(t("decisions.none_yet"))
else:
    shown = current.assign(outcome=current["outcome"].map(outcome_label),
                           kind=current["kind"].map(lambda k: t(f"decisions.kind_{k}")))
    st.dataframe(shown, hide_index=True, column_config={c: t(f"decisions.col_{c}") for c in current.columns})

kinds = [k for k, offered in (("advancement", actions.advancement), ("awards", bool(actions.tiers))) if offered]
if kinds:
    st.subheader(t("decisions.publish_heading"))
    lists = {k: t(f"decisions.list_{k}") for k in kinds}
    kind = st.selectbox(t("decisions.list"), kinds, format_func=lists.get, key=f"publish_kind_{round_id}")
    title = st.text_input(t("decisions.publish_title"), key=f"publish_title_{round_id}")
    note = st.text_area(t("decisions.publish_note"), key=f"publish_note_{round_id}")

    def show_publication() -> bool:
        with context.session(read_only=True) as s, context.user_errors():
            plan = decisions.plan_publication(session=s, actor=actor, round_id=round_id, kind=kind, note=note)
            st.warning(t("decisions.publish_will", n=len(plan.rows), version=plan.version,
                         moves_in=len(plan.moves_in), moves_out=len(plan.moves_out)))
            for problem in plan.blocking:
                st.error(t(problem))
            return plan.ready
        return False

    if widgets.planned(t("decisions.publish"), key=f"publish_{round_id}", preview=show_publication):
        with context.session() as s, context.user_errors():
            published = decisions.publish_results(session=s, actor=actor, round_id=round_id, kind=kind,
                                                  title=title, note=note)
            st.success(t("decisions.published", title=widgets.plain(published.title), version=published.version))

st.subheader(t("feedback.settings_heading"))
st.caption(t("feedback.settings_help"))
with context.session(read_only=True) as s, context.user_errors():
    given = feedback.feedback_settings(session=s, actor=actor, round_id=round_id)
with st.form(f"feedback_{round_id}"):
    release = st.toggle(t("feedback.release"), value=given.released, key=f"feedback_release_{round_id}")
    comments = st.toggle(t("feedback.include_comments"), value=given.comments, key=f"feedback_comments_{round_id}")
    if st.form_submit_button(t("feedback.save")):
        with context.session() as s, context.user_errors():
            given = feedback.set_feedback(session=s, actor=actor, round_id=round_id, released=release,
                                          comments=comments)
            st.success(t("feedback.saved"))
if given.released and not given.published:
    st.caption(t("feedback.waits_for_publication"))
