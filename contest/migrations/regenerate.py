"""Rebuild the single initial migration from the models (development only).

Used before the first release while the schema is still moving; once a release has
shipped, add a new revision with `alembic revision --autogenerate` instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from contest import db

VERSIONS = db.MIGRATIONS_DIR / "versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.db'}"
        cfg = db.alembic_config(url)
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001", head="base")
    made = sorted(VERSIONS.glob("0001_*.py"))
    print(f"wrote {made[0]}")


if __name__ == "__main__":
    main()
