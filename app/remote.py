"""The one HTTP layer that both remote clients (Overpass and SPARQL) go through.

It owns what a polite, robust client needs: a descriptive User-Agent, timeouts,
exponential backoff that honours ``Retry-After``, failover to the next mirror,
and the cache of remote answers (so a re-analysis can run offline). Parsing the
answers is the callers' job (overpy for Overpass, SPARQLWrapper's JSON for SPARQL).
"""
from __future__ import annotations

import email.utils
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

from app.version import __version__

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/whose-streets/whose-streets"


def user_agent(contact: str | None) -> str:
    """Wikimedia and Overpass ask for a User-Agent that says who to contact."""
    who = f"; {contact}" if contact else ""
    return f"WhoseStreets/{__version__} (+{PROJECT_URL}{who})"


class RemoteError(Exception):
    """A remote service could not give an answer, after retries. The message is for people.

    Anyone may read it (on a job, in an API answer), so addresses are taken out of it: the
    configured endpoints are named ("Overpass mirror 2"), never shown with their credentials.
    """

    def __init__(self, service: str, message: str, *, url: str | None = None):
        self.service = service
        self.url = url
        super().__init__(f"{service}: {redact(message)}")


#: What could give away a configured address: URLs (with any user:password@), the host='…', port=…
#: that urllib3 puts into its connection errors, IPv4 addresses and "port N" (database drivers' errors).
_ADDRESS_RE = re.compile(
    r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>|)]+|host='[^']*'|port[= ]\d+|\b\d{1,3}(?:\.\d{1,3}){3}\b",
    re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every URL (and host/port) replaced: what users and logs of jobs may see."""
    return _ADDRESS_RE.sub("<address hidden>", text)


def endpoint_name(service: str, urls: list[str], url: str) -> str:
    """How messages name an endpoint: "overpass", or "overpass mirror 2" when there are several."""
    if len(urls) > 1 and url in urls:
        return f"{service} mirror {urls.index(url) + 1}"
    return service


class RetryableError(Exception):
    """Raised by a response check when the same request may succeed later."""

    def __init__(self, message: str, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class ResponseCache(Protocol):
    def get(self, service: str, key: str, max_age: float | None = None) -> str | None:
        """The cached answer, if there is one fetched less than ``max_age`` seconds ago (None: any age)."""

    def put(self, service: str, key: str, url: str, request_text: str, body: str) -> None: ...


class MemoryCache:
    """A cache that lives as long as the object: for one-off runs and the CLI's --offline checks."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._answers: dict[tuple[str, str], tuple[str, float]] = {}

    def get(self, service: str, key: str, max_age: float | None = None) -> str | None:
        found = self._answers.get((service, key))
        if found is None or (max_age is not None and self.clock() - found[1] > max_age):
            return None
        return found[0]

    def put(self, service: str, key: str, url: str, request_text: str, body: str) -> None:
        self._answers[(service, key)] = (body, self.clock())


class CachedAnswers:
    """How a client uses the cache, so that a re-analysis sees today's edits.

    - an answer fetched less than ``max_age`` seconds ago is used (a double click does not double
      the load); ``max_age=None`` takes any age;
    - an answer this client already got is used again whatever its age (one analysis never asks twice);
    - offline, any cached answer is used, and a request not in the cache fails;
    - an online request that failed after every retry falls back to the cached answer of any age,
      so a presenter on bad Wi-Fi still gets the last known data (counted in ``stale_answers``).
    """

    def __init__(self, service: str, cache: ResponseCache | None, *, max_age: float | None = None,
                 offline: bool = False):
        self.service = service
        self.cache = cache
        self.max_age = max_age
        self.offline = offline
        self._seen: set[str] = set()
        self.hits = 0
        self.stale_answers = 0

    def answer(self, request_text: str, fetch: Callable[[], tuple[str, str]]) -> str:
        """The answer to ``request_text``: from the cache when fresh, else ``fetch()`` -> (url, body)."""
        key = cache_key(self.service, request_text)
        cached = self._get(key, None if self.offline or self.max_age is None or key in self._seen else self.max_age)
        if cached is not None:
            self.hits += 1
            return cached
        if self.offline:
            raise RemoteError(self.service, "working offline and this request is not in the cache")
        try:
            url, body = fetch()
        except RemoteError as exc:
            stale = self._get(key, None)
            if stale is None:
                raise
            log.warning("%s failed (%s): using the cached answer instead", self.service, exc)
            self.stale_answers += 1
            return stale
        self._seen.add(key)
        if self.cache is not None:
            self.cache.put(self.service, key, url, request_text, body)
        return body

    def _get(self, key: str, max_age: float | None) -> str | None:
        body = self.cache.get(self.service, key, max_age) if self.cache is not None else None
        if body is not None:
            self._seen.add(key)
        return body


