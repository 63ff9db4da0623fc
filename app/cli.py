"""The `whose-streets` command: Flask's own commands (run, routes, shell) plus ours.

Each command imports what it uses inside itself: a CLI analysis must not pay, at start-up, for the
web, map and queue stacks that other commands need (benchmarks/bench_analysis.py measures it).
"""
from __future__ import annotations

import atexit
import gc
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.config import ConfigError


#: Commands that answer no request and render no page: their app leaves out the web stack (pages,
#: sign-in, translations, security headers), so a CLI analysis does not spend its start-up importing it.
WITHOUT_WEB = frozenset({"analyze", "analyze-region", "cities", "export", "create-user", "classify", "worker"})


def _create_app_for_cli():
    from app import create_app

    # Only `run` and `serve` answer requests, so only they start the embedded workers.
    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None else None
    serving = command in ("run", "serve")
    try:
        return create_app(start_workers=None if serving else False, web=command not in WITHOUT_WEB)
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None


class CommandGroup(FlaskGroup):
    """Flask's command group, whose every failure ends in one ``Error:`` line instead of a traceback."""

    def get_command(self, ctx, name):
        # One of our commands needs no plugin: Flask would first import every installed
        # `flask.commands` plugin (Flask-Limiter's `limiter`, with its storage backends), about
        # 50 ms of a CLI analysis. Other names (plugins, the app's own) are looked up as Flask does.
        own = self.commands.get(name)
        return own if own is not None else super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ConfigError as exc:
            raise click.ClickException(f"configuration: {exc}") from None
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc.__class__.__name__}{where}") from None
        except Exception as exc:  # noqa: BLE001 - said in one line; addresses and credentials taken out
            from app.remote import redact

            first_line = (str(exc).strip().splitlines() or [""])[0][:300]
            raise click.ClickException(redact(f"{exc.__class__.__name__}: {first_line}")) from None


@click.group(cls=CommandGroup, create_app=_create_app_for_cli, add_version_option=False)
@click.version_option(package_name="whose-streets")
def main():
    """Whose Streets: whose names a city's streets carry."""


def _store():
    return current_app.extensions["store"]


class CliProgress:
    """Shows a job's progress on the terminal and records it on the job like a background worker does."""

    def __init__(self, record, stream=sys.stderr):
        self.record = record
        self.stream = stream
        self.stage = None
        self.interactive = stream.isatty()

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        self.record(stage, done, total)
        if stage != self.stage:
            if self.stage is not None and self.interactive:
                self.stream.write("\n")
            self.stage = stage
            if not self.interactive:
                self.stream.write(f"{stage}\n")
        if self.interactive:
            width = 30
            filled = int(width * done / total) if total else 0
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}" if total else ""
            self.stream.write(f"\r{stage:<40} {bar}")
        self.stream.flush()

    def close(self) -> None:
        if self.interactive and self.stage is not None:
            self.stream.write("\n")


def lookup_failed(exc: Exception) -> click.ClickException:
    """Why a place could not be looked up; for a name several boundaries carry, the ids to run again with."""
    from app.areas import AmbiguousAreaError

    if not isinstance(exc, AmbiguousAreaError):
        return click.ClickException(str(exc))
    lines = [str(exc) + "; run again with one of:"]
    lines += [f"  {a.osm_ref:<20} {a.name} (admin_level {a.admin_level}, {a.parent or a.country_code or '?'})"
              for a in exc.candidates]
    return click.ClickException("\n".join(lines))


