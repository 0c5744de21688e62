"""Judge assignment rules: k per entry, balanced loads, conflicts, organisations,
expertise, one connected piece, kept work, second look."""

from collections import Counter, defaultdict

import pytest

from contest import assignment

J = assignment.JudgeSpec
E = assignment.EntrySpec


def pool(n_judges, tracks=("ai", "bio"), orgs=None):
    """Judges spread over tracks, each their own organisation unless `orgs` says."""
    return [
        J(f"j{i}", orgs(i) if orgs else f"org{i}", frozenset({tracks[i % len(tracks)]}))
        for i in range(n_judges)
    ]


def entries_of(n, tracks=("ai", "bio")):
    return [E(e, tracks[e % len(tracks)]) for e in range(n)]


def judges_by_entry(result):
    out = defaultdict(set)
    for judge_id, entry_id in result.pairs:
        out[entry_id].add(judge_id)
    return out


def test_every_entry_gets_exactly_k_judges_and_loads_stay_within_one():
    entries, judges = entries_of(50), pool(12)
    result = assignment.assign_judges(entries, judges, per_entry=3)
    assert result.ok, result.problems
    assert all(len(js) == 3 for js in judges_by_entry(result).values())
    assert len(judges_by_entry(result)) == 50
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
    assert sum(result.loads.values()) == 150


def test_judge_with_conflict_is_never_assigned():
    entries, judges = entries_of(30), pool(8)
    forbidden = {("j0", e) for e in range(30) if e % 3} | {("j1", 4), ("j2", 4)}
    result = assignment.assign_judges(entries, judges, per_entry=3, forbidden=forbidden)
    assert not forbidden & set(result.pairs)
    assert result.forbidden_avoided == len(forbidden)
    assert result.ok, result.problems
    # Conflicts leave j0 ten entries: it scores all ten and the rest share evenly.
    assert result.loads["j0"] == 10
    others = [load for j, load in result.loads.items() if j != "j0"]
    assert max(others) - min(others) <= 1


def test_conflicts_outside_the_round_are_not_counted_as_avoided():
    entries, judges = entries_of(6), pool(5)
    forbidden = {("j0", 1), ("j0", 999), ("nobody", 2)}
    result = assignment.assign_judges(entries, judges, per_entry=2, forbidden=forbidden)
    assert result.forbidden_avoided == 1


def test_two_judges_of_one_organisation_never_share_an_entry():
    # Two organisations of five judges each: every entry needs one of each.
    judges = pool(10, orgs=lambda i: "huawei" if i < 5 else "zte")
    result = assignment.assign_judges(entries_of(20), judges, per_entry=2)
    assert result.ok, result.problems
    org = {j.id: j.organisation for j in judges}
    for judge_ids in judges_by_entry(result).values():
        assert sorted(org[j] for j in judge_ids) == ["huawei", "zte"]


def test_judges_without_a_known_organisation_are_not_limited_by_it():
    judges = pool(6, orgs=lambda i: "")
    result = assignment.assign_judges(entries_of(10), judges, per_entry=4)
    assert result.ok, result.problems


def test_entry_that_cannot_be_served_is_named_with_the_reason():
    entries, judges = entries_of(20), pool(6)
    forbidden = {(f"j{i}", 17) for i in range(4)}
    result = assignment.assign_judges(entries, judges, per_entry=3, forbidden=forbidden)
    assert result.unserved == [
        (17, "entry 17: only 2 eligible judges after conflicts and organisation limits "
             "(needs 3)")
    ]
    assert not result.ok
    # The entry still gets the judges it can have, and every other entry is complete.
    assert len(judges_by_entry(result)[17]) == 2
    assert all(len(js) == 3 for e, js in judges_by_entry(result).items() if e != 17)


def test_organisation_limit_is_part_of_the_unserved_reason():
    judges = pool(6, orgs=lambda i: "same" if i < 5 else "other")
    result = assignment.assign_judges([E(1, "ai")], judges, per_entry=3)
    assert result.unserved == [
        (1, "entry 1: only 2 eligible judges after conflicts and organisation limits "
            "(needs 3)")
    ]


