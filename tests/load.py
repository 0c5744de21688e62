"""People using `contest serve` as browsers would (tests/streamlit_client.py), timing each
action, and the check afterwards that the database holds every save the pages confirmed,
once. Shared by the scale-out test and the load benchmark (tests/benchmarks/bench_load.py)."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from contest import db
from contest.models import AuditEvent, Criterion, CriterionScore, ScoreSheet, User
from tests.streamlit_client import Browser, PageError, Tab

SAVED = re.compile(r"Draft saved \(version (\d+)\)")
CONTEST = Path(sys.executable).parent / "contest"


@dataclass
class Timings:
    """Seconds per action kind, and what failed."""

    actions: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.actions[kind].append(seconds)

    def count(self) -> int:
        return sum(len(v) for v in self.actions.values())


class Gate:
    """Everyone signs in and opens their page first; the measured work starts together."""

    def __init__(self, people: int) -> None:
        self.people, self.ready = people, 0
        self.all_ready, self.go = asyncio.Event(), asyncio.Event()

    async def arrive(self) -> None:
        self.ready += 1
        if self.ready >= self.people:
            self.all_ready.set()
        await self.go.wait()

    def leave(self) -> None:  # someone who failed before arriving
        self.people -= 1
        if self.ready >= self.people:
            self.all_ready.set()


async def _arrive(gate: "Gate | None") -> None:
    if gate is not None:
        await gate.arrive()


@dataclass
class ConfirmedSave:
    """A draft save the page confirmed: whose, which sheet, which value, which version."""

    email: str
    round_id: int
    entry_id: int
    criterion: str  # the field's label as the page shows it
    value: float
    version: int


async def signed_in_tab(url: str, email: str, password: str, timings: Timings) -> tuple[Browser, Tab]:
    browser = Browser(url)
    tab = await browser.open_tab()
    timings.add("sign in", await tab.sign_in(email, password))
    return browser, tab


def score_fields(tab: Tab) -> list:
    """The open score sheet's criterion fields (not the document viewer's page number)."""
    return [w for w in tab.widgets("number_input") if not w.element.disabled and ", step " in w.label]


def shown_value(widget) -> float | None:
    """The value a number field shows (the stored draft the page put there, else its default)."""
    element = widget.element
    if element.set_value and element.HasField("value"):
        return element.value
    return element.default if element.HasField("default") else None


async def judge(url: str, email: str, password: str, *, saves: int, pause: float, timings: Timings,
                confirmed: list[ConfirmedSave], stop: asyncio.Event | None = None, gate: Gate | None = None) -> Tab:
    """A judge: signs in, opens the next entry to score, saves drafts (a value per field
    change, as the page saves on every change), reopens the entry now and then."""
    browser, tab = await signed_in_tab(url, email, password, timings)
    timings.add("open entry", await tab.goto("score"))
    fields = score_fields(tab)
    if not fields:
        raise PageError(f"{email} has no open sheet: {tab.texts()[:6]}")
    await _arrive(gate)
    rng = random.Random(email)
    last = {w.label: shown_value(w) for w in fields}  # what the sheet holds when first opened
    for n in range(saves):
        if stop is not None and stop.is_set():
            break
        await asyncio.sleep(pause * rng.uniform(0.5, 1.5))
        target = fields[n % len(fields)]
        top = int(re.search(r"0–(\d+)", target.label).group(1))
        value = rng.choice([v for v in range(top + 1) if v != last.get(target.label)])  # only a change saves
        last[target.label] = value
        took = await tab.set_number(target.label, value)
        shown = [m for text in tab.texts("alert") if (m := SAVED.search(text))]
        if not shown:
            timings.failures.append(f"{email}: no confirmation for a save: {tab.texts('alert')}")
            continue
        timings.add("save score", took)
        round_id, entry_id = (int(dict(p.split("=") for p in tab.query.split("&"))[k]) for k in ("round", "entry"))
        confirmed.append(ConfirmedSave(email, round_id, entry_id, target.label, float(value), int(shown[-1].group(1))))
        if n % 5 == 4:
            timings.add("open entry", await tab.goto("score", query=tab.query))
            fields = score_fields(tab) or fields
    return tab


def check_saves(url: str, confirmed: list[ConfirmedSave]) -> list[str]:
    """What the database lacks or holds twice, measured against the confirmed saves: each
    sheet's stored version is its last confirmed one, the last value is stored, each
    confirmed version was saved exactly once (one audit record), and no sheet exists twice."""
    problems: list[str] = []
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine, read_only=True) as s:
            by_sheet: dict[tuple, list[ConfirmedSave]] = defaultdict(list)
            for save in confirmed:
                by_sheet[(save.email, save.round_id, save.entry_id)].append(save)
            for (email, round_id, entry_id), saves in by_sheet.items():
                judge_id = s.exec(select(User.id).where(User.email == email)).one()
                sheets = s.exec(select(ScoreSheet).where(
                    ScoreSheet.judge_id == judge_id, ScoreSheet.round_id == round_id,
                    ScoreSheet.entry_id == entry_id)).all()
                last = max(saves, key=lambda x: x.version)
                sheet = next((sh for sh in sheets if sh.version == last.version), None)
                if sheet is None:
                    problems.append(f"{email} entry {entry_id}: version {last.version} confirmed, "
                                    f"stored {[sh.version for sh in sheets]}")
                    continue
                label = last.criterion.split(" (")[0]
                stored = s.exec(select(CriterionScore.value).join(
                    Criterion, Criterion.id == CriterionScore.criterion_id).where(
                    CriterionScore.score_sheet_id == sheet.id, Criterion.label == label)).first()
                if stored is None or float(stored) != last.value:
                    problems.append(f"{email} entry {entry_id} {label}: confirmed {last.value}, stored {stored}")
                audited = defaultdict(int)
                for details in s.exec(select(AuditEvent.details).where(
                        AuditEvent.action == "sheet.save", AuditEvent.object_type == "score_sheet",
                        AuditEvent.object_id == sheet.id)).all():
                    audited[int(details.get("version", -1))] += 1
                for save in saves:
                    if audited.get(save.version) != 1:
                        problems.append(f"{email} entry {entry_id}: version {save.version} saved "
                                        f"{audited.get(save.version, 0)} times")
            twice = s.exec(select(ScoreSheet.judge_id, ScoreSheet.round_id, ScoreSheet.entry_id,
                                  ScoreSheet.sheet_id, func.count()).group_by(
                ScoreSheet.judge_id, ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.sheet_id)
                .having(func.count() > 1)).all()
            problems += [f"sheet stored twice: {row}" for row in twice]
    finally:
        engine.dispose()
    return problems


class Server:
    """`contest serve` as a child in its own process group, stopped with all it started."""

    def __init__(self, env: dict[str, str], *, port: int, workers: int = 1) -> None:
        self.port = port
        self.workers = workers
        self.output: list[str] = []
        self.app_ports: list[int] = []
        args = [str(CONTEST), "serve", "--no-demo", "--port", str(port)]
        if workers > 1:
            args += ["--workers", str(workers)]
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            found = re.search(r"ports ([\d, ]+)\) behind nginx", line)
            if found:
                self.app_ports = [int(p) for p in found.group(1).split(", ")]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 240.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("contest serve stopped:\n" + "".join(self.output[-40:]))
            try:
                if httpx.get(self.url + "/_stcore/health", timeout=2).status_code == 200 and (
                        self.workers == 1 or self.app_ports):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("contest serve did not start:\n" + "".join(self.output[-40:]))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        try:  # anything left in the group (a worker process) goes too
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def app_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "CONTEST_"))}
    env.update(DATABASE_URL=database_url, CONTEST_DATA_DIR=str(data_dir), CONTEST_SECRET_KEY="load-test-key",
               **extra)
    return env


@dataclass
class ConfirmedEdit:
    """An entry summary the page confirmed saving."""

    entry_id: int
    summary: str


async def entrant(url: str, email: str, password: str, entry_id: int, *, edits: int, pause: float,
                  timings: Timings, confirmed: list[ConfirmedEdit], stop: asyncio.Event | None = None,
                  gate: Gate | None = None) -> Tab:
    """An entrant: signs in, opens a draft entry in the editor, edits its summary and saves."""
    browser, tab = await signed_in_tab(url, email, password, timings)
    timings.add("open editor", await tab.goto("entry", query=f"entry={entry_id}"))
    await _arrive(gate)
    rng = random.Random(email)
    for n in range(edits):
        if stop is not None and stop.is_set():
            break
        await asyncio.sleep(pause * rng.uniform(0.5, 1.5))
        summary = f"Summary revision {n + 1} by {email} ({rng.randint(0, 10**6)})"
        # A new draft has no title, category or track yet: the entrant fills them in too.
        took = await tab.submit({"Title": f"Portfolio of {email.split('@')[0]}", "Summary": summary},
                                "Save project", choices={"Category": 1, "Track": 1})
        if not tab.has_text("Project saved."):
            timings.failures.append(f"{email}: no confirmation for an edit: {tab.texts('alert')}")
            continue
        timings.add("save entry", took)
        confirmed.append(ConfirmedEdit(entry_id, summary))
    return tab


async def organiser(url: str, email: str, password: str, *, ranks: int, pause: float, timings: Timings,
                    stop: asyncio.Event | None = None, gate: Gate | None = None) -> Tab:
    """An organiser: opens Results and presses Rank (1,000 interval draws), again and again."""
    browser, tab = await signed_in_tab(url, email, password, timings)
    timings.add("open results", await tab.goto("results"))
    await _arrive(gate)
    for _ in range(ranks):
        if stop is not None and stop.is_set():
            break
        await asyncio.sleep(pause)
        took = await tab.click("Rank")
        if tab.has_text("Choose a round and a method"):
            timings.failures.append(f"{email}: the rank showed no result: {tab.texts('alert')}")
            continue
        timings.add("rank 1,000 draws", took)
    return tab


def check_edits(url: str, confirmed: list[ConfirmedEdit]) -> list[str]:
    """Each edited entry holds the last summary its page confirmed."""
    from contest.models import Entry

    last = {e.entry_id: e.summary for e in confirmed}
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine, read_only=True) as s:
            return [f"entry {entry_id}: confirmed {summary!r}, stored {stored!r}"
                    for entry_id, summary in last.items()
                    if (stored := s.get(Entry, entry_id).summary) != summary]
    finally:
        engine.dispose()


def tree_usage(pid: int) -> tuple[float, int]:
    """CPU seconds used by a process and everything under it (finished children included,
    as the kernel adds them to their parent), and the resident memory of what runs now."""
    import psutil

    cpu, rss = 0.0, 0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0, 0
    for process in processes:
        try:
            times = process.cpu_times()
            cpu += times.user + times.system + times.children_user + times.children_system
            rss += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return cpu, rss


def app_processes_cpu(pid: int) -> list[float]:
    """CPU seconds of each Streamlit app process under `contest serve` (their workers
    included), to see how evenly the balancer spread the tabs."""
    import psutil

    found = []
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    for process in children:
        try:
            if "streamlit" in " ".join(process.cmdline()):
                found.append(tree_usage(process.pid)[0])
        except psutil.NoSuchProcess:
            continue
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


CROWD_ACTIONS = ("open entry", "save score", "open editor", "save entry")  # what judges and entrants do


def crowd_p95(timings: Timings) -> float:
    """The p95 of every judge's and entrant's action taken together (the sign-in rush apart)."""
    return percentile([v for kind in CROWD_ACTIONS for v in timings.actions.get(kind, [])], 0.95)


def machine_speed(additions: int = 5_000_000) -> float:
    """Seconds this machine takes for a reference pure-Python loop (`additions` integer
    additions), the best of three: the same code measured on the same kind of machine has
    given results two to three times apart from one hour to the next, so each report says how
    fast the machine was when it ran."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for i in range(additions):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def report(title: str, timings: Timings, *, cpu_seconds: float, tabs: int, rss_per_tab: float,
           actions: int | None = None) -> str:
    """A plain-text table of the actions' p50/p95 and the server's CPU and memory."""
    load1 = os.getloadavg()[0]
    lines = [f"== {title} (load average {load1:.1f} at the end; the machine's reference loop "
             f"{machine_speed() * 1000:.0f} ms)",
             f"{'action':<20}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"]
    for kind, values in sorted(timings.actions.items()):
        lines.append(f"{kind:<20}{len(values):>6}{percentile(values, 0.5) * 1000:>10.0f}"
                     f"{percentile(values, 0.95) * 1000:>10.0f}{max(values) * 1000:>10.0f}")
    if any(timings.actions.get(kind) for kind in CROWD_ACTIONS):
        lines.append(f"{'judges and entrants':<20}{sum(len(timings.actions.get(k, [])) for k in CROWD_ACTIONS):>6}"
                     f"{'':>10}{crowd_p95(timings) * 1000:>10.0f}")
    actions = timings.count() if actions is None else actions
    lines.append(f"server CPU {cpu_seconds:.1f} s for {actions} actions: {cpu_seconds / max(actions, 1) * 1000:.0f} ms "
                 f"per action; memory {rss_per_tab / 2**20:.1f} MiB per tab ({tabs} tabs); "
                 f"failures {len(timings.failures)}")
    kinds: dict[str, str] = {}
    for failure in timings.failures:  # one example of each kind of failure
        kinds.setdefault(re.sub(r"\S+@\S+|\d+", "#", failure)[:80], failure)
    lines += [f"  failure: {failure[:300]}" for failure in list(kinds.values())[:8]]
    return "\n".join(lines)
