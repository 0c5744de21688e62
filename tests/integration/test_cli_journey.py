"""A whole contest from the command line only, as an office without the web pages runs it:
create the edition, import entries, judges and conflicts from the templates, screen, and
for each scored round assign, export the pre-filled scores workbook, fill it in (as if
typed from paper), import it, rank, decide and publish; award the final; export. Every
step's output is read back: the printed lines, the workbooks (openpyxl), the audit trail
and the published lists."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from contest import cli, patents
from contest.models import AuditEvent, Conflict, Entry, Publication, Round

pytestmark = pytest.mark.integration

ENTRIES = 12
JUDGES = 8


@pytest.fixture
def office(db_url, app_env, session):
    app_env(db_url)  # the commands read DATABASE_URL like the real ones
    return session


def contest(session, *args, ok=True):
    session.rollback()  # the test's own reads end before a command writes
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, f"contest {' '.join(map(str, args))}:\n{result.output}"
    return result


def cn_number(n: int) -> str:
    digits = f"2020101{n:05d}"
    return f"{digits}.{patents.cn_check_digit(digits)}"


def code(i: int) -> str:
    return f"BA-{i:02d}"


def fill_template(path, sheet_name, rows):
    """Rows typed below the template's header (its example rows are skipped on import)."""
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name]
    for row in rows:
        sheet.append(row)
    book.save(path)