@main.command("analyze")
@click.argument("city")
@click.option("--pbf", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read streets from this .osm.pbf extract instead of Overpass (CITY must be relation/ID).")
@click.option("--offline", is_flag=True, help="Use only cached remote answers; fail on anything not cached.")
@with_appcontext
def analyze_command(city: str, pbf: Path | None, offline: bool):
    """Analyse CITY (a name, relation/ID or a Wikidata id) in the foreground."""
    from app.areas import AmbiguousAreaError, AreaLookupError, lookup_area, with_languages
    from app.collector import collector_paused
    from app.jobs import JobProgress, job_executor, run_claimed
    from app.remote import RemoteError
    from app.store.models import JobRow
    from app.store.records import find_or_create_area

    settings = current_app.config["SETTINGS"]
    store = _store()
    try:
        if pbf is not None:
            from app.osm.area import parse_area_query
            from app.osm.pbf import read_area_from_pbf

            parsed = parse_area_query(city)
            if parsed.kind != "relation":
                raise click.UsageError("with --pbf, CITY must be relation/ID (the boundary is read from the extract)")
            area = with_languages(read_area_from_pbf(pbf, parsed.osm_id))
        else:
            area = lookup_area(settings, store, city, offline=offline)
    except (AmbiguousAreaError, ValueError, AreaLookupError, RemoteError) as exc:
        raise lookup_failed(exc) from None

    row = find_or_create_area(store, area)
    options = {"offline": offline, **({"pbf": str(pbf.resolve())} if pbf else {})}
    queue = current_app.extensions["jobs"]
    job = queue.start_foreground(row.id, city, options)
    if job is None:
        raise click.ClickException(f"an analysis of {area.name} is already running")
    click.echo(f"Analysing {area.name} ({area.osm_ref}), languages: {', '.join(area.languages) or '?'}", err=True)
    worker = queue.leases.worker_id
    progress = CliProgress(JobProgress(store, job.id, min_interval=0.5, worker_id=worker))
    execute = job_executor(store, settings)
    # The job holds a lease like any background job: if this command is killed, a running service
    # takes the analysis over once the lease expires, instead of the city staying blocked.
    queue.leases.start()
    try:
        # The process ends with this command, and Python's collector would walk the whole heap of the
        # analysis twice only to free what exit frees anyway: when the analysis ends (app.collector) and
        # at exit (for a 10,000-way city about 0.1 s and 0.4 s of CPU). So no collection after it, and
        # what it leaves goes to the oldest generation unwalked (freeze, then unfreeze), so that the
        # collector, back on, does not walk it all at its next young collection; at exit it is frozen.
        with collector_paused(collect_after=False):
            run_claimed(store, job.id, lambda job_row, _progress: execute(job_row, progress), worker)
            gc.freeze()
            gc.unfreeze()
        atexit.register(gc.freeze)
    finally:
        queue.leases.stop()
        progress.close()
    with store.session() as session:
        job = session.get(JobRow, job.id)
        if job.status != "done":
            raise click.ClickException(f"analysis failed: {job.error}")
    _print_cities([row.slug])
    _print_changes(row.id)


def _print_changes(area_id: int) -> None:
    """What changed since the city's previous analysis (the summary of its Changes page)."""
    from app.changes import NoComparison, changes_since, summary_lines

    try:
        changes = changes_since(_store(), area_id)
    except NoComparison as exc:
        click.echo(f"No changes to show: {exc}.")
        return
    click.echo("\n".join(summary_lines(changes)))


@main.command("analyze-region")
@click.argument("source")
@click.option("--admin-level", type=click.IntRange(2, 12), default=8, show_default=True,
              help="The administrative level of the municipalities (8: municipality in most countries).")
@click.option("--within", help="With an extract: only the municipalities inside this boundary (relation/ID).")
@click.option("--offline", is_flag=True, help="Use only cached remote answers; fail on anything not cached.")
@click.option("--queue", "use_queue", is_flag=True,
              help="Hand the municipalities to the background workers (`whose-streets worker`, several of them "
                   "with PostgreSQL and a Redis QUEUE_URL) instead of storing them here.")
@with_appcontext
def analyze_region_command(source: str, admin_level: int, within: str | None, offline: bool, use_queue: bool):
    """Analyse every municipality of a region in one pass, and the region they make.

    SOURCE is an .osm.pbf extract (read once), or a small region's name, relation/ID or Wikidata
    id (its municipalities fetched from Overpass one by one). Each municipality is stored as a
    city of its own; the region gets a page comparing them. A region run that was interrupted
    resumes where it stopped when run again.
    """
    from app.analysis import analyze_region, make_clients
    from app.areas import AmbiguousAreaError, AreaLookupError, lookup_area
    from app.osm.area import parse_area_query
    from app.osm.pbf import BoundaryIncomplete
    from app.remote import RemoteError
    from app.store.models import RegionRow

    settings = current_app.config["SETTINGS"]
    store = _store()
    extract = Path(source)
    is_extract = extract.suffix == ".pbf" or extract.is_file()
    if is_extract and not extract.is_file():
        raise click.BadParameter(f"no such file: {source}", param_hint="SOURCE")
    within_id = region = None
    if within is not None:
        if not is_extract:
            raise click.BadParameter("only with an extract (the region itself is SOURCE)", param_hint="--within")
        try:
            parsed = parse_area_query(within)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--within") from None
        if parsed.kind != "relation":
            raise click.BadParameter("a boundary in the extract: relation/ID", param_hint="--within")
        within_id = parsed.osm_id
    if not is_extract:
        try:
            region = lookup_area(settings, store, source, offline=offline)
        except (AmbiguousAreaError, ValueError, AreaLookupError, RemoteError) as exc:
            raise lookup_failed(exc) from None
    clients = make_clients(settings, store, offline=offline)
    progress = CliProgress(lambda *_: None)
    try:
        region_id = analyze_region(store, clients, progress, pbf=extract if is_extract else None, region=region,
                                   admin_level=admin_level, within=within_id,
                                   queue=current_app.extensions["jobs"].queue_region_member if use_queue else None,
                                   lease_seconds=settings.job_lease_seconds)
    except (BoundaryIncomplete, ValueError, LookupError, RuntimeError, RemoteError, OSError) as exc:
        progress.close()
        raise click.ClickException(f"region analysis failed: {exc}") from None
    progress.close()
    with store.session() as session:
        row = session.get(RegionRow, region_id)
        slug, done, total, notes = row.slug, row.done, row.total, row.notes or {}
        slugs = [m.area.slug for m in row.members if m.status == "done"]
        empty = [m.area.name for m in row.members if m.status == "empty"]
    if use_queue and done < total:
        click.echo(f"Region {slug}: {total - done} of {total} municipalities queued for the workers "
                   f"(progress at /regions/{slug} and /api/regions/{slug})", err=True)
        return
    click.echo(f"Region {slug}: {done}/{total} municipalities (see /regions/{slug})", err=True)
    if empty:
        click.echo(f"No named streets in: {', '.join(empty)}", err=True)
    if notes.get("outside"):
        click.echo(f"{notes['outside']} streets lie in no municipality and are not counted", err=True)
    for skipped in notes.get("skipped", []):
        click.echo(f"boundary not whole in the data: {skipped}", err=True)
    if slugs:
        _print_cities(slugs)


def _print_cities(slugs: list[str] | None = None) -> None:
    from app.stats import percent
    from app.store.models import AreaRow, RunRow

    with _store().session() as session:
        stmt = select(AreaRow, RunRow).join(RunRow, RunRow.id == AreaRow.current_run_id).order_by(AreaRow.name)
        if slugs:
            stmt = stmt.where(AreaRow.slug.in_(slugs))
        rows = session.execute(stmt).all()
    if not rows:
        click.echo("No city has been analysed yet. Try: whose-streets analyze Montevideo")
        return
    click.echo(f"{'city':<32} {'streets':>8} {'person':>7} {'women':>8} {'by length':>10} {'by person':>10}  analysed")
    for area, run in rows:
        s = area.stats or {}
        click.echo(
            f"{area.slug:<32} {s.get('streets', 0):>8} {s.get('person_streets', 0):>7} "
            f"{percent(s.get('women_share')):>8} {percent(s.get('women_share_by_length')):>10} "
            f"{percent(s.get('women_share_by_person')):>10}  {run.finished_at:%Y-%m-%d %H:%M}"
        )


@main.command("cities")
@with_appcontext
def cities_command():
    """List analysed cities with their headline figures (share of person-named streets honouring women)."""
    _print_cities()


@main.command("export")
@click.argument("city")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="File to write (default: standard output).")
@with_appcontext
def export_command(city: str, fmt: str, output: Path | None):
    """Write the per-street table of an analysed CITY (its slug, as `cities` lists it)."""
    from app.exports import write_export
    from app.store.records import AreaNotFound

    from app.files import output_stream

    try:
        with output_stream(output) as stream:
            write_export(_store(), city, fmt, stream)
    except AreaNotFound as exc:
        raise click.ClickException(str(exc)) from None


