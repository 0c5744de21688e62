"""Judge assignment: who scores which entry (SCORING.md section 7).

Each entry gets exactly k judges; loads stay within one of each other (or at personal
caps); no conflicted pair; at most one judge per organisation on an entry; expertise
preferred; a few off-field entries per judge keep the judge-entry graph one connected
piece. Solved as a min-cost flow over the best candidates per entry, then verified.
Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from contest.i18n import RuleError

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class JudgeSpec:
    """A judge as the solver sees them; `organisation` is the normalised key ("" if
    unknown, which never limits), `max_load` a personal cap (None: no cap)."""

    id: Hashable
    organisation: str = ""
    expertise: frozenset[str] = frozenset()
    max_load: int | None = None


@dataclass(frozen=True)
class EntrySpec:
    """An entry as the solver sees it: its id and track (None: no track)."""

    id: Hashable
    track: str | None = None


@dataclass(frozen=True)
class AssignmentResult:
    """The solver's answer and the figures an organiser checks before committing.

    `pairs` are (judge_id, entry_id), kept ones included; `added` only the new ones.
    `unserved` names each entry that did not get its judges and why; `problems` lists
    every failed check (empty means the assignment satisfies every rule).
    """

    pairs: list[tuple[Hashable, Hashable]]
    added: list[tuple[Hashable, Hashable]]
    loads: dict[Hashable, int]
    unserved: list[tuple[Hashable, str]]
    connected: bool
    n_components: int
    expertise_match: float
    forbidden_avoided: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unserved

    @property
    def load_spread(self) -> int:
        """Largest minus smallest load among judges that took any work."""
        used = [load for load in self.loads.values() if load > 0]
        return max(used) - min(used) if used else 0


# Cost levels, each dominating everything below it: serve every entry, then balance
# loads, then give each judge their bridging quota, then prefer expertise, then spread.
# Overloading a judge beyond the balanced share (within caps) is allowed only to serve an
# entry that would otherwise go short; verification then names the judge.
_UNSERVED_COST = 100_000_000
_OVERLOAD_COST = 10_000_000
_LOAD_REWARD = 1_000_000
_BRIDGE_REWARD = 10_000
_OFF_FIELD_COST = 100
_JITTER = 10


def load_bounds(
    total: int, floors: Sequence[int], caps: Sequence[int | None]
) -> tuple[list[int], list[int]]:
    """Per-judge load range (lo, hi) for `total` assignments shared as evenly as caps
    allow: the smallest level L with sum(max(floor, min(cap, L))) >= total, then
    hi = max(floor, min(cap, L)) and lo = max(floor, min(cap, L - 1)). Floors are work a
    judge already has; caps below L leave that judge at their cap."""
    def filled(level: int) -> int:
        return sum(
            max(f, level if c is None else min(c, level)) for f, c in zip(floors, caps)
        )

    low, high = 0, max(total, max(floors, default=0))
    if not floors:
        return [], []
    if filled(high) < total:
        # Caps forbid serving everything; the flow reports the entries left over.
        level = high
    else:
        while low < high:
            mid = (low + high) // 2
            if filled(mid) >= total:
                high = mid
            else:
                low = mid + 1
        level = low
    his = [max(f, level if c is None else min(c, level)) for f, c in zip(floors, caps)]
    los = [
        max(f, max(level - 1, 0) if c is None else min(c, max(level - 1, 0)))
        for f, c in zip(floors, caps)
    ]
    return los, his


def available_caps(
    entries: Sequence[EntrySpec], judges: Sequence[JudgeSpec], forbidden: Iterable[tuple]
) -> list[int | None]:
    """Each judge's effective cap: their personal cap, or fewer if conflicts leave them
    fewer entries of this round (a judge cannot be "behind" on entries they may not see)."""
    entry_ids = {entry.id for entry in entries}
    position = {judge.id: j for j, judge in enumerate(judges)}
    blocked = [0] * len(judges)
    for judge_id, entry_id in forbidden:
        j = position.get(judge_id)
        if j is not None and entry_id in entry_ids:
            blocked[j] += 1
    caps: list[int | None] = []
    for judge, count in zip(judges, blocked):
        room = len(entry_ids) - count
        caps.append(room if judge.max_load is None else min(judge.max_load, room))
    return caps


def bridging_quota(level: int, bridging: float | None) -> int:
    """Off-field entries each judge should take at load `level`: by default 1, or 2 once
    a judge scores 20 or more; with a share, round(share * level), at least 1. None
    below a load of 2, where one judge cannot link two fields anyway."""
    if level < 2:
        return 0
    if bridging is None:
        return 1 if level < 20 else 2
    if bridging <= 0:
        return 0
    return max(1, min(level - 1, round(bridging * level)))


def _component_labels(pairs: Iterable[tuple[Hashable, Hashable]]) -> dict[tuple, tuple]:
    """Each judge and entry node mapped to the root of its connected piece."""
    parent: dict[tuple, tuple] = {}

    def find(x):
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for judge_id, entry_id in pairs:
        a, b = ("j", judge_id), ("e", entry_id)
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return {node: find(node) for node in parent}


def _components(pairs: Iterable[tuple[Hashable, Hashable]]) -> int:
    """Number of connected pieces of the judge-entry graph (isolated judges ignored)."""
    return len(set(_component_labels(pairs).values()))


def pieces_if_added(pairs: Iterable[tuple[Hashable, Hashable]], entry_id: Hashable,
                    judge_ids: Iterable[Hashable]) -> dict[Hashable, int]:
    """For each judge: how many connected pieces the judge-entry graph has once that judge
    also scores `entry_id` (nodes without any pair are not part of the design)."""
    labels = _component_labels(pairs)
    base = len(set(labels.values()))
    entry_piece = labels.get(("e", entry_id))
    out = {}
    for judge_id in judge_ids:
        judge_piece = labels.get(("j", judge_id))
        if entry_piece is None and judge_piece is None:
            out[judge_id] = base + 1  # the two form a piece of their own
        elif entry_piece is not None and judge_piece is not None and entry_piece != judge_piece:
            out[judge_id] = base - 1  # two pieces joined
        else:
            out[judge_id] = base
    return out


def _org_count_reason(entry_id, eligible: int, need: int) -> str:
    return (
        f"entry {entry_id}: only {eligible} eligible judge{'s' if eligible != 1 else ''} "
        f"after conflicts and organisation limits (needs {need})"
    )


@dataclass
class _Problem:
    """Index-based working form shared by assign_judges and second_look."""

    entries: list[EntrySpec]
    judges: list[JudgeSpec]
    need: list[int]                 # new judges wanted per entry
    blocked: list[set[int]]         # judge indices never to add per entry
    used_orgs: list[set[str]]       # organisations already on each entry
    floors: list[int]               # work each judge already has (counts to loads)
    forbidden: set                  # (judge_id, entry_id)


def _eligible(problem: _Problem, e: int, j: int) -> bool:
    judge = problem.judges[j]
    if j in problem.blocked[e]:
        return False
    if judge.organisation and judge.organisation in problem.used_orgs[e]:
        return False
    return (judge.id, problem.entries[e].id) not in problem.forbidden


def _candidates(
    problem: _Problem, by_track: Mapping[str | None, np.ndarray], rng: np.random.Generator,
    candidates: int, progress: Progress | None,
) -> tuple[list[list[int]], list[tuple[int, str]]]:
    """Best candidates per entry: in-field judges first, a random share of off-field
    judges for bridging; all eligible judges when the sample would be too thin."""
    n_judges = len(problem.judges)
    all_judges = np.arange(n_judges)
    result: list[list[int]] = []
    unserved: list[tuple[int, str]] = []
    infield_sets: dict[str | None, set[int]] = {}
    for e, entry in enumerate(problem.entries):
        need = problem.need[e]
        if progress is not None and e % 2000 == 0:
            progress(0.05 + 0.35 * e / max(1, len(problem.entries)), "choosing candidates")
        if need <= 0:
            result.append([])
            continue
        chosen: list[int] = []
        if n_judges <= candidates:
            chosen = [j for j in range(n_judges) if _eligible(problem, e, j)]
        else:
            infield = by_track.get(entry.track, np.empty(0, dtype=np.int64))
            off_target = max(2 * need, candidates // 4)
            in_target = candidates - off_target
            if len(infield):
                for j in rng.permutation(infield).tolist():
                    if len(chosen) >= in_target:
                        break
                    if _eligible(problem, e, j):
                        chosen.append(j)
            seen = set(chosen)
            if entry.track not in infield_sets:
                infield_sets[entry.track] = set(infield.tolist())
            infield_set = infield_sets[entry.track]
            want = candidates - len(chosen)
            draws = rng.integers(0, n_judges, size=3 * want + 8).tolist()
            taken = 0
            for j in draws:
                if taken >= want:
                    break
                if j in seen or j in infield_set:
                    continue
                seen.add(j)
                if _eligible(problem, e, j):
                    chosen.append(j)
                    taken += 1
        slots = _distinct_slots(problem, chosen)
        if n_judges > candidates and slots < need + 2:
            chosen = [j for j in all_judges.tolist() if _eligible(problem, e, j)]
            slots = _distinct_slots(problem, chosen)
        if slots < need:
            unserved.append((e, _org_count_reason(entry.id, slots, need)))
        result.append(chosen)
    return result, unserved


def _distinct_slots(problem: _Problem, judge_indices: Iterable[int]) -> int:
    """How many of these judges could sit on one entry together (one per organisation)."""
    orgs: set[str] = set()
    blank = 0
    for j in judge_indices:
        org = problem.judges[j].organisation
        if org:
            orgs.add(org)
        else:
            blank += 1
    return len(orgs) + blank


def _solve_flow(
    problem: _Problem, lists: list[list[int]], los: list[int], his: list[int],
    quotas: list[int], seed: int,
) -> tuple[list[tuple[int, int]], list[int]]:
    """Min-cost flow source -> judge -> (off-field) -> [entry, organisation] -> entry ->
    sink; returns new (judge index, entry index) pairs and each entry's shortfall."""
    n_j, n_e = len(problem.judges), len(problem.entries)
    source, sink = 0, 1
    judge_node = 2
    off_node = judge_node + n_j
    entry_node = off_node + n_j
    next_node = entry_node + n_e
    rng = np.random.default_rng(seed + 1)

    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(t: int, h: int, cap: int, cost: int) -> None:
        tails.append(t)
        heads.append(h)
        caps.append(cap)
        costs.append(cost)

    for j in range(n_j):
        lo = max(0, los[j] - problem.floors[j])
        hi = max(0, his[j] - problem.floors[j])
        if lo:
            arc(source, judge_node + j, lo, -_LOAD_REWARD)
        if hi > lo:
            arc(source, judge_node + j, hi - lo, 0)
        cap = problem.judges[j].max_load
        room = sum(problem.need) if cap is None else max(0, cap - max(his[j], problem.floors[j]))
        if room:
            arc(source, judge_node + j, room, _OVERLOAD_COST)
        if hi or room:
            if quotas[j] and hi:
                arc(judge_node + j, off_node + j, min(quotas[j], hi), -_BRIDGE_REWARD)
            arc(judge_node + j, off_node + j, hi + room, _OFF_FIELD_COST)

    pair_arcs_start = len(tails)
    orgs = [judge.organisation for judge in problem.judges]
    fields = [judge.expertise for judge in problem.judges]
    jitter = rng.integers(0, _JITTER, size=sum(len(c) for c in lists)).tolist()
    pair_of_arc: list[tuple[int, int]] = []
    org_arcs: list[tuple[int, int, int, int]] = []
    for e, chosen in enumerate(lists):
        if not chosen:
            continue
        track = problem.entries[e].track
        entry_head = entry_node + e
        # An organisation node only where two candidates share one: it lets one through.
        counts: dict[str, int] = {}
        for j in chosen:
            if orgs[j]:
                counts[orgs[j]] = counts.get(orgs[j], 0) + 1
        org_node_of: dict[str, int] = {}
        for org, n in counts.items():
            if n > 1:
                org_node_of[org] = next_node
                org_arcs.append((next_node, entry_head, 1, 0))
                next_node += 1
        for j in chosen:
            infield = track is not None and track in fields[j]
            tails.append(judge_node + j if infield else off_node + j)
            heads.append(org_node_of.get(orgs[j], entry_head) if org_node_of else entry_head)
            pair_of_arc.append((j, e))
    caps.extend([1] * len(pair_of_arc))
    costs.extend(jitter)
    pair_arcs_end = len(tails)
    for t, h, cap, cost in org_arcs:
        arc(t, h, cap, cost)
    total = 0
    for e in range(n_e):
        need = problem.need[e]
        if need > 0:
            arc(entry_node + e, sink, need, 0)
            arc(source, entry_node + e, need, _UNSERVED_COST)
            total += need
    dummy_start = pair_arcs_end + len(org_arcs)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32), np.asarray(heads, dtype=np.int32),
        np.asarray(caps, dtype=np.int64), np.asarray(costs, dtype=np.int64),
    )
    del arcs
    supplies = np.zeros(next_node, dtype=np.int64)
    supplies[source] = total
    supplies[sink] = -total
    flow.set_nodes_supplies(np.arange(next_node, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"assignment flow could not be solved (status {status})")
    pair_flows = flow.flows(np.arange(pair_arcs_start, pair_arcs_end, dtype=np.int32))
    chosen_pairs = [pair_of_arc[i] for i in np.flatnonzero(np.asarray(pair_flows) > 0)]
    shortfall = [0] * n_e
    dummy_arcs = np.arange(dummy_start, len(tails), dtype=np.int32)
    if len(dummy_arcs):
        dummy_flows = np.asarray(flow.flows(dummy_arcs))
        # Dummy arcs come in (entry -> sink, source -> entry) pairs, in entry order.
        served_entries = [e for e in range(n_e) if problem.need[e] > 0]
        for position, e in enumerate(served_entries):
            shortfall[e] = int(dummy_flows[2 * position + 1])
    return chosen_pairs, shortfall


def _repair_connectivity(
    problem: _Problem, pairs: list[tuple[int, int]], kept: list[tuple[int, int]],
    rng: np.random.Generator, max_tries: int = 2000, max_checks: int = 300,
) -> list[tuple[int, int]]:
    """Swap the entries of two new pairs lying in different pieces until the graph is
    one piece; a swap keeps every k and every load, and is made only if both new pairs
    are allowed and it reduces the number of pieces. Bounded: each check recounts the
    pieces of the whole graph."""
    pairs = list(pairs)
    on_entry: dict[int, set[int]] = defaultdict(set)
    for j, e in kept + pairs:
        on_entry[e].add(j)

    def org_free(j: int, e: int, leaving: int) -> bool:
        org = problem.judges[j].organisation
        if not org:
            return True
        if org in problem.used_orgs[e]:
            return False
        return all(
            problem.judges[other].organisation != org
            for other in on_entry[e] if other != leaving
        )

    def allowed(j: int, e: int, leaving: int) -> bool:
        return (
            j not in on_entry[e]
            and j not in problem.blocked[e]
            and (problem.judges[j].id, problem.entries[e].id) not in problem.forbidden
            and org_free(j, e, leaving)
        )

    pieces = _components(kept + pairs)
    tries = checks = 0
    while pieces > 1 and tries < max_tries and checks < max_checks:
        labels = _component_labels(kept + pairs)
        groups: dict[tuple, list[int]] = defaultdict(list)
        for index, (j, e) in enumerate(pairs):
            groups[labels[("e", e)]].append(index)
        if len(groups) < 2:
            break
        ordered = sorted(groups.values(), key=len)
        small, large = ordered[0], [i for g in ordered[1:] for i in g]
        improved = False
        for _ in range(min(200, max_tries - tries)):
            tries += 1
            a = small[int(rng.integers(len(small)))]
            b = large[int(rng.integers(len(large)))]
            (j1, e1), (j2, e2) = pairs[a], pairs[b]
            if checks < max_checks and allowed(j1, e2, j2) and allowed(j2, e1, j1):
                checks += 1
                trial = list(pairs)
                trial[a], trial[b] = (j1, e2), (j2, e1)
                count = _components(kept + trial)
                if count < pieces:
                    on_entry[e1].discard(j1)
                    on_entry[e2].discard(j2)
                    on_entry[e2].add(j1)
                    on_entry[e1].add(j2)
                    pairs, pieces, improved = trial, count, True
                    break
        if not improved:
            break
    return pairs


def _solve(
    problem: _Problem, *, bridging: float | None, candidates: int, seed: int,
    progress: Progress | None, connect: bool,
) -> tuple[list[tuple[int, int]], list[tuple[int, str]], list[int], list[int]]:
    rng = np.random.default_rng(seed)
    by_track_lists: dict[str | None, list[int]] = defaultdict(list)
    for j, judge in enumerate(problem.judges):
        for track in judge.expertise:
            by_track_lists[track].append(j)
    by_track = {t: np.asarray(js, dtype=np.int64) for t, js in by_track_lists.items()}

    lists, unserved = _candidates(problem, by_track, rng, candidates, progress)
    total = sum(problem.floors) + sum(max(0, n) for n in problem.need)
    caps = available_caps(problem.entries, problem.judges, problem.forbidden)
    los, his = load_bounds(total, problem.floors, caps)
    level = max(his, default=0)
    quota = bridging_quota(level, bridging)
    quotas = [
        min(quota, max(0, his[j] - problem.floors[j])) if problem.judges[j].expertise else 0
        for j in range(len(problem.judges))
    ]
    if progress is not None:
        progress(0.45, "solving")
    new_pairs, shortfall = _solve_flow(problem, lists, los, his, quotas, seed)
    short = [e for e, missing in enumerate(shortfall) if missing]
    if short and len(problem.judges) > candidates:
        # Pruning may have left out the judges with room: widen those entries and retry.
        for e in short:
            lists[e] = [j for j in range(len(problem.judges)) if _eligible(problem, e, j)]
        new_pairs, shortfall = _solve_flow(problem, lists, los, his, quotas, seed)
    if connect and new_pairs:
        if progress is not None:
            progress(0.8, "checking connectivity")
        kept = [
            (j, e) for e in range(len(problem.entries)) for j in problem.blocked[e]
            if j < len(problem.judges)
        ]
        new_pairs = _repair_connectivity(problem, new_pairs, kept, rng)
    already = {e for e, _ in unserved}
    for e, short in enumerate(shortfall):
        if short and e not in already:
            unserved.append((
                e,
                f"entry {problem.entries[e].id}: {short} of {problem.need[e]} judges missing: "
                "every eligible judge is at their personal cap",
            ))
    unserved.sort()
    return new_pairs, unserved, los, his


def _index_existing(
    entries: Sequence[EntrySpec], judges: Sequence[JudgeSpec],
    existing: Mapping[Hashable, Iterable[Hashable]],
) -> tuple[dict, list[set], list[set[int]], list[set[str]], list[int]]:
    judge_index = {judge.id: j for j, judge in enumerate(judges)}
    kept_ids: list[set] = []
    kept_idx: list[set[int]] = []
    used_orgs: list[set[str]] = []
    floors = [0] * len(judges)
    for entry in entries:
        ids = set(existing.get(entry.id, ()))
        kept_ids.append(ids)
        idx = {judge_index[i] for i in ids if i in judge_index}
        kept_idx.append(idx)
        used_orgs.append({judges[j].organisation for j in idx if judges[j].organisation})
        for j in idx:
            floors[j] += 1
    return judge_index, kept_ids, kept_idx, used_orgs, floors


def _check_input(entries: Sequence[EntrySpec], judges: Sequence[JudgeSpec], k: int) -> None:
    if k < 1:
        raise RuleError("assignment.per_entry_at_least_one", k=k)
    for kind, items in (("entry", entries), ("judge", judges)):
        seen: set = set()
        for item in items:
            if item.id in seen:
                raise RuleError(f"assignment.{kind}_twice", id=item.id)
            seen.add(item.id)
    for judge in judges:
        if judge.max_load is not None and judge.max_load < 0:
            raise RuleError("assignment.negative_load", judge=judge.id)


def _result(
    entries: Sequence[EntrySpec], judges: Sequence[JudgeSpec], kept_ids: list[set],
    new_pairs: list[tuple[int, int]], unserved: list[tuple[int, str]],
    forbidden: set, problems: list[str],
) -> AssignmentResult:
    pairs = [
        (judge_id, entry.id) for entry, ids in zip(entries, kept_ids)
        for judge_id in sorted(ids, key=str)
    ]
    added = [(judges[j].id, entries[e].id) for j, e in sorted(new_pairs, key=lambda p: (p[1], p[0]))]
    pairs += added
    loads = {judge.id: 0 for judge in judges}
    for judge_id, _ in pairs:
        if judge_id in loads:
            loads[judge_id] += 1
    pieces = _components(pairs)
    return AssignmentResult(
        pairs=pairs,
        added=added,
        loads=loads,
        unserved=[(entries[e].id, reason) for e, reason in unserved],
        connected=pieces <= 1,
        n_components=pieces,
        expertise_match=expertise_match(entries, judges, pairs),
        forbidden_avoided=_relevant_forbidden(entries, judges, forbidden),
        problems=problems,
    )


def expertise_match(
    entries: Sequence[EntrySpec], judges: Sequence[JudgeSpec],
    pairs: Iterable[tuple[Hashable, Hashable]],
) -> float:
    """Share of pairs whose judge lists the entry's track among their expertise."""
    track = {entry.id: entry.track for entry in entries}
    fields = {judge.id: judge.expertise for judge in judges}
    total = matched = 0
    for judge_id, entry_id in pairs:
        total += 1
        if track.get(entry_id) is not None and track.get(entry_id) in fields.get(judge_id, ()):
            matched += 1
    return matched / total if total else 0.0


def _relevant_forbidden(
    entries: Sequence[EntrySpec], judges: Sequence[JudgeSpec], forbidden: set
) -> int:
    entry_ids = {entry.id for entry in entries}
    judge_ids = {judge.id for judge in judges}
    return sum(1 for j, e in forbidden if j in judge_ids and e in entry_ids)


def assign_judges(
    entries: Sequence[EntrySpec],
    judges: Sequence[JudgeSpec],
    *,
    per_entry: int = 3,
    forbidden: set[tuple[Hashable, Hashable]] = frozenset(),
    existing: Mapping[Hashable, Iterable[Hashable]] | None = None,
    bridging: float | None = None,
    candidates: int = 40,
    seed: int = 0,
    progress: Progress | None = None,
) -> AssignmentResult:
    """Give every entry `per_entry` judges, keeping `existing` pairs (they have work).

    Rules: no `forbidden` (judge_id, entry_id) pair; one judge per organisation on an
    entry; loads within one of each other or at personal caps; expertise matching the
    track preferred; `bridging` off-field entries per judge (None: 1, or 2 from a load
    of 20) so the graph is one piece. Deterministic for a given `seed`. Entries that
    cannot be served are named in `unserved`; failed checks are listed in `problems`.
    """
    _check_input(entries, judges, per_entry)
    existing = existing or {}
    forbidden = forbidden if isinstance(forbidden, (set, frozenset)) else set(forbidden)
    _, kept_ids, kept_idx, used_orgs, floors = _index_existing(entries, judges, existing)
    problem = _Problem(
        entries=list(entries),
        judges=list(judges),
        need=[max(0, per_entry - len(ids)) for ids in kept_ids],
        blocked=kept_idx,
        used_orgs=used_orgs,
        floors=floors,
        forbidden=forbidden,
    )
    if progress is not None:
        progress(0.0, "preparing")
    new_pairs, unserved, _, _ = _solve(
        problem, bridging=bridging, candidates=candidates, seed=seed, progress=progress,
        connect=per_entry >= 2,
    )
    if progress is not None:
        progress(0.9, "verifying")
    pairs = [
        (judge_id, entry.id) for entry, ids in zip(entries, kept_ids) for judge_id in ids
    ] + [(problem.judges[j].id, problem.entries[e].id) for j, e in new_pairs]
    problems = verify_assignment(
        entries, judges, pairs, per_entry=per_entry, forbidden=forbidden, existing=existing,
        require_connected=per_entry >= 2,
    )
    result = _result(entries, judges, kept_ids, new_pairs, unserved, forbidden, problems)
    if progress is not None:
        progress(1.0, "done")
    return result


def verify_assignment(
    entries: Sequence[EntrySpec],
    judges: Sequence[JudgeSpec],
    pairs: Iterable[tuple[Hashable, Hashable]],
    *,
    per_entry: int,
    forbidden: set[tuple[Hashable, Hashable]] = frozenset(),
    existing: Mapping[Hashable, Iterable[Hashable]] | None = None,
    require_connected: bool = True,
) -> list[str]:
    """Every rule the assignment must meet, checked from scratch; one sentence per
    failure naming the entry or judge (empty list: all good). Kept `existing` pairs must
    be present and count towards k; an entry may exceed k only by kept pairs."""
    existing = existing or {}
    problems: list[str] = []
    pairs = list(pairs)
    judge_by_id = {judge.id: judge for judge in judges}
    entry_ids = [entry.id for entry in entries]
    entry_set = set(entry_ids)
    on_entry: dict[Hashable, list[Hashable]] = defaultdict(list)
    seen: set = set()
    for judge_id, entry_id in pairs:
        if entry_id not in entry_set:
            problems.append(f"entry {entry_id}: not in this round")
            continue
        if (judge_id, entry_id) in seen:
            problems.append(f"entry {entry_id}: judge {judge_id} assigned twice")
            continue
        seen.add((judge_id, entry_id))
        on_entry[entry_id].append(judge_id)
        if (judge_id, entry_id) in forbidden:
            problems.append(f"entry {entry_id}: judge {judge_id} has a conflict with it")
    for entry_id in entry_ids:
        have = on_entry.get(entry_id, [])
        kept = set(existing.get(entry_id, ()))
        missing = kept - set(have)
        if missing:
            problems.append(
                f"entry {entry_id}: kept judges {sorted(map(str, missing))} were removed"
            )
        wanted = max(per_entry, len(kept))
        if len(have) != wanted:
            problems.append(f"entry {entry_id}: {len(have)} judges instead of {wanted}")
        orgs: dict[str, list[Hashable]] = defaultdict(list)
        for judge_id in have:
            judge = judge_by_id.get(judge_id)
            if judge is not None and judge.organisation:
                orgs[judge.organisation].append(judge_id)
        for org, members in orgs.items():
            if len(members) > 1:
                problems.append(
                    f"entry {entry_id}: {len(members)} judges from organisation {org!r}"
                )
    loads = {judge.id: 0 for judge in judges}
    floors = {judge.id: 0 for judge in judges}
    for judge_id, entry_id in seen:
        if judge_id in loads:
            loads[judge_id] += 1
    for entry_id in entry_ids:
        for judge_id in set(existing.get(entry_id, ())):
            if judge_id in floors:
                floors[judge_id] += 1
    total = sum(loads.values())
    los, his = load_bounds(
        total, [floors[j.id] for j in judges], available_caps(entries, judges, forbidden)
    )
    for judge, lo, hi in zip(judges, los, his):
        load = loads[judge.id]
        if judge.max_load is not None and load > max(judge.max_load, floors[judge.id]):
            problems.append(f"judge {judge.id}: load {load} above their cap {judge.max_load}")
        elif not lo <= load <= hi:
            expected = f"{lo}" if lo == hi else f"{lo}-{hi}"
            problems.append(f"judge {judge.id}: load {load}, balanced share is {expected}")
    if require_connected and seen:
        pieces = _components(seen)
        if pieces > 1:
            problems.append(
                f"the judge-entry graph has {pieces} separate pieces: "
                "scores in different pieces cannot be put on one scale"
            )
    return problems


def second_look(
    entries: Sequence[EntrySpec | Hashable],
    judges: Sequence[JudgeSpec],
    *,
    extra: int = 2,
    forbidden: set[tuple[Hashable, Hashable]] = frozenset(),
    existing: Mapping[Hashable, Iterable[Hashable]] | None = None,
    candidates: int = 40,
    seed: int = 0,
    progress: Progress | None = None,
) -> AssignmentResult:
    """Add `extra` judges to each given entry, never one it already had (`existing`),
    never a conflicted one, one per organisation counting those already on it; the new
    work is shared within one between judges. `pairs` and `loads` cover the new work."""
    if extra < 1:
        raise RuleError("assignment.extra_at_least_one", extra=extra)
    specs = [item if isinstance(item, EntrySpec) else EntrySpec(item) for item in entries]
    _check_input(specs, judges, 1)
    existing = existing or {}
    forbidden = forbidden if isinstance(forbidden, (set, frozenset)) else set(forbidden)
    _, _, kept_idx, used_orgs, _ = _index_existing(specs, judges, existing)
    had = {(judge_id, entry.id) for entry in specs for judge_id in existing.get(entry.id, ())}
    # Colleagues of an earlier judge cannot join either; leaving them out of each judge's
    # room keeps the balanced share reachable.
    colleagues = {
        (judge.id, entry.id) for entry, orgs in zip(specs, used_orgs) for judge in judges
        if judge.organisation in orgs
    }
    problem = _Problem(
        entries=specs,
        judges=list(judges),
        need=[extra] * len(specs),
        blocked=kept_idx,
        used_orgs=used_orgs,
        floors=[0] * len(judges),
        forbidden=set(forbidden) | had | colleagues,
    )
    new_pairs, unserved, _, _ = _solve(
        problem, bridging=0.0, candidates=candidates, seed=seed, progress=progress,
        connect=False,
    )
    problems = _verify_second_look(specs, judges, problem, new_pairs, extra, existing)
    empty = [set() for _ in specs]
    return _result(specs, judges, empty, new_pairs, unserved, forbidden, problems)


def _verify_second_look(
    entries: list[EntrySpec], judges: Sequence[JudgeSpec], problem: _Problem,
    new_pairs: list[tuple[int, int]], extra: int,
    existing: Mapping[Hashable, Iterable[Hashable]],
) -> list[str]:
    added = [(judges[j].id, entries[e].id) for j, e in new_pairs]
    had = {(judge_id, entry.id) for entry in entries for judge_id in existing.get(entry.id, ())}
    problems = verify_assignment(
        entries, judges, added, per_entry=extra, forbidden=problem.forbidden,
        require_connected=False,
    )
    for judge_id, entry_id in added:
        if (judge_id, entry_id) in had:
            problems.remove(f"entry {entry_id}: judge {judge_id} has a conflict with it")
            problems.append(f"entry {entry_id}: judge {judge_id} already had it")
    org_of = {judge.id: judge.organisation for judge in judges}
    for e, entry in enumerate(entries):
        before = {org_of.get(i) for i in existing.get(entry.id, ())} - {None, ""}
        for judge_id, entry_id in added:
            if entry_id == entry.id and org_of.get(judge_id) in before:
                problems.append(
                    f"entry {entry_id}: judge {judge_id} repeats organisation "
                    f"{org_of[judge_id]!r}"
                )
    return problems


def greedy_baseline(
    entries: Sequence[EntrySpec],
    judges: Sequence[JudgeSpec],
    *,
    per_entry: int = 3,
    forbidden: set[tuple[Hashable, Hashable]] = frozenset(),
    seed: int = 0,
) -> AssignmentResult:
    """The obvious method, for comparison only: entries in random order, each takes the
    least-loaded eligible judges, in-field first, one per organisation, within caps."""
    rng = np.random.default_rng(seed)
    n_j = len(judges)
    loads = np.zeros(n_j, dtype=np.int64)
    caps = np.array(
        [judge.max_load if judge.max_load is not None else 1 << 40 for judge in judges],
        dtype=np.int64,
    )
    off_field: dict[str | None, np.ndarray] = {}
    for entry in entries:
        if entry.track not in off_field:
            off_field[entry.track] = np.array(
                [entry.track is None or entry.track not in judge.expertise for judge in judges],
                dtype=np.int64,
            )
    pairs: list[tuple[int, int]] = []
    unserved: list[tuple[int, str]] = []
    for e in rng.permutation(len(entries)).tolist():
        entry = entries[e]
        # Least loaded first; in-field judges ahead of others at equal load.
        order_key = loads * 2 + off_field[entry.track]
        order = np.lexsort((rng.random(n_j), order_key))
        taken: list[int] = []
        orgs: set[str] = set()
        for j in order.tolist():
            if len(taken) == per_entry:
                break
            judge = judges[j]
            if loads[j] >= caps[j] or (judge.id, entry.id) in forbidden:
                continue
            if judge.organisation and judge.organisation in orgs:
                continue
            taken.append(j)
            if judge.organisation:
                orgs.add(judge.organisation)
        for j in taken:
            loads[j] += 1
            pairs.append((j, e))
        if len(taken) < per_entry:
            unserved.append((e, _org_count_reason(entry.id, len(taken), per_entry)))
    unserved.sort()
    empty = [set() for _ in entries]
    id_pairs = [(judges[j].id, entries[e].id) for j, e in pairs]
    problems = verify_assignment(
        entries, judges, id_pairs, per_entry=per_entry, forbidden=forbidden
    )
    return _result(entries, judges, empty, pairs, unserved, forbidden, problems)


def load_histogram(loads: Mapping[Hashable, int]) -> str:
    """How many judges carry each load, e.g. "12 judges x 4, 3 judges x 5"."""
    counts: dict[int, int] = defaultdict(int)
    for load in loads.values():
        counts[load] += 1
    return ", ".join(
        f"{n} judge{'s' if n != 1 else ''} x {load}" for load, n in sorted(counts.items())
    )


def explained_problems(result: AssignmentResult) -> list[str]:
    """Why entries went unserved, then every other failed check; a short count for an
    unserved entry ("3 judges instead of 5") is left out, its reason already says it."""
    reasons = [reason for _, reason in result.unserved]
    named = {reason.split(":", 1)[0] for reason in reasons}
    return reasons + [
        problem for problem in result.problems
        if not ("judges instead of" in problem and problem.split(":", 1)[0] in named)
    ]


def summary_lines(result: AssignmentResult) -> list[str]:
    """Plain-language figures for the CLI and the preview page."""
    used = [load for load in result.loads.values() if load > 0]
    lines = [
        f"pairs: {len(result.pairs)} ({len(result.added)} new)",
        f"loads: {min(used) if used else 0}-{max(used) if used else 0} per judge "
        f"({len(used)} of {len(result.loads)} judges used)",
        f"expertise match: {result.expertise_match:.1%}",
        f"conflicts avoided: {result.forbidden_avoided}",
        "judge-entry graph: "
        + ("connected" if result.connected else f"{result.n_components} separate pieces"),
    ]
    return lines + explained_problems(result)


__all__ = [
    "AssignmentResult", "EntrySpec", "JudgeSpec", "assign_judges", "available_caps",
    "bridging_quota", "explained_problems", "expertise_match", "greedy_baseline", "load_bounds", "load_histogram",
    "pieces_if_added", "second_look", "summary_lines", "verify_assignment",
]
