"""One person at a time: the server's CPU for each kind of action, with nobody else on the
server, and how many messages each action's rerun sends the browser. A crowd's figures
(bench_load.py) move with everything else the machine does; these move much less, so they
tell whether a change to a page made its actions cheaper.

    .venv/bin/pytest tests/benchmarks/bench_actions.py -s

BENCH_ACTIONS (default 60) sets how many of each action are timed. Each Streamlit element a
rerun sends costs the server CPU of its own (about 0.3 ms each on the 2-core development
machine: building, hashing and queueing the message, then sending it over the websocket), so
the message count is reported beside the CPU."""

from __future__ import annotations

import asyncio
import os
import time

from contest import db, serving
from tests import load
from tests.benchmarks.bench_load import _demo, _people

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "60"))


async def _measure(server: load.Server, people: dict) -> list[str]:
    quiet = load.Timings()
    email, password = people["judge"][0]
    _browser, judge = await load.signed_in_tab(server.url, email, password, quiet)
    await judge.goto("score")
    fields = load.score_fields(judge)
    entrant_email, entrant_password, entry_id = people["entrant"][0]
    _browser, entrant = await load.signed_in_tab(server.url, entrant_email, entrant_password, quiet)
    await entrant.goto("entry", query=f"entry={entry_id}")

    changes = iter(range(10**9))

    async def save_score(n: int) -> None:
        change = next(changes)  # field after field, each time a value other than its last
        await judge.set_number(fields[change % len(fields)].label, (change % 7) + 1)
        assert any(load.SAVED.search(text) for text in judge.texts("alert")), judge.texts("alert")

    async def save_entry(n: int) -> None:
        await entrant.submit({"Title": "Portfolio", "Summary": f"Revision {n}"}, "Save project",
                             choices={"Category": 1, "Track": 1})
        assert entrant.has_text("Project saved.")

    async def open_entry(n: int) -> None:
        await judge.goto("score", query=judge.query)

    for n in range(5):  # the first runs compile and cache what later runs reuse
        await save_score(n)
        await save_entry(n)
    lines = [f"{'action':<14}{'CPU ms':>8}{'wall ms':>9}{'messages':>10}   (one person at a time, "
             f"{ACTIONS} each; the machine's reference loop {load.machine_speed() * 1000:.0f} ms)"]
    for name, action, tab in (("save score", save_score, judge), ("save entry", save_entry, entrant),
                              ("open entry", open_entry, judge)):
        cpu, received, started = load.tree_usage(server.process.pid)[0], tab.received, time.perf_counter()
        for n in range(ACTIONS):
            await action(n)
        cpu = load.tree_usage(server.process.pid)[0] - cpu
        lines.append(f"{name:<14}{cpu / ACTIONS * 1000:>8.1f}{(time.perf_counter() - started) / ACTIONS * 1000:>9.1f}"
                     f"{(tab.received - received) / ACTIONS:>10.1f}")
    return lines


def test_each_action_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'contest.db'}"
    db.migrate(url)
    people = _people(url, _demo(url, entries=60, judges=15), 15)
    server = load.Server(load.app_env(url, tmp_path / "data"), port=serving.free_ports(1)[0], workers=1)
    try:
        server.wait_ready()
        lines = asyncio.run(_measure(server, people))
    finally:
        server.stop()
    print("\n" + "\n".join(lines))