def test_expertise_is_preferred_over_off_field_judges():
    tracks = ("ai", "bio", "energy")
    entries, judges = entries_of(60, tracks), pool(15, tracks)
    result = assignment.assign_judges(entries, judges, per_entry=3)
    assert result.ok, result.problems
    # Load is 12 a judge with one bridging entry each: 11 of 12 in field.
    assert result.expertise_match == pytest.approx(165 / 180)
    assert result.expertise_match > assignment.greedy_baseline(
        entries, judges, per_entry=3
    ).expertise_match - 1e-9


def test_every_judge_takes_an_off_field_entry_so_the_graph_is_one_piece():
    tracks = ("ai", "bio", "energy")
    entries, judges = entries_of(60, tracks), pool(15, tracks)
    result = assignment.assign_judges(entries, judges, per_entry=3)
    track = {e.id: e.track for e in entries}
    field = {j.id: j.expertise for j in judges}
    off = Counter(j for j, e in result.pairs if track[e] not in field[j])
    assert all(off[j.id] >= 1 for j in judges)
    assert result.connected and result.n_components == 1


def test_graph_is_connected_even_without_bridging_quota():
    # Separate fields would give one piece per track; the repair swaps pairs across.
    tracks = ("ai", "bio", "energy")
    entries, judges = entries_of(60, tracks), pool(15, tracks)
    result = assignment.assign_judges(entries, judges, per_entry=3, bridging=0.0)
    assert result.connected, result.problems
    assert result.ok


@pytest.mark.parametrize(
    ("level", "bridging", "quota"),
    [(1, None, 0), (2, None, 1), (19, None, 1), (20, None, 2), (50, None, 2),
     (50, 0.1, 5), (10, 0.01, 1), (10, 0.0, 0), (3, 0.9, 2)],
)
def test_bridging_quota_per_judge(level, bridging, quota):
    assert assignment.bridging_quota(level, bridging) == quota


def test_personal_cap_is_respected_and_the_rest_share_evenly():
    judges = pool(6)
    judges[0] = J("j0", "org0", frozenset({"ai"}), max_load=2)
    result = assignment.assign_judges(entries_of(22), judges, per_entry=3)
    assert result.ok, result.problems
    assert result.loads["j0"] <= 2
    others = [load for j, load in result.loads.items() if j != "j0"]
    assert max(others) - min(others) <= 1
    assert sum(result.loads.values()) == 66


def test_caps_that_leave_too_little_room_name_the_short_entries():
    judges = [J(f"j{i}", f"o{i}", frozenset({"ai"}), max_load=2) for i in range(3)]
    result = assignment.assign_judges(entries_of(4, ("ai",)), judges, per_entry=2)
    assert sum(result.loads.values()) == 6
    assert len(result.unserved) >= 1
    assert all("personal cap" in reason for _, reason in result.unserved)
    short = {e for e, _ in result.unserved}
    served = judges_by_entry(result)
    assert all(len(served[e]) < 2 for e in short)


def test_kept_assignments_stay_and_count_towards_k_and_load():
    entries, judges = entries_of(12), pool(6)
    existing = {0: {"j0", "j1"}, 1: {"j0", "j2", "j3", "j4"}, 2: {"j0"}}
    result = assignment.assign_judges(entries, judges, per_entry=3, existing=existing)
    by_entry = judges_by_entry(result)
    for entry_id, kept in existing.items():
        assert kept <= by_entry[entry_id]
    assert len(by_entry[0]) == 3
    assert by_entry[1] == {"j0", "j2", "j3", "j4"}  # more than k: kept, nothing added
    assert len(result.added) == 1 + 0 + 2 + 9 * 3
    assert sum(result.loads.values()) == len(result.pairs) == 37
    assert not any((j, e) in set(result.added) for e, js in existing.items() for j in js)
    assert result.ok, result.problems


def test_kept_judge_from_an_organisation_blocks_a_second_one():
    judges = pool(6, orgs=lambda i: "acme" if i < 2 else f"o{i}")
    result = assignment.assign_judges(
        entries_of(6), judges, per_entry=3, existing={0: {"j0"}}
    )
    assert "j1" not in judges_by_entry(result)[0]