def cache_key(service: str, request_text: str) -> str:
    # Mirrors answer the same query the same way, so the URL is not part of the key.
    return hashlib.sha256(f"{service}\n{request_text}".encode()).hexdigest()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


@dataclass
class RetryPolicy:
    attempts: int = 4  # per mirror
    base_delay: float = 1.0  # seconds; doubles after each failure
    max_delay: float = 60.0  # never wait longer than this for one retry
    timeout: float = 180.0  # seconds for one HTTP request, from connecting to its last byte
    #: Seconds for one answer, every attempt and mirror included: a server that trickles its answer
    #: or keeps asking to retry later cannot hold an analysis for longer.
    deadline: float = 600.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = self.base_delay * (2**attempt)
        wanted = retry_after if retry_after is not None else backoff
        return min(max(wanted, 0.0), self.max_delay)


def retrying(service: str, call: Callable[[], str], policy: RetryPolicy, describe: str,
             until: float | None = None) -> str:
    """Run ``call`` until it returns, retrying RetryableError with backoff, until ``policy.deadline``.

    Other exceptions propagate at once. After the last attempt, or when the next wait would pass the
    deadline (``until``, on the monotonic clock), a RemoteError tells what went wrong, so the job can
    report it instead of hiding it. ``describe`` names the endpoint ("overpass mirror 2"), never its URL.
    """
    until = time.monotonic() + policy.deadline if until is None else until
    last: RetryableError | None = None
    for attempt in range(policy.attempts):
        try:
            return call()
        except RetryableError as exc:
            last = exc
            if attempt + 1 < policy.attempts:
                wait = policy.delay(attempt, exc.retry_after)
                if time.monotonic() + wait >= until:
                    raise RemoteError(service, f"{exc} (gave up: no answer within {policy.deadline:g}s "
                                               f"from {describe})") from None
                log.warning("%s: %s; retrying in %.1fs (%s)", service, exc, wait, describe)
                policy.sleep(wait)
    raise RemoteError(service, f"{last} (gave up after {policy.attempts} attempts: {describe})")


