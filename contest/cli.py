"""The `contest` command (INTERFACES.md). Thin: parse, open a session, call a service, print.

Every command exits 0 on success and non-zero on any error, printing one clear line per
error, and changes nothing when it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from sqlmodel import Session

from contest import config, db, logs
from contest.auth import Actor
from contest.models import Role
from contest.services import ServiceError, accounts, backup, demo, editions

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, help="Run a high-value patent portfolio contest.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
user_app = typer.Typer(no_args_is_help=True, help="Accounts.")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")

ContestOption = typer.Option(None, "--contest", help="Edition slug; may be left out when there is one edition.")


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


@contextmanager
def open_session(*, migrate: bool = False) -> Iterator[Session]:
    """A session on DATABASE_URL; refuses an unmigrated database with a clear message."""
    url = config.settings().database_url
    if migrate:
        db.migrate(url)
    engine = db.engine_for(url)
    try:
        db.ensure_ready(engine)
    except db.DatabaseNotReady as exc:
        fail(str(exc))
    with db.session_scope(engine) as session:
        try:
            yield session
        except ServiceError as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            for problem in problems:
                typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1)


@contextmanager
def progress_bar(label: str) -> Iterator:
    """A progress callback f(fraction, message) drawn as a bar on standard error."""
    with typer.progressbar(length=1000, label=label, file=sys.stderr) as bar:
        done = [0]

        def update(fraction: float, _message: str = "") -> None:
            target = int(max(0.0, min(1.0, fraction)) * 1000)
            if target > done[0]:
                bar.update(target - done[0])
                done[0] = target

        yield update


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    url = config.settings().database_url
    try:
        db.migrate(url)
    except Exception as exc:  # a database that cannot be reached or written
        fail(f"could not migrate {_safe_url(url)}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    typer.echo(f"database at revision {db.head_revision()} ({_safe_url(url)})")


@db_app.command("revision")
def db_revision(message: str = typer.Option(..., "-m", "--message", help="What the schema change does.")) -> None:
    """For developers: write a new migration from the difference between the models and
    the database at DATABASE_URL (which must be at the newest revision)."""
    from alembic import command

    url = config.settings().database_url
    db.migrate(url)
    command.revision(db.alembic_config(url), message=message, autogenerate=True)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _print_logins(logins: demo.DemoLogins) -> None:
    typer.echo(f"Demo edition: {logins.edition_slug}")
    typer.echo("Demo sign-ins (role, email, password):")
    shown: dict[str, int] = {}
    for role, email, password in logins.logins:
        shown[role] = shown.get(role, 0) + 1
        if shown[role] <= 2:
            typer.echo(f"  {role:<10} {email:<40} {password}")
    for role, n in shown.items():
        if n > 2:
            typer.echo(f"  ... and {n - 2} more {role}s with the same password")


@app.command("demo")
def demo_command(
    entries: int = typer.Option(60, "--entries", min=1, max=20000),
    judges: int = typer.Option(15, "--judges", min=3, max=2000),
    seed: int = typer.Option(7, "--seed"),
) -> None:
    """A demo edition from the gba preset, with logins printed."""
    with open_session(migrate=True) as session, progress_bar("Building the demo") as update:
        logins = demo.build_demo(session=session, entries=entries, judges=judges, seed=seed, progress=update)
    _print_logins(logins)


@app.command("create")
def create_command(name: str, preset: str = typer.Option("gba", "--preset")) -> None:
    """A new empty edition from a preset; prints its slug."""
    with open_session() as session:
        edition = editions.create_edition(session=session, actor=Actor.system(), name=name, preset=preset)
        typer.echo(edition.slug)


@user_app.command("add")
def user_add(
    email: str,
    role: list[Role] = typer.Option(..., "--role", help="organiser, judge, entrant or observer (repeatable)"),
    name: Optional[str] = typer.Option(None, "--name"),
) -> None:
    """Add a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("no password on standard input (e.g. `echo 'a long secret' | contest user add ...`)")
    with open_session() as session:
        user = accounts.create_user(
            session=session, actor=Actor.system(), email=email, name=name or email.split("@")[0], roles=role,
            password=password,
        )
        typer.echo(f"added {user.email} ({', '.join(r.value for r in role)})")


@app.command("backup")
def backup_command(out: Path = typer.Option(..., "--out", help="The backup file to write (a zip).")) -> None:
    """A consistent copy of everything, documents included."""
    with open_session() as session, progress_bar("Backing up") as update:
        counts = backup.backup(session.get_bind(), out, progress=update)
    typer.echo(f"wrote {out}: {sum(counts.values())} records in {len(counts)} tables")


