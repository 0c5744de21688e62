"""Results services on a real database: ranking a scored round, reliability, second look,
advancement with overrides, awards, publication and corrections, the export frames."""

import shutil

import pytest
from sqlmodel import select

from contest import db, ranking
from contest.auth import SYSTEM, Actor
from contest.models import (
    AuditEvent,
    Decision,
    Entry,
    Publication,
    PublicVote,
    Role,
    Round,
    RoundResult,
    ScoreSheet,
    User,
)
from contest.services import (
    InvalidInput,
    PermissionDenied,
    accounts,
    decisions,
    demo,
    editions,
    results,
    standings,
)
from tests.conftest import PG_URL

pytestmark = pytest.mark.integration

ORGANISER = "organiser@demo.example.org"


@pytest.fixture(scope="session")
def _scored_template(tmp_path_factory):
    """A demo edition whose preliminary is fully scored (30 entries, 12 judges)."""
    path = tmp_path_factory.mktemp("scored") / "scored.db"
    url = f"sqlite:///{path}"
    db.migrate(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        demo.build_demo(session=s, entries=30, judges=12, seed=5, scored_share=1.0)
    engine.dispose()
    return path


@pytest.fixture
def scored(request, tmp_path, _scored_template):
    """A session on a fully scored demo: a copy of the SQLite template, or, when CI sets
    TEST_DATABASE_URL, the same demo built in PostgreSQL."""
    if PG_URL:
        session = request.getfixturevalue("session")
        demo.build_demo(session=session, entries=30, judges=12, seed=5, scored_share=1.0)
        yield session
        return
    path = tmp_path / "scored.db"
    shutil.copy(_scored_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    with db.session_scope(engine) as s:
        yield s
    engine.dispose()


def organiser(session) -> Actor:
    user = session.exec(select(User).where(User.email == ORGANISER)).one()
    return accounts.actor_for(session, user)


def person(session, role: str) -> Actor:
    user = session.exec(select(User).where(User.email.like(f"{role}%"))).first()
    return accounts.actor_for(session, user)


def preliminary(session) -> Round:
    edition = editions.find_edition(session=session)
    return editions.find_round(session=session, edition_id=edition.id, key="preliminary")


def set_cut(session, rnd: Round, top: int) -> None:
    rnd.advancement_value = top
    session.add(rnd)
    session.commit()


# ---------------------------------------------------------------- ranking


def test_organiser_ranks_a_scored_round_per_group_with_intervals(scored):
    rnd = preliminary(scored)
    ranked = results.rank_round(session=scored, actor=organiser(scored), round_id=rnd.id,
                                draws=200)
    t = ranked.table
    assert ranked.method == "model"
    eligible = scored.exec(select(Entry).where(Entry.current_round_id == rnd.id)).all()
    assert len(t) == len(eligible)
    for _, part in t.groupby("pool"):
        assert sorted(part["rank"]) == list(range(1, len(part) + 1)) or \
            part["flags"].str.contains("tie_unresolved").any()
    assert t["entry_code"].str.startswith("GBA26-").all()
    assert (t["rank_low"] <= t["rank"]).all() and (t["rank"] <= t["rank_high"]).all()
    assert t["p_cut"].between(0, 1).all()
    assert {"adjusted_score", "raw_mean", "n_judges", "tie_broken_by"} <= set(t.columns)


def test_ratings_load_only_submitted_sheets_with_tie_rule_columns(scored):
    rnd = preliminary(scored)
    ratings = standings.load_ratings(scored, rnd.id)
    submitted = scored.exec(select(ScoreSheet).where(ScoreSheet.round_id == rnd.id,
                                                     ScoreSheet.status == "submitted")).all()
    assert len(ratings) == len(submitted)
    assert ratings["y"].between(0, 100).all()
    assert ratings["heaviest"].between(0, 100).all()
    assert (ratings["raw_points"] > 0).all()
    # totals of the gba sheet are the sum of points, so y equals raw points
    assert (ratings["y"] - ratings["raw_points"]).abs().max() < 1e-9


def test_only_organisers_may_rank(scored):
    rnd = preliminary(scored)
    with pytest.raises(PermissionDenied):
        results.rank_round(session=scored, actor=person(scored, "judge"), round_id=rnd.id)


def test_each_method_ranks_and_an_unknown_method_is_refused(scored):
    rnd = preliminary(scored)
    for method in ("mean", "trimmed", "median", "zscore"):
        ranked = results.rank_round(session=scored, actor=organiser(scored), round_id=rnd.id,
                                    method=method, draws=0)
        assert ranked.warnings[0] == ranking.METHOD_WARNINGS[method]  # the method's own warning first
    with pytest.raises(InvalidInput, match="Unknown method"):
        results.rank_round(session=scored, actor=organiser(scored), round_id=rnd.id,
                           method="best")


def test_public_vote_changes_the_score_by_its_share(scored):
    rnd = preliminary(scored)
    actor = organiser(scored)
    before = results.rank_round(session=scored, actor=actor, round_id=rnd.id, method="mean",
                                draws=0).table.set_index("entry_id")["adjusted_score"]
    first = int(before.index[0])
    scored.add(PublicVote(round_id=rnd.id, entry_id=first, votes=120))
    rnd.public_vote_weight = 0.05
    scored.add(rnd)
    scored.commit()
    after = results.rank_round(session=scored, actor=actor, round_id=rnd.id, method="mean",
                               draws=0).table.set_index("entry_id")["adjusted_score"]
    # the only entry with votes gets 0.95 * score + 0.05 * 100; the others 0.95 * score
    assert after[first] == pytest.approx(0.95 * before[first] + 5)
    other = int(before.index[1])
    assert after[other] == pytest.approx(0.95 * before[other])


def test_reliability_report_with_method_comparison_and_scores(scored):
    rnd = preliminary(scored)
    rel = results.round_reliability(session=scored, actor=organiser(scored), round_id=rnd.id,
                                    draws=100)
    assert rel.report.design["entries"] == len(rel.ranking.table)
    assert set(rel.comparison["method"]) == {"model", "mean", "trimmed", "median", "zscore"}
    assert rel.comparison.set_index("method").loc["model", "spearman"] == pytest.approx(1.0)
    assert {"criterion", "percent"} <= set(rel.criterion_scores.columns)
    assert rel.criterion_scores["percent"].between(0, 100).all()


# ---------------------------------------------------------------- second look


def test_second_look_adds_new_judges_to_the_borderline_band(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 5)
    actor = organiser(scored)
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=300)
    band = ranked.table[ranked.table["borderline"]]
    assert len(band) > 0
    outcome = results.request_second_look(session=scored, actor=actor, round_id=rnd.id,
                                          extra=2, draws=300)
    assert sorted(outcome.entries) == sorted(band["entry_code"])
    assert outcome.added
    for judge_id, entry_id in outcome.added:
        earlier = scored.exec(select(ScoreSheet).where(
            ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id,
            ScoreSheet.judge_id == judge_id)).first()
        assert earlier is None  # never a judge who already scored it


# ---------------------------------------------------------------- advancement


def test_advancement_takes_the_top_n_per_group_and_publication_moves_them(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    summary = decisions.advance_round(session=scored, actor=actor, round_id=rnd.id)
    groups = scored.exec(select(Entry.group_id).where(Entry.current_round_id == rnd.id)
                         .distinct()).all()
    assert summary.counts["advanced"] == 4 * len(groups)
    stored = scored.exec(select(RoundResult).where(RoundResult.round_id == rnd.id)).all()
    assert len(stored) == summary.counts["advanced"] + summary.counts["not_advanced"]
    semifinal = editions.find_round(session=scored, edition_id=rnd.edition_id, key="semifinal")
    # not yet published: nobody has moved
    assert not scored.exec(select(Entry).where(Entry.current_round_id == semifinal.id)).all()
    publication = decisions.publish_results(session=scored, actor=actor, round_id=rnd.id)
    moved = scored.exec(select(Entry).where(Entry.current_round_id == semifinal.id)).all()
    assert len(moved) == summary.counts["advanced"] == len(publication.payload)
    assert publication.version == 1


def test_override_without_a_reason_is_refused_and_changes_nothing(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0)
    last = ranked.table.sort_values("rank").iloc[-1]
    with pytest.raises(InvalidInput, match="needs a reason"):
        decisions.advance_round(session=scored, actor=actor, round_id=rnd.id,
                              overrides={int(last["entry_id"]): (True, "  ")})
    assert not scored.exec(select(Decision).where(Decision.kind == "advancement")).all()


def test_override_with_a_reason_is_recorded_as_a_decision_and_in_the_audit(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0)
    last = int(ranked.table.sort_values("rank").iloc[-1]["entry_id"])
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id,
                          overrides={last: (True, "Jury found a scoring error on sheet 3")})
    decision = scored.exec(select(Decision).where(Decision.entry_id == last,
                                                  Decision.kind == "advancement")).one()
    assert decision.outcome == "advanced" and decision.override
    assert decision.reason == "Jury found a scoring error on sheet 3"
    event = scored.exec(select(AuditEvent).where(AuditEvent.action == "results.advance")).one()
    assert str(last) in event.details["overrides"]


def test_advancing_again_replaces_the_active_decisions(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id)
    set_cut(scored, rnd, 2)
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id)
    active = scored.exec(select(Decision).where(Decision.kind == "advancement",
                                                Decision.active == True)).all()  # noqa: E712
    entries = {d.entry_id for d in active}
    assert len(active) == len(entries)
    inactive = scored.exec(select(Decision).where(Decision.kind == "advancement",
                                                  Decision.active == False)).all()  # noqa: E712
    assert len(inactive) == len(active)


