"""The presenter's pack: a city as a folder of static files that works from file:// and any static host.

The pack is not a second copy of the pages. Each page is made by the service itself: the same view
(``pages.city``, ``pages.present``, ``gaps.gaps``, the downloads) answers a request made inside the
application, with one difference: the request's URL adapter is ``PackUrls``, which turns every
``url_for`` into a relative path inside the folder (``static/js/citymap.js``, ``present.html``...). Pages
ask ``static_site()`` only to leave out what cannot work without a server (sign-in, the language switch,
filter forms) and to say when the pack was published.

Map data cannot be fetched from file:// (Chromium blocks fetch() of local files), so every data file is a
script that hands its JSON to ``WhoseStreetsData.receiveGzip(name, packed)``; static/js/data.js, through
which both maps load their data, adds it as a <script> element. Leaflet and our scripts and styles are
copied from where the service serves them (the xstatic-leaflet package, the app's static folder), exactly
the files the pages link to.

Layout of a city pack::

    index.html                       the city page: map, legend, statistics, downloads
    present.html                     presenter mode (same keys as the service, plus q for the QR code)
    women-without-article.html/.csv  the volunteers' first gap list
    <slug>-streets.zip               the per-street downloads (CSV and GeoJSON, as the service gives them)
    data/map.js, data/background.js  the streets (app.mapdata's map data) and the offline background
    data/keys.js                     the streets' keys in the map data's order (app.mapdata.map_keys)
    data/facts/<n>.js                what the popups show, 500 streets to a file, loaded on opening
    static/..., vendor/leaflet/...   our scripts and styles, Leaflet
"""
from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import os
import posixpath
import re
import shutil
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, make_response, render_template, send_file
from flask_babel import get_locale
from sqlalchemy import select

from app.areas import overpass_client
from app.background import background, context_from_pbf, fetch_background, geometry_lines
from app.exports import export_filename
from app.mapdata import all_street_facts, map_keys, stored_map_data
from app.regions import RegionNotFound, region_csv, region_data
from app.remote import RemoteError
from app.store.models import AreaRow, JobRow, RegionMemberRow, RunRow
from app.store.records import AreaNotFound, area_by_slug, area_from_row, find_analysed_area
from app.web import store
from app.web.assets import PACKAGES

bp = Blueprint("publish", __name__)
log = logging.getLogger(__name__)

#: A file every pack carries: a folder holding it may be replaced by a newer pack of the same city.
MARKER = ".whose-streets-pack"
PACK_LANGUAGES = ("es", "pt", "en")
WOMEN_PAGE = "women-without-article"
#: In a region's pack: the choropleth's outlines, and where each municipality's pages are.
REGION_DATA = "data/region.js"
CITIES_FOLDER = "cities/"
#: The streets' popup facts: files of FACTS_CHUNK streets (in map-data order), loaded when a popup opens.
FACTS_FOLDER = "data/facts/"
FACTS_CHUNK = 500
#: Leaflet's stylesheet refers to its marker and layer images by relative paths: copy them with it.
VENDOR_EXTRA = {"leaflet": ("images",)}


class PublishError(Exception):
    """The pack could not be written; the message says why, for people. The target folder is untouched."""


@dataclass
class PackOptions:
    language: str = "en"
    #: Draw the city's other ways (unnamed roads, railways, water, parks) faintly behind the streets.
    context: bool = False
    #: Keep the OpenStreetMap tile layer (used when the network is there; the pack works without).
    tiles: bool = True
    #: Where the public reads the service (the QR code and links to pages not in the pack), or None.
    public_url: str | None = None
    #: The offline background (app.background.Background as JSON), made by the caller; None: none.
    background: dict | None = None


