"""Volunteers' reviews: checking Wikidata ids, saving a review, applying it to the current run at once.

A review is stored by (area, street key) (``ReviewRow``) and kept forever; the latest
one for a street wins. ``save_review`` also applies it to the current run's street
row right away (category, source 'review', namesake links, evidence, the area's
headline figures), so the map, statistics and CSV change without waiting for a
re-analysis. The decision is taken by the same classifier as the analysis
(``app.classify.decide`` with the review as evidence), so a reviewed street looks
exactly as it will after the next analysis, which re-applies the review itself
(``app.analysis.decide_streets``).

No Flask here: the web layer (app/web/reviews.py) calls these with the app's store.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.classify import decide
from app.domain import (
    HIGH,
    MAN,
    NONBINARY,
    NOT_PERSON,
    SEVERAL,
    SOURCE_REVIEW,
    UNKNOWN,
    WOMAN,
    Decision,
    Namesake,
    Evidence,
    is_qid,
    sources_where,
)
from app.mapdata import prepare_map_data_for_area
from app.remote import RemoteError
from app.store import Store
from app.stats import headline
from app.store.models import AreaRow, NamesakeRow, ReviewRow, RunRow, StreetNamesakeRow, StreetRow
from app.store.records import counted_streets, set_figures, stored_namesakes, upsert_namesakes
from app.wikidata.facts import fetch_namesakes

#: Sources from OpenStreetMap or Wikidata: when these contradict a review, the review is flagged.
REMOTE_SOURCES = sources_where("remote")
#: Categories a volunteer may set without a Wikidata id. woman/man/nonbinary are for a
#: person who has no Wikidata item (yet); 'several' needs the people's ids.
REVIEW_CATEGORIES = (WOMAN, MAN, NONBINARY, NOT_PERSON, UNKNOWN)
MAX_QIDS = 10
MAX_NOTE = 2000
_QID_TOKEN = re.compile(r"(?:https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/)?([Qq][0-9]+)/?")


def N_(message: str) -> str:
    """Marks a message for translation (pybabel extracts N_) without needing Flask here."""
    return message


log = logging.getLogger(__name__)

class ReviewError(ValueError):
    """The review cannot be taken as given (bad id, unknown category, street not found...).

    ``message`` is an English msgid with %(name)s placeholders; the web layer translates it.
    """

    def __init__(self, message: str, **params):
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


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


def validate(qids: list[str], category: str | None, note: str) -> tuple[list[str], str | None, str]:
    """A review is either namesake ids (the category follows from their facts) or a bare category."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ReviewError(N_("The note is longer than %(count)s characters."), count=MAX_NOTE)
    if qids:
        bad = [q for q in qids if not is_qid(q)]
        if bad:
            raise ReviewError(N_("Not a Wikidata id: %(value)s"), value=bad[0])
        return list(dict.fromkeys(qids)), None, note
    if category not in REVIEW_CATEGORIES:
        raise ReviewError(N_("Choose a category or give a Wikidata id."))
    return [], category, note


def save_review(
    store: Store,
    area_id: int,
    street_key: str,
    user_id: int,
    *,
    qids: list[str] | None = None,
    category: str | None = None,
    note: str = "",
) -> ReviewRow:
    """Keep a volunteer's review and apply it to the area's current run at once.

    Ids must be known to the store (``check_namesakes`` saves what it fetches):
    otherwise the current run could not say who the street honours.
    """
    qids, category, note = validate(list(qids or []), category, note)
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        if area is None or area.current_run_id is None:
            raise ReviewError(N_("This city has no finished analysis."))
        street = session.scalar(select(StreetRow).where(StreetRow.run_id == area.current_run_id,
                                                        StreetRow.key == street_key))
        if street is None:
            raise ReviewError(N_("No street %(key)s."), key=street_key)
        known = stored_namesakes(session, qids)
        missing = [q for q in qids if q not in known]
        if missing:
            raise ReviewError(N_("Unknown Wikidata id (check it first): %(ids)s"), ids=", ".join(missing))
        review = ReviewRow(area_id=area_id, street_key=street_key, street_name=street.name, user_id=user_id,
                           qids=qids, category=category, note=note)
        session.add(review)
        session.flush()
        review = session.scalar(select(ReviewRow).where(ReviewRow.id == review.id).options(joinedload(ReviewRow.user)))
        apply_review(session, street, review)
        refresh_stats(session, area)
        session.flush()
        session.expunge(review)
    # The review changed the city's revision: have its map data ready for the next visitor.
    prepare_map_data_for_area(store, area_id)
    return review


