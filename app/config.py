"""Settings read from the environment, validated once at start-up.

Every remote endpoint is configurable so that tests (and mirrors) can point the
app at local stand-ins. A bad value stops start-up with one readable line
(ConfigError), instead of failing later inside a background job.
"""
from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

#: The languages of the interface: pages are translated into them, and every analysis fetches
#: namesakes' facts in them too, so pages can show people in the visitor's language.
INTERFACE_LANGUAGES = ("es", "pt", "en")

DEFAULT_OVERPASS_URL = "https://overpass-api.de/api/interpreter"
DEFAULT_SPARQL_URL = "https://query.wikidata.org/sparql"


class ConfigError(Exception):
    """A setting is wrong; the message says which and why, in one line."""


@dataclass
class Settings:
    instance_path: Path
    database_url: str
    overpass_urls: list[str]
    sparql_urls: list[str]
    contact: str | None
    secret_key: str
    #: "thread": a huey consumer with worker threads inside the web process (the embedded default);
    #: "external": jobs are only queued, `whose-streets worker` runs them (e.g. with Redis).
    job_mode: str = "thread"
    job_workers: int = 2
    #: A running job's worker renews its lease four times per this many seconds; a job whose lease
    #: is older (its worker died) is taken over by another worker.
    job_lease_seconds: float = 60.0
    #: Analyses queued or running at once, over all cities; more are refused (each can be heavy).
    max_active_jobs: int = 10
    #: Reverse proxies in front of the app: their X-Forwarded-For then gives the client's address
    #: (rate limits are per address; behind a proxy without this, every visitor would share one).
    proxy_hops: int = 0
    #: Served over HTTPS (a TLS-terminating reverse proxy): cookies get the Secure flag, responses HSTS.
    secure_cookies: bool = False
    #: huey's queue: an SQLite file in the instance folder by default, or redis://host:port/db.
    queue_url: str = ""
    #: The queue's name: several services (or test runs) may share one Redis without sharing jobs.
    queue_name: str = "whose-streets"
    offline: bool = False
    #: Where rate-limit counters live: RATELIMIT_STORAGE_URL, else the queue's Redis (so every web
    #: process counts the same sign-ins and analyses), else this process's memory.
    ratelimit_storage: str = "memory://"
    #: Politeness and patience towards Overpass and SPARQL (see app.remote.RetryPolicy).
    remote_attempts: int = 4
    remote_backoff: float = 1.0
    remote_timeout: float = 180.0
    #: Seconds for one remote answer, retries and mirrors included.
    remote_deadline: float = 600.0
    #: Seconds a cached remote answer counts as fresh: an online re-analysis within this window
    #: reuses it (a double click does not double the load), after it asks again.
    cache_max_age: float = 300.0
    #: The bounds of the remote-answer cache; the oldest answers are pruned beyond them.
    cache_max_entries: int = 20000
    cache_max_mb: float = 2000.0
    #: The address where the public reads this service (https://streets.example.org): presenter mode's
    #: QR code and published packs point there. None: the QR code uses the address the page was asked on.
    public_url: str | None = None

    def retry_policy(self):
        # Inside: the CLI reads its settings before it needs requests (app.remote), keeping start-up light.
        from app.remote import RetryPolicy

        return RetryPolicy(attempts=self.remote_attempts, base_delay=self.remote_backoff, timeout=self.remote_timeout,
                           deadline=self.remote_deadline)



def _check_http_url(name: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name}={value!r} is not an http(s) URL")
    return value


def _database_url(instance_path: Path, env: dict) -> str:
    url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'whose-streets.sqlite'}"
    if "://" not in url:
        raise ConfigError(f"DATABASE_URL={url!r} is not a database URL (e.g. sqlite:///path or postgresql://...)")
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"DATABASE_URL: cannot create folder {folder}: {exc.strerror}") from exc
        target = path if path.exists() else folder
        if not os.access(target, os.W_OK):
            raise ConfigError(f"DATABASE_URL: {target} is not writable")
    return url


