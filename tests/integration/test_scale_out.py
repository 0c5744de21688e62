"""`contest serve --workers 2`: two app processes behind nginx on one PostgreSQL database.
Judges in their own browsers sign in and save drafts over Streamlit's websocket through
nginx (sticky sessions spread them over both processes); a browser's sign-in works on the
other process too; afterwards the database holds every confirmed save exactly once. On
SQLite the command refuses several processes and says why."""

from __future__ import annotations

import asyncio
import subprocess

import psutil
import pytest

from contest import db, serving
from contest.services import demo
from tests import load
from tests.conftest import PG_URL
from tests.streamlit_client import Browser, run_sync

pytestmark = pytest.mark.integration

JUDGES = 10
SAVES = 4


def established(port: int) -> int:
    return sum(1 for c in psutil.net_connections(kind="tcp")
               if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port)


@pytest.mark.skipif(not PG_URL, reason="several app processes share a PostgreSQL database (TEST_DATABASE_URL)")
def test_two_processes_behind_nginx_keep_every_save_once_and_sign_ins_work_on_either(db_url, tmp_path):
    engine = db.make_engine(db_url)
    with db.session_scope(engine) as s:
        logins = demo.build_demo(session=s, entries=30, judges=JUDGES, seed=4, scored_share=0.2)
    engine.dispose()
    judges = [(email, password) for role, email, password in logins.logins if role == "judge"][:JUDGES]
    server = load.Server(load.app_env(db_url, tmp_path / "data"), port=serving.free_ports(1)[0], workers=2)
    timings, confirmed = load.Timings(), []
    try:
        server.wait_ready()
        assert len(server.app_ports) == 2

        async def crowd():
            tabs = await asyncio.gather(*(
                load.judge(server.url, email, password, saves=SAVES, pause=0.2, timings=timings,
                           confirmed=confirmed) for email, password in judges))
            serving_each = [established(port) for port in server.app_ports]  # the tabs' websockets
            nodes = sorted(tab.browser.cookie("contest_node") for tab in tabs)  # set by nginx
            # One judge's browser signed in through nginx; its cookie signs it in on each process.
            signed = tabs[0].browser
            others = []
            for port in server.app_ports:
                direct = Browser(f"http://127.0.0.1:{port}")
                direct.http.cookies.set("contest_session", signed.cookie("contest_session"), domain="127.0.0.1")
                tab = await direct.open_tab("score")
                others.append(load.score_fields(tab))
                await tab.close()
                await direct.close()
            for tab in tabs:
                await tab.close()
                await tab.browser.close()
            return serving_each, others, nodes

        serving_each, others, nodes = run_sync(crowd())
    finally:
        server.stop()
    assert not timings.failures, timings.failures
    assert len(confirmed) == JUDGES * SAVES
    # Each browser's first page went to the next process in turn, and the browser stayed there:
    # the tabs split evenly (hashing random cookies split them by chance, up to 58/42 for 100)
    assert sorted(serving_each) == [JUDGES // 2, JUDGES - JUDGES // 2], serving_each
    assert nodes == ["0"] * (JUDGES // 2) + ["1"] * (JUDGES - JUDGES // 2), nodes
    assert all(fields for fields in others), "the session cookie did not sign in on every process"
    assert load.check_saves(db_url, confirmed) == []


def test_several_processes_on_sqlite_are_refused_with_the_reason(tmp_path):
    env = load.app_env(f"sqlite:///{tmp_path / 'contest.db'}", tmp_path / "data")
    out = subprocess.run([str(load.CONTEST), "serve", "--workers", "2", "--no-demo"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "--workers 2 needs PostgreSQL" in out.stderr
    assert not (tmp_path / "contest.db").exists()  # refused before touching anything


def test_nginx_config_for_app_servers_on_other_machines_is_sticky_and_upgrades_websockets(tmp_path):
    env = load.app_env(f"sqlite:///{tmp_path / 'contest.db'}", tmp_path / "data")
    out = subprocess.run([str(load.CONTEST), "nginx-config", "--server", "10.0.0.5:8501", "--server",
                          "10.0.0.6:8501", "--listen", "8080"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    config = out.stdout
    assert "server 10.0.0.5:8501" in config and "server 10.0.0.6:8501" in config
    # a browser's first page to the next server in turn, then the one its contest_node cookie names
    assert "upstream contest_new {" in config and "map $cookie_contest_node $contest_pool" in config
    assert "upstream contest_node_1 {\n    server 10.0.0.6:8501 max_fails=0;\n}" in config
    assert "add_header Set-Cookie $contest_set_node;" in config
    assert 'https   "; Secure";' in config and "HttpOnly; SameSite=Lax$contest_secure" in config
    assert "hash $cookie_contest_browser consistent;" in config  # a browser without the node cookie
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    # nginx itself accepts it (inside a minimal http block)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"events {{}}\nhttp {{\n{config}\n}}\n")
    check = subprocess.run([serving.NGINX, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr


def test_a_judges_draft_save_redraws_only_the_score_sheet(demo_db, tmp_path):
    """The score sheet is a fragment: a save on every field change reruns the sheet alone,
    not the page with its portfolio, document viewer and assignment list."""
    url, logins = demo_db
    email, password = next((e, p) for role, e, p in logins.logins if role == "judge")
    server = load.Server(load.app_env(url, tmp_path / "data"), port=serving.free_ports(1)[0])
    confirmed: list = []
    try:
        server.wait_ready()

        async def save_twice():
            tab = await load.judge(server.url, email, password, saves=2, pause=0.0, timings=load.Timings(),
                                   confirmed=confirmed)
            drawn = tab.drawn
            await tab.close()
            await tab.browser.close()
            return drawn

        drawn = run_sync(save_twice())
    finally:
        server.stop()
    assert len(confirmed) == 2
    assert drawn and all(fragment for _path, fragment, _kind in drawn), drawn
    assert not {"image", "dataframe"} & {kind for _path, _fragment, kind in drawn}

