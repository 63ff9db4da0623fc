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
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

import requests

from app import __version__

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/whose-streets/whose-streets"


def user_agent(contact: str | None) -> str:
    """Wikimedia and Overpass ask for a User-Agent that says who to contact."""
    who = f"; {contact}" if contact else ""
    return f"WhoseStreets/{__version__} (+{PROJECT_URL}{who})"


class RemoteError(Exception):
    """A remote service could not give an answer, after retries. The message is for people."""

    def __init__(self, service: str, message: str, *, url: str | None = None):
        self.service = service
        self.url = url
        super().__init__(f"{service}: {message}")


class RetryableError(Exception):
    """Raised by a response check when the same request may succeed later."""

    def __init__(self, message: str, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class ResponseCache(Protocol):
    def get(self, service: str, key: str) -> str | None: ...

    def put(self, service: str, key: str, url: str, request_text: str, body: str) -> None: ...


class MemoryCache:
    """A cache that lives as long as the object: for one-off runs and the CLI's --offline checks."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], str] = {}

    def get(self, service: str, key: str) -> str | None:
        return self._answers.get((service, key))

    def put(self, service: str, key: str, url: str, request_text: str, body: str) -> None:
        self._answers[(service, key)] = body


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
    timeout: float = 180.0  # seconds for one HTTP request
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = self.base_delay * (2**attempt)
        wanted = retry_after if retry_after is not None else backoff
        return min(max(wanted, 0.0), self.max_delay)


def retrying(service: str, call: Callable[[], str], policy: RetryPolicy, describe: str) -> str:
    """Run ``call`` until it returns, retrying RetryableError with backoff.

    Other exceptions propagate at once. After the last attempt a RemoteError
    tells what went wrong, so the job can report it instead of hiding it.
    """
    last: RetryableError | None = None
    for attempt in range(policy.attempts):
        try:
            return call()
        except RetryableError as exc:
            last = exc
            if attempt + 1 < policy.attempts:
                wait = policy.delay(attempt, exc.retry_after)
                log.warning("%s: %s; retrying in %.1fs (%s)", service, exc, wait, describe)
                policy.sleep(wait)
    raise RemoteError(service, f"{last} (gave up after {policy.attempts} attempts: {describe})")


class HttpClient:
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
    ):
        if not urls and not offline:
            raise ValueError(f"{service}: no endpoint configured")
        self.service = service
        self.urls = list(urls)
        self.cache = cache
        self.policy = policy or RetryPolicy()
        self.offline = offline
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        #: Counters for benchmarks and progress messages.
        self.requests_sent = 0
        self.bytes_sent = 0
        self.cache_hits = 0

    def post(
        self,
        request_text: str,
        *,
        form_field: str = "data",
        headers: dict[str, str] | None = None,
        check: Callable[[str], str] | None = None,
    ) -> str:
        key = cache_key(self.service, request_text)
        if self.cache is not None:
            cached = self.cache.get(self.service, key)
            if cached is not None:
                self.cache_hits += 1
                return cached
        if self.offline:
            raise RemoteError(self.service, "working offline and this request is not in the cache")

        errors: list[str] = []
        for url in self.urls:
            try:
                body = retrying(
                    self.service,
                    lambda url=url: self._post_once(url, form_field, request_text, headers, check),
                    self.policy,
                    describe=url,
                )
            except RemoteError as exc:
                # This mirror gave up: try the next one, and keep why for the final message.
                errors.append(str(exc))
                continue
            if self.cache is not None:
                self.cache.put(self.service, key, url, request_text, body)
            return body
        raise RemoteError(self.service, "no mirror could answer: " + " | ".join(errors))

    def _post_once(
        self,
        url: str,
        form_field: str,
        request_text: str,
        headers: dict[str, str] | None,
        check: Callable[[str], str] | None,
    ) -> str:
        payload = {form_field: request_text}
        self.requests_sent += 1
        self.bytes_sent += len(request_text.encode())
        try:
            response = self.session.post(url, data=payload, headers=headers, timeout=self.policy.timeout)
        except requests.Timeout as exc:
            raise RetryableError(f"timed out after {self.policy.timeout:g}s") from exc
        except requests.ConnectionError as exc:
            raise RetryableError(f"could not connect to {url}") from exc
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            # Without stream=True the body is read inside post(): a connection cut
            # mid-answer surfaces here, not at response.text below.
            raise RetryableError(f"incomplete answer from {url}: {exc}") from exc
        status = response.status_code
        if status in (429, 503) or status >= 500 or status == 408:
            raise RetryableError(
                f"HTTP {status} {response.reason or ''}".strip(),
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status != 200:
            snippet = response.text[:300].strip()
            raise RemoteError(self.service, f"HTTP {status} from {url}: {snippet}", url=url)
        try:
            body = response.text
        except requests.RequestException as exc:  # body cut off mid-stream
            raise RetryableError(f"incomplete answer: {exc}") from exc
        return check(body) if check else body