def test_same_seed_gives_the_same_assignment_and_another_seed_may_differ():
    entries, judges = entries_of(40), pool(10)
    first = assignment.assign_judges(entries, judges, per_entry=3, seed=7)
    again = assignment.assign_judges(entries, judges, per_entry=3, seed=7)
    assert first.pairs == again.pairs
    others = {tuple(assignment.assign_judges(entries, judges, per_entry=3, seed=s).pairs)
              for s in range(4)}
    assert len(others) > 1


def test_large_pool_is_pruned_to_candidates_and_still_meets_every_rule():
    tracks = tuple(f"t{i}" for i in range(6))
    entries = entries_of(300, tracks)
    judges = pool(120, tracks, orgs=lambda i: f"org{i // 3}")
    forbidden = {(f"j{(e * 7) % 120}", e) for e in range(300)}
    result = assignment.assign_judges(
        entries, judges, per_entry=4, forbidden=forbidden, candidates=20
    )
    assert result.ok, result.problems[:5]
    assert result.expertise_match > 0.85


def test_progress_is_reported_from_start_to_done():
    seen = []
    assignment.assign_judges(entries_of(10), pool(5), per_entry=2,
                             progress=lambda share, message: seen.append((share, message)))
    shares = [share for share, _ in seen]
    assert shares == sorted(shares)
    assert seen[0][0] == 0.0 and seen[-1] == (1.0, "done")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_entry": 0}, "Judges per entry must be at least 1, not 0"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        assignment.assign_judges(entries_of(3), pool(3), **kwargs)


def test_duplicate_ids_are_refused_naming_the_id():
    with pytest.raises(ValueError, match="Entry 1 is listed twice"):
        assignment.assign_judges([E(1), E(1)], pool(3), per_entry=1)
    with pytest.raises(ValueError, match="Judge j0 is listed twice"):
        assignment.assign_judges([E(1)], [J("j0"), J("j0")], per_entry=1)


@pytest.mark.parametrize(
    ("total", "floors", "caps", "los", "his"),
    [
        (10, [0, 0, 0], [None, None, None], [3, 3, 3], [4, 4, 4]),
        (9, [0, 0, 0], [None, None, None], [2, 2, 2], [3, 3, 3]),
        (10, [0, 0, 0], [1, None, None], [1, 4, 4], [1, 5, 5]),
        (10, [6, 0, 0], [None, None, None], [6, 1, 1], [6, 2, 2]),
        (2, [0, 0, 0, 0], [None] * 4, [0, 0, 0, 0], [1, 1, 1, 1]),
        (10, [0, 0], [2, 3], [2, 3], [2, 3]),
        (0, [], [], [], []),
    ],
)
def test_load_bounds_share_work_as_evenly_as_caps_and_kept_work_allow(
    total, floors, caps, los, his
):
    assert assignment.load_bounds(total, floors, caps) == (los, his)


def test_verification_names_each_broken_rule():
    judges = [J("a", "acme"), J("b", "acme"), J("c", "zte"), J("d", "")]
    entries = [E(1), E(2), E(3)]
    pairs = [("a", 1), ("b", 1), ("c", 2), ("c", 2), ("d", 3), ("a", 99)]
    problems = assignment.verify_assignment(
        entries, judges, pairs, per_entry=2, forbidden={("d", 3)}, existing={2: {"b"}}
    )
    assert "entry 99: not in this round" in problems
    assert "entry 2: judge c assigned twice" in problems
    assert "entry 3: judge d has a conflict with it" in problems
    assert "entry 1: 2 judges from organisation 'acme'" in problems
    assert "entry 2: kept judges ['b'] were removed" in problems
    assert "entry 2: 1 judges instead of 2" in problems
    assert "entry 3: 1 judges instead of 2" in problems
    assert any(p.startswith("the judge-entry graph has 3 separate pieces") for p in problems)


