"""Backup and restore: a consistent copy of every record, documents included, that
restores into an empty database of either kind (SQLite or PostgreSQL)."""

from __future__ import annotations

import base64
import json
import os
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import Date, DateTime, LargeBinary, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, StatementError
from sqlmodel import SQLModel

import contest.models  # noqa: F401  (registers the tables)
from contest import db, i18n
from contest.dbtypes import UTCDateTime, utcnow
from contest.services import InvalidInput, is_text_column, text_refusal

FORMAT = "contest-backup/1"
BATCH = 2000


def _encode(column, value):
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decode(column, value):
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column.type, (UTCDateTime, DateTime)):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _row_name(table, row: dict) -> str:
    """A row as a person finds it again: its primary key (id=12, or user_id=3, role=judge)."""
    keys = [c.name for c in table.primary_key.columns]
    if len(keys) == 1:
        return str(row.get(keys[0]))
    return ", ".join(f"{k}={row.get(k)}" for k in keys)


def _check_row(table, row: dict) -> None:
    """The text rules every save follows (contest.texts), so a backup taken on one database
    restores into either or is refused naming the table, row and column."""
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(value, str) and value and is_text_column(column):
            refusal = text_refusal(column, value)
            if refusal is not None:
                raise InvalidInput("backup.bad_value", table=table.name, row=_row_name(table, row),
                                   column=column.name, problem=refusal)


def _insert(conn, table, batch: list[dict]) -> None:
    """Insert a batch; when the database refuses it, find the row it refused and name it."""
    try:
        with conn.begin_nested():
            conn.execute(insert(table), batch)
        return
    except (DBAPIError, StatementError):
        pass
    for row in batch:
        try:
            with conn.begin_nested():
                conn.execute(insert(table), [row])
        except (DBAPIError, StatementError) as refused:
            reason = str(getattr(refused, "orig", None) or refused).strip().splitlines()[0][:300]
            raise InvalidInput("backup.row_refused", table=table.name, row=_row_name(table, row),
                               reason=reason) from None


def backup(engine: Engine, out: Path, *, progress: Callable[[float, str], None] | None = None) -> dict[str, int]:
    """Write every table to a zip of JSON lines, read in one snapshot transaction."""
    tables = SQLModel.metadata.sorted_tables
    counts: dict[str, int] = {}
    reader = engine.execution_options(read_only=True)
    # Readable by its owner only: a backup holds every entry, score and password hash.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with reader.connect() as conn, os.fdopen(fd, "wb") as raw, \
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        # Every read below sees the snapshot taken by this first one (WAL on SQLite).
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        for i, table in enumerate(tables):
            n = 0
            with zf.open(f"{table.name}.jsonl", "w") as fh:
                result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
                    select(table).order_by(*table.primary_key.columns))
                for row in result:
                    record = {c.name: _encode(c, row._mapping[c.name]) for c in table.columns}
                    fh.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
                    n += 1
            counts[table.name] = n
            if progress:
                progress((i + 1) / len(tables), table.name)
        manifest = {"format": FORMAT, "revision": revision, "created_at": utcnow().isoformat(), "counts": counts}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


def restore(engine: Engine, source: Path, *, progress: Callable[[float, str], None] | None = None) -> dict[str, int]:
    """Load a backup into an empty, migrated database in one transaction (all or nothing)."""
    try:
        zf = zipfile.ZipFile(source)
        manifest = json.loads(zf.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        raise InvalidInput("backup.not_a_backup", source=str(source)) from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput("backup.wrong_format", source=str(source), found=repr(manifest.get("format")),
                           expected=FORMAT)
    head = db.head_revision()
    if manifest.get("revision") != head:
        raise InvalidInput("backup.wrong_revision", found=str(manifest.get("revision")), expected=head)
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as conn:
        for table in tables:
            if conn.execute(select(func.count()).select_from(table)).scalar():
                raise InvalidInput("backup.database_not_empty", table=table.name)
        for i, table in enumerate(tables):
            batch = []
            with zf.open(f"{table.name}.jsonl") as fh:
                for line in fh:
                    record = json.loads(line)
                    row = {c.name: _decode(c, record.get(c.name)) for c in table.columns}
                    _check_row(table, row)
                    batch.append(row)
                    if len(batch) >= BATCH:
                        _insert(conn, table, batch)
                        batch = []
            if batch:
                _insert(conn, table, batch)
            if progress:
                progress((i + 1) / len(tables), table.name)
        if conn.dialect.name == "postgresql":
            for table in tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX(\"{pk[0].name}\") FROM \"{table.name}\"), 0) + 1, false)"
                    ))
    return manifest["counts"]