@main.command("publish")
@click.argument("slug", metavar="CITY|REGION")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (new, empty, or an earlier pack, which is replaced).")
@click.option("--language", type=click.Choice(["es", "pt", "en"]),
              help="Language of the pages (default: the city's, else English).")
@click.option("--context", is_flag=True,
              help="Draw the city's unnamed roads, railways, water and parks faintly behind the streets.")
@click.option("--no-tiles", is_flag=True, help="Never ask for map tiles, even when the network is there.")
@click.option("--public-url", help="Where the public reads the service (QR code, street pages); default PUBLIC_URL.")
@click.option("--offline", is_flag=True, help="Make the background from cached Overpass answers only.")
@click.option("--context-from", "context_from", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the background (outline, and --context's other ways) from this .osm.pbf extract instead of "
                   "Overpass. A city analysed with --pbf, or a region analysed from an extract, uses its extract by "
                   "default, when still there.")
@with_appcontext
def publish_command(slug, output, language, context, no_tiles, public_url, offline, context_from):
    """Write a city or a region (its slug, as `cities` or the home page lists it) as a static site that
    works from a USB stick. A region's pack holds the region page and every municipality's city pages."""
    from app.regions import RegionNotFound, region_data
    from app.store.records import AreaNotFound, find_analysed_area

    try:
        found = find_analysed_area(_store(), slug)
    except AreaNotFound as exc:
        try:
            region = region_data(_store(), slug)
        except RegionNotFound:
            raise click.ClickException(f"{exc}, and no region {slug!r} either") from None
        return _publish_region(region, output, language, context, no_tiles, _pack_public_url(public_url),
                               context_from)
    _publish_city(found, output, language, context, no_tiles, _pack_public_url(public_url), offline, context_from)


def _pack_public_url(public_url: str | None) -> str | None:
    from app.config import parse_public_url

    if not public_url:
        return current_app.config["SETTINGS"].public_url
    try:
        return parse_public_url({"PUBLIC_URL": public_url})
    except ConfigError as exc:
        raise click.BadParameter(str(exc).replace("PUBLIC_URL=", ""), param_hint="--public-url") from None


def _publish_city(found, output, language, context, no_tiles, public_url, offline, given_extract):
    from app.osm.pbf import BoundaryIncomplete
    from app.remote import RemoteError
    from app.web.publish import (PackOptions, PublishError, analysed_extract, make_background, pack_language,
                                 publish_city)

    app = current_app._get_current_object()
    language = language or pack_language(found.languages)
    background = None
    extract = given_extract or analysed_extract(app, found.slug)
    if extract is not None:
        try:
            background = make_background(app, found.slug, context=context, extract=extract)
            click.echo(f"Background read from {extract}", err=True)
        except (BoundaryIncomplete, LookupError) as exc:
            if given_extract is not None:
                raise click.ClickException(f"the background could not be read from {extract}: {exc}") from None
            click.echo(f"warning: the background is not in {extract} ({exc}); asking Overpass", err=True)
    if background is None:
        try:
            background = make_background(app, found.slug, context=context, offline=offline)
        except RemoteError as exc:
            if context:
                raise click.ClickException(f"the background could not be fetched: {exc}") from None
            click.echo(f"warning: no city outline in the background ({exc})", err=True)
    options = PackOptions(language=language, context=context, tiles=not no_tiles, public_url=public_url,
                          background=background)
    try:
        publish_city(app, found.slug, output, options)
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Published {found.name} to {output} ({_folder_mb(output):.2f} MB, {language}): "
               f"open {output / 'index.html'}")