# ---------------------------------------------------------------- publication


def test_a_correction_is_a_new_version_with_a_note_never_a_silent_change(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id)
    first = decisions.publish_results(session=scored, actor=actor, round_id=rnd.id)
    first_payload = list(first.payload)
    with pytest.raises(InvalidInput, match="Nothing changed"):
        decisions.publish_results(session=scored, actor=actor, round_id=rnd.id, note="again")
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0)
    out = ranked.table[~ranked.table["in_cut"]].iloc[0]
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id,
                          overrides={int(out["entry_id"]): (True, "Appeal upheld")})
    with pytest.raises(InvalidInput, match="correction needs a note"):
        decisions.publish_results(session=scored, actor=actor, round_id=rnd.id)
    second = decisions.publish_results(session=scored, actor=actor, round_id=rnd.id,
                                      note="Entry added after a successful appeal")
    assert second.version == 2
    kept = scored.get(Publication, first.id)
    assert kept.payload == first_payload  # the first list is untouched
    assert out["entry_code"] in {r["entry_code"] for r in second.payload}


def test_entrants_and_observers_see_published_lists_with_their_entries_marked(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id)
    publication = decisions.publish_results(session=scored, actor=actor, round_id=rnd.id)
    code = publication.payload[0]["entry_code"]
    owner_id = scored.exec(select(Entry.owner_id).where(Entry.code == code)).one()
    entrant = accounts.actor_for(scored, scored.get(User, owner_id))
    lists = decisions.published_results(session=scored, actor=entrant,
                                      edition_id=rnd.edition_id)
    assert str(lists[0].title).startswith("Preliminary")  # the default title, in the reader's language
    mine = [row for row in lists[0].rows if row.mine]
    assert [row.entry_code for row in mine] == [code]
    observer = person(scored, "observer")
    seen = decisions.published_results(session=scored, actor=observer, edition_id=rnd.edition_id)
    assert not any(row.mine for row in seen[0].rows)
    assert len(seen[0].rows) == len(publication.payload)


