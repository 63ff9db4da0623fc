"""Overpass API client: the shared HTTP layer plus what is peculiar to Overpass.

Overpass reports some failures with HTTP 200: the JSON starts normally and a
``remark`` says "runtime error: Query timed out" or "out of memory". Those
answers are incomplete, so they must never be cached or used: the check below
turns load-related remarks into RetryableError and the rest into RemoteError.
A body that is not valid JSON (a connection cut mid-answer, an HTML error page
behind a proxy) is retried too; ``remote.retrying`` turns the last failure into
a RemoteError, so nothing loops forever.
"""
from __future__ import annotations

import json
import re
from typing import Any

import overpy

from app.remote import HttpClient, RemoteError, ResponseCache, RetryableError, RetryPolicy

SERVICE = "overpass"

#: Remarks that mean "the server was busy or the query was heavy for now": try again.
_RETRYABLE_REMARK = re.compile(
    r"timed out|timeout|out of memory|Dispatcher_Client|too many requests|rate_limited|server busy",
    re.IGNORECASE,
)


class OverpassClient:
    def __init__(
        self,
        urls: list[str],
        *,
        contact: str | None = None,
        cache: ResponseCache | None = None,
        policy: RetryPolicy | None = None,
        offline: bool = False,
        max_age: float | None = None,
    ):
        self.http = HttpClient(SERVICE, urls, contact=contact, cache=cache, policy=policy, offline=offline,
                               max_age=max_age)

    @property
    def policy(self) -> RetryPolicy:
        return self.http.policy

    def raw(self, ql: str) -> dict[str, Any]:
        """The decoded JSON answer of a query (checked for runtime remarks)."""
        parsed: list[dict[str, Any]] = []

        def check(body: str) -> str:
            parsed.append(check_answer(body))
            return body

        body = self.http.post(ql, form_field="data", check=check)
        if parsed:
            return parsed[-1]
        # From the cache: it only ever holds bodies that passed the check, but a
        # cache written by an older version might not, so check again (no retry here).
        try:
            return check_answer(body)
        except RetryableError as exc:
            raise RemoteError(SERVICE, f"cached answer is unusable: {exc}") from exc

    def query(self, ql: str) -> overpy.Result:
        """The answer as an overpy.Result (convenient; ``raw`` is faster for big areas)."""
        data = self.raw(ql)
        return overpy.Result.from_json(data, api=overpy.Overpass())

    def elements(self, ql: str) -> list:
        """The answer's elements as overpy objects, in the answer's order (``overpy_elements``): what the
        small area lookups read. Street answers skip overpy (``raw``): its objects cost too much there."""
        return overpy_elements(self.raw(ql))


#: The overpy classes of the element types Overpass answers with.
OVERPY_CLASSES = {"node": overpy.Node, "way": overpy.Way, "relation": overpy.Relation, "area": overpy.Area}


def overpy_elements(data: dict[str, Any]) -> list:
    """An answer's elements as overpy objects in the answer's own order (an ``overpy.Result`` groups
    them by type, losing an order that some queries give meaning to); an element overpy has no class
    for (what Overpass's ``make`` outputs) stays its JSON dict."""
    result = overpy.Result(api=overpy.Overpass())
    out = []
    for element in data.get("elements", []):
        cls = OVERPY_CLASSES.get(element.get("type"))
        out.append(cls.from_json(element, result=result) if cls is not None else element)
    return out


def check_answer(body: str) -> dict[str, Any]:
    """Decode an Overpass JSON body, raising RetryableError/RemoteError for unusable ones."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        start = body[:80].replace("\n", " ")
        raise RetryableError(f"malformed or truncated JSON answer ({len(body)} bytes, starts {start!r})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise RetryableError("answer has no 'elements' list")
    remark = data.get("remark")
    if remark is not None and not isinstance(remark, str):
        remark = str(remark)
    if remark and ("runtime error" in remark or "runtime remark" in remark):
        if _RETRYABLE_REMARK.search(remark):
            raise RetryableError(f"Overpass says: {remark.strip()}")
        raise RemoteError(SERVICE, f"Overpass could not run the query: {remark.strip()}")
    return data