def _publish_region(region: dict, output, language, context, no_tiles, public_url, extract):
    from app.store.records import find_analysed_area
    from app.store.regions import region_extract
    from app.web.publish import PackOptions, PublishError, pack_language, publish_region, region_backgrounds

    app = current_app._get_current_object()
    slugs = [row["slug"] for row in region["municipalities"] if row["slug"]]
    if context and extract is None:
        extract = region_extract(_store(), region["slug"])
        if extract is None:
            raise click.UsageError("a region's --context is read from its extract, which is no longer where the "
                                   "region run read it: give --context-from EXTRACT.osm.pbf")
        click.echo(f"Background read from {extract}", err=True)
    if language is None and slugs:
        language = pack_language(find_analysed_area(_store(), slugs[0]).languages)
    language = language or "en"
    options = PackOptions(language=language, context=context, tiles=not no_tiles, public_url=public_url)

    def progress(done, total):
        click.echo(f"\r{done}/{total} municipalities written", nl=done == total, err=True)

    try:
        backgrounds = region_backgrounds(region, extract if context else None)
        publish_region(app, region["slug"], output, options, backgrounds=backgrounds, progress=progress)
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Published {region['name']} ({len(slugs)} municipalities) to {output} "
               f"({_folder_mb(output):.2f} MB, {language}): open {output / 'index.html'}")


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


