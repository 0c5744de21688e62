"""`contest screen`, `contest advance`, `contest award` and `contest publish`: the same
services as the Screening and Decisions pages (same rules, messages and audit), each with
--dry-run that says what it would do and changes nothing; entries short of ratings need
an explicit choice on the command line too."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from contest import cli, db
from contest.models import AuditEvent, Decision, Entry, Publication, Round
from tests.integration.test_decisions import sheets_of, unsubmit
from tests.integration.test_results import _scored_template, preliminary  # noqa: F401  (fixture)

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def scored_db(tmp_path, _scored_template, app_env):  # noqa: F811
    path = tmp_path / "scored.db"
    shutil.copy(_scored_template, path)
    url = f"sqlite:///{path}"
    app_env(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        _reader[:] = [session]
        yield session
    _reader.clear()
    engine.dispose()


_reader = []  # the test's own session: its read ends before each command writes


def contest(*args):
    for session in _reader:
        session.rollback()
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def decisions_of(session, kind="advancement"):
    session.expire_all()
    return session.exec(select(Decision).where(Decision.kind == kind,
                                               Decision.active == True)).all()  # noqa: E712


def events(session, action):
    session.expire_all()
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def round_entries(session, rnd):
    return session.exec(select(Entry).where(Entry.current_round_id == rnd.id).order_by(Entry.code)).all()


def test_advance_dry_run_shows_the_decision_and_stores_nothing(scored_db):
    rnd = preliminary(scored_db)
    entries = round_entries(scored_db, rnd)
    rnd.advancement_value = 4
    scored_db.add(rnd)
    scored_db.commit()
    result = contest("advance", "--round", "preliminary", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "entries advance to Semi-final" in result.stdout
    assert "Dry run: nothing was changed." in result.stdout
    assert sum(entry.code in result.stdout for entry in entries) == len(entries)  # every entry listed
    assert decisions_of(scored_db) == [] and events(scored_db, "results.advance") == []

    result = contest("advance", "--round", "preliminary")
    assert result.exit_code == 0, result.output
    decided = decisions_of(scored_db)
    assert len(decided) == len(entries)
    assert sum(d.outcome == "advanced" for d in decided) == 8  # top 4 in each of the two groups
    assert "8 entries advance to Semi-final" in result.stdout
    [event] = events(scored_db, "results.advance")
    assert event.details["advanced"] == 8 and event.actor_id is None


def test_entries_short_of_ratings_need_an_explicit_choice_on_the_command_line(scored_db):
    rnd = preliminary(scored_db)
    entries = round_entries(scored_db, rnd)
    unscored, single = entries[0], entries[1]
    unsubmit(scored_db, sheets_of(scored_db, rnd, unscored.id))
    unsubmit(scored_db, sheets_of(scored_db, rnd, single.id)[1:])

    refused = contest("advance", "--round", "preliminary")
    assert refused.exit_code == 1
    assert f"{unscored.code}: 0 of 3 ratings" in refused.stdout
    assert f"{single.code}: 1 of 3 ratings" in refused.stdout
    assert "--unscored wait" in refused.stderr and "fewer than 3 ratings" in refused.stderr
    assert decisions_of(scored_db) == []

    waiting = contest("advance", "--round", "preliminary", "--unscored", "wait")
    assert waiting.exit_code == 0, waiting.output
    assert "Nothing decided: the round waits for the scores of 2 entries." in waiting.stdout
    assert decisions_of(scored_db) == []

    no_reason = contest("advance", "--round", "preliminary", "--unscored", "decide")
    assert no_reason.exit_code == 1 and "needs --reason" in no_reason.stderr

    reason = "Scoring closed on 30 June; the office decides on what was scored"
    dry = contest("advance", "--round", "preliminary", "--unscored", "decide", "--reason", reason,
                  "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert decisions_of(scored_db) == []
    done = contest("advance", "--round", "preliminary", "--unscored", "decide", "--reason", reason,
                   "--override", f"{entries[2].code}=not-advance:Withdrew its core patent")
    assert done.exit_code == 0, done.output
    outcome = {d.entry_id: (d.outcome, d.reason, d.override) for d in decisions_of(scored_db)}
    assert len(outcome) == len(entries)  # every eligible entry decided, none silently
    assert outcome[unscored.id] == ("not_advanced", reason, True)  # no rating: does not advance
    assert outcome[single.id][1] == reason and not outcome[single.id][2]  # decided as ranked
    assert outcome[entries[2].id][:2] == ("not_advanced", "Withdrew its core patent")
    [event] = events(scored_db, "results.advance")
    short = event.details["short_of_ratings"]
    assert short[unscored.code] == {"ratings": 0, "outcome": "not_advanced", "reason": reason,
                                    "choice": "override"}
    assert short[single.code]["choice"] == "as_ranked" and short[single.code]["reason"] == reason


def test_assign_more_from_the_command_line_brings_short_entries_up_to_their_judges(scored_db):
    rnd = preliminary(scored_db)
    entry = round_entries(scored_db, rnd)[0]
    sheets = sheets_of(scored_db, rnd, entry.id)
    unsubmit(scored_db, sheets)
    for sheet in sheets[1:]:  # two judges are taken off the entry
        from contest.models import Assignment
        row = scored_db.exec(select(Assignment).where(Assignment.round_id == rnd.id,
                                                      Assignment.entry_id == entry.id,
                                                      Assignment.judge_id == sheet.judge_id)).one()
        row.status = "withdrawn"
        scored_db.add(row)
    scored_db.commit()
    result = contest("advance", "--round", "preliminary", "--unscored", "assign-more")
    assert result.exit_code == 0, result.output
    assert "2 judges assigned." in result.stdout
    assert decisions_of(scored_db) == []


def test_publish_moves_the_advancing_entries_and_a_dry_run_moves_none(scored_db):
    rnd = preliminary(scored_db)
    rnd.advancement_value = 2
    scored_db.add(rnd)
    scored_db.commit()
    assert contest("advance", "--round", "preliminary").exit_code == 0
    dry = contest("publish", "--round", "preliminary", "--kind", "advancement", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "version 1 of the list with 4 entries" in dry.stdout and "4 entries move into" in dry.stdout
    scored_db.expire_all()
    assert scored_db.exec(select(Publication)).all() == []
    semifinal = scored_db.exec(select(Round).where(Round.key == "semifinal")).one()
    assert round_entries(scored_db, semifinal) == []

    done = contest("publish", "--round", "preliminary", "--kind", "advancement")
    assert done.exit_code == 0, done.output
    [published] = scored_db.exec(select(Publication)).all()
    assert published.version == 1 and len(published.payload) == 4
    assert {row["entry_code"] for row in published.payload} == \
        {e.code for e in round_entries(scored_db, semifinal)}
    again = contest("publish", "--round", "preliminary", "--kind", "advancement")
    assert again.exit_code == 1 and "Nothing changed since version 1" in again.stderr


def test_awards_are_refused_in_a_round_without_tiers_with_the_pages_message(scored_db):
    result = contest("award", "--round", "preliminary", "--dry-run")
    assert result.exit_code == 1
    assert "has no award tiers" in result.stderr


def test_screening_from_the_command_line(scored_db):
    rnd = preliminary(scored_db)
    fresh = round_entries(scored_db, rnd)[:3]
    for entry in fresh:  # back to awaiting the check
        entry.status, entry.current_round_id = "submitted", None
        scored_db.add(entry)
    scored_db.commit()
    awaiting = scored_db.exec(select(Entry).where(Entry.status == "submitted")).all()
    before = len(events(scored_db, "entry.eligibility"))
    queue = contest("screen")
    assert queue.exit_code == 0, queue.output
    assert all(entry.code in queue.stdout for entry in fresh)
    assert f"{len(awaiting)} awaiting the check" in queue.stdout

    unknown = contest("screen", "--eligible", "GBA26-9999")
    assert unknown.exit_code == 1 and "no entry GBA26-9999" in unknown.stderr

    no_reason = contest("screen", "--not-eligible", fresh[0].code)
    assert no_reason.exit_code == 1 and "reason" in no_reason.stderr

    dry = contest("screen", "--all", "--not-eligible", fresh[0].code, "--reason",
                  "The core patent lapsed in 2023", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"Would mark {len(awaiting) - 1} entries eligible" in dry.stdout
    assert "Would mark 1 entries not eligible" in dry.stdout
    scored_db.expire_all()
    assert {scored_db.get(Entry, e.id).status for e in fresh} == {"submitted"}
    assert len(events(scored_db, "entry.eligibility")) == before

    done = contest("screen", "--all", "--not-eligible", fresh[0].code.lower(), "--reason",
                   "The core patent lapsed in 2023")
    assert done.exit_code == 0, done.output
    scored_db.expire_all()
    status = {e.code: (scored_db.get(Entry, e.id).status, scored_db.get(Entry, e.id).eligibility_reason)
              for e in fresh}
    assert status[fresh[0].code] == ("ineligible", "The core patent lapsed in 2023")
    assert {status[e.code][0] for e in fresh[1:]} == {"eligible"}
    assert len(events(scored_db, "entry.eligibility")) == before + len(awaiting)
    assert contest("screen", "--all").stdout.strip() == "No entry awaits the eligibility check."


def test_the_scores_template_per_judge_is_one_workbook_per_judge(scored_db, tmp_path):
    import openpyxl

    from contest.models import Assignment

    judges = set(scored_db.exec(select(Assignment.judge_id).where(
        Assignment.status == "active", Assignment.round_id == preliminary(scored_db).id)).all())
    result = contest("template", "scores", "--round", "preliminary", "--per-judge", "--out", tmp_path / "paper")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "paper").glob("scores-preliminary-*.xlsx"))
    assert len(files) == len(judges) and f"({len(judges)} files)" in result.stdout
    for path in files:
        rows = list(openpyxl.load_workbook(path)["scores"].iter_rows(min_row=2, values_only=True))
        assert {row[3] for row in rows} == {path.stem.removeprefix("scores-preliminary-")}

    wrong = contest("template", "entries", "--round", "preliminary", "--out", tmp_path / "e.xlsx")
    assert wrong.exit_code == 1 and "for the scores template only" in wrong.stderr
    alone = contest("template", "scores", "--per-judge", "--out", tmp_path / "paper")
    assert alone.exit_code == 1 and "--per-judge needs --round" in alone.stderr