@dataclass
class Pack:
    """What the pages of one pack need to know while they are rendered (``static_site()``).

    A city's pack holds one city at the top of the folder; a region's pack holds the region page at the
    top and each municipality's pages in ``cities/<slug>/`` (``cities`` maps a slug to its folder).
    """

    slug: str
    options: PackOptions
    published_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    #: Files the rendered pages link to (static/..., vendor/...), copied in at the end (once per pack).
    assets: set[str] = field(default_factory=set)
    #: The cities of the pack and the folder holding each one's pages ("" or "cities/<slug>/").
    cities: dict[str, str] = field(default_factory=dict)
    #: The region whose page is the pack's index.html, or None for a city's pack.
    region: str | None = None
    #: Each city's offline background (app.background.Background as JSON), when it has one.
    backgrounds: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        if self.region is None and not self.cities:
            self.cities = {self.slug: ""}
            if self.options.background is not None:
                self.backgrounds = {self.slug: self.options.background}

    def has_background(self, slug: str) -> bool:
        return slug in self.backgrounds

    def file_for(self, endpoint: str, values: dict) -> str | None:
        """The pack's file that stands for this page of the service, or None when the pack lacks it."""
        if endpoint == "static":
            return f"static/{values['filename']}"
        if endpoint == "assets.vendor":
            return f"vendor/{values['package']}/{values['filename']}"
        slug = values.get("slug")
        extra = {k: v for k, v in values.items() if k != "slug"}
        if self.region is not None and slug == self.region and not extra:
            return {"regions.region": "index.html", "regions.region_geojson": REGION_DATA,
                    "regions.region_table_csv": region_table_name(slug)}.get(endpoint)
        if slug not in self.cities:
            return None
        folder = self.cities[slug]
        if endpoint == "pages.city" and not extra:
            return f"{folder}index.html"
        if endpoint == "pages.present" and not extra:
            return f"{folder}present.html"
        if endpoint == "pages.map_json":
            return f"{folder}data/map.js"
        if endpoint == "pages.map_keys_json":
            return f"{folder}data/keys.js"
        if endpoint in ("pages.streets_csv", "pages.streets_geojson"):
            return folder + downloads_name(slug)
        if endpoint == "gaps.gaps" and extra.get("list", "articles") == "articles":
            rest = set(extra) - {"list", "format"}
            if not rest:
                return f"{folder}{WOMEN_PAGE}.csv" if extra.get("format") == "csv" else f"{folder}{WOMEN_PAGE}.html"
        if endpoint == "reviews.street" and not self.options.public_url:
            # Without a public site to send readers to, a street's page is its place on the map.
            return f"{folder}index.html#street={values.get('key', '')}"
        return None

    def public(self, path: str) -> str | None:
        """A path of the service on the public site, or None when no public URL was given."""
        return self.options.public_url + path if self.options.public_url else None


def static_site() -> Pack | None:
    """The pack being written, while one of its pages is rendered; None when serving a request."""
    return g.get("static_site")


class PackUrls:
    """A URL adapter (werkzeug's MapAdapter, wrapped) that builds links inside the pack.

    ``here`` is the path, inside the pack, of the page being rendered: links are made relative to it,
    so the folder works from file:// and from any sub-folder of any host. A page the pack does not
    hold becomes the same page on the public site (PUBLIC_URL), or the pack's own city page.
    """

    def __init__(self, adapter, pack: Pack, here: str):
        self._adapter = adapter
        self._pack = pack
        self._here = here

    def __getattr__(self, name):
        return getattr(self._adapter, name)

    def build(self, endpoint, values=None, method=None, url_scheme=None, force_external=False, **kwargs):
        values = dict(values or {})
        target = self._pack.file_for(endpoint, values)
        if target is None or force_external:
            real = self._adapter.build(endpoint, values, method=method, force_external=False)
            public = self._pack.public(real)
            if public is not None:
                return public
            if target is None:
                target = "index.html"
        if target.startswith(("static/", "vendor/")):
            self._pack.assets.add(target)
        path, hash_mark, fragment = target.partition("#")
        start = posixpath.dirname(self._here) or "."
        relative = posixpath.relpath(path, start)
        return relative + hash_mark + fragment


