"""Load benchmark: `contest serve` driven as browsers drive it, over Streamlit's websocket
(tests/streamlit_client.py): judges open entries and save scores, entrants edit entries, an
organiser ranks with 1,000 interval draws. Afterwards the database must hold every save the
pages confirmed, once. Reports per action p50/p95, the server's CPU per action (its whole
process tree, worker processes included) and memory per tab, with the load average (the
machine may be shared).

    .venv/bin/pytest tests/benchmarks/bench_load.py -s                      # SQLite scenarios
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/pytest tests/benchmarks/bench_load.py -s                  # and PostgreSQL ones

BENCH_LOAD_SECONDS (default 60) sets how long each crowd keeps working. BENCH_DATABASE_URL's
database is emptied, or for the 100 tabs dropped and made again as a copy of a 10,000-entry
demo kept beside it (`<name>_demo10000`, built on the first run); its user needs CREATEDB.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import time

import pytest
from sqlmodel import select

from contest import db, serving
from contest.models import Entry, EntryStatus, User
from contest.services import accounts, demo, entries
from tests import load
from tests.streamlit_client import Browser

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
PG = os.environ.get("BENCH_DATABASE_URL")
PAUSE = 3.0  # seconds between one person's actions


def _fresh_pg(url: str) -> str:
    from tests.conftest import _truncate_all

    db.migrate(url)
    _truncate_all(url)
    return url


def _demo(url: str, *, entries: int, judges: int) -> demo.DemoLogins:
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as s:
            return demo.build_demo(session=s, entries=entries, judges=judges, seed=21, scored_share=0.8)
    finally:
        engine.dispose()


def _people(url: str, logins: demo.DemoLogins, entrants: int = 45) -> dict[str, list]:
    """Judges, entrants with a draft entry (email, password, entry id; demo entrants without
    one start one, as on My entries), the organiser."""
    by_role: dict[str, list] = {"judge": [], "entrant": [], "organiser": []}
    passwords = {email: password for _role, email, password in logins.logins}
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine, read_only=True) as s:
            for role, email, password in logins.logins:
                if role in ("judge", "organiser"):
                    by_role[role].append((email, password))
            drafts = s.exec(select(User.email, Entry.id).join(Entry, Entry.owner_id == User.id)
                            .where(Entry.status == EntryStatus.draft.value).order_by(Entry.id)).all()
            seen = set()
            for email, entry_id in drafts:
                if email in passwords and email not in seen:
                    seen.add(email)
                    by_role["entrant"].append((email, passwords[email], entry_id))
        for role, email, password in logins.logins:
            if role != "entrant" or email in seen or len(by_role["entrant"]) >= entrants:
                continue
            with db.session_scope(engine) as s:
                user = s.exec(select(User).where(User.email == email)).one()
                entry = entries.create_entry(session=s, actor=accounts.actor_for(s, user),
                                             edition_id=s.exec(select(Entry.edition_id)).first())
                by_role["entrant"].append((email, password, entry.id))
    finally:
        engine.dispose()
    return by_role


async def _crowd(url: str, people: dict[str, list], *, judges: int, entrants: int, organisers: int,
                 ranking: int, timings: load.Timings, saves: list, edits: list, server: load.Server) -> dict:
    """Everyone signs in and opens their page (not measured here), then works for SECONDS;
    returns the server's CPU and memory use while they work."""
    stop = asyncio.Event()
    repeat = int(SECONDS / PAUSE) + 2
    judge_list = (people["judge"] * ((judges // max(1, len(people["judge"]))) + 1))[:judges]
    gate = load.Gate(judges + min(entrants, len(people["entrant"])) + organisers)
    warm = load.Timings()  # sign-ins and first page opens, reported apart
    tasks = [load.judge(url, email, password, saves=repeat, pause=PAUSE, timings=warm, confirmed=saves,
                        stop=stop, gate=gate) for email, password in judge_list]
    tasks += [load.entrant(url, email, password, entry_id, edits=repeat, pause=PAUSE, timings=warm,
                           confirmed=edits, stop=stop, gate=gate)
              for email, password, entry_id in people["entrant"][:entrants]]
    organiser_email, organiser_password = people["organiser"][0]
    tasks += [load.organiser(url, organiser_email, organiser_password, ranks=repeat if n < ranking else 0,
                             pause=PAUSE * 3, timings=warm, stop=stop, gate=gate) for n in range(organisers)]
    _cpu, rss_before = load.tree_usage(server.process.pid)
    running = [asyncio.ensure_future(t) for t in tasks]
    for task in running:
        task.add_done_callback(lambda done: gate.leave() if done.exception() and not gate.go.is_set() else None)
    await asyncio.wait_for(gate.all_ready.wait(), 600)
    timings.actions.update({f"{k} (start)": v for k, v in warm.actions.items()})
    warm.actions.clear()
    cpu_before, rss_open = load.tree_usage(server.process.pid)
    apps_before = load.app_processes_cpu(server.process.pid)
    import psutil

    machine_before, client_before = psutil.cpu_times(), time.process_time()
    # The load client is a hundred browsers in one process: a full collection of its own
    # (up to 260 ms seen) would stall every browser at once and be measured as the server's
    # slowness. Its objects so far are frozen and it collects rarely while the crowd works.
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    gate.go.set()
    await asyncio.sleep(SECONDS)
    stop.set()
    done = await asyncio.gather(*running, return_exceptions=True)
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    cpu_after, _ = load.tree_usage(server.process.pid)
    apps = [after - before for before, after in zip(apps_before, load.app_processes_cpu(server.process.pid))]
    machine_after, client_after = psutil.cpu_times(), time.process_time()
    busy = sum(machine_after) - machine_after.idle - machine_after.iowait \
        - (sum(machine_before) - machine_before.idle - machine_before.iowait)
    wall = sum(machine_after) - sum(machine_before)
    for kind, values in warm.actions.items():
        timings.actions[kind] += values
    timings.failures += warm.failures
    for outcome in done:
        if isinstance(outcome, BaseException):
            timings.failures.append(f"{type(outcome).__name__}: {outcome}")
        else:
            await outcome.close()
            await outcome.browser.close()
    measured = sum(len(v) for k, v in timings.actions.items() if not k.endswith("(start)"))
    return {"cpu": cpu_after - cpu_before, "rss_per_tab": (rss_open - rss_before) / max(1, len(tasks)),
            "tabs": len(tasks), "actions": measured, "client_cpu": client_after - client_before,
            "machine_busy": busy / wall if wall else 0.0, "apps": apps}


def _scenario(title: str, url: str, env: dict, *, workers: int, judges: int, entrants: int, organisers: int,
              ranking: int = 1, logins: demo.DemoLogins | None = None) -> tuple[load.Timings, str]:
    logins = logins or _demo(url, entries=max(60, entrants + 20), judges=max(15, judges))
    people = _people(url, logins, entrants)
    server = load.Server(env, port=serving.free_ports(1)[0], workers=workers)
    timings, saves, edits = load.Timings(), [], []
    try:
        server.wait_ready()
        used = asyncio.run(_crowd(server.url, people, judges=judges, entrants=entrants, organisers=organisers,
                                  ranking=ranking, timings=timings, saves=saves, edits=edits, server=server))
    finally:
        server.stop()
    errors = [line for line in server.output if "Error" in line or "error" in line]
    problems = load.check_saves(url, saves) + load.check_edits(url, edits)
    text = load.report(title, timings, cpu_seconds=used["cpu"], tabs=used["tabs"], rss_per_tab=used["rss_per_tab"],
                       actions=used["actions"])
    text += (f"\nthe load client used {used['client_cpu']:.1f} s of CPU; the machine's cores were "
             f"{used['machine_busy']:.0%} busy while the crowd worked"
             + (f"; CPU by app process: {', '.join(f'{c:.1f} s' for c in used['apps'])}" if len(used["apps"]) > 1 else ""))
    text += f"\nconfirmed saves {len(saves)}, entry edits {len(edits)}; lost or doubled: {len(problems)}"
    text += "".join(f"\n  server log: {line.strip()[:300]}" for line in errors[:5])
    print("\n" + text)
    assert problems == [], problems[:10]
    return timings, text


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'contest.db'}"


def test_31_tabs_on_one_process_with_sqlite(sqlite_url, tmp_path):
    db.migrate(sqlite_url)
    env = load.app_env(sqlite_url, tmp_path / "data")
    _scenario("31 tabs, one process, SQLite: 15 judges, 15 entrants, 1 organiser ranking", sqlite_url, env,
              workers=1, judges=15, entrants=15, organisers=1)


# The contest the 100 tabs work in: as large as the organiser's rank should be (the issue's
# 10,000 entries with 1,000 judges; building it takes minutes, once for both runs).
RANK_ENTRIES = int(os.environ.get("BENCH_RANK_ENTRIES", "10000"))


def _admin(url: str):
    """An AUTOCOMMIT engine on the server's `postgres` database (to create databases)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _copy_database(template: str, url: str) -> None:
    """The database `url` names dropped and made again as a copy of `template` (seconds),
    then a checkpoint: the copy's pages are written out now, not by the next timed checkpoint
    in the middle of the measured minute (over 100 MiB flushed at once made the saves' commits
    wait, in some runs and not others)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = _admin(url)
    try:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{make_url(url).database}" TEMPLATE "{template}"'))
            c.execute(text("CHECKPOINT"))
    finally:
        admin.dispose()


def _settle(url: str) -> None:
    """Vacuum, freeze and analyse a freshly built database now. Otherwise autovacuum works
    through its million new rows, and the first reads of each copy write every row's hint
    bits, in the middle of the measured minutes (the first run after a build measured a
    judge and entrant p95 of 426 ms where the runs before it gave 166-256 ms)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(text("VACUUM (FREEZE, ANALYZE)"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def big_contest():
    """A demo of RANK_ENTRIES entries kept as a template database beside BENCH_DATABASE_URL's
    (`<name>_demo<N>`, with its logins in a table `bench_logins`): built once (minutes) and
    kept for later runs; each run works in a fresh copy of it (BENCH_DATABASE_URL's database
    is dropped and made again, so its user needs CREATEDB)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    template = f"{make_url(PG).database}_demo{RANK_ENTRIES}"
    template_url = make_url(PG).set(database=template).render_as_string(hide_password=False)
    admin = _admin(PG)
    try:
        with admin.connect() as c:
            exists = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template}).first()
            if exists:  # a complete one has its logins table (written last)
                engine = db.make_engine(template_url)
                try:
                    with engine.connect() as t:
                        exists = t.execute(text("SELECT to_regclass('bench_logins')")).scalar() is not None
                finally:
                    engine.dispose()
            if not exists:
                c.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{template}"'))
    finally:
        admin.dispose()
    if not exists:
        db.migrate(template_url)
        started = time.perf_counter()
        logins = _demo(template_url, entries=RANK_ENTRIES, judges=max(50, RANK_ENTRIES // 10))
        print(f"\n(a demo of {RANK_ENTRIES:,} entries built in {time.perf_counter() - started:.0f} s, "
              f"kept as the database {template})")
        engine = db.make_engine(template_url)
        try:
            with engine.begin() as t:
                t.execute(text("CREATE TABLE bench_logins (slug text, role text, email text, password text)"))
                t.execute(text("INSERT INTO bench_logins VALUES (:slug, :role, :email, :password)"),
                          [dict(slug=logins.edition_slug, role=r, email=e, password=p) for r, e, p in logins.logins])
        finally:
            engine.dispose()
        _settle(template_url)
    engine = db.make_engine(template_url)
    try:
        with engine.connect() as t:
            rows = t.execute(text("SELECT slug, role, email, password FROM bench_logins")).all()
    finally:
        engine.dispose()
    logins = demo.DemoLogins(rows[0][0], [(r, e, p) for _s, r, e, p in rows])
    return template, logins


# The crowd of the 100-tab runs: BENCH_TABS tabs, half judges, 45 % entrants, 5 % organisers
# (one of them ranking); BENCH_WORKERS picks the process counts (default "2,1"). Searching
# for the tabs one process holds at the p95 two processes reach: BENCH_WORKERS=1 BENCH_TABS=60.
TABS = int(os.environ.get("BENCH_TABS", "100"))
WORKER_COUNTS = [int(n) for n in os.environ.get("BENCH_WORKERS", "2,1").split(",")]


def _tabs_run(template: str, logins, tmp_path, *, workers: int, tabs: int) -> load.Timings:
    """`tabs` tabs on `workers` processes in a fresh copy of the 10,000-entry contest: half
    judges, 45 % entrants, 5 % organisers (one of them ranking)."""
    _copy_database(template, PG)
    env = load.app_env(PG, tmp_path / f"data{workers}_{tabs}")
    organisers = max(1, round(tabs * 0.05))
    judges = round(tabs * 0.5)
    entrants = tabs - judges - organisers
    timings, _text = _scenario(
        f"{tabs} tabs, {workers} process(es){' behind nginx' if workers > 1 else ''}, PostgreSQL: {judges} judges, "
        f"{entrants} entrants, {organisers} organisers (1 ranking {RANK_ENTRIES:,} entries)", PG, env,
        workers=workers, judges=judges, entrants=entrants, organisers=organisers, logins=logins)
    return timings


@pytest.mark.skipif(not PG, reason="BENCH_DATABASE_URL names an empty PostgreSQL database")
@pytest.mark.parametrize("workers", WORKER_COUNTS)
def test_100_tabs_on_postgresql(workers, tmp_path, big_contest):
    template, logins = big_contest
    _tabs_run(template, logins, tmp_path, workers=workers, tabs=TABS)


@pytest.mark.skipif(not PG, reason="BENCH_DATABASE_URL names an empty PostgreSQL database")
def test_tabs_one_process_holds_at_the_p95_two_reach_with_100(tmp_path, big_contest):
    """Capacity at equal latency: the judges' and entrants' p95 two processes behind nginx
    reach with 100 tabs, then one process with fewer and fewer tabs (BENCH_SEARCH_TABS, from
    the most) until its p95 is no worse; reports 100 / that many."""
    template, logins = big_contest
    target = load.crowd_p95(_tabs_run(template, logins, tmp_path, workers=2, tabs=100))
    held = None
    for tabs in [int(n) for n in os.environ.get("BENCH_SEARCH_TABS", "70,64,58,52,46,40").split(",")]:
        p95 = load.crowd_p95(_tabs_run(template, logins, tmp_path, workers=1, tabs=tabs))
        print(f"one process, {tabs} tabs: p95 {p95 * 1000:.0f} ms against {target * 1000:.0f} ms with two")
        if p95 <= target:
            held = tabs
            break
    print(f"\ntwo processes hold 100 tabs at a judge and entrant p95 of {target * 1000:.0f} ms; one process "
          + (f"holds {held} at that p95: {100 / held:.2f} x" if held else "holds none of the tried counts"))


async def _sign_ins_at_once(url: str, people: dict, count: int, timings: load.Timings) -> float:
    """`count` browsers press Sign in at the same moment; seconds until the last is in."""
    accounts = (people["signing_in"] * (count // max(1, len(people["signing_in"])) + 1))[:count]
    browsers = [Browser(url) for _ in accounts]
    tabs = await asyncio.gather(*(b.open_tab() for b in browsers))
    started = time.perf_counter()

    async def sign_in(tab, email, password):
        timings.add("sign in (crowd)", await tab.sign_in(email, password))

    await asyncio.gather(*(sign_in(tab, email, password) for tab, (email, password) in zip(tabs, accounts)))
    took = time.perf_counter() - started
    for tab, browser in zip(tabs, browsers):
        await tab.close()
        await browser.close()
    return took


async def _wrong_passwords(url: str, email: str, per_second: float, seconds: float, timings: load.Timings) -> None:
    """Wrong passwords typed into the real sign-in form, `per_second` of them, from tabs of
    one browser (the attacker's)."""
    browser = Browser(url)
    tabs = [await browser.open_tab() for _ in range(8)]
    started, sent = time.perf_counter(), 0

    async def attempt(tab):
        took = await tab.submit({"Email": email, "Password": "not-the-password-123"}, "Sign in")
        timings.add("wrong password", took)

    pending = []
    while time.perf_counter() - started < seconds:
        pending.append(asyncio.ensure_future(attempt(tabs[sent % len(tabs)])))
        sent += 1
        await asyncio.sleep(1 / per_second)
        pending = [p for p in pending if not p.done()]
        while len(pending) >= len(tabs):  # a tab answers one attempt at a time
            await asyncio.sleep(0.01)
            pending = [p for p in pending if not p.done()]
    await asyncio.gather(*pending, return_exceptions=True)
    for tab in tabs:
        await tab.close()
    await browser.close()


def _judges_saving_while(url: str, people: dict, other, judges: int, timings: load.Timings, saves: list):
    async def run():
        stop = asyncio.Event()
        workers_ = [asyncio.ensure_future(load.judge(url, email, password, saves=1000, pause=1.0, timings=timings,
                                                     confirmed=saves, stop=stop))
                    for email, password in people["judge"][:judges]]
        await asyncio.sleep(10)  # the judges are at work
        result = await other()
        stop.set()
        for outcome in await asyncio.gather(*workers_, return_exceptions=True):
            if isinstance(outcome, BaseException):
                timings.failures.append(repr(outcome))
            else:
                await outcome.close()
                await outcome.browser.close()
        return result

    return asyncio.run(run())


def test_100_sign_ins_at_once_while_judges_save(sqlite_url, tmp_path):
    url = _fresh_pg(PG) if PG else sqlite_url
    if not PG:
        db.migrate(url)
    logins = _demo(url, entries=100, judges=15)
    people = _people(url, logins, entrants=0)
    people["signing_in"] = [(email, password) for role, email, password in logins.logins if role == "entrant"]
    server = load.Server(load.app_env(url, tmp_path / "data"), port=serving.free_ports(1)[0],
                         workers=2 if PG else 1)
    timings, crowd, saves = load.Timings(), load.Timings(), []
    try:
        server.wait_ready()
        cpu_before, _ = load.tree_usage(server.process.pid)
        took = _judges_saving_while(server.url, people, lambda: _sign_ins_at_once(server.url, people, 100, crowd),
                                    10, timings, saves)
        cpu_after, _ = load.tree_usage(server.process.pid)
    finally:
        server.stop()
    for kind, values in crowd.actions.items():
        timings.actions[kind] = values
    timings.failures += crowd.failures
    print("\n" + load.report(f"100 sign-ins at once while 10 judges save ({'PostgreSQL, 2 processes' if PG else 'SQLite'})",
                             timings, cpu_seconds=cpu_after - cpu_before, tabs=110, rss_per_tab=0))
    print(f"all 100 signed in after {took:.1f} s; failed saves {len(timings.failures)}")
    assert load.check_saves(url, saves) == []


def test_wrong_passwords_against_one_account_while_others_save(sqlite_url, tmp_path):
    db.migrate(sqlite_url)
    logins = _demo(sqlite_url, entries=60, judges=15)
    people = _people(sqlite_url, logins, entrants=0)
    server = load.Server(load.app_env(sqlite_url, tmp_path / "data"), port=serving.free_ports(1)[0])
    quiet, attacked, attack, saves = load.Timings(), load.Timings(), load.Timings(), []
    target = people["judge"][-1][0]
    try:
        server.wait_ready()

        async def nothing():
            await asyncio.sleep(SECONDS / 2)

        _judges_saving_while(server.url, people, nothing, 10, quiet, saves)
        _judges_saving_while(server.url, people, lambda: _wrong_passwords(server.url, target, 20, SECONDS / 2, attack),
                             10, attacked, saves)
    finally:
        server.stop()
    q = load.percentile(quiet.actions["save score"], 0.95)
    a = load.percentile(attacked.actions["save score"], 0.95)
    print("\n" + load.report("judges saving, no attack (SQLite)", quiet, cpu_seconds=0, tabs=10, rss_per_tab=0))
    print(load.report("judges saving, 20 wrong passwords/s against one account", attacked, cpu_seconds=0, tabs=18,
                      rss_per_tab=0))
    print(f"attempts {len(attack.actions['wrong password'])}; save p95 {q * 1000:.0f} ms quiet, "
          f"{a * 1000:.0f} ms under attack: +{(a - q) * 1000:.0f} ms")
    assert load.check_saves(sqlite_url, saves) == []
