"""The `contest` command (INTERFACES.md). Thin: parse, open a session, call a service, print.

Every command exits 0 on success and non-zero on any error, printing one clear line per
error, and changes nothing when it fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from sqlmodel import Session

from contest import config, db, i18n, logs
from contest.auth import Actor
from contest.models import Role
from contest.services import ServiceError, accounts, backup, demo, editions

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, help="Run a high-value patent portfolio contest.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
user_app = typer.Typer(no_args_is_help=True, help="Accounts.")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")

ContestOption = typer.Option(None, "--contest", help="Edition slug; may be left out when there is one edition.")


def _language(value: str) -> str:
    found = i18n.normalise_language(value)
    if found is None:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(i18n.LANGUAGES)}")
    return found


LanguageOption = typer.Option(
    i18n.DEFAULT_LANGUAGE, "--language", "--lang", callback=_language,
    help=f"Language of the workbook's notes, legend and explanations: {', '.join(i18n.LANGUAGES)}.")


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
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="App processes (one core each) behind nginx on --port; needs PostgreSQL."),
) -> None:
    """Migrate, build the demo edition on a new database (printing its logins), start the app
    (with --workers N: N app processes behind nginx with sticky sessions)."""
    from contest import serving

    refusal = serving.several_need_postgresql(config.settings().database_url, workers)
    if refusal:
        fail(refusal)
    with open_session(migrate=True) as session:
        if not no_demo and not demo.demo_exists(session=session) and not accounts.has_any_user(session=session):
            with progress_bar("Building the demo edition") as update:
                logins = demo.build_demo(session=session, progress=update)
            _print_logins(logins)
        else:
            typer.echo("Using the existing database; sign in with your account.")
    typer.echo(f"Open http://{address}:{port}")
    if workers > 1:
        cluster = serving.Cluster(workers=workers, address=address, port=port,
                                  max_body_mb=config.settings().max_upload_mb)
        try:
            cluster.start()
        except serving.ServingError as exc:
            fail(str(exc))
        typer.echo(f"{workers} app processes (ports {', '.join(map(str, cluster.app_ports))}) behind nginx; "
                   "Ctrl-C stops them all.")
        raise typer.Exit(cluster.wait())
    raise typer.Exit(subprocess.call(serving.streamlit_command(port, address)))


@app.command("nginx-config")
def nginx_config_command(
    servers: list[str] = typer.Option(..., "--server", help="An app server as HOST:PORT; repeat for each."),
    listen: str = typer.Option("80", "--listen", help="What nginx listens on (a port, or ADDRESS:PORT)."),
    server_name: str = typer.Option("_", "--server-name", help="The public host name."),
) -> None:
    """Print an nginx configuration (for /etc/nginx/conf.d/) balancing app servers on other
    machines: sticky sessions and WebSocket upgrade, as Streamlit needs. TLS is left to you."""
    from contest import serving

    for server in servers:
        host, _, number = server.rpartition(":")
        if not host or not number.isdigit():
            fail(f"--server {server}: give HOST:PORT, e.g. 10.0.0.5:8501")
    typer.echo(serving.site_config(servers, listen=listen, server_name=server_name,
                                   max_body_mb=config.settings().max_upload_mb), nl=False)


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
        typer.echo(f"stored: {stored.added} added, {stored.withdrawn} withdrawn, "
                   f"{stored.kept} kept with work")
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


# ---------------------------------------------------------------- screening and decisions
# The same services as the Screening and Decisions pages: same rules, messages and audit.
# Each shows what it would do first; --dry-run stops there.

DryRunOption = typer.Option(False, "--dry-run", help="Show what would be done; change nothing.")


def _say(message, **params) -> str:
    return i18n.text(message, i18n.DEFAULT_LANGUAGE, **params)


def _codes(values: list[str]) -> list[str]:
    """Entry codes from repeated options and comma- or space-separated lists."""
    return [code for value in values for code in value.replace(",", " ").split() if code]


def _refuse(problems) -> None:
    for problem in problems:
        typer.secho(f"error: {_say(problem)}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


@app.command("screen")
def screen_command(
    eligible: list[str] = typer.Option([], "--eligible", help="Entry codes found eligible (comma-separated, repeatable)."),
    all_awaiting: bool = typer.Option(False, "--all", help="Every entry awaiting the check is eligible."),
    not_eligible: list[str] = typer.Option([], "--not-eligible", help="Entry codes found not eligible."),
    reason: str = typer.Option("", "--reason", help="Why (the entrant reads it); needed for not eligible and for "
                                                    "an eligible entry the automatic rules fail."),
    dry_run: bool = DryRunOption,
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """Eligibility decisions (初审), as on the Screening page; without options, the queue."""
    from contest.services import screening

    if all_awaiting and eligible:
        fail(_say("cli.screen_all_or_codes"))
    actor = Actor.system()
    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        if not (eligible or all_awaiting or not_eligible):
            rows = screening.screening_queue(session=session, actor=actor, edition_id=edition.id)
            for row in rows:
                rules = _say("cli.rules_pass") if row["rules_passed"] else row["rule_problems"]
                typer.echo(f"{row['code']:<14} {str(row['status_label']):<15} {rules}")
            typer.echo(_say("cli.screen_queue", n=len(rows),
                            waiting=sum(r["status"] == "submitted" for r in rows)))
            return
        both = {c.casefold() for c in _codes(eligible)} & {c.casefold() for c in _codes(not_eligible)}
        if both:
            fail(_say("cli.screen_both", codes=", ".join(sorted(both))))
        # (eligible?, entry ids, reason): with both lists, --reason is the not-eligible one's.
        steps = []
        refused = screening.entry_ids_by_code(session=session, actor=actor, edition_id=edition.id,
                                              codes=_codes(not_eligible)) if not_eligible else []
        if eligible or all_awaiting:
            ids = (screening.awaiting_ids(session=session, actor=actor, edition_id=edition.id) if all_awaiting
                   else screening.entry_ids_by_code(session=session, actor=actor, edition_id=edition.id,
                                                    codes=_codes(eligible)))
            ids = [i for i in ids if i not in set(refused)]  # --all except those not eligible
            if ids:
                steps.append((True, ids, "" if refused else reason))
            else:
                typer.echo(_say("cli.screen_none_awaiting"))
        if refused:
            steps.append((False, refused, reason))
        # Every step is checked before any is stored: all or nothing.
        plans = [screening.decide_eligibility(session=session, actor=actor, entry_ids=ids, eligible=ok,
                                              reason=why, dry_run=True) for ok, ids, why in steps]
        if not dry_run:
            plans = [screening.decide_eligibility(session=session, actor=actor, entry_ids=ids, eligible=ok,
                                                  reason=why) for ok, ids, why in steps]
        for (ok, _ids, _why), outcome in zip(steps, plans):
            typer.echo(_say("cli.screened_would" if dry_run else "cli.screened",
                            n=outcome.changed, unchanged=outcome.unchanged,
                            outcome=_say("cli.eligible" if ok else "cli.not_eligible"),
                            round=outcome.round_label, codes=", ".join(outcome.changed_codes) or "-"))
            if outcome.assignments_withdrawn:
                typer.echo(_say("cli.assignments_withdrawn", n=outcome.assignments_withdrawn))
        if dry_run:
            typer.echo(_say("cli.dry_run"))


UnscoredOption = typer.Option(
    None, "--unscored",
    help="Entries without a rating or short of the round's judges per entry: wait (decide nothing), "
         "assign-more (bring them up to their judges), or decide (as ranked; no rating: not advanced / no "
         "award) with --reason.")
OverrideOption = typer.Option(
    [], "--override", help="CODE=OUTCOME:REASON (repeatable); OUTCOME is advance or not-advance, or for awards "
                           "a tier key or none.")
MethodOption = typer.Option(None, "--method", help="Ranking method (default: the round's).")


def _overrides(values: list[str], kind: str) -> dict:
    given = {}
    for value in values:
        code, _, rest = value.partition("=")
        outcome, _, why = rest.partition(":")
        code, outcome = code.strip(), outcome.strip().lower().replace("-", "_")
        if not code or not outcome:
            fail(_say("cli.bad_override", value=value))
        if kind == "advancement":
            if outcome not in ("advance", "not_advance"):
                fail(_say("cli.bad_override", value=value))
            given[code] = (outcome == "advance", why.strip())
        else:
            given[code] = ("" if outcome == "none" else outcome, why.strip())
    return given


def _decide(kind: str, round_key: str, method: Optional[str], unscored: Optional[str], reason: str,
            override: list[str], dry_run: bool, contest_slug: Optional[str]) -> None:
    from contest.services import decisions

    if unscored not in (None, "wait", "assign-more", "decide"):
        fail(_say("cli.bad_unscored", value=unscored))
    if unscored == "decide" and not reason.strip():
        fail(_say("cli.unscored_needs_reason"))
    overrides = _overrides(override, kind)
    actor = Actor.system()
    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
        planner = decisions.plan_advancement if kind == "advancement" else decisions.plan_awards
        # The round's own checks first (an advancement rule, award tiers), as on the page.
        short = decisions.short_entries(session=session, actor=actor, round_id=rnd.id)
        if short:
            typer.echo(_say("decisions.short_heading", n=len(short), needed=short[0].needed))
            for entry in short:
                typer.echo("  " + _say("decisions.short_line", code=entry.code, ratings=entry.ratings,
                                       needed=entry.needed, assigned=entry.assigned))
        if short and unscored == "wait":
            planner(session=session, actor=actor, round_id=rnd.id, method=method)  # the round can decide
            typer.echo(_say("cli.waiting", n=len(short)))
            return
        if short and unscored == "assign-more":
            if dry_run:
                typer.echo(_say("cli.would_assign_more", codes=", ".join(e.code for e in short)))
                typer.echo(_say("cli.dry_run"))
                return
            more = decisions.assign_more(session=session, actor=actor, round_id=rnd.id,
                                         entry_ids=[e.entry_id for e in short])
            for code, judge in more.added:
                typer.echo(f"  {code}: {judge}")
            typer.echo(_say("decisions.assigned_more", n=len(more.added)))
            for code in more.waiting:
                typer.echo(_say("decisions.waits_for_sheets", code=code))
            for why in more.unserved:
                typer.secho(f"warning: {_say(why)}", err=True, fg=typer.colors.YELLOW)
            return
        accept = {}
        if short and unscored == "decide":
            overrides, accept = decisions.decide_all_short(short, kind, reason.strip(), overrides)
        plan = planner(session=session, actor=actor, round_id=rnd.id, method=method, overrides=overrides,
                       accept=accept)
        _print_plan(plan)
        if plan.blocking:
            if short and unscored is None:
                typer.secho(f"error: {_say('cli.unscored_choose')}", err=True, fg=typer.colors.RED)
            _refuse(plan.blocking)
        if dry_run:
            typer.echo(_say("cli.dry_run"))
            return
        if kind == "advancement":
            done = decisions.advance_round(session=session, actor=actor, round_id=rnd.id, method=method,
                                           overrides=overrides, accept=accept)
            typer.echo(_say("decisions.advanced", next_round=done.next_round, overrides=done.overrides,
                            **done.counts))
        else:
            done = decisions.grant_awards(session=session, actor=actor, round_id=rnd.id, method=method,
                                          overrides=overrides, accept=accept)
            typer.echo(_say("decisions.granted", n=sum(done.counts.values())))


def _print_plan(plan) -> None:
    if plan.kind == "advancement":
        typer.echo(_say("decisions.advance_will", next_round=plan.next_round, overrides=plan.overrides,
                        **plan.counts))
    else:
        typer.echo(_say("decisions.awards_will", overrides=plan.overrides, counts=", ".join(
            f"{tier} {n}" for tier, n in plan.counts.items())))
    typer.echo(_say("cli.method", method=plan.method))
    for warning in plan.warnings:
        typer.echo(f"note: {_say(warning)}")
    typer.echo(f"{'entry':<14} {'group':<16} {'rank':>4} {'ratings':>7}  {'outcome':<13} reason")
    for row in sorted(plan.rows, key=lambda r: (r.pool, r.rank if r.rank is not None else 10 ** 9, r.code)):
        outcome = row.outcome or "-"
        mark = " (override)" if row.override else ""
        rank = "" if row.rank is None else str(row.rank)
        typer.echo(f"{row.code:<14} {row.pool[:16]:<16} {rank:>4} {row.ratings:>7}  {outcome:<13} "
                   f"{row.reason}{mark}")


def _decision_command(kind: str, example: str, doc: str):
    """`contest advance` and `contest award`: the same options, one decision each."""

    def command(
        round_key: str = typer.Option(..., "--round", help=f"Round key, e.g. {example}."),
        method: Optional[str] = MethodOption,
        unscored: Optional[str] = UnscoredOption,
        reason: str = typer.Option("", "--reason", help="The reason recorded with --unscored decide."),
        override: list[str] = OverrideOption,
        dry_run: bool = DryRunOption,
        contest_slug: Optional[str] = ContestOption,
    ) -> None:
        _decide(kind, round_key, method, unscored, reason, override, dry_run, contest_slug)

    command.__doc__ = doc
    return command


app.command("advance")(_decision_command(
    "advancement", "preliminary",
    "Decide who advances from a round, as on the Decisions page; publishing moves them."))
app.command("award")(_decision_command(
    "awards", "final", "Grant the award tiers of the last scored round, as on the Decisions page."))


@app.command("publish")
def publish_command(
    round_key: str = typer.Option(..., "--round", help="Round key, e.g. preliminary."),
    kind: str = typer.Option(..., "--kind", help="advancement or awards"),
    title: str = typer.Option("", "--title", help="Title of the list (default: the usual one)."),
    note: str = typer.Option("", "--note", help="Required for a correction: what changed and why."),
    dry_run: bool = DryRunOption,
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """Publish a round's advancement or award list (公示); a correction is a new version."""
    from contest.services import decisions

    actor = Actor.system()
    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
        plan = decisions.plan_publication(session=session, actor=actor, round_id=rnd.id, kind=kind, note=note)
        typer.echo(_say("decisions.publish_will", n=len(plan.rows), version=plan.version,
                        moves_in=len(plan.moves_in), moves_out=len(plan.moves_out)))
        for row in plan.rows:
            typer.echo(f"  {row['entry_code']:<14} {row['group'][:16]:<16} {row['outcome']}")
        if plan.blocking:
            _refuse(plan.blocking)
        if dry_run:
            typer.echo(_say("cli.dry_run"))
            return
        published = decisions.publish_results(session=session, actor=actor, round_id=rnd.id, kind=kind,
                                              title=title, note=note)
        typer.echo(_say("decisions.published", title=published.title, version=published.version))


