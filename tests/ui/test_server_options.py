"""The serving options hold however the app is started: from any working directory, with a
`.streamlit/config.toml` (project or user level) or STREAMLIT_* variables saying otherwise,
and after Streamlit re-reads its configuration. Checked in a fresh interpreter, as
`streamlit run contest/ui/asgi.py` loads its configuration and then imports the entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contest.ui import server_options

ASGI = Path(__file__).resolve().parents[2] / "contest" / "ui" / "asgi.py"

# Load the configuration the way `streamlit run` does (script path, config files, flags),
# import the ASGI entry, then re-read the configuration as Streamlit's config watcher does.
PROBE = """
import importlib.util, json, sys
from streamlit import config
from streamlit.web import bootstrap
config._main_script_path = sys.argv[1]
flags = {"runner_postScriptGC": True, "client_showErrorDetails": "full"}
bootstrap.load_config_options(flag_options=flags)
spec = importlib.util.spec_from_file_location("asgi", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
keys = sys.argv[2:]
seen = [{k: config.get_option(k) for k in keys}]
bootstrap.load_config_options(flag_options=flags)
seen.append({k: config.get_option(k) for k in keys})
import gc
seen.append({"frozen": gc.get_freeze_count(), "young": gc.get_threshold()[0]})
print(json.dumps(seen))
"""

HOSTILE_CONFIG = """
[runner]
postScriptGC = true
[client]
showErrorDetails = "full"
[server]
enableXsrfProtection = false
fileWatcherType = "auto"
maxUploadSize = 2000
"""

EXPECTED = {
    "runner.postScriptGC": False,
    "client.showErrorDetails": "none",
    "server.enableXsrfProtection": True,
    "server.fileWatcherType": "none",
    "server.maxUploadSize": 7,
}


@pytest.fixture(scope="module")
def effective_options(tmp_path_factory) -> list[dict]:
    """The options a server started from a hostile directory ends up with, right after
    start-up and after a configuration re-read."""
    home = tmp_path_factory.mktemp("home")
    for where in (home, home / "project"):
        (where / ".streamlit").mkdir(parents=True)
        (where / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "CONTEST_"))}
    env.update(HOME=str(home), CONTEST_DATA_DIR=str(home / "data"), CONTEST_MAX_UPLOAD_MB="7",
               STREAMLIT_RUNNER_POST_SCRIPT_GC="true", STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="full")
    out = subprocess.run([sys.executable, "-c", PROBE, str(ASGI), *EXPECTED], cwd=home / "project", env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_collector_leaves_the_loaded_libraries_alone_and_runs_less_often(effective_options):
    """In a process serving fifty tabs, Python's full collections walked every object of
    the libraries and stalled every tab for 250-850 ms about every ten seconds: the app
    process freezes what it loaded before serving anyone and collects young objects after
    10,000 new ones rather than 700."""
    collector = effective_options[2]
    assert collector["frozen"] > 100_000  # pandas, SQLAlchemy, Streamlit, the pages' libraries
    assert collector["young"] == server_options.COLLECT_AFTER > 700


@pytest.mark.parametrize("moment", [0, 1], ids=["at start-up", "after a configuration re-read"])
@pytest.mark.parametrize("option", list(EXPECTED))
def test_serving_option_holds_against_config_files_flags_and_environment(effective_options, moment, option):
    assert effective_options[moment][option] == EXPECTED[option]


def test_streamlit_cookie_secret_is_the_same_on_every_server_sharing_the_contest_key():
    from contest.ui import server_options

    first, second = server_options.cookie_secret("shared key"), server_options.cookie_secret("shared key")
    assert first == second != server_options.cookie_secret("another key")
    assert "shared key" not in first


# What Streamlit sets up from the command line alone, before asgi.py is imported: the
# watchers of its config and secrets files (bootstrap._install_config_watchers).
START_UP = """
import json, sys
from streamlit import config
from streamlit.web import bootstrap
from streamlit.watcher import path_watcher
args = sys.argv[2:]
flags = {args[i][2:].replace(".", "_"): args[i + 1] for i in range(0, len(args), 2)}
config._main_script_path = sys.argv[1]
bootstrap.load_config_options(flag_options=flags)
print(json.dumps(path_watcher.get_default_path_watcher_class().__name__))
"""


def test_the_server_watches_no_file_from_its_first_moment(tmp_path):
    """`contest serve` starts Streamlit with no file watcher: with the default, a thread polled
    the config and secrets files for the life of the server (seen in py-spy on the load
    benchmark), set up before asgi.py could switch it off."""
    from contest import serving

    command = serving.streamlit_command(8501, "127.0.0.1")
    assert command[1:3] == ["run", str(ASGI)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    out = subprocess.run([sys.executable, "-c", START_UP, *command[2:]], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == "NoOpPathWatcher"
