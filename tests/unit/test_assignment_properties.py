"""Property tests of the assignment solver on random pools, organisations, conflicts,
caps and kept work. An independent integer program (SciPy's HiGHS) decides what is
possible, so "the solver could not" is only accepted when nothing could."""

from collections import defaultdict

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, sparse

from contest import assignment

J = assignment.JudgeSpec
E = assignment.EntrySpec


@st.composite
def contests(draw, conflicts=True, caps=True, kept=True):
    n_judges = draw(st.integers(2, 14))
    n_entries = draw(st.integers(1, 25))
    k = draw(st.integers(1, 4))
    n_tracks = draw(st.integers(1, 3))
    n_orgs = draw(st.integers(1, 8))
    judges = []
    for j in range(n_judges):
        org = draw(st.integers(0, n_orgs))  # 0: organisation unknown
        fields = draw(st.frozensets(st.integers(0, n_tracks - 1), max_size=2))
        cap = draw(st.one_of(st.none(), st.integers(0, n_entries))) if caps else None
        judges.append(J(j, f"org{org}" if org else "", frozenset(f"t{t}" for t in fields), cap))
    entries = [E(100 + e, f"t{draw(st.integers(0, n_tracks - 1))}") for e in range(n_entries)]
    forbidden = set()
    if conflicts:
        density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        forbidden = {
            (j.id, e.id) for j in judges for e in entries if rng.random() < density
        }
    existing = defaultdict(set)
    if kept:
        for _ in range(draw(st.integers(0, 4))):
            j = draw(st.sampled_from(judges))
            e = draw(st.sampled_from(entries))
            orgs = {judges[i].organisation for i in existing[e.id]}
            if (j.id, e.id) not in forbidden and not (j.organisation and j.organisation in orgs):
                existing[e.id].add(j.id)
    seed = draw(st.integers(0, 3))
    return entries, judges, k, forbidden, dict(existing), seed


def feasible(entries, judges, k, forbidden, existing, bounds=None):
    """Whether an assignment with exactly max(k, kept) judges per entry exists, with no
    forbidden pair, one judge per organisation, kept pairs kept, and loads within
    `bounds` (lo, hi lists) or else under personal caps. Solved by HiGHS."""
    var = [(j, e) for j, judge in enumerate(judges) for e, entry in enumerate(entries)
           if (judge.id, entry.id) not in forbidden]
    if not var:
        return all(max(k, len(existing.get(x.id, ()))) == 0 for x in entries)
    index = {pair: i for i, pair in enumerate(var)}
    rows, cols, vals, lo_b, hi_b = [], [], [], [], []
    r = 0
    for e, entry in enumerate(entries):
        want = max(k, len(existing.get(entry.id, ())))
        for j in range(len(judges)):
            if (j, e) in index:
                rows.append(r), cols.append(index[j, e]), vals.append(1)
        lo_b.append(want), hi_b.append(want)
        r += 1
        by_org = defaultdict(list)
        for j, judge in enumerate(judges):
            if judge.organisation and (j, e) in index:
                by_org[judge.organisation].append(index[j, e])
        for members in by_org.values():
            if len(members) > 1:
                for i in members:
                    rows.append(r), cols.append(i), vals.append(1)
                lo_b.append(0), hi_b.append(1)
                r += 1
    for j, judge in enumerate(judges):
        for e in range(len(entries)):
            if (j, e) in index:
                rows.append(r), cols.append(index[j, e]), vals.append(1)
        if bounds is not None:
            lo_b.append(bounds[0][j]), hi_b.append(bounds[1][j])
        else:
            lo_b.append(0), hi_b.append(np.inf if judge.max_load is None else judge.max_load)
        r += 1
    low = np.zeros(len(var))
    for e, entry in enumerate(entries):
        for judge_id in existing.get(entry.id, ()):
            low[index[judge_id, e]] = 1  # judge ids are their positions here
    matrix = sparse.csr_array((vals, (rows, cols)), shape=(r, len(var)))
    result = optimize.milp(
        np.zeros(len(var)),
        constraints=optimize.LinearConstraint(matrix, lo_b, hi_b),
        integrality=np.ones(len(var)),
        bounds=optimize.Bounds(low, np.ones(len(var))),
    )
    return result.status == 0


