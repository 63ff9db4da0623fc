"""A SPARQL client for the Wikidata Query Service (or any SPARQL 1.1 endpoint).

SPARQLWrapper builds and sends the request (POST, form-encoded ``query=``, JSON
results); app.remote owns what every remote call shares: the User-Agent, the
backoff that honours ``Retry-After``, the deadline, mirror failover (``SPARQL_URL`` may list
mirrors, as ``OVERPASS_URL`` does) and the cache of raw answers, in one ``app.remote.Mirrors``. ``select``
returns the bindings flattened to plain strings (IRIs, literals and blank nodes
all become their string value, language tags and datatypes are dropped): every
query in queries/*.rq returns its language as a separate ``?lang`` variable
when it matters, so callers never need the typed form.
"""
from __future__ import annotations

import http.client
import json
import logging
import socket
import time
import urllib.error

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from app.remote import (
    BehindMirrors,
    Mirrors,
    RemoteError,
    ResponseCache,
    RetryableError,
    RetryPolicy,
    parse_retry_after,
    read_within,
    redact,
    user_agent,
)

log = logging.getLogger(__name__)

SERVICE = "sparql"
WDQS_URL = "https://query.wikidata.org/sparql"

# Statuses worth asking again later: rate limits, overload, gateway hiccups.
_RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


class SparqlClient(BehindMirrors):
    """Runs SELECT queries; every answer is cached as the raw JSON text.

    Counters (for benchmarks and progress): ``requests_sent`` (HTTP requests,
    retries included), ``bytes_sent`` (UTF-8 size of the query texts sent) and
    ``cache_hits``.
    """

    def __init__(
        self,
        urls: list[str] | str,
        *,
        contact: str | None = None,
        cache: ResponseCache | None = None,
        policy: RetryPolicy | None = None,
        offline: bool = False,
        max_age: float | None = None,
    ):
        # The policy shared with the Overpass client: cache, offline, retries, deadline, mirrors.
        self.remote = Mirrors(SERVICE, urls, cache=cache, policy=policy, offline=offline, max_age=max_age)
        self.agent = user_agent(contact)
        self.requests_sent = 0
        self.bytes_sent = 0

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT answer, each ``{variable: value}`` for the bound variables."""
        body = self.select_raw(query)
        return [
            {name: cell.get("value", "") for name, cell in row.items()}
            for row in json.loads(body)["results"]["bindings"]
        ]

    def select_raw(self, query: str) -> str:
        return self.remote.ask(query, lambda url, until: self._send(url, query, until))

    def _send(self, url: str, query: str, until: float | None = None) -> str:
        """One HTTP request to one mirror; failures that may pass are raised as RetryableError."""
        wrapper = SPARQLWrapper(url, agent=self.agent)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(int(max(1, round(self.policy.timeout))))
        wrapper.timeout = self.policy.timeout  # setTimeout rounds to whole seconds; urllib takes fractions
        wrapper.setQuery(query)
        self.requests_sent += 1
        self.bytes_sent += len(query.encode("utf-8"))
        try:
            attempt_until = min(time.monotonic() + self.policy.timeout, until or float("inf"))
            result = wrapper.query()
            with result.response:
                raw = read_within(result.response.read1, attempt_until, self.policy.timeout)
        except urllib.error.HTTPError as exc:
            # SPARQLWrapper lets 429/503 (and other unmapped statuses) through as urllib's HTTPError.
            if exc.code in _RETRY_STATUSES:
                retry_after = parse_retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                raise RetryableError(f"HTTP {exc.code} {exc.reason or ''}".strip(), retry_after=retry_after) from exc
            raise RemoteError(SERVICE, f"HTTP {exc.code}: {_snippet(exc)}", url=url) from exc
        except EndPointInternalError as exc:
            # 500: WDQS answers this for queries that ran out of time, often transient.
            raise RetryableError(f"HTTP 500 internal error: {_short(exc)}") from exc
        except SPARQLWrapperException as exc:
            # 400 (bad query), 401, 404, 414: asking again will not help.
            raise RemoteError(SERVICE, f"{type(exc).__name__}: {_short(exc)}", url=url) from exc
        except (socket.timeout, TimeoutError) as exc:
            raise RetryableError(f"timed out after {self.policy.timeout:g}s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise RetryableError(f"timed out after {self.policy.timeout:g}s") from exc
            raise RetryableError(f"could not connect ({redact(str(exc.reason))})") from exc
        except (http.client.HTTPException, ConnectionError) as exc:
            raise RetryableError(f"connection broken: {exc}") from exc
        try:
            text = raw.decode("utf-8")
            bindings = json.loads(text)["results"]["bindings"]
            if not isinstance(bindings, list):
                raise TypeError("results.bindings is not a list")
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            # A body cut off by a proxy or an overloaded server: the same query may work next time.
            raise RetryableError(f"malformed JSON answer ({len(raw)} bytes): {exc}") from exc
        return text


def _short(exc: Exception, limit: int = 300) -> str:
    return " ".join(str(exc).split())[:limit]


def _snippet(exc: urllib.error.HTTPError) -> str:
    try:
        return " ".join(exc.read().decode("utf-8", "replace").split())[:300]
    except Exception:  # the body is only for the message
        return ""
