"""`contest backup` / `contest restore`: everything, documents included, comes back in an
empty database of either kind; a non-empty database is refused and left untouched."""

from __future__ import annotations

import pytest
from sqlmodel import SQLModel, func, select

from contest import db
from contest.auth import SYSTEM
from contest.models import Document, DocumentBlob, Entry, User
from contest.services import InvalidInput, accounts, backup, storage


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in SQLModel.metadata.sorted_tables}


def test_a_backup_of_the_demo_restores_completely(demo_db, engine, tmp_path):
    source_url, logins = demo_db
    source = db.make_engine(source_url)
    out = tmp_path / "backup.zip"
    written = backup.backup(source, out)
    assert written["entry"] == 24 and written["document_blob"] > 0

    restored = backup.restore(engine, out)  # the test database: SQLite, or PostgreSQL in CI
    assert restored == written
    assert counts(engine) == counts(source)
    with db.session_scope(source) as a, db.session_scope(engine) as b:
        doc = a.exec(select(Document)).first()
        assert storage.document_bytes(session=b, document=b.get(Document, doc.id)) == storage.document_bytes(
            session=a, document=doc)
        assert b.get(Entry, doc.entry_id).code == a.get(Entry, doc.entry_id).code
        # Signing in works on the restored copy, and new rows get fresh ids.
        email, password = next((e, p) for r, e, p in logins.logins if r == "organiser")
        accounts.sign_in(session=b, email=email, password=password)
        new = accounts.create_user(actor=SYSTEM, session=b, email="new@example.org", name="New", roles=["judge"], password="a long new secret")
        assert new.id > max(u.id for u in a.exec(select(User)).all())
    source.dispose()


def test_restore_refuses_a_database_that_is_not_empty(demo_db, engine, session, edition, tmp_path):
    source = db.make_engine(demo_db[0])
    out = tmp_path / "backup.zip"
    backup.backup(source, out)
    before = counts(engine)
    with pytest.raises(InvalidInput, match="not empty"):
        backup.restore(engine, out)
    assert counts(engine) == before
    source.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(engine, tmp_path):
    bogus = tmp_path / "notes.zip"
    bogus.write_bytes(b"hello")
    with pytest.raises(InvalidInput, match="is not a contest backup") as refused:
        backup.restore(engine, bogus)
    assert refused.value.render("zh-Hans") == f"{bogus} 不是比赛备份（没有可读的清单）。"
    assert counts(engine)["document_blob"] == 0 and DocumentBlob.__tablename__ == "document_blob"