def _optional_language(value: Optional[str]) -> Optional[str]:
    return None if value is None else _language(value)


@app.command("feedback")
def feedback_command(
    round_key: str = typer.Option(..., "--round", help="Round key, e.g. preliminary."),
    out: Path = typer.Option(..., "--out", help="The folder to write the reports into."),
    lang: Optional[str] = typer.Option(
        None, "--language", "--lang", callback=_optional_language,
        help=f"Language of every report ({', '.join(i18n.LANGUAGES)}); by default each entrant's own."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """Every entry's feedback report of a published round, one PDF per entry named by its
    code (whether or not entrants may download it yet)."""
    from contest.services import feedback

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    written = 0
    with open_session() as session:
        edition = editions.find_edition(session=session, slug=contest_slug)
        rnd = editions.find_round(session=session, edition_id=edition.id, key=round_key)
        for done, total, code, data in feedback.round_reports(session=session, actor=Actor.system(),
                                                              round_id=rnd.id, language=lang):
            name = re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("._") or f"entry-{done}"
            _write_file(out / f"{name}.pdf", data)
            written = done
            typer.echo(_say("feedback.cli_progress", done=done, total=total, file=f"{name}.pdf"), err=True)
    typer.echo(_say("feedback.cli_wrote", n=written, out=out))


@app.command("template")
def template_command(
    kind: str = typer.Argument(..., help="entries, patents, judges, conflicts or scores"),
    out: Path = typer.Option(..., "--out", help="Where to write the .xlsx file (--per-judge: a folder)."),
    lang: str = LanguageOption,
    round_key: Optional[str] = typer.Option(None, "--round", help="Scores: pre-fill the round's assignments."),
    per_judge: bool = typer.Option(False, "--per-judge", help="Scores: one workbook per judge in the --out folder."),
    contest_slug: Optional[str] = ContestOption,
) -> None:
    """An import workbook for KIND, with a sheet that explains each column; `scores --round
    KEY` is pre-filled with every active assignment's rows, ready for offline scoring."""
    from contest import excel
    from contest.services import exports

    if kind not in excel.KINDS:
        fail(f"unknown template '{kind}'; choose one of {', '.join(excel.KINDS)}")
    if (round_key or per_judge) and kind != "scores":
        fail(_say("cli.round_only_for_scores"))
    if per_judge and not round_key:
        fail(_say("cli.per_judge_needs_round"))
    if round_key:
        with open_session() as session:
            edition = editions.find_edition(session=session, slug=contest_slug)
            made = exports.scores_template(session=session, actor=Actor.system(), edition_id=edition.id,
                                           round_key=round_key, lang=lang, per_judge=per_judge)
        if per_judge:
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                fail(f"cannot write {out}: {exc.strerror or exc}")
            for email, data in made.workbooks:
                _write_file(out / f"scores-{made.round_key}-{email}.xlsx", data)
        else:
            _write_file(out, made.workbooks[0][1])
        typer.echo(_say("cli.scores_template", round=made.round_key, rows=made.rows, entries=made.entries,
                        judges=made.judges, out=out, files=len(made.workbooks)))
        return
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
    force: bool = typer.Option(False, "--force", help="Scores: overwrite sheets judges saved "
                               "after the file was checked (recorded in each sheet's history)."),
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
                                             force=force, file_name=file.name,
                                             progress=update)
    typer.echo(i18n.text(report.summary()))
    if report.forced:
        typer.echo(f"note: {i18n.msg('imports.forced_note', n=report.forced)}")
    for note in report.notes:
        typer.echo(f"note: {note}")


@app.command("export")
def export_command(
    round_key: str = typer.Option(..., "--round", help="Round key, e.g. preliminary."),
    out: Path = typer.Option(..., "--out", help="Where to write the .xlsx file."),
    method: Optional[str] = typer.Option(None, "--method", help="model, mean, trimmed, median or zscore"),
    lang: str = LanguageOption,
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