def test_verification_names_an_unbalanced_judge():
    judges = [J("a"), J("b"), J("c")]
    entries = [E(i) for i in range(3)]
    pairs = [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    problems = assignment.verify_assignment(entries, judges, pairs, per_entry=2)
    assert problems == [
        "judge a: load 3, balanced share is 1-2",
        "judge b: load 3, balanced share is 1-2",
        "judge c: load 0, balanced share is 1-2",
    ]


def test_verification_of_a_correct_assignment_is_empty():
    judges = [J("a"), J("b"), J("c")]
    entries = [E(i) for i in range(3)]
    pairs = [("a", 0), ("b", 0), ("b", 1), ("c", 1), ("c", 2), ("a", 2)]
    assert assignment.verify_assignment(entries, judges, pairs, per_entry=2) == []


def test_second_look_adds_fresh_judges_only():
    entries, judges = entries_of(8), pool(8)
    existing = {e: {f"j{e}", f"j{(e + 1) % 8}"} for e in range(8)}
    result = assignment.second_look([2, 5], judges, extra=2, existing=existing)
    assert result.ok, result.problems
    by_entry = judges_by_entry(result)
    assert set(by_entry) == {2, 5}
    for entry_id, new in by_entry.items():
        assert len(new) == 2
        assert not new & existing[entry_id]
    assert sorted(result.loads.values(), reverse=True)[:4] == [1, 1, 1, 1]


def test_second_look_respects_conflicts_and_organisations_of_earlier_judges():
    judges = pool(6, orgs=lambda i: "acme" if i < 3 else f"o{i}")
    result = assignment.second_look(
        [E(1, "ai")], judges, extra=2, existing={1: {"j0"}}, forbidden={("j3", 1)}
    )
    assert judges_by_entry(result)[1] == {"j4", "j5"}


def test_second_look_names_an_entry_without_enough_fresh_judges():
    judges = pool(3)
    result = assignment.second_look([1], judges, extra=2, existing={1: {"j0", "j1"}})
    assert result.unserved == [
        (1, "entry 1: only 1 eligible judge after conflicts and organisation limits "
            "(needs 2)")
    ]


def test_greedy_baseline_obeys_hard_rules():
    entries, judges = entries_of(40), pool(10, orgs=lambda i: f"o{i // 2}")
    forbidden = {("j1", e) for e in range(0, 40, 2)}
    result = assignment.greedy_baseline(entries, judges, per_entry=3, forbidden=forbidden)
    assert not forbidden & set(result.pairs)
    org = {j.id: j.organisation for j in judges}
    for judge_ids in judges_by_entry(result).values():
        assert len({org[j] for j in judge_ids}) == len(judge_ids) == 3


def test_summary_lines_state_loads_conflicts_and_connectivity():
    result = assignment.assign_judges(entries_of(10), pool(5), per_entry=2,
                                      forbidden={("j0", 1)})
    lines = assignment.summary_lines(result)
    assert "loads: 4-4 per judge (5 of 5 judges used)" in lines
    assert "conflicts avoided: 1" in lines
    assert "judge-entry graph: connected" in lines


def test_assignment_is_the_same_in_another_process_with_other_hash_seeds():
    # String ids hash differently per process; the result must not depend on that.
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from contest import assignment as A\n"
        "J, E = A.JudgeSpec, A.EntrySpec\n"
        "judges = [J(f'judge-{i}', f'org{i % 7}', frozenset({f't{i % 4}'})) for i in range(30)]\n"
        "entries = [E(f'E{e}', f't{e % 4}') for e in range(80)]\n"
        "forbidden = {(f'judge-{i}', f'E{(i * 13) % 80}') for i in range(30)}\n"
        "r = A.assign_judges(entries, judges, per_entry=3, forbidden=forbidden,\n"
        "                    existing={'E1': {'judge-3', 'judge-5'}}, candidates=12, seed=3)\n"
        "print(r.pairs)\n"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True, cwd=root)
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_load_histogram_counts_judges_per_load():
    assert assignment.load_histogram({"a": 4, "b": 5, "c": 4, "d": 0}) == (
        "1 judge x 0, 2 judges x 4, 1 judge x 5"
    )


def test_explained_problems_give_the_reason_once_per_unserved_entry():
    entries, judges = entries_of(20), pool(6)
    forbidden = {(f"j{i}", 17) for i in range(4)}
    result = assignment.assign_judges(entries, judges, per_entry=3, forbidden=forbidden)
    assert "entry 17: 2 judges instead of 3" in result.problems
    explained = assignment.explained_problems(result)
    assert explained[0].startswith("entry 17: only 2 eligible judges")
    assert not any("judges instead of" in p for p in explained)