def test_nothing_to_publish_before_decisions(scored):
    rnd = preliminary(scored)
    with pytest.raises(InvalidInput, match="no advancement decisions"):
        decisions.publish_results(session=scored, actor=organiser(scored), round_id=rnd.id)


# ---------------------------------------------------------------- awards


def test_awards_follow_the_tier_counts_per_group(scored):
    rnd = preliminary(scored)
    for later in scored.exec(select(Round).where(Round.position > rnd.position)):
        later.scored = False  # the preliminary is now the last scored round: it has the awards
        scored.add(later)
    edition = editions.find_edition(session=scored)
    edition.rules = {**edition.rules, "awards": [
        {"key": "gold", "label": "Gold", "per_group": 1},
        {"key": "silver", "label": "Silver", "per_group": 2}]}
    scored.add(edition)
    scored.commit()
    counts = decisions.grant_awards(session=scored, actor=organiser(scored), round_id=rnd.id).counts
    n_groups = len(scored.exec(select(Entry.group_id).where(
        Entry.current_round_id == rnd.id).distinct()).all())
    assert counts == {"gold": n_groups, "silver": 2 * n_groups}
    publication = decisions.publish_results(session=scored, actor=organiser(scored),
                                          round_id=rnd.id, kind="awards")
    assert {r["outcome"] for r in publication.payload} == {"gold", "silver"}