def read_within(read1: Callable[[int], bytes], until: float, seconds: float) -> bytes:
    """The whole body, read as it arrives, or RetryableError once the monotonic clock passes ``until``.

    A per-read timeout never fires on a server that sends one byte every few seconds; this does.
    """
    chunks = []
    while True:
        if time.monotonic() > until:
            raise RetryableError(f"no complete answer within {seconds:g}s")
        chunk = read1(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


class Mirrors:
    """The one remote policy both clients share: a service behind its mirrors.

    It owns what every remote call needs besides sending one request: the cache of answers (and
    offline mode, which answers from it only), retries with backoff that honour ``Retry-After``,
    the overall deadline of one answer, and failover from one mirror to the next. A client gives
    ``ask`` the request text and how to send it once to one URL; overpy's and SPARQLWrapper's
    clients differ only in that.
    """

    def __init__(self, service: str, urls: list[str] | str, *, cache: ResponseCache | None = None,
                 policy: RetryPolicy | None = None, offline: bool = False, max_age: float | None = None):
        urls = [u.strip() for u in urls.split(",")] if isinstance(urls, str) else list(urls)
        urls = [u for u in urls if u]
        if not urls and not offline:
            raise ValueError(f"{service}: no endpoint configured")
        self.service = service
        self.urls = urls
        self.cache = cache
        self.answers = CachedAnswers(service, cache, max_age=max_age, offline=offline)
        self.policy = policy or RetryPolicy()
        self.offline = offline

    def name(self, url: str) -> str:
        """How an error names one mirror (never its address)."""
        return endpoint_name(self.service, self.urls, url)

    def ask(self, request_text: str, send: Callable[[str, float], str]) -> str:
        """The answer to ``request_text``: cached, or ``send(url, until)`` to the first mirror that answers."""
        return self.answers.answer(request_text, lambda: self._first_answer(send))

    def _first_answer(self, send: Callable[[str, float], str]) -> tuple[str, str]:
        """(url, body) from the first mirror that answers within the deadline."""
        errors: list[str] = []
        until = time.monotonic() + self.policy.deadline
        for url in self.urls:
            if time.monotonic() >= until:
                break
            try:
                body = retrying(self.service, lambda url=url: send(url, until), self.policy,
                                describe=self.name(url), until=until)
            except RemoteError as exc:
                # This mirror gave up: try the next one, and keep why for the final message.
                errors.append(str(exc))
                continue
            return url, body
        raise RemoteError(self.service, "no mirror could answer: " + (" | ".join(errors) or
                                                                       f"none within {self.policy.deadline:g}s"))


class BehindMirrors:
    """What a client behind a ``Mirrors`` policy shows of it (``self.remote``)."""

    remote: Mirrors

    @property
    def urls(self) -> list[str]:
        return self.remote.urls

    @property
    def policy(self) -> RetryPolicy:
        return self.remote.policy

    @policy.setter
    def policy(self, policy: RetryPolicy) -> None:
        self.remote.policy = policy

    @property
    def answers(self) -> CachedAnswers:
        return self.remote.answers

    @property
    def cache(self) -> ResponseCache | None:
        return self.remote.cache

    @property
    def offline(self) -> bool:
        return self.remote.offline

    @property
    def cache_hits(self) -> int:
        return self.remote.answers.hits


class HttpClient(BehindMirrors):
    """POSTs a request to the first mirror that answers, with retries and a cache.

    ``check`` looks at a 200 body and raises RetryableError (e.g. an Overpass
    runtime remark about load) or RemoteError (an answer that will never be
    right); what it returns is what gets cached.
    """

    def __init__(
        self,
        service: str,
        urls: list[str],
        *,
        contact: str | None = None,
        cache: ResponseCache | None = None,
        policy: RetryPolicy | None = None,
        offline: bool = False,
        session: requests.Session | None = None,
        max_age: float | None = None,
    ):
        self.remote = Mirrors(service, urls, cache=cache, policy=policy, offline=offline, max_age=max_age)
        self.service = service
        self._agent = user_agent(contact)
        self._session = session
        if session is not None:
            session.headers["User-Agent"] = self._agent
        #: Counters for benchmarks and progress messages (cache hits: ``answers.hits``).
        self.requests_sent = 0
        self.bytes_sent = 0

    @property
    def session(self) -> requests.Session:
        """The HTTP session, made on first use: requests (about 50 ms to import) loads only in a process
        that sends a request, not in an offline analysis answered from the cache."""
        if self._session is None:
            import requests

            self._session = requests.Session()
            self._session.headers["User-Agent"] = self._agent
        return self._session

    def post(
        self,
        request_text: str,
        *,
        form_field: str = "data",
        headers: dict[str, str] | None = None,
        check: Callable[[str], str] | None = None,
    ) -> str:
        return self.remote.ask(
            request_text, lambda url, until: self._post_once(url, form_field, request_text, headers, check, until))

    def _post_once(
        self,
        url: str,
        form_field: str,
        request_text: str,
        headers: dict[str, str] | None,
        check: Callable[[str], str] | None,
        until: float | None = None,
    ) -> str:
        payload = {form_field: request_text}
        name = self.remote.name(url)
        self.requests_sent += 1
        self.bytes_sent += len(request_text.encode())
        timeout = self.policy.timeout
        # This attempt's deadline: its own timeout, or the answer's overall deadline if that comes first.
        attempt_until = min(time.monotonic() + timeout, until if until is not None else float("inf"))
        import requests
        import urllib3

        try:
            response = self.session.post(url, data=payload, headers=headers, timeout=timeout, stream=True)
            with response:
                status = response.status_code
                if status in (429, 503) or status >= 500 or status == 408:
                    raise RetryableError(
                        f"HTTP {status} {response.reason or ''}".strip(),
                        retry_after=parse_retry_after(response.headers.get("Retry-After")),
                    )
                raw = read_within(lambda n: response.raw.read1(n, decode_content=True), attempt_until, timeout)
        except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError) as exc:
            raise RetryableError(f"timed out after {timeout:g}s") from exc
        except requests.ConnectionError as exc:
            raise RetryableError(f"could not connect to {name}") from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            # A connection cut mid-answer (a short or broken chunked body).
            raise RetryableError(f"incomplete answer from {name} ({exc.__class__.__name__})") from exc
        body = raw.decode(response.encoding or "utf-8", errors="replace")
        if status != 200:
            raise RemoteError(self.service, f"HTTP {status} from {name}: {body[:300].strip()}", url=url)
        return check(body) if check else body