def _render(app: Flask, pack: Pack, service_path: str, here: str, query: dict | None = None) -> bytes:
    """The body the service answers for ``service_path``, rendered as the pack's file ``here``."""
    query = {**(query or {}), "lang": pack.options.language}
    # A fresh application context, so that nothing set here (g.static_site, the locale) leaks into a
    # request being served (the .zip download renders a pack while answering one).
    with app.app_context(), app.test_request_context(service_path, query_string=query) as ctx:
        g.static_site = pack
        ctx.url_adapter = PackUrls(ctx.url_adapter, pack, here)
        response = app.full_dispatch_request()
        if response.status_code != 200:
            raise PublishError(f"{service_path} answered {response.status_code}")
        return response.get_data()


def downloads_name(slug: str) -> str:
    return f"{slug}-streets.zip"


def region_table_name(slug: str) -> str:
    return f"{slug}-municipalities.csv"


def data_script(name: str, payload: bytes | str) -> bytes:
    """A data file that also loads from file://: a script handing its JSON to static/js/data.js.

    The JSON travels gzip-compressed in base64 (data.js inflates it with the browser's
    DecompressionStream): a static host may not compress, and a USB stick's folder should stay small;
    popup facts shrink about tenfold this way.
    """
    body = payload.encode("utf-8") if isinstance(payload, str) else payload
    packed = base64.b64encode(gzip.compress(body, compresslevel=9, mtime=0)).decode("ascii")
    return f"WhoseStreetsData.receiveGzip({json.dumps(name)}, \"{packed}\");\n".encode("ascii")


def downloads_zip(files: dict[str, bytes]) -> bytes:
    """The per-street downloads in one .zip: the full-precision GeoJSON of a big city is megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _write_city(app: Flask, pack: Pack, slug: str, folder: Path) -> None:
    """Write one city's pages, downloads and data files into ``folder`` (the pack's folder for it)."""
    inside = pack.cities[slug]  # where the city's files sit inside the pack: "" or "cities/<slug>/"
    base = f"/cities/{slug}"
    pages = [
        (base, {}, "index.html"),
        (f"{base}/present", {}, "present.html"),
        (f"{base}/gaps", {"list": "articles"}, f"{WOMEN_PAGE}.html"),
        (f"{base}/gaps", {"list": "articles", "format": "csv"}, f"{WOMEN_PAGE}.csv"),
    ]
    for path, query, name in pages:
        _write(folder / name, _render(app, pack, path, inside + name, query))
    _write(folder / downloads_name(slug), downloads_zip({
        export_filename(slug, fmt): _render(app, pack, f"{base}/streets.{fmt}", inside + downloads_name(slug))
        for fmt in ("csv", "geojson")}))
    with app.app_context():
        store_ = app.extensions["store"]
        map_data = stored_map_data(store_, slug)
        facts = all_street_facts(store_, map_data.area)
        keys = map_keys(store_, map_data.area)
    _write(folder / "data" / "map.js", data_script("map", map_data.body))
    _write(folder / "data" / "keys.js",
           data_script("keys", json.dumps({"run": map_data.area.run_id, "keys": keys}, separators=(",", ":"))))
    for chunk, start in enumerate(range(0, len(keys), FACTS_CHUNK)):
        part = {key: facts[key] for key in keys[start:start + FACTS_CHUNK] if key in facts}
        _write(folder / FACTS_FOLDER / f"{chunk}.js",
               data_script(f"facts-{chunk}", json.dumps(part, ensure_ascii=False, separators=(",", ":"))))
    if pack.has_background(slug):
        _write(folder / "data" / "background.js",
               data_script("background", json.dumps(pack.backgrounds[slug], separators=(",", ":"))))


def build_pack(app: Flask, slug: str, folder: Path, options: PackOptions) -> Pack:
    """Write every file of a city's pack into ``folder`` (which exists and is empty)."""
    pack = Pack(slug=slug, options=options)
    _write_city(app, pack, slug, folder)
    _copy_assets(app, pack, folder)
    _write(folder / MARKER, f"Whose Streets pack of {slug}, {pack.published_at:%Y-%m-%dT%H:%M:%SZ}\n".encode())
    return pack