@main.command("create-user")
@click.argument("name")
@click.password_option(help="The password (asked for when not given).")
@with_appcontext
def create_user_command(name: str, password: str):
    """Create a volunteer account that may review streets."""
    from app.store.models import UserRow

    name = name.strip()
    if not name or len(name) > 80:
        raise click.BadParameter("a name of 1 to 80 characters", param_hint="NAME")
    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    with _store().session() as session:
        if session.scalar(select(UserRow).where(UserRow.name == name)) is not None:
            raise click.ClickException(f"a user called {name!r} exists already")
        session.add(UserRow(name=name, password_hash=generate_password_hash(password)))
    click.echo(f"Created volunteer {name!r}.")


@main.command("classify")
@click.argument("names_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", "languages", multiple=True,
              help="Language of the names, most used first (repeatable; default: from --region or --country).")
@click.option("--region", help="ISO 3166-2 region, e.g. ES-CT, CH-VD (its languages, and its country).")
@click.option("--country", help="ISO country code, e.g. ES, UY (helps first names and homonyms).")
@click.option("--column", help="Column holding the street names (default: the first).")
@click.option("--offline", is_flag=True, help="Use no network at all: rules, titles and first names only.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="CSV to write (default: standard output).")
@with_appcontext
def classify_command(names_csv, languages, region, country, column, offline, output):
    """Classify a list of street names (a city's street register) without a map."""
    from app.names import languages_for_place
    from app.names.languages import is_region_code
    from app.nomenclator import classify_csv

    if region and not is_region_code(region):
        raise click.BadParameter(f"{region!r} is not an ISO 3166-2 region code (e.g. ES-CT)", param_hint="--region")
    region = region.strip().upper() if region else None
    country = (country or (region or "")[:2]).strip().upper() or None
    languages = list(dict.fromkeys([lang.strip().lower() for lang in languages if lang.strip()]))
    if not languages:
        languages = languages_for_place(country, region)
        if not languages:
            raise click.UsageError("give the names' --language, or a --region or --country to take them from")
        click.echo(f"Reading names in: {', '.join(languages)}", err=True)

    namesake_lookup = None
    if not offline:
        from app.analysis import make_clients
        from app.wikidata.namesakes import match_name_parts

        clients = make_clients(current_app.config["SETTINGS"], _store())
        namesake_lookup = lambda names, langs, cc: match_name_parts(clients.sparql, names, langs, cc)  # noqa: E731
    from app.files import output_stream

    try:
        # The output may be the input itself: it is replaced only once the whole list is classified.
        with output_stream(output, encoding="utf-8-sig") as stream:
            classify_csv(names_csv, stream, list(languages), country, column=column, namesake_lookup=namesake_lookup)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads answering requests (the analyses have their own, JOB_WORKERS).")
@with_appcontext
def serve_command(host: str, port: int, threads: int):
    """Serve the app with a production WSGI server (waitress); `run` is for development."""
    import signal

    import waitress

    app = current_app._get_current_object()

    def stop(_signum, _frame):
        # systemd and container runtimes stop services with SIGTERM: end like Ctrl-C does, so the
        # finally below marks running analyses as interrupted instead of leaving them to their lease.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Whose Streets on http://{host}:{port}/ (waitress, {threads} threads); data in {app.instance_path}",
               err=True)
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="whose-streets",
                       # Analyses are started through the API; nothing here streams large uploads.
                       max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
    except KeyboardInterrupt:
        pass
    finally:
        # At once: running analyses go back to the queue for the next start or another worker.
        app.extensions["jobs"].stop_workers(graceful=False)


@main.command("worker")
@with_appcontext
def worker_command():
    """Run background analyses in the foreground (for JOB_MODE=external deployments)."""
    current_app.extensions["jobs"].run_worker_forever()


if __name__ == "__main__":
    main()