def sheet_rows(path, name):
    book = openpyxl.load_workbook(path)
    values = list(book[name].iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def quality(entry_code: str) -> float:
    """The entry's true quality: BA-12 best, BA-01 weakest."""
    return 0.35 + 0.05 * int(entry_code.split("-")[1])


def score_on_paper(path, maxima):
    """Each judge's paper sheet typed in: the entry's quality, a judge a little lenient or
    strict, within each criterion's maximum."""
    book = openpyxl.load_workbook(path)
    sheet = book["scores"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    typed = 0
    for row in range(2, sheet.max_row + 1):
        entry_code = sheet.cell(row, col["entry_code"]).value
        judge = sheet.cell(row, col["judge_email"]).value
        criterion = sheet.cell(row, col["criterion"]).value
        top = maxima[(sheet.cell(row, col["sheet"]).value, criterion)]
        lean = (int(judge.split("@")[0][-1]) % 3 - 1) * 0.03
        sheet.cell(row, col["score"], value=max(0, min(top, round(top * (quality(entry_code) + lean)))))
        typed += 1
    book.save(path)
    return typed


def audit_actions(session):
    session.expire_all()
    found = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    session.rollback()
    return found


def play_round(session, tmp_path, key, maxima, per_entry):
    """Assign, export before scoring, the pre-filled template typed in, import, rank."""
    assigned = contest(session, "assign", "--round", key, "--seed", "3")
    assert f"{per_entry} judges per entry" in assigned.stdout and "stored:" in assigned.stdout

    before = tmp_path / f"{key}-before.xlsx"
    contest(session, "export", "--round", key, "--out", before)
    assignments = [a for a in sheet_rows(before, "assignments") if a["status"] == "active"]
    assert sheet_rows(before, "ranking") == []  # nothing scored yet, and the workbook says why
    assert "No score sheet has been submitted" in openpyxl.load_workbook(before)["ranking"]["A1"].comment.text

    template = tmp_path / f"{key}-scores.xlsx"
    made = contest(session, "template", "scores", "--round", key, "--out", template)
    rows = sheet_rows(template, "scores")
    pairs = {(r["entry_code"], r["judge_email"]) for r in rows}
    assert pairs == {(a["entry_code"], a["judge_email"]) for a in assignments}
    assert f"{len(rows)} rows" in made.stdout
    assert len(rows) == len(pairs) * len(maxima)  # one row per criterion of each sheet
    assert all(r["score"] is None for r in rows)

    typed = score_on_paper(template, maxima)
    imported = contest(session, "import", "scores", template, "--round", key)
    assert f"scores: imported {len(pairs) * len({s for s, _ in maxima})} new" in imported.stdout
    assert typed == len(rows)

    ranked = contest(session, "rank", "--round", key, "--draws", "0")
    lines = [line.split() for line in ranked.stdout.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert lines, ranked.stdout
    return assignments


def test_a_whole_contest_from_the_command_line(office, tmp_path):
    session = office
    # --- the edition
    slug = contest(session, "create", "Bay Area Contest 2027", "--preset", "gba").stdout.strip()
    assert slug == "bay-area-contest-2027"

    # --- entries, judges and conflicts, each typed into its template
    entries_file = tmp_path / "entries.xlsx"
    contest(session, "template", "entries", "--out", entries_file)
    fill_template(entries_file, "entries", [
        [code(i), f"Sensor portfolio {i}", "startup" if i % 2 else "growth", "invention",
         "semiconductors", f"Applicant {i} Ltd", "enterprise", "guangdong",
         f"ip@applicant{i}.example.cn", cn_number(i), "Sensors for harsh places."]
        for i in range(1, ENTRIES + 1)])
    fill_template(entries_file, "patents", [
        [code(i), cn_number(i), "CN", "invention", f"A sensor {i}", "granted", "2020-03-01",
         "2022-05-10", f"Applicant {i} Ltd"] for i in range(1, ENTRIES + 1)])
    imported = contest(session, "import", "entries", entries_file)
    assert f"entries: imported {ENTRIES} new" in imported.stdout

    judges_file = tmp_path / "judges.xlsx"
    contest(session, "template", "judges", "--out", judges_file)
    fill_template(judges_file, "judges", [
        [f"judge{j}@valuers{j}.example.org", f"Judge {j}", f"Valuers {j}", "hong_kong",
         "semiconductors", None] for j in range(1, JUDGES + 1)])
    assert f"judges: imported {JUDGES} new" in contest(session, "import", "judges", judges_file).stdout

    conflicts_file = tmp_path / "conflicts.xlsx"
    contest(session, "template", "conflicts", "--out", conflicts_file)
    fill_template(conflicts_file, "conflicts", [
        ["judge1@valuers1.example.org", code(12), None, "co-inventor of the core patent"]])
    contest(session, "import", "conflicts", conflicts_file)
    assert len(session.exec(select(Conflict)).all()) == 1

    # --- screening: one entry is not eligible; the rest are, checked by the office
    queue = contest(session, "screen")
    assert f"{ENTRIES} awaiting the check" in queue.stdout
    contest(session, "screen", "--not-eligible", code(1), "--reason", "The core patent is held by another company")
    unchecked = contest(session, "screen", "--all", "--dry-run", ok=False)
    assert unchecked.exit_code == 1 and "give a reason to mark them eligible anyway" in unchecked.stderr
    screened = contest(session, "screen", "--all", "--reason", "Reports checked on paper by the office")
    assert f"{ENTRIES - 1} entries marked eligible" in screened.stdout
    session.expire_all()
    status = dict(session.exec(select(Entry.code, Entry.status)).all())
    session.rollback()
    assert status[code(1)] == "ineligible"
    assert {status[code(i)] for i in range(2, ENTRIES + 1)} == {"eligible"}

    # --- preliminary: assign, score on paper, import, rank, decide (one override), publish
    prelim = {("expert_review", c): m for c, m in (("advancement", 25), ("patent_quality", 20), ("layout", 20),
                                                   ("market", 20), ("commercialisation", 15))}
    assignments = play_round(session, tmp_path, "preliminary", prelim, 3)
    assert ("BA-12", "judge1@valuers1.example.org") not in \
        {(a["entry_code"], a["judge_email"]) for a in assignments}  # the imported conflict holds
    dry = contest(session, "advance", "--round", "preliminary", "--override",
                  f"{code(2)}=not-advance:Withdrew its core patent", "--dry-run")
    assert "Dry run: nothing was changed." in dry.stdout
    advanced = contest(session, "advance", "--round", "preliminary", "--override",
                       f"{code(2)}=not-advance:Withdrew its core patent")
    assert "10 entries advance to Semi-final, 1 do not (1 overrides)" in advanced.stdout
    published = contest(session, "publish", "--round", "preliminary", "--kind", "advancement")
    assert "Published" in published.stdout and "version 1" in published.stdout

    # --- semi-final: two sheets per entry (roadshow 60 %, report 40 %)
    semi = {**{("roadshow", c): m for c, m in (("advancement", 20), ("importance", 15), ("substitutability", 10),
                                                ("market", 15), ("competitiveness", 15), ("drafting", 10),
                                                ("layout", 15))},
            **{("report", c): 20 for c in ("landscape", "trends", "drafting", "layout", "problems")}}
    play_round(session, tmp_path, "semifinal", semi, 5)
    contest(session, "advance", "--round", "semifinal")
    contest(session, "publish", "--round", "semifinal", "--kind", "advancement")

    # --- final: awards, published
    final = {("final", c): m for c, m in (("market", 20), ("layout", 25), ("commercial_value", 20),
                                          ("operation", 15), ("valuation", 20))}
    play_round(session, tmp_path, "final", final, 5)
    refused = contest(session, "advance", "--round", "final", ok=False)
    assert refused.exit_code == 1 and "last" in refused.stderr.lower()
    granted = contest(session, "award", "--round", "final", "--override",
                      f"{code(3)}=none:Did not present at the final roadshow")
    assert "9 awards granted." in granted.stdout
    contest(session, "publish", "--round", "final", "--kind", "awards")

    # --- the results workbook of the final, and the published lists, read back
    results = tmp_path / "final-results.xlsx"
    contest(session, "export", "--round", "final", "--out", results)
    ranking = sheet_rows(results, "ranking")
    assert len(ranking) == 10
    decisions = {r["entry_code"]: r["decision"] for r in ranking if r["decision"]}
    assert code(3) not in decisions and len(decisions) == 9
    best = {r["group"]: r["entry_code"] for r in ranking if r["rank"] == 1}
    assert best == {"Growth": "BA-12", "Start-up": "BA-11"}  # the true best of each group
    assert decisions["BA-12"] == "gold" and set(decisions.values()) <= {"gold", "silver"}
    scores = sheet_rows(results, "scores")
    assert {(s["entry_code"], s["judge_email"]) for s in scores} == \
        {(a["entry_code"], a["judge_email"]) for a in sheet_rows(results, "assignments") if a["status"] == "active"}

    session.expire_all()
    lists = {(session.get(Round, p.round_id).key, p.kind): p for p in session.exec(select(Publication))}
    assert set(lists) == {("preliminary", "advancement"), ("semifinal", "advancement"), ("final", "awards")}
    assert code(2) not in {row["entry_code"] for row in lists[("preliminary", "advancement")].payload}
    assert {row["entry_code"]: row["outcome"] for row in lists[("final", "awards")].payload} == decisions
    session.rollback()

    actions = audit_actions(session)
    for action in ("import.entries", "import.judges", "import.conflicts", "entry.eligibility", "import.scores",
                   "results.advance", "results.awards", "results.publish"):
        assert action in actions, action
    assert actions.count("results.publish") == 3
