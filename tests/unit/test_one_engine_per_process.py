"""Tabs opening at once share one engine (and one connection pool): built once, under a lock.
Without it a hundred tabs after a start each built an engine of their own and ran PostgreSQL
out of connections ("too many clients")."""

from __future__ import annotations

import threading
import time

from contest import db


def test_tabs_opening_at_once_get_one_engine_built_once(monkeypatch):
    built: list[object] = []

    def slow_engine(url):
        time.sleep(0.05)  # long enough for every thread to ask before the first is done
        built.append(object())
        return built[-1]

    monkeypatch.setattr(db, "_new_engine", slow_engine)
    db.engine_for.cache_clear()
    got: list[object] = []
    start = threading.Barrier(20)

    def tab():
        start.wait()
        got.append(db.engine_for("postgresql+psycopg://app@db/contest"))

    threads = [threading.Thread(target=tab) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.engine_for.cache_clear()
    assert len(built) == 1
    assert all(engine is built[0] for engine in got)
