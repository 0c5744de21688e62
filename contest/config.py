"""Settings read once from the environment (INTERFACES.md, Configuration)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    secret_key: str
    max_upload_mb: int
    smtp_url: str | None
    session_idle_minutes: int
    session_max_days: int = 30
    # A document may have at most this many pages and expand to at most this much when opened.
    max_pdf_pages: int = 500
    max_pdf_expanded_mb: int = 512
    # The address users open (https://contest.example.org): the session cookie is Secure when
    # it is HTTPS, cookie hand-overs must come from its origin, invitation links start with it.
    public_url: str | None = None
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    worker_slots: int = 1  # heavy calculations running at once per app process (contest.workers)
    # Most PostgreSQL connections one app process opens; a page waits for a free one rather
    # than failing. Keep processes x this below PostgreSQL's max_connections (100 by default).
    db_connections: int = 15

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def pdf_limits(self):
        """The limits every uploaded PDF is checked against (contest.documents)."""
        from contest import documents  # pypdf loads only where documents are handled

        return documents.PdfLimits(max_bytes=self.max_upload_bytes, max_pages=self.max_pdf_pages,
                                   max_inflated_bytes=self.max_pdf_expanded_mb * 1024 * 1024)


def _secret_key(data_dir: Path, env) -> str:
    """CONTEST_SECRET_KEY, else one generated into the data dir on first run."""
    key = env.get("CONTEST_SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with owner-only permissions: the key signs invitation links.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("CONTEST_DATA_DIR", "data")).expanduser()
    url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'contest.db'}"
    return Settings(
        database_url=url,
        data_dir=data_dir,
        secret_key=_secret_key(data_dir, env),
        max_upload_mb=int(env.get("CONTEST_MAX_UPLOAD_MB", "50")),
        smtp_url=env.get("CONTEST_SMTP_URL") or None,
        session_idle_minutes=int(env.get("CONTEST_SESSION_IDLE_MINUTES", "120")),
        session_max_days=int(env.get("CONTEST_SESSION_MAX_DAYS", "30")),
        max_pdf_pages=int(env.get("CONTEST_MAX_PDF_PAGES", "500")),
        max_pdf_expanded_mb=int(env.get("CONTEST_MAX_PDF_EXPANDED_MB", "512")),
        public_url=(env.get("CONTEST_PUBLIC_URL") or "").strip().rstrip("/") or None,
        trusted_proxies=tuple(p.strip() for p in env.get("CONTEST_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
                              if p.strip()),
        worker_slots=max(1, int(env.get("CONTEST_WORKER_SLOTS") or os.cpu_count() or 1)),
        db_connections=max(2, int(env.get("CONTEST_DB_CONNECTIONS") or 15)),
    )


def hashing_slots(environ: dict[str, str] | None = None) -> int:
    """CONTEST_HASHING_SLOTS: password hashes one app process computes at once (contest.auth);
    by default one fewer than the cores the process may run on (at least one), so a burst of
    password checks (a crowd signing in, an attacker's wrong passwords) leaves a core to the
    people at work: with a check on each of two cores, the judges' saves waited behind them.
    Read apart from the settings, which create the secret key: hashing happens in commands
    that need no data directory."""
    env = os.environ if environ is None else environ
    configured = (env.get("CONTEST_HASHING_SLOTS") or "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


def pdf_font(environ: dict[str, str] | None = None) -> str | None:
    """CONTEST_PDF_FONT: a TrueType font file (.ttf or .ttc) with Chinese characters for the
    PDFs the product writes (feedback reports, contest.feedbackpdf); None to look for one
    in the usual places."""
    env = os.environ if environ is None else environ
    return (env.get("CONTEST_PDF_FONT") or "").strip() or None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, read once at the edge."""
    return load_settings()