def _secret_key(instance_path: Path, env: dict) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    # Two processes may start at once: each writes a whole key to a file of its own (readable by its
    # owner only from the first byte) and links it into place; a link never replaces a file, so the
    # first one wins and the other reads the winner's key, never a half-written file.
    fd, scratch = tempfile.mkstemp(prefix=".secret_key-", dir=instance_path)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(scratch, key_file)
        except FileExistsError:
            pass
    finally:
        os.unlink(scratch)
    return key_file.read_text().strip()


def load_settings(instance_path: str | Path, env: dict | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    instance = Path(instance_path)
    try:
        instance.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"instance folder {instance} cannot be created: {exc.strerror}") from exc

    overpass = [u.strip() for u in (env.get("OVERPASS_URL") or DEFAULT_OVERPASS_URL).split(",") if u.strip()]
    for url in overpass:
        _check_http_url("OVERPASS_URL", url)
    # Both endpoints may list mirrors, tried in order (app.remote.Mirrors).
    sparql = [u.strip() for u in (env.get("SPARQL_URL") or DEFAULT_SPARQL_URL).split(",") if u.strip()]
    for url in sparql:
        _check_http_url("SPARQL_URL", url)

    job_mode = env.get("JOB_MODE", "thread")
    if job_mode not in ("thread", "external"):
        raise ConfigError(f"JOB_MODE={job_mode!r} must be 'thread' or 'external'")
    workers = _number(env, "JOB_WORKERS", 2, int, minimum=1)
    max_active_jobs = _number(env, "MAX_ACTIVE_JOBS", 10, int, minimum=1)
    queue_url = env.get("QUEUE_URL") or f"sqlite:///{instance / 'jobs-queue.sqlite'}"
    if not queue_url.startswith(("sqlite:///", "redis://")):
        raise ConfigError(f"QUEUE_URL={queue_url!r} must start with sqlite:/// or redis://")

    return Settings(
        instance_path=instance,
        database_url=_database_url(instance, env),
        overpass_urls=overpass,
        sparql_urls=sparql,
        contact=env.get("CONTACT") or None,
        secret_key=_secret_key(instance, env),
        job_mode=job_mode,
        job_workers=workers,
        job_lease_seconds=_number(env, "JOB_LEASE_SECONDS", 60.0, float, minimum=1),
        max_active_jobs=max_active_jobs,
        proxy_hops=_number(env, "PROXY_HOPS", 0, int, minimum=0),
        secure_cookies=env.get("SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        queue_url=queue_url,
        queue_name=_queue_name(env),
        ratelimit_storage=env.get("RATELIMIT_STORAGE_URL") or (queue_url if queue_url.startswith("redis://")
                                                               else "memory://"),
        offline=env.get("OFFLINE", "").lower() in ("1", "true", "yes"),
        remote_attempts=_number(env, "REMOTE_ATTEMPTS", 4, int, minimum=1),
        remote_backoff=_number(env, "REMOTE_BACKOFF", 1.0, float, minimum=0),
        remote_timeout=_number(env, "REMOTE_TIMEOUT", 180.0, float, minimum=0.1),
        remote_deadline=_number(env, "REMOTE_DEADLINE", 600.0, float, minimum=0.1),
        cache_max_age=_number(env, "CACHE_MAX_AGE", 300.0, float, minimum=0),
        cache_max_entries=_number(env, "CACHE_MAX_ENTRIES", 20000, int, minimum=1),
        cache_max_mb=_number(env, "CACHE_MAX_MB", 2000.0, float, minimum=1),
        public_url=parse_public_url(env),
    )


def _queue_name(env: dict) -> str:
    name = env.get("QUEUE_NAME") or "whose-streets"
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        raise ConfigError(f"QUEUE_NAME={name!r} must be 1 to 64 letters, digits, '-' or '_'")
    return name


def parse_public_url(env: dict) -> str | None:
    """PUBLIC_URL without a trailing slash (it is joined with the pages' own paths)."""
    raw = (env.get("PUBLIC_URL") or "").strip()
    if not raw:
        return None
    parsed = urlparse(_check_http_url("PUBLIC_URL", raw))
    if parsed.query or parsed.fragment:
        raise ConfigError(f"PUBLIC_URL={raw!r} must not carry a query or a fragment")
    return raw.rstrip("/")


def _number(env: dict, name: str, default, kind, *, minimum):
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}={raw!r} must be {what} >= {minimum}")
    return value