# ---------------------------------------------------------------- export


def test_results_for_export_gives_the_promised_columns(scored):
    rnd = preliminary(scored)
    export = results.results_for_export(scored, rnd.id, "model", actor=SYSTEM, draws=100)
    for column in ("rank", "group", "category", "entry_code", "title", "applicant",
                   "adjusted_score", "raw_mean", "n_judges", "rank_low", "rank_high", "flags",
                   "decision"):
        assert column in export.ranking.columns
    assert export.blind and export.ranking["applicant"].isna().all()  # preliminary is blind
    assert {"group", "entry_code", "sheet", "criterion"} <= set(export.criteria.columns)
    assert export.judges["judge_email"].str.contains("@").all()
    assert "summary" in set(export.reliability["measure"])
    assert export.counts["entries"] == len(export.ranking)


def test_ranking_works_on_the_configured_database(session):
    # Runs on PostgreSQL too when TEST_DATABASE_URL is set (the db_url fixture).
    demo.build_demo(session=session, entries=12, judges=6, seed=2, scored_share=1.0)
    rnd = preliminary(session)
    ranked = results.rank_round(session=session, actor=organiser(session), round_id=rnd.id,
                                method="mean", draws=0)
    assert len(ranked.table) == len(session.exec(select(Entry).where(
        Entry.current_round_id == rnd.id)).all())
    assert Role.organiser.value in organiser(session).roles


def test_a_round_ranked_by_category_ranks_each_group_and_category_apart(scored):
    rnd = preliminary(scored)
    rnd.rank_by_category = True
    scored.add(rnd)
    scored.commit()
    ranked = results.rank_round(session=scored, actor=organiser(scored), round_id=rnd.id,
                                method="mean", draws=0)
    t = ranked.table
    assert set(t["pool"]) == set(t["group_key"] + "/" + t["category_key"])
    for _, part in t.groupby("pool"):
        assert part["rank"].min() == 1


def test_carrying_a_result_into_the_first_scored_round_is_refused(scored):
    rnd = preliminary(scored)
    rnd.carry_over_weight = 0.3
    scored.add(rnd)
    scored.commit()
    with pytest.raises(InvalidInput, match="no scored round comes before it"):
        results.rank_round(session=scored, actor=organiser(scored), round_id=rnd.id, draws=0)


def pair_to_tie(group):
    """The entry ranked third and the next one below it that has the same score sheet and as
    many judges, so the first's scores can be copied onto it."""
    first = group.iloc[2]
    second = next(row for _, row in group.iloc[3:].iterrows()
                  if row["category_label"] == first["category_label"] and row["n_judges"] == first["n_judges"])
    return first, second


def copy_scores(session, rnd, source_id: int, target_id: int) -> None:
    """Give the target entry's sheets exactly the source entry's criterion scores."""
    from contest.models import CriterionScore

    def sheets(entry_id):
        return session.exec(select(ScoreSheet).where(
            ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id,
            ScoreSheet.status == "submitted").order_by(ScoreSheet.judge_id)).all()

    for src, dst in zip(sheets(source_id), sheets(target_id), strict=True):
        values = {c.criterion_id: c.value for c in session.exec(
            select(CriterionScore).where(CriterionScore.score_sheet_id == src.id))}
        for c in session.exec(select(CriterionScore).where(CriterionScore.score_sheet_id == dst.id)):
            c.value = values[c.criterion_id]
            session.add(c)
        dst.total = src.total
        session.add(dst)
    session.commit()


def test_a_tie_left_by_every_rule_at_the_cut_needs_the_organisers_decision(scored):
    rnd = preliminary(scored)
    actor = organiser(scored)
    rnd.method = "mean"
    scored.add(rnd)
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0)
    group = ranked.table[ranked.table["pool"] == ranked.table["pool"].iloc[0]].sort_values("rank")
    first, second = pair_to_tie(group)
    copy_scores(scored, rnd, int(first["entry_id"]), int(second["entry_id"]))
    set_cut(scored, rnd, 3)  # the copied pair shares rank 3: one place for two entries
    with pytest.raises(InvalidInput, match="straddle the cut") as refused:
        decisions.advance_round(session=scored, actor=actor, round_id=rnd.id)
    assert first["entry_code"] in str(refused.value) and second["entry_code"] in str(refused.value)
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id, overrides={
        first["entry_code"]: (True, "Organiser: stronger core patent"),
        second["entry_code"]: (False, "Organiser: weaker core patent")})
    outcomes = dict(scored.exec(select(Decision.entry_id, Decision.outcome).where(
        Decision.kind == "advancement", Decision.active == True)).all())  # noqa: E712
    assert outcomes[int(first["entry_id"])] == "advanced"
    assert outcomes[int(second["entry_id"])] == "not_advanced"