@app.command("restore")
def restore_command(source: Path = typer.Argument(..., help="A file written by `contest backup`.")) -> None:
    """Restore a backup into an empty database of either kind (migrated first)."""
    with open_session(migrate=True) as session, progress_bar("Restoring") as update:
        counts = backup.restore(session.get_bind(), source, progress=update)
    typer.echo(f"restored {sum(counts.values())} records from {source}")


@app.command("serve")
def serve_command(
    port: int = typer.Option(8501, "--port"),
    address: str = typer.Option("127.0.0.1", "--address"),
    no_demo: bool = typer.Option(False, "--no-demo", help="Do not build the demo edition on a new database."),
) -> None:
    """Migrate, build the demo edition on a new database (printing its logins), start the app."""
    with open_session(migrate=True) as session:
        if not no_demo and not demo.demo_exists(session=session) and not accounts.has_any_user(session=session):
            with progress_bar("Building the demo edition") as update:
                logins = demo.build_demo(session=session, progress=update)
            _print_logins(logins)
        else:
            typer.echo("Using the existing database; sign in with your account.")
    asgi = Path(__file__).parent / "ui" / "asgi.py"
    streamlit = shutil.which("streamlit", path=os.path.dirname(sys.executable)) or "streamlit"
    typer.echo(f"Open http://{address}:{port}")
    # The serving options (contest/ui/server_options.py) are applied when asgi.py loads;
    # headless is read before that (it decides whether Streamlit asks for an email).
    cmd = [streamlit, "run", str(asgi), "--server.port", str(port), "--server.address", address,
           "--server.headless", "true"]
    raise typer.Exit(subprocess.call(cmd))


