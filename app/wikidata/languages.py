"""The official languages (P37) Wikidata gives a city, its region and its country."""
from __future__ import annotations

from app.domain import is_qid
from app.queries import load_query, render, sparql_qids
from app.wikidata.client import SparqlClient
from app.wikidata.facts import qid_of


def official_languages(client: SparqlClient, items: list[str | None]) -> list[list[str]]:
    """ISO 639-1 codes per item, in the order given (city, region, country); [] for unknown items."""
    wanted = [q for q in items if q and is_qid(q)]
    if not wanted:
        return [[] for _ in items]
    found: dict[str, list[str]] = {}
    for row in client.select(render(load_query("wikidata_official_languages.rq"), items=sparql_qids(wanted))):
        item, code = qid_of(row.get("item", "")), (row.get("code") or "").strip().lower()
        if item and code.isalpha() and code not in found.setdefault(item, []):
            found[item].append(code)
    return [sorted(found.get(q or "", [])) for q in items]