def test_current_decisions_list_overrides_first_with_their_reasons(scored):
    rnd = preliminary(scored)
    set_cut(scored, rnd, 4)
    actor = organiser(scored)
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0)
    out = ranked.table[~ranked.table["in_cut"]].iloc[0]["entry_code"]
    decisions.advance_round(session=scored, actor=actor, round_id=rnd.id,
                          overrides={out: (True, "Appeal upheld")})
    table = decisions.round_decisions(session=scored, actor=actor, round_id=rnd.id)
    assert table.iloc[0]["entry_code"] == out and table.iloc[0]["override"]
    assert table.iloc[0]["reason"] == "Appeal upheld"
    tiers = decisions.award_tiers(session=scored, actor=actor, edition_id=rnd.edition_id)
    assert [t.key for t in tiers] == ["gold", "silver", "excellence"]
    assert [t.per_group for t in tiers] == [5, 8, 12]


def test_the_tie_rule_is_read_from_the_edition_and_set_up_can_change_it(scored):
    from contest.models import Criterion, CriterionScore
    from contest.services import setup

    rnd = preliminary(scored)
    actor = organiser(scored)
    rnd.method = "mean"
    scored.add(rnd)
    scored.commit()
    ranked = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0)
    group = ranked.table[ranked.table["pool"] == ranked.table["pool"].iloc[0]].sort_values("rank")
    first, second = (int(row["entry_id"]) for row in pair_to_tie(group))
    copy_scores(scored, rnd, first, second)
    # One point of the second entry moves from its heaviest criterion to another: the same
    # total, raw points and median, a lower score on the heaviest criterion.
    sheet = scored.exec(select(ScoreSheet).where(ScoreSheet.round_id == rnd.id,
                                                 ScoreSheet.entry_id == second,
                                                 ScoreSheet.status == "submitted")).first()
    scores = {c.key: (c, cs) for cs in scored.exec(select(CriterionScore).where(
        CriterionScore.score_sheet_id == sheet.id)) for c in [scored.get(Criterion, cs.criterion_id)]}
    heaviest = max(scores.values(), key=lambda pair: pair[0].weight)
    other = next(pair for pair in scores.values()
                 if pair[0].id != heaviest[0].id and pair[1].value < pair[0].max_points)
    heaviest[1].value -= 1
    other[1].value += 1
    scored.add_all([heaviest[1], other[1]])
    scored.commit()

    def broken_by():
        table = results.rank_round(session=scored, actor=actor, round_id=rnd.id, draws=0).table
        by_id = table.set_index("entry_id")
        return by_id.loc[first, "rank"] < by_id.loc[second, "rank"], by_id.loc[second, "tie_broken_by"]

    assert broken_by() == (True, "heaviest_criterion")
    setup.set_tie_rule(session=scored, actor=actor, edition_id=rnd.edition_id, steps=["median"])
    assert editions.find_edition(session=scored).rules["tie_rule"] == ["median", "organiser"]
    assert broken_by() == (False, "organiser")  # a shared rank: the organiser decides
    export = results.results_for_export(scored, rnd.id, "mean", actor=SYSTEM, draws=0)
    assert export.method_settings["tie_rule"] == "median, organiser"
    with pytest.raises(InvalidInput, match="Unknown tie-rule step 'coin'") as refused:
        setup.set_tie_rule(session=scored, actor=actor, edition_id=rnd.edition_id, steps=["coin"])
    assert "未知的同分處理步驟「coin」" in refused.value.render("zh-Hant")
    events = scored.exec(select(AuditEvent).where(AuditEvent.action == "edition.tie_rule")).all()
    assert [e.details["after"] for e in events] == [["median", "organiser"]]
