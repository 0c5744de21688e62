"""Results of a round: ranking per group with 90 % rank intervals, and the second look."""

import pandas as pd
import streamlit as st

from contest import charts, ranking
from contest.services import editions, public_vote, results
from contest.ui import context, formats, widgets
from contest.ui.i18n import language, named, t

actor = context.require_actor()
edition = context.edition()
st.title(t("organiser_results.results"))
if edition is None:
    st.info(t("common.no_edition_yet"))
    st.stop()
with context.session(read_only=True) as s:
    scored = {r.id: r for r in editions.rounds_of(session=s, edition_id=edition.id) if r.scored}
rounds = {rid: named(r) for rid, r in scored.items()}
left, middle, right = st.columns(3)
round_id = left.selectbox(t("common.round"), list(rounds), format_func=rounds.get)
method = middle.selectbox(t("common.method"), ranking.METHODS, format_func={m: t(f"ranking_method.{m}") for m in ranking.METHODS}.get)
draws = widgets.number(t("organiser_results.interval_draws"), low=0, high=5000, value=1000, step=100, key="results_draws",
                       container=right)
st.caption(t(ranking.METHOD_WARNINGS[method]))
with st.expander(t("organiser_results.public_vote")):
    share = scored[round_id].public_vote_weight if round_id in scored else 0.0
    st.caption(t("organiser_results.public_vote_counts_round_set", share=f"{share * 100:g}"))
    # The table (every entry of the round, 10,000 at the largest) only when asked for: built
    # on every rerun of this page it cost more than the rest of the page.
    if round_id is not None and st.toggle(t("organiser_results.enter_vote_counts"), key=f"vote_edit_{round_id}"):
        vote = None
        with context.session(read_only=True) as s, context.user_errors():
            vote = public_vote.public_votes(session=s, actor=actor, round_id=round_id)
        if vote is not None:
            edited = widgets.editable_table(pd.DataFrame(vote["rows"], columns=["entry_code", "title", "votes"]), {
                "entry_code": formats.Column("col.entry"), "title": formats.Column("col.title"),
                "votes": formats.Column("col.votes", "count")}, key=f"vote_table_{round_id}", row_id="entry_code",
                editable=("votes",), editor_key=f"votes_{round_id}_{st.session_state.get('votes_rev', 0)}")
            if st.button(t("organiser_results.save_public_vote")):
                with context.session() as s, context.user_errors():
                    saved = public_vote.record_public_votes(session=s, actor=actor, round_id=round_id,
                                                            rows=edited.rows.to_dict("records"))
                    st.session_state["votes_rev"] = st.session_state.get("votes_rev", 0) + 1
                    st.success(t("organiser_results.saved_votes_entries", n=saved))

COLUMNS = {
    "rank": formats.Column("col.rank", "count"), "entry_code": formats.Column("col.entry"),
    "title": formats.Column("col.title"), "adjusted_score": formats.Column("col.adjusted_score", "number"),
    "raw_mean": formats.Column("col.raw_mean", "number"), "n_judges": formats.Column("col.ratings", "count"),
    "rank_low": formats.Column("col.rank_low", "count"), "rank_high": formats.Column("col.rank_high", "count"),
    "p_cut": formats.Column("col.p_cut", "bar"), "borderline": formats.Column("col.borderline", "check"),
    "tie_broken_by": formats.Column("col.tie_broken_by"), "flags": formats.Column("col.flags", "key", values="flag"),
    "decision": formats.Column("col.decision", "key", values="outcome"),
}


@st.fragment
def ranking_part(actor, round_id: int | None, method: str, draws: int | None) -> None:
    """Rank, the ranking per group with its chart, and the second look. A fragment: pressing
    Rank again (or turning a table's page) reruns only this part, not the page above it."""
    if st.button(t("organiser_results.rank"), type="primary", disabled=draws is None):
        bar = st.progress(0.0, text=t("common.rank_intervals"))
        with context.session(read_only=True) as s, context.user_errors():
            st.session_state["ranked"] = results.rank_round(
                session=s, actor=actor, round_id=round_id, method=method, draws=int(draws), progress=bar.progress)
        bar.empty()
    ranked = st.session_state.get("ranked")
    if ranked is None or (ranked.round_id, ranked.method) != (round_id, method):
        st.info(t("organiser_results.choose_round_method_then_press"))
        return
    widgets.warnings(ranked.warnings, already=[ranking.METHOD_WARNINGS[method]])  # the caption above says it
    tie_words = {step: t(label) for step, label in ranking.TIE_LABELS.items()}  # once, not per entry
    for label, part in ranked.table.groupby("pool_label"):
        st.subheader(widgets.plain(named(part["pool_label"].iloc[0])))
        shown = part.sort_values("rank").assign(
            tie_broken_by=lambda f: f["tie_broken_by"].map(lambda step: tie_words.get(step, "")))
        widgets.table(shown, COLUMNS, key=f"results_{round_id}_{label}")
    if ranked.result.draws and ranked.cut is not None and ranked.cut.top:
        near = ranked.table.assign(entry_label=ranked.table["entry_code"], group=ranked.table["pool_label"].map(named))
        st.vega_lite_chart(spec=charts.rank_intervals_near_cut(near, cut=ranked.cut.top, lang=language()),
                           width="stretch")

    st.subheader(t("organiser_results.second_look"))
    band = ranked.table[ranked.table["borderline"]]
    st.caption(t("organiser_results.entries_have_10_90_chance", n=len(band)))
    extra = st.slider(t("organiser_results.extra_judges_per_entry"), min_value=2, max_value=4, value=2)
    if st.button(t("organiser_results.assign_second_look"), disabled=band.empty):
        with context.session() as s, context.user_errors():
            outcome = results.request_second_look(session=s, actor=actor, round_id=round_id,
                                                  entry_ids=band["entry_id"].astype(int).tolist(), extra=extra)
            st.success(t("organiser_results.extra_assignments_entries", added=len(outcome.added),
                         entries=len(outcome.entries)))
            for _, reason in outcome.unserved:
                st.warning(reason)


ranking_part(actor, round_id, method, draws)