def build_region_pack(app: Flask, slug: str, folder: Path, options: PackOptions,
                      backgrounds: dict[str, dict] | None = None, progress=None) -> Pack:
    """Write every file of a region's pack into ``folder``: the region page, its table and outlines,
    and each analysed municipality's city pack in ``cities/<slug>/``, sharing one copy of the assets.

    ``backgrounds``: each city's offline background (by slug), when it has one. ``progress(done, total)``
    is told after each city.
    """
    with app.app_context():
        data = region_data(app.extensions["store"], slug)
    cities = [row["slug"] for row in data["municipalities"] if row["slug"]]
    pack = Pack(slug=slug, options=options, region=slug, cities={city: f"{CITIES_FOLDER}{city}/" for city in cities},
                backgrounds=dict(backgrounds or {}))
    _write(folder / "index.html", _render(app, pack, f"/regions/{slug}", "index.html"))
    _write(folder / region_table_name(slug), region_csv(data).encode("utf-8"))
    outlines = {**data["map"], "attribution": "© OpenStreetMap contributors, ODbL 1.0"}
    _write(folder / REGION_DATA, data_script("region", json.dumps(outlines, ensure_ascii=False, separators=(",", ":"))))
    for done, city in enumerate(cities, 1):
        _write_city(app, pack, city, folder / pack.cities[city])
        if progress is not None:
            progress(done, len(cities))
    _copy_assets(app, pack, folder)
    _write(folder / MARKER, f"Whose Streets pack of the region {slug}, {pack.published_at:%Y-%m-%dT%H:%M:%SZ}\n"
           .encode())
    return pack


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy_assets(app: Flask, pack: Pack, folder: Path) -> None:
    for asset in sorted(pack.assets):
        kind, _, rest = asset.partition("/")
        if kind == "static":
            root = Path(app.static_folder)
        else:
            package, _, rest = rest.partition("/")
            root = PACKAGES[package]
            for extra in VENDOR_EXTRA.get(package, ()):
                if (root / extra).is_dir():
                    shutil.copytree(root / extra, folder / "vendor" / package / extra, dirs_exist_ok=True)
        source = (root / rest).resolve()
        if not source.is_relative_to(root.resolve()) or not source.is_file():
            raise PublishError(f"the pages link to {asset}, which the installed packages lack")
        (folder / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / asset)


def publish_city(app: Flask, slug: str, target: Path, options: PackOptions) -> Pack:
    """Write a city's pack to ``target``, replacing it only once the whole pack is written.

    ``target`` may be missing, empty, or an earlier pack (it holds MARKER); any other folder is refused,
    so a typo never overwrites someone's documents. On failure ``target`` is left as it was.
    """
    _check_language(options)
    with app.app_context():
        try:
            find_analysed_area(app.extensions["store"], slug)
        except AreaNotFound as exc:
            raise PublishError(str(exc)) from None
    return _publish_into(Path(target), lambda work: build_pack(app, slug, work, options))


def publish_region(app: Flask, slug: str, target: Path, options: PackOptions,
                   backgrounds: dict[str, dict] | None = None, progress=None) -> Pack:
    """Write a region's pack to ``target`` (same rules as ``publish_city``)."""
    _check_language(options)
    with app.app_context():
        try:
            region_data(app.extensions["store"], slug)
        except RegionNotFound:
            raise PublishError(f"no region {slug!r} (regions come from `whose-streets analyze-region`)") from None
    return _publish_into(Path(target), lambda work: build_region_pack(app, slug, work, options, backgrounds,
                                                                      progress))


def _check_language(options: PackOptions) -> None:
    if options.language not in PACK_LANGUAGES:
        raise PublishError(f"language {options.language!r}: choose one of {', '.join(PACK_LANGUAGES)}")


