"""Volunteers' reviews: saving a review, applying it to the current run at once (checking the Wikidata ids
a volunteer types, before saving: ``app.namesake_check``).

A review is stored by (area, street key) (``ReviewRow``) and kept forever; the latest
one for a street wins. ``save_review`` also applies it to the current run's street
row right away (category, source 'review', namesake links, evidence, the area's
headline figures, ``app.stats.recount_figures``), so the map, statistics and CSV change without waiting for a
re-analysis. The streets are decided by the one function an analysis decides with
(``app.classify.decide_streets``), from what each street's decision rests on as the
analysis stored it (``StreetRow.basis``), so a reviewed street looks exactly as it will
after the next analysis.

No Flask here: the web layer (app/web/reviews.py) calls these with the app's store.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.classify import StreetBasis, basis_from_json, decide_streets
from app.domain import (
    HIGH,
    MAN,
    NONBINARY,
    NOT_PERSON,
    SOURCE_REVIEW,
    UNKNOWN,
    WOMAN,
    Evidence,
    evidence_from_json,
    is_qid,
    normalise_name,
)
from app.mapdata import prepare_map_data_for_area
from app.names import read_street_name
from app.stats import recount_figures
from app.store import Store
from app.store.models import AreaRow, ReviewRow, StreetNamesakeRow, StreetRow
from app.store.records import (
    decision_values,
    latest_reviews_of,
    link_values,
    stored_namesakes,
)

#: Categories a volunteer may set without a Wikidata id. woman/man/nonbinary are for a
#: person who has no Wikidata item (yet); 'several' needs the people's ids.
REVIEW_CATEGORIES = (WOMAN, MAN, NONBINARY, NOT_PERSON, UNKNOWN)
MAX_NOTE = 2000


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

    Ids must be known to the store (``app.namesake_check.check_namesakes`` saves what it fetches):
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
        apply_reviews(session, area, [street_key])
        recount_figures(session, area)
        review = session.scalar(select(ReviewRow).where(ReviewRow.id == review.id).options(joinedload(ReviewRow.user)))
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


def street_basis(row: StreetRow, languages: list[str]) -> StreetBasis:
    """What a stored street's decision rests on (``StreetRow.basis``, written by the analysis)."""
    if row.basis is not None:
        return basis_from_json(row.key, row.name, row.basis)
    # A run stored before streets kept their basis: its decision's evidence without the review, and the
    # name read again, until the next analysis stores the basis.
    evidence = [e for e in evidence_from_json(row.evidence) if e.source != SOURCE_REVIEW]
    return StreetBasis(row.key, row.name, read_street_name(row.name, languages), evidence)


def apply_reviews(session, area: AreaRow, keys) -> None:
    """Decide again, with their latest reviews, the current run's streets named like the streets ``keys``.

    The same function as an analysis decides with (``app.classify.decide_streets``), from the same
    stored basis, over every street sharing the name (a tag lent between same-named streets moves
    with a review): the streets look exactly as they will after the next analysis.
    """
    run_id = area.current_run_id
    names = dict(session.execute(select(StreetRow.key, StreetRow.name).where(StreetRow.run_id == run_id)).all())
    wanted = {normalise_name(names[key]) for key in keys if key in names}
    group = [key for key, name in names.items() if normalise_name(name) in wanted]
    if not group:
        return
    rows = list(session.scalars(select(StreetRow).where(StreetRow.run_id == run_id, StreetRow.key.in_(group))
                                .options(selectinload(StreetRow.links))))
    reviews = latest_reviews_of(session, area.id, group)
    bases = [street_basis(row, list(area.languages or [])) for row in rows]
    namesakes = stored_namesakes(session, [q for basis in bases for e in basis.evidence for q in (*e.qids, *e.alternatives)]
                                 + [q for review in reviews.values() for q in review.qids or []])
    decisions, conflicts = decide_streets(bases, namesakes, {key: review_evidence(r) for key, r in reviews.items()})
    for row in rows:
        decision = decisions[row.key]
        for column, value in decision_values(decision, conflicts.get(row.key)).items():
            setattr(row, column, value)
        row.links = [StreetNamesakeRow(**link) for link in link_values(decision, namesakes)]


def apply_reviews_since(store: Store, area_id: int, after_review_id: int) -> int:
    """Apply to the current run the latest reviews of streets reviewed after ``after_review_id``; returns
    how many streets. An analysis reads the reviews when it starts; one saved while it ran went to the
    run it replaced.
    """
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        keys = set(session.scalars(select(ReviewRow.street_key).where(ReviewRow.area_id == area_id,
                                                                      ReviewRow.id > after_review_id)))
        if keys:
            apply_reviews(session, area, keys)
            recount_figures(session, area)
        return len(keys)


__all__ = [
    "REVIEW_CATEGORIES", "ReviewError", "apply_reviews", "apply_reviews_since", "review_evidence", "save_review",
    "validate",
]
