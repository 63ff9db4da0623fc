"""Before a review is saved: reading the Wikidata ids a volunteer typed and showing who each one is."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields

from app.domain import Namesake, is_qid
from app.remote import RemoteError
from app.reviews import N_, ReviewError
from app.store import Store
from app.store.records import stored_namesakes, upsert_namesakes
from app.wikidata.facts import fetch_namesakes

MAX_QIDS = 10
_QID_TOKEN = re.compile(r"(?:https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/)?([Qq][0-9]+)/?")

log = logging.getLogger(__name__)


@dataclass
class NamesakeCheck:
    """What a volunteer sees before saving: who each id is."""

    qid: str
    found: bool
    labels: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    gender: str | None = None
    kind: str | None = None
    birth_year: int | None = None
    death_year: int | None = None
    origin: str = ""  # "wikidata" (fetched now) or "store" (what an earlier analysis fetched)

    def as_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def parse_qids(text: str) -> list[str]:
    """Wikidata ids from what a volunteer typed: ``Q1, q2 https://www.wikidata.org/wiki/Q3``.

    Raises ReviewError on anything that is not an id, so a typo never becomes a review.
    """
    qids: list[str] = []
    for token in re.split(r"[\s,;|]+", text or ""):
        if not token:
            continue
        match = _QID_TOKEN.fullmatch(token)
        qid = match.group(1).upper() if match else ""
        if not is_qid(qid):
            raise ReviewError(N_("Not a Wikidata id: %(value)s"), value=token[:40])
        if qid not in qids:
            qids.append(qid)
    if len(qids) > MAX_QIDS:
        raise ReviewError(N_("At most %(count)s Wikidata ids."), count=MAX_QIDS)
    return qids


def check_namesakes(store: Store, qids: list[str], languages: list[str], sparql=None) -> dict[str, NamesakeCheck]:
    """Who each id is: asked to Wikidata (through the app's cached SPARQL client) when
    ``sparql`` is given and answers, else what the store already knows.

    Entities fetched from Wikidata are saved in the store, so saving the review
    afterwards finds them without asking again.
    """
    qids = [q for q in qids if is_qid(q)]
    fetched: dict[str, Namesake] = {}
    if sparql is not None and qids:
        try:
            fetched = fetch_namesakes(sparql, qids, list(languages))
        except RemoteError as exc:  # Wikidata unreachable or failing: the store is the fallback
            log.warning("checking %s on Wikidata failed: %s", ", ".join(qids), exc)
            fetched = {}
        if fetched:
            with store.session() as session:
                upsert_namesakes(session, fetched)
    with store.session() as session:
        known = stored_namesakes(session, [q for q in qids if q not in fetched])
    out: dict[str, NamesakeCheck] = {}
    for qid in qids:
        namesake = fetched.get(qid) or known.get(qid)
        if namesake is None:
            out[qid] = NamesakeCheck(qid=qid, found=False)
            continue
        out[qid] = NamesakeCheck(qid=qid, found=True, labels=dict(namesake.labels), descriptions=dict(namesake.descriptions),
                               gender=namesake.gender, kind=namesake.kind, birth_year=namesake.birth_year,
                               death_year=namesake.death_year, origin="wikidata" if qid in fetched else "store")
    return out