def _publish_into(target: Path, build) -> Pack:
    """Run ``build(work)`` on a new folder beside ``target``, then put it in ``target``'s place."""
    target = target.absolute()
    if target.exists():
        if not target.is_dir():
            raise PublishError(f"{target} exists and is not a folder")
        if any(target.iterdir()) and not (target / MARKER).exists():
            raise PublishError(f"{target} is not empty and holds no earlier pack: choose a new or empty folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create {target.parent}: {exc.strerror}") from None
    # Written beside the target (same file system), then renamed into place in one step.
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        pack = build(work)
        os.chmod(work, 0o755)  # mkdtemp makes it private; a published site is for reading
        if target.exists():
            old = target.with_name(f".{target.name}-old-{os.getpid()}")
            target.rename(old)
            work.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return pack


def zip_folder(folder: Path, root_name: str) -> bytes:
    """The folder as a .zip whose files sit under ``root_name/`` (unzipping makes one folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{root_name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def region_backgrounds(region: dict, extract: Path | None = None) -> dict[str, dict]:
    """Each municipality's offline background in a region's pack: its outline as the region run stored it
    (``region_data``'s map), so that a region of many towns needs no query per town; with an ``extract``,
    its other ways too, read in one pass for all of them (app.background.context_from_pbf)."""
    from shapely.geometry import shape  # shapely is loaded only when a pack is made

    outlines = {feature["properties"]["slug"]: feature["geometry"]
                for feature in region["map"]["features"] if feature["properties"].get("slug")}
    context = context_from_pbf(extract, {slug: shape(g) for slug, g in outlines.items()}) if extract else {}
    return {slug: background(geometry_lines(g), context.get(slug) if extract else None)
            for slug, g in outlines.items()}


def make_background(app: Flask, slug: str, *, context: bool = False, offline: bool = False,
                    interactive: bool = False, extract: Path | None = None) -> dict:
    """The offline background of an analysed city: from an ``.osm.pbf`` ``extract`` holding it (no
    network), else from Overpass or its cached answers (RemoteError)."""
    store_ = app.extensions["store"]
    with store_.session() as session:
        row = area_by_slug(session, slug)
        if row is None:
            raise PublishError(f"no analysed city {slug!r} (see `whose-streets cities`)")
        area = area_from_row(row)
    if extract is not None:
        return background_from_extract(extract, int(area.osm_id), context=context)
    client = overpass_client(app.config["SETTINGS"], store_, offline=offline, interactive=interactive)
    return fetch_background(client, area, context=context)


def background_from_extract(extract: Path, relation_id: int, *, context: bool) -> dict:
    """A city's background read from an extract: its boundary relation's outline and, with ``context``,
    its other ways (app.background.context_from_pbf). BoundaryIncomplete when the extract cuts it."""
    from shapely.geometry import mapping  # shapely and pyosmium are loaded only when a pack is made

    from app.osm.pbf import boundary_from_pbf

    shape = boundary_from_pbf(extract, relation_id)
    extra = context_from_pbf(extract, {relation_id: shape})[relation_id] if context else None
    return background(geometry_lines(mapping(shape)), extra)


def quick_background(app: Flask, slug: str) -> dict | None:
    """The outline alone, the quickest way there is, for the city page's .zip: from the city's extract
    when it was analysed from one, else from its region's stored outline when it belongs to a region,
    else from what Overpass answers at once; None when none answers."""
    extract = analysed_extract(app, slug)
    if extract is not None:
        try:
            return make_background(app, slug, extract=extract)
        except (LookupError, ValueError):  # ValueError: BoundaryIncomplete, the extract cuts the boundary
            pass
    with app.extensions["store"].session() as session:
        outline = session.scalar(select(RegionMemberRow.outline).join(AreaRow, AreaRow.id == RegionMemberRow.area_id)
                                 .where(AreaRow.slug == slug, RegionMemberRow.outline.is_not(None)).limit(1))
    if outline:
        return background(geometry_lines(outline))
    try:
        return make_background(app, slug, interactive=True)
    except RemoteError:
        return None


def analysed_extract(app: Flask, slug: str) -> Path | None:
    """The ``.osm.pbf`` the city's current run was read from (``analyze --pbf``), if it is still there."""
    with app.extensions["store"].session() as session:
        row = area_by_slug(session, slug)
        run = session.get(RunRow, row.current_run_id) if row is not None else None
        if run is None or run.source != "pbf" or run.job_id is None:
            return None
        job = session.get(JobRow, run.job_id)
        path = (job.options or {}).get("pbf") if job is not None else None
    return Path(path) if path and Path(path).is_file() else None


#: After a review, a city's .zip is made again only once reviews have paused this long (seconds): a review
#: session changes the city every few seconds, and a pack takes 8-20 s of one core.
REVIEW_DELAY = 60.0
#: A pack that could not be made is tried again on an ask after this long (seconds).
RETRY_AFTER_FAILURE = 60.0


def pack_language(languages) -> str:
    """The language a city's pack is made in when nobody asked for one: the city's, else English."""
    return next((lang for lang in languages or () if lang in PACK_LANGUAGES), "en")


class OfflinePacks:
    """The city page's "Take this map offline" .zip files, made in the background and served prepared.

    Each is kept as ``<instance>/packs/<slug>-<revision>-<language>.zip``: the city's revision changes
    with every run and every review, so a file is never stale, and the ETag is the revision's. One
    thread per process makes them one at a time (a pack takes seconds of one core), in the city's own
    language after each analysis this process ran and, after reviews, once they have paused for
    ``review_delay`` seconds; in any language on the first ask. A request never builds: it is told the
    pack is being prepared (``ask``).
    """

    def __init__(self, app: Flask, review_delay: float = REVIEW_DELAY):
        self.app = app
        self.folder = Path(app.instance_path) / "packs"
        self.review_delay = review_delay
        self._lock = threading.Condition()
        self._due: dict[tuple[str, str], float] = {}  # (slug, language): when its build may start
        self._building: tuple[str, str] | None = None
        self._failed: dict[tuple[str, str, str], float] = {}  # (slug, revision, language): when it failed
        self._thread: threading.Thread | None = None
        #: Made ahead after analyses and reviews, not only when asked (off in tests unless they ask).
        self.prepare_ahead = False

    def path(self, slug: str, revision: str, language: str) -> Path:
        return self.folder / f"{slug}-{revision}-{language}.zip"

    def ask(self, slug: str, revision: str, language: str) -> str:
        """"ready" (``path`` exists), "preparing" (queued or being made) or "failed" (lately)."""
        if self.path(slug, revision, language).exists():
            return "ready"
        with self._lock:
            failed = self._failed.get((slug, revision, language))
            if failed is not None and time.monotonic() - failed < RETRY_AFTER_FAILURE:
                return "failed"
        self.schedule(slug, language)
        return "preparing"

    def schedule(self, slug: str, language: str, delay: float = 0.0) -> None:
        """Make the city's pack in ``language`` for its revision at that time, ``delay`` seconds from now
        at the earliest (a later delay pushes a waiting build back; an ask brings it forward)."""
        with self._lock:
            now = time.monotonic()
            key = (slug, language)
            self._due[key] = now + delay if delay else min(self._due.get(key, now), now)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="offline-packs", daemon=True)
                self._thread.start()
            self._lock.notify_all()

    def after_analysis(self, area_id: int) -> None:
        if self.prepare_ahead:
            self._schedule_area(area_id, 0.0)

    def after_review(self, slug: str, languages) -> None:
        if self.prepare_ahead:
            self.schedule(slug, pack_language(languages), self.review_delay)

    def _schedule_area(self, area_id: int, delay: float) -> None:
        with self.app.app_context(), self.app.extensions["store"].session() as session:
            area = session.get(AreaRow, area_id)
            if area is None or area.current_run_id is None:
                return
            slug, languages = area.slug, list(area.languages or [])
        self.schedule(slug, pack_language(languages), delay)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is waiting to be made or being made (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._due or self._building is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _work(self) -> None:
        self._remove_leftovers()
        while True:
            with self._lock:
                while True:
                    now = time.monotonic()
                    ready = [key for key, when in self._due.items() if when <= now]
                    if ready:
                        key = min(ready, key=self._due.__getitem__)
                        del self._due[key]
                        self._building = key
                        break
                    self._lock.wait(min(self._due.values()) - now if self._due else None)
            try:
                self._build(*key)
            except Exception:  # noqa: BLE001 - recorded by _build; the thread must go on
                log.exception("the offline pack of %s (%s) could not be made", *key)
            finally:
                with self._lock:
                    self._building = None
                    self._lock.notify_all()

    def _remove_leftovers(self, older_than: float = 3600.0) -> None:
        """Working folders a process stopped in the middle of a build left behind (not another's, running)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            try:
                if path.is_dir() and time.time() - path.stat().st_mtime > older_than:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass

    def _build(self, slug: str, language: str) -> None:
        app = self.app
        with app.app_context():
            try:
                city = find_analysed_area(app.extensions["store"], slug)
            except AreaNotFound:
                return
        path = self.path(slug, city.revision, language)
        if path.exists():
            return
        try:
            background = quick_background(app, slug)
            options = PackOptions(language=language, public_url=app.config["SETTINGS"].public_url,
                                  background=background)
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.folder) as work:
                publish_city(app, slug, Path(work) / slug, options)
                partial = Path(work) / "pack.zip"
                partial.write_bytes(zip_folder(Path(work) / slug, f"{slug}-offline"))
                os.replace(partial, path)
        except Exception:
            with self._lock:
                self._failed[(slug, city.revision, language)] = time.monotonic()
            raise
        earlier = re.compile(rf"{re.escape(slug)}-\d+\.\d+-{language}\.zip")
        for older in self.folder.iterdir():
            if older != path and earlier.fullmatch(older.name):
                older.unlink(missing_ok=True)


def offline_packs() -> OfflinePacks:
    return current_app.extensions["packs"]


@bp.record_once
def _register_packs(state) -> None:
    app = state.app
    packs = OfflinePacks(app)
    app.extensions["packs"] = packs
    # Made ahead only where analyses and reviews happen in this process, and not in tests unless asked.
    if app.config.get("PREPARE_OFFLINE_PACKS", not app.testing):
        packs.prepare_ahead = True
        if app.config["SETTINGS"].job_mode == "thread":
            app.extensions["jobs"].after_analysis.append(packs.after_analysis)


@bp.get("/cities/<slug>/offline.zip")
def offline_zip(slug: str):
    """The city's pack as a .zip ("Take this map offline"), in the reader's language, once it is made
    (``OfflinePacks``); until then a page that says so and asks again by itself."""
    try:
        city = find_analysed_area(store(), slug)
    except AreaNotFound:
        abort(404)
    language = str(get_locale())
    language = language if language in PACK_LANGUAGES else "en"
    packs = offline_packs()
    state = packs.ask(slug, city.revision, language)
    if state == "ready":
        response = send_file(packs.path(slug, city.revision, language), mimetype="application/zip",
                             as_attachment=True, download_name=f"{slug}-offline.zip", max_age=0,
                             etag=f"pack-{city.revision}-{language}", conditional=True)
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response
    wait = 5 if state == "preparing" else int(RETRY_AFTER_FAILURE)
    response = make_response(render_template("pack_wait.html", city=city, failed=state == "failed", wait=wait),
                             202 if state == "preparing" else 503)
    response.headers["Retry-After"] = str(wait)
    response.cache_control.no_store = True
    return response