def balanced_bounds(entries, judges, k, forbidden, existing):
    floors = [sum(j.id in existing.get(e.id, ()) for e in entries) for j in judges]
    total = sum(max(k, len(existing.get(e.id, ()))) for e in entries)
    caps = assignment.available_caps(entries, judges, forbidden)
    los, his = assignment.load_bounds(total, floors, caps)
    # A judge kept above a personal cap keeps that work; caps bind only new work.
    his = [max(hi, f) for hi, f in zip(his, floors)]
    return los, his


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(contests())
def test_random_contest_meets_every_rule_or_names_what_it_cannot_serve(case):
    entries, judges, k, forbidden, existing, seed = case
    result = assignment.assign_judges(
        entries, judges, per_entry=k, forbidden=forbidden, existing=existing, seed=seed
    )
    on_entry = defaultdict(list)
    for judge_id, entry_id in result.pairs:
        on_entry[entry_id].append(judge_id)
    org = {j.id: j.organisation for j in judges}
    cap = {j.id: j.max_load for j in judges}
    unserved = dict(result.unserved)

    assert not set(result.pairs) & forbidden, "a conflicted pair was assigned"
    assert len(set(result.pairs)) == len(result.pairs)
    for entry in entries:
        judge_ids = on_entry[entry.id]
        kept = existing.get(entry.id, set())
        assert kept <= set(judge_ids), "kept work was dropped"
        orgs = [org[j] for j in judge_ids if org[j]]
        assert len(orgs) == len(set(orgs)), f"entry {entry.id}: two judges of one organisation"
        wanted = max(k, len(kept))
        if len(judge_ids) == wanted:
            assert entry.id not in unserved
        else:
            assert len(judge_ids) < wanted
            assert f"entry {entry.id}:" in unserved[entry.id]
    floors = defaultdict(int)
    for entry_id, kept in existing.items():
        for judge_id in kept:
            floors[judge_id] += 1
    for judge_id, load in result.loads.items():
        if cap[judge_id] is not None:
            assert load <= max(cap[judge_id], floors[judge_id]), f"judge {judge_id} over cap"

    # Failing loudly is honest: the entries named could not all have been served.
    if result.unserved:
        assert not feasible(entries, judges, k, forbidden, existing)
    # Loads are balanced whenever a balanced assignment exists at all.
    bounds = balanced_bounds(entries, judges, k, forbidden, existing)
    if feasible(entries, judges, k, forbidden, existing, bounds):
        assert not result.unserved
        assert not [p for p in result.problems if p.startswith("judge ")], result.problems
        for judge, lo, hi in zip(judges, *bounds):
            assert lo <= result.loads[judge.id] <= hi
    # The reported problems are exactly what an independent check finds.
    assert result.problems == assignment.verify_assignment(
        entries, judges, result.pairs, per_entry=k, forbidden=forbidden, existing=existing,
        require_connected=k >= 2,
    )
    assert result.connected == (result.n_components <= 1)
    if not result.connected and k >= 2:
        assert any("separate pieces" in p for p in result.problems)


@SETTINGS
@given(contests(conflicts=False, caps=False, kept=False))
def test_pool_without_conflicts_gives_one_connected_piece_when_loads_allow_it(case):
    entries, judges, k, _, _, seed = case
    result = assignment.assign_judges(entries, judges, per_entry=k, seed=seed)
    assume(k >= 2 and not result.unserved)
    used = sum(1 for load in result.loads.values() if load)
    # A connected graph needs at least (entries + judges used - 1) pairs.
    assume(len(entries) * k >= len(entries) + used - 1)
    assert result.connected, (result.n_components, result.problems)


@SETTINGS
@given(contests(caps=False), st.integers(1, 3), st.data())
def test_second_look_brings_only_fresh_allowed_judges_or_names_the_entry(case, extra, data):
    entries, judges, _, forbidden, existing, seed = case
    chosen = data.draw(st.lists(st.sampled_from(entries), min_size=1, unique=True))
    result = assignment.second_look(chosen, judges, extra=extra, forbidden=forbidden,
                                    existing=existing, seed=seed)
    org = {j.id: j.organisation for j in judges}
    added = defaultdict(set)
    for judge_id, entry_id in result.added:
        added[entry_id].add(judge_id)
    unserved = dict(result.unserved)
    assert {entry_id for _, entry_id in result.added} <= {e.id for e in chosen}
    assert not set(result.added) & forbidden
    for entry in chosen:
        before = existing.get(entry.id, set())
        assert not added[entry.id] & before, "a judge came back to an entry they had"
        orgs = [org[j] for j in added[entry.id] | before if org[j]]
        assert len(orgs) == len(set(orgs)), "two judges of one organisation"
        if len(added[entry.id]) != extra:
            assert len(added[entry.id]) < extra and f"entry {entry.id}:" in unserved[entry.id]
    # The new work is shared within one whenever that is possible at all. Judges who
    # had the entry, and their colleagues, are out for it.
    had = {(j, e.id) for e in chosen for j in existing.get(e.id, ())}
    had |= {(judge.id, e.id) for e in chosen for judge in judges
            if judge.organisation and judge.organisation in {org[i] for i in existing.get(e.id, ())}}
    caps = assignment.available_caps(chosen, judges, forbidden | had)
    bounds = assignment.load_bounds(extra * len(chosen), [0] * len(judges), caps)
    if feasible(chosen, judges, extra, forbidden | had, {}, bounds):
        assert not result.unserved
        for judge, lo, hi in zip(judges, *bounds):
            assert lo <= result.loads[judge.id] <= hi
