"""The Streamlit settings this product serves with, in one place.

Applied in code when the ASGI entry (contest/ui/asgi.py) is imported, so they hold whatever
the working directory, whichever `.streamlit/config.toml` is lying around and however the
server is started (`contest serve`, `streamlit run contest/ui/asgi.py` from anywhere, an
ASGI server importing `contest.ui.asgi:app`). They are applied again after every re-read of
Streamlit's configuration, so a config file edited later cannot undo them either.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import threading

from streamlit import config as st_config

from contest import config

SOURCE = "contest.ui.server_options"

FIXED: dict[str, object] = {
    # A full garbage collection after every script run costs 100-150 ms of CPU per rerun
    # with pandas, SciPy and SQLAlchemy loaded (one core saturated by 31 tabs); cyclic
    # garbage is still collected by Python's ordinary generational collector.
    "runner.postScriptGC": False,
    # Users never see a traceback, an exception type or an exception message.
    "client.showErrorDetails": "none",
    "client.toolbarMode": "minimal",
    "server.enableXsrfProtection": True,
    "server.headless": True,
    # No source watching in production: it costs CPU and a deploy restarts the server.
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "server.enableAgentApi": False,
    "browser.gatherUsageStats": False,
    # Uncaught errors go through logging (masked by contest/logs.py), not printed by rich.
    "logger.enableRich": False,
}

_applied = threading.Lock()
_connected = False


def cookie_secret(secret_key: str) -> str:
    """Streamlit's cookie secret derived from CONTEST_SECRET_KEY: the same on every app
    server of a deployment (they share the key), never the key itself."""
    return hmac.new(secret_key.encode(), b"streamlit server.cookieSecret", hashlib.sha256).hexdigest()


def options() -> dict[str, object]:
    """Every option this product sets, with the ones read from the contest's settings."""
    settings = config.settings()
    return {
        **FIXED,
        "server.maxUploadSize": settings.max_upload_mb,
        "server.cookieSecret": cookie_secret(settings.secret_key),
    }


def _set_all() -> None:
    for key, value in options().items():
        st_config.set_option(key, value, where_defined=SOURCE)


def apply() -> None:
    """Set the options now and after every later re-read of Streamlit's configuration."""
    global _connected
    with _applied:
        _set_all()
        if not _connected:
            st_config.on_config_parsed(_set_all, force_connect=True, lock=True)
            _connected = True


# Python's collector in an app process: a young collection after this many new container
# objects (Python's default is 700), each older generation after ten of the younger.
COLLECT_AFTER = 10_000


def settle_collector() -> None:
    """Once the app process has loaded its libraries: keep the collector off them, and run
    it less often. A full collection walked every object of pandas, SQLAlchemy, Streamlit
    and the rest (265,000 objects, 165 ms on the 2-core machine) besides the tabs' own; in a
    process serving fifty tabs, full collections of 250-850 ms stalled every tab about every
    ten seconds, and were most of the judges' and entrants' slowest moments. Frozen objects
    are never collected: only what was loaded before the app served anyone is frozen."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(COLLECT_AFTER, 10, 10)
