"""Every service names its actor (issue 11, item 8): None never means "skip the checks".

The command line and the demo builder act as Actor.system(); a page passes the signed-in
person. Each service that once let None through refuses None, a judge and (where the
service is the organiser's) an entrant, and accepts the organiser and the system actor.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlmodel import select

from contest import db
from contest.auth import SYSTEM, Actor
from contest.models import Edition, Role, User
from contest.services import PermissionDenied, accounts, editions, exports, imports, results
from tests.unit.test_excel_reader import workbook

pytestmark = [pytest.mark.integration, pytest.mark.sqlite_only]  # copies the demo file

SERVICES = Path(__file__).resolve().parents[2] / "contest" / "services"


@pytest.fixture
def demo(demo_db):
    url, _logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        yield session
    engine.dispose()


def person(session, role: str) -> Actor:
    user = session.exec(select(User).where(User.email == f"{role}@demo.example.org")).first() \
        or session.exec(select(User).where(User.email.like(f"{role}%@demo.example.org"))).first()
    return accounts.actor_for(session, user)


def _edition_id(session) -> int:
    return session.exec(select(Edition.id)).first()


JUDGES_WORKBOOK = workbook(judges=[["email", "name", "organisation", "region", "expertise",
                                    "max_load"],
                                   ["new.judge@uni.hk", "New Judge", "HKU", "hong_kong", None,
                                    None]])


def calls(session):
    """Each service once unchecked for None, as a function of the actor."""
    edition_id = _edition_id(session)
    yield "editions.create_edition", lambda actor: editions.create_edition(
        session=session, actor=actor, name="Another edition")
    yield "exports.results_workbook", lambda actor: exports.results_workbook(
        session=session, actor=actor, edition_id=edition_id, round_key="preliminary",
        method="mean")
    yield "exports.results_book", lambda actor: exports.results_book(
        session=session, actor=actor, edition_id=edition_id, round_key="preliminary",
        method="mean")
    yield "results.results_for_export", lambda actor: results.results_for_export(
        session, editions.find_round(session=session, edition_id=edition_id,
                                     key="preliminary").id, "mean", actor=actor, draws=0)
    yield "imports.import_workbook", lambda actor: imports.import_workbook(
        session=session, actor=actor, edition_id=edition_id, kind="judges",
        data=JUDGES_WORKBOOK, dry_run=True)
    yield "accounts.create_user", lambda actor: accounts.create_user(
        session=session, actor=actor, email="made.by.office@example.org",
        name="Made", roles=[Role.observer], commit=False)
    yield "accounts.add_roles", lambda actor: accounts.add_roles(
        session=session, actor=actor, user=session.exec(select(User).where(
            User.email.like("entrant%"))).first(), roles=[Role.observer])


SERVICE_NAMES = [
    "editions.create_edition", "exports.results_workbook", "exports.results_book",
    "results.results_for_export", "imports.import_workbook", "accounts.create_user",
    "accounts.add_roles"]


def _call(session, name):
    return dict(calls(session))[name]


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_no_actor_a_judge_and_an_entrant_are_refused(demo, name):
    service = _call(demo, name)
    for actor in (None, person(demo, "judge"), person(demo, "entrant")):
        with pytest.raises(PermissionDenied):
            service(actor)
        demo.rollback()


@pytest.mark.parametrize("name", SERVICE_NAMES)
@pytest.mark.parametrize("who", ["organiser", "system"])
def test_the_organiser_and_the_system_actor_are_served(demo, name, who):
    actor = SYSTEM if who == "system" else person(demo, "organiser")
    assert Actor.system() is SYSTEM and SYSTEM.is_system
    _call(demo, name)(actor)  # no PermissionDenied: the service did its work
    demo.rollback()


def test_a_template_is_for_organisers_and_entrants_only(demo):
    edition_id = _edition_id(demo)
    for actor in (None, person(demo, "judge"), person(demo, "observer")):
        with pytest.raises(PermissionDenied):
            exports.template(session=demo, actor=actor, edition_id=edition_id, kind="judges")
    for actor in (SYSTEM, person(demo, "organiser"), person(demo, "entrant")):
        assert exports.template(session=demo, actor=actor, edition_id=edition_id,
                                kind="judges")[:2] == b"PK"


def test_an_actor_made_up_with_no_roles_is_refused_like_none(demo):
    nobody = Actor(user_id=None, email="system", name="impostor", roles=frozenset())
    assert not nobody.is_system
    with pytest.raises(PermissionDenied):
        editions.create_edition(session=demo, actor=nobody, name="Sneaky")


def test_no_public_service_takes_an_optional_actor():
    """A signature with `actor: Actor | None` is how "None skips the checks" crept in; the
    only ones left are the audit record (who: nobody signed in yet) and a page's question
    whether a visitor must first accept the confidentiality undertaking."""
    allowed = {("__init__.py", "audit"), ("__init__.py", "require_role"),
               ("judges.py", "needs_confidentiality_ack")}
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                for arg in node.args.args + node.args.kwonlyargs:
                    if arg.arg == "actor" and arg.annotation is not None and \
                            "None" in ast.unparse(arg.annotation):
                        found.append((path.name, node.name))
    assert sorted(set(found) - allowed) == []