def review_evidence(review) -> Evidence:
    """A stored review (app.store.models.ReviewRow) as the evidence that outranks all others."""
    author = review.user.name if getattr(review, "user", None) else "a volunteer"
    return Evidence(
        source=SOURCE_REVIEW,
        qids=list(review.qids or []),
        category=review.category,
        confidence=HIGH,
        detail=f"reviewed by {author}" + (f": {review.note}" if review.note else ""),
    )


def review_conflict(automatic, reviewed: Decision, review_qids: list[str]) -> str | None:
    """What OpenStreetMap or Wikidata now say against a review, or None when they agree.

    A review that named no one is compared by category only, and an automatic
    "unknown" contradicts nothing: the review filled a gap.
    """
    if automatic.source not in REMOTE_SOURCES or automatic.category == UNKNOWN:
        return None
    differs = automatic.category != reviewed.category
    if review_qids:
        differs = differs or set(automatic.qids) != set(reviewed.qids)
    if not differs:
        return None
    said = ", ".join(automatic.qids) or automatic.category
    return f"{automatic.source} now says {said} ({automatic.category})"


def _evidence_of(values: dict) -> Evidence:
    known = {f.name for f in fields(Evidence)}
    return Evidence(**{k: v for k, v in (values or {}).items() if k in known})


def apply_review(session, street: StreetRow, review: ReviewRow) -> None:
    """Decide the street again with the review on top of its stored evidence (same rules as the analysis)."""
    # Earlier reviews are in the stored evidence too: only the latest one counts.
    evidence = [_evidence_of(e) for e in (street.evidence or []) if (e or {}).get("source") != SOURCE_REVIEW]
    wanted = [q for e in evidence for q in [*e.qids, *e.alternatives]] + list(review.qids or [])
    namesakes = stored_namesakes(session, wanted)
    automatic = decide(street.name, None, evidence, namesakes)
    decided = decide(street.name, None, evidence, namesakes, review=review_evidence(review))
    if automatic.category == UNKNOWN and automatic.source is None and street.source not in (None, SOURCE_REVIEW):
        # The stored evidence did not carry enough to decide again (e.g. a first-name guess needs the
        # name reading): the stored automatic decision is the reference for conflicts.
        automatic = SimpleNamespace(source=street.source, category=street.category,
                                    qids=[link.qid for link in street.links])
    street.category = decided.category
    street.mix = decided.mix if decided.category == SEVERAL else None
    street.source = decided.source
    street.confidence = decided.confidence
    street.needs_review = False
    street.reviewed = True
    street.evidence = [_asdict(e) for e in decided.evidence]
    street.review_conflict = review_conflict(automatic, decided, list(review.qids or []))
    # Same link rows as a re-analysis stores (app.store.records.save_run).
    street.links = [
        StreetNamesakeRow(qid=qid, position=i, source=decided.source or "", confidence=decided.confidence)
        for i, qid in enumerate(dict.fromkeys(decided.qids))
        if qid in namesakes
    ]


def apply_reviews_since(store: Store, area_id: int, after_review_id: int) -> int:
    """Apply to the current run the latest reviews newer than ``after_review_id``; returns how many.

    An analysis reads the reviews when it starts; one saved while it ran went to the run it replaced.
    """
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        newer = session.scalars(
            select(ReviewRow).where(ReviewRow.area_id == area_id, ReviewRow.id > after_review_id)
            .order_by(ReviewRow.id).options(joinedload(ReviewRow.user))
        ).all()
        latest = {review.street_key: review for review in newer}  # by id: the last one wins
        for key, review in latest.items():
            street = session.scalar(select(StreetRow).where(StreetRow.run_id == area.current_run_id,
                                                            StreetRow.key == key))
            if street is not None:
                apply_review(session, street, review)
        if latest:
            refresh_stats(session, area)
        return len(latest)


def _asdict(evidence: Evidence) -> dict:
    return {f.name: getattr(evidence, f.name) for f in fields(evidence)}


def refresh_stats(session, area: AreaRow) -> dict:
    """Recount the area's headline figures (app.stats.headline) from its current run."""
    session.flush()
    stats = headline(counted_streets(session, [area.current_run_id]))
    set_figures(session, area.id, stats)
    return stats


__all__ = [
    "NamesakeCheck", "REVIEW_CATEGORIES", "ReviewError", "apply_review", "check_namesakes", "parse_qids",
    "refresh_stats", "review_conflict", "review_evidence", "save_review", "validate",
]