@app.command("assign")
def assign_command(
    round_key: str = typer.Option(..., "--round", help="Round key, e.g. preliminary."),
    per_entry: Optional[int] = typer.Option(None, "--per-entry", min=1, help="Judges per entry (default: the round's)."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same assignment."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """Automatic judge assignment of a round; keeps assignments that already have work."""
    from contest import assignment
    from contest.services import assignments

    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
        actor = Actor.system()
        with progress_bar(f"Assigning judges to {rnd.label}") as update:
            preview = assignments.preview_assignment(
                session=session, actor=actor, round_id=rnd.id, per_entry=per_entry, seed=seed, progress=update
            )
        result = preview.result
        typer.echo(f"{rnd.label}: {len(preview.entry_codes)} entries, {len(result.loads)} judges, "
                   f"{preview.per_entry} judges per entry (seed {seed})")
        problems = assignment.explained_problems(result)
        for line in preview.summary:
            if line not in problems:
                typer.echo(f"  {line}")
        if problems:
            shown = 30
            for problem in problems[:shown]:
                typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
            if len(problems) > shown:
                typer.secho(f"error: ... and {len(problems) - shown} more problems", err=True,
                            fg=typer.colors.RED)
            fail("nothing was stored; fix the judge pool or conflicts and run again")
        stored = assignments.commit_assignment(session=session, actor=actor, preview=preview)
        typer.echo(f"stored: {stored['added']} added, {stored['withdrawn']} withdrawn, "
                   f"{stored['kept']} kept with work")
        typer.echo("load per judge: " + assignment.load_histogram(result.loads))


@app.command("rank")
def rank_command(
    round_key: str = typer.Option(..., "--round", help="Round key, e.g. preliminary."),
    method: Optional[str] = typer.Option(None, "--method", help="model (default), mean, trimmed, median or zscore."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="Print only the first N of each group."),
    draws: int = typer.Option(1000, "--draws", min=0, max=20000, help="Interval draws; 0 skips the intervals."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same intervals."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """Print the round's ranking per group: adjusted score beside the raw mean and the number
    of judges, the 90 % rank interval, the chance of clearing the cut and the tie rule used."""
    from contest.services import results

    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
        with progress_bar(f"Ranking {rnd.label}") as update:
            ranked = results.rank_round(session=session, actor=Actor.system(), round_id=rnd.id, method=method,
                                        draws=draws, seed=seed, progress=update)
    cut = ranked.cut
    cut_text = f"top {cut.top} per group" if cut and cut.top else f"score >= {cut.threshold:g}" if cut else "none"
    typer.echo(f"{ranked.round_label}: method {ranked.method}, {len(ranked.table)} entries, cut {cut_text}")
    for warning in ranked.warnings:
        typer.echo(f"note: {warning}")
    header = f"{'rank':>4}  {'entry':<14} {'adjusted':>8} {'raw':>6} {'judges':>6} {'90% rank':>9} {'P(cut)':>6}  flags"
    for label, part in ranked.table.groupby("pool_label", sort=True):
        typer.echo(f"\n{label}")
        typer.echo(header)
        shown = part.sort_values(["rank", "entry_code"])
        for row in (shown.head(top) if top else shown).itertuples():
            interval = "" if row.rank_low != row.rank_low else f"{int(row.rank_low)}-{int(row.rank_high)}"
            p_cut = "" if row.p_cut != row.p_cut else f"{row.p_cut:.0%}"
            notes = ", ".join(x for x in (row.flags, f"tie broken by {row.tie_broken_by}" if row.tie_broken_by else "",
                                          "borderline" if row.borderline else "") if x)
            typer.echo(f"{int(row.rank):>4}  {row.entry_code:<14} {row.adjusted_score:>8.2f} {row.raw_mean:>6.2f} "
                       f"{int(row.n_judges):>6} {interval:>9} {p_cut:>6}  {notes}")


@app.command("template")
def template_command(
    kind: str = typer.Argument(..., help="entries, patents, judges, conflicts or scores"),
    out: Path = typer.Option(..., "--out", help="Where to write the .xlsx file."),
    lang: str = typer.Option("en", "--lang", help="Language of the explanations: en or zh."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """An empty import workbook for KIND, with a sheet that explains each column."""
    from contest import excel
    from contest.services import exports

    if kind not in excel.KINDS:
        fail(f"unknown template '{kind}'; choose one of {', '.join(excel.KINDS)}")
    if _database_ready(config.settings().database_url):  # the edition's tracks as drop-downs
        with open_session() as session:
            edition = editions.find_edition(session=session, slug=contest_slug) \
                if contest_slug or editions.latest_edition(session=session) else None
            data = exports.template(session=session, actor=Actor.system(), kind=kind, lang=lang,
                                    edition_id=edition.id if edition else None)
    else:
        data = excel.template_workbook(kind, lang=lang)
    _write_file(out, data)
    typer.echo(f"wrote the {kind} template to {out}")


@app.command("import")
def import_command(
    kind: str = typer.Argument(..., help="entries, judges, conflicts or scores"),
    file: Path = typer.Argument(..., help="The .xlsx workbook."),
    round_key: Optional[str] = typer.Option(None, "--round", help="Scores: the round they belong to."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check everything, store nothing."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """Import a workbook; all or nothing, one line per error with sheet, row and column."""
    from contest.services import imports

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        with progress_bar(f"Importing {kind}") as update:
            report = imports.import_workbook(session=session, actor=Actor.system(),
                                             edition_id=edition.id, kind=kind, data=data,
                                             round_key=round_key, dry_run=dry_run,
                                             progress=update)
    typer.echo(report.summary())
    for note in report.notes:
        typer.echo(f"note: {note}")


@app.command("export")
def export_command(
    round_key: str = typer.Option(..., "--round", help="Round key, e.g. preliminary."),
    out: Path = typer.Option(..., "--out", help="Where to write the .xlsx file."),
    method: Optional[str] = typer.Option(None, "--method", help="model, mean, trimmed, median or zscore"),
    lang: str = typer.Option("en", "--lang", help="Language of the header notes: en or zh."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """The results workbook of a round."""
    from contest.services import exports

    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        with progress_bar(f"Exporting {round_key}") as update:
            data = exports.results_workbook(session=session, actor=Actor.system(),
                                            edition_id=edition.id, round_key=round_key,
                                            method=method, lang=lang, progress=update)
    _write_file(out, data)
    typer.echo(f"wrote the {round_key} results to {out}")


def _database_ready(url: str) -> bool:
    """A migrated database is there (a missing SQLite file is not created by asking)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).exists():
        return False
    try:
        db.ensure_ready(db.engine_for(url))
    except Exception:  # unreachable or not migrated: the template is generic
        return False
    return True


def _write_file(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


def main() -> None:
    logs.install()
    try:
        app()
    except ServiceError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        raise SystemExit(1) from None
    except Exception as exc:  # never a traceback for the user; one line naming the failure
        first = logs.redact_secrets(str(exc).splitlines()[0]) if str(exc) else ""
        typer.secho(f"error: unexpected {exc.__class__.__name__}: {first}", err=True, fg=typer.colors.RED)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
