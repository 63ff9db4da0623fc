"""Evidence -> one decision per street.

Evidence is weighed in a fixed order of trust (the order of ``app.domain.SOURCES``): the first
piece of evidence that yields a category decides, and every piece is kept in
``Decision.evidence`` so a page can say why. Our own non-person rules come after
anything Wikidata or OSM says (Wikidata knows "Santa Lucía" is a river when it
is) but before a title or a first name (a date is not a woman, whatever its
words look like).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from app.domain import (
    HIGH,
    KIND_FICTIONAL,
    KIND_GROUP,
    KIND_HUMAN,
    KIND_THING,
    LOW,
    MAN,
    MEDIUM,
    NONBINARY,
    NOT_PERSON,
    SEVERAL,
    SOURCE_FIRST_NAME,
    SOURCE_REVIEW,
    SOURCE_RULE,
    SOURCE_TITLE,
    TRUST_RANK,
    UNKNOWN,
    WOMAN,
    Decision,
    Namesake,
    Evidence,
    Street,
    evidence_from_json,
    evidence_to_json,
    normalise_name,
    sources_where,
)
from app.names import NameReading, guess_from_first_name, read_street_name

#: Read from the sources registry (app.domain.SOURCES): see there what each flag means.
_REMOTE_SOURCES = sources_where("remote")
_CONFLICT_SOURCES = sources_where("flags_conflict")
_LEXICAL_SOURCES = sources_where("lexical")
_TAG_SOURCES = sources_where("tagged")
_PERSON_GENDERS = (WOMAN, MAN, NONBINARY)


def _mix(genders: Iterable[str | None]) -> str | None:
    genders = list(genders)
    if genders and all(g == WOMAN for g in genders):
        return "women"
    if genders and all(g == MAN for g in genders):
        return "men"
    return "mixed" if genders else None


def _evaluate(ev: Evidence, namesakes: dict[str, Namesake], reading: NameReading | None):
    """(category, mix, qids, note) that one piece of evidence implies, or None.

    A human with no usable P21 gives UNKNOWN: it *is* a person, of unknown
    gender (see ``decide``).
    """
    if ev.qids:
        found = [namesakes[q] for q in ev.qids if q in namesakes]
        if ev.category and (ev.source == SOURCE_REVIEW or not found):
            # A volunteer's word, or evidence that already carries its category.
            mix = _mix(e.gender for e in found if e.kind != KIND_THING) if ev.category == SEVERAL else None
            return ev.category, mix, list(ev.qids), ""
        if not found:
            return None  # facts not fetched: cannot say anything yet
        people = [e for e in found if e.kind in (KIND_HUMAN, KIND_FICTIONAL)]
        groups = [e for e in found if e.kind == KIND_GROUP]
        fictional = [e for e in people if e.kind == KIND_FICTIONAL]
        note = ""
        if fictional:
            note = "fictional or mythological character: " + ", ".join(e.qid for e in fictional)
        if not people and not groups:
            return NOT_PERSON, None, [e.qid for e in found], "the item is not a person"
        if len(people) == 1 and not groups:
            person = people[0]
            gender = person.gender if person.gender in _PERSON_GENDERS else UNKNOWN
            return gender, None, [person.qid], note
        members = people + groups
        # A group item (family, couple) counts with its own gender if it has one.
        return SEVERAL, _mix(e.gender for e in members), [e.qid for e in members], note
    if ev.category:
        mix = reading.plural_mix if (ev.category == SEVERAL and reading is not None) else None
        return ev.category, mix, [], ""
    return None


def decide(
    street_name: str,
    reading: NameReading | None,
    evidence: list[Evidence],
    namesakes: dict[str, Namesake],
    review: Evidence | None = None,
) -> Decision:
    """Combine all evidence about one street into a Decision (see ``_weigh``), flagged when religious."""
    return _religious(_weigh(reading, evidence, namesakes, review), reading, namesakes)


def _religious(decision: Decision, reading: NameReading | None, namesakes: dict[str, Namesake]) -> Decision:
    """Flag saints and titles of the Virgin; count a Virgin's title as a woman, as Geochicas does.

    Wikidata's items for "Our Lady of Mount Carmel" and the like are not humans, so its
    evidence says "not a person"; Geochicas counts these streets as women, and the headline
    keeps that convention while the pages show the figure without religious figures too.
    A saint is known from Wikidata (canonization status, P411) when the namesake is, and
    from the title otherwise ("San", "Santa", "Sant").
    """
    marian = reading is not None and reading.marian
    if marian and decision.category == NOT_PERSON and decision.source in _REMOTE_SOURCES:
        note = Evidence(source=SOURCE_TITLE, category=WOMAN, confidence=MEDIUM,
                        detail=f"'{reading.titles[0]}' is a title of the Virgin: counted as a woman, "
                               "as Geochicas does, and flagged religious")
        decision = replace(decision, category=WOMAN, evidence=[*decision.evidence, note])
    if decision.category not in (*_PERSON_GENDERS, SEVERAL, UNKNOWN):
        return decision
    people = [namesakes[q] for q in decision.qids
              if q in namesakes and namesakes[q].kind in (KIND_HUMAN, KIND_FICTIONAL)]
    if people:
        religious = any(p.canonized for p in people) or marian
    else:
        religious = reading is not None and reading.religious and decision.category != UNKNOWN
    return replace(decision, religious=religious) if religious else decision


def _weigh(reading: NameReading | None, evidence: list[Evidence], namesakes: dict[str, Namesake],
           review: Evidence | None) -> Decision:
    """Combine all evidence about one street into a Decision.

    Order of trust: review > OSM tag > street item > Wikidata street items >
    name match > our non-person rules > title > first name.

    A Wikidata human without a gender (P21) is still a person: we keep looking
    for a title or a first name to give the gender (the decision then carries
    that lower source and 'low' confidence, plus the Wikidata QID); if none
    does, the category stays UNKNOWN but with the Wikidata source set, the QID
    kept and evidence saying "person of unknown gender", so statistics can
    count it as unresolved while the page shows who it is.
    """
    if review is not None and review.category and not review.qids:
        # A volunteer who sets a category without a namesake has the last word: no
        # title or first-name guess may override "not a person" or "unknown".
        return Decision(review.category, SOURCE_REVIEW, HIGH, evidence=[review, *evidence])
    all_evidence = ([review] if review is not None else []) + list(evidence)
    ranked = sorted(
        enumerate(all_evidence), key=lambda pair: (TRUST_RANK.get(pair[1].source, len(TRUST_RANK)), pair[0])
    )
    kept = list(all_evidence)
    outcomes: list[tuple[int, Evidence, tuple]] = []
    for index, ev in ranked:
        outcome = _evaluate(ev, namesakes, reading)
        if outcome is None:
            continue
        if outcome[3]:  # flag fictional characters etc. in the evidence shown
            detail = f"{ev.detail}; {outcome[3]}" if ev.detail else outcome[3]
            kept[index] = replace(ev, detail=detail)
        outcomes.append((index, kept[index], outcome))

    unknown_person: tuple[Evidence, list[str]] | None = None
    chosen = None
    for index, ev, (category, mix, qids, _note) in outcomes:
        if category == UNKNOWN and ev.source in (SOURCE_REVIEW, *_REMOTE_SOURCES):
            if unknown_person is None:
                unknown_person = (ev, qids)
                kept[index] = replace(
                    ev, detail=(ev.detail + "; " if ev.detail else "") + "person of unknown gender"
                )
            continue
        if unknown_person is not None and not (
            ev.source in _LEXICAL_SOURCES and category in (WOMAN, MAN)
        ):
            continue  # Wikidata says it is a person: only a gender hint can add to it
        chosen = (ev, category, mix, qids)
        break

    if chosen is None:
        if unknown_person is not None:
            ev, qids = unknown_person
            return Decision(UNKNOWN, ev.source, ev.confidence, qids=qids, evidence=kept, needs_review=True)
        return Decision(UNKNOWN, None, LOW, evidence=kept)

    ev, category, mix, qids = chosen
    confidence = ev.confidence
    if unknown_person is not None:
        qids = qids or unknown_person[1]
        confidence = LOW
    conflict = any(
        other.source in _CONFLICT_SOURCES
        and other is not ev
        and oc[0] != category
        and oc[0] in (*_PERSON_GENDERS, NOT_PERSON, SEVERAL)
        for _i, other, oc in outcomes
    )
    return Decision(
        category=category,
        source=ev.source,
        confidence=confidence,
        qids=list(qids),
        mix=mix if category == SEVERAL else None,
        evidence=kept,
        needs_review=bool(ev.needs_review or conflict),
    )


def build_evidence_from_reading(reading: NameReading, country_code: str | None) -> list[Evidence]:
    """The evidence a name gives on its own: non-person rule, title, first name."""
    out: list[Evidence] = []
    if reading.non_person:
        strong = reading.non_person in ("date", "number")
        out.append(
            Evidence(
                source=SOURCE_RULE,
                category=NOT_PERSON,
                confidence=HIGH if strong else MEDIUM,
                detail=f"the name reads as a {reading.non_person}: '{reading.original}'",
            )
        )
    if reading.plural_mix:
        out.append(
            Evidence(
                source=SOURCE_TITLE,
                category=SEVERAL,
                confidence=MEDIUM,
                detail=f"plural title '{reading.titles[0]}' names several people ({reading.plural_mix})",
            )
        )
    guess = None
    # An article before an untitled name puts a common noun there ("Rue du Cor de Chasse",
    # "Place du Jeu de Balle"): people take no article, so no first name is read from it.
    untitled_article = reading.article and not reading.titles
    if (reading.bare_name and not reading.single_word and reading.non_person is None and not reading.title_alone
            and not untitled_article):
        guess = guess_from_first_name(reading.given_name_first, country_code)
    if reading.plural_mix:
        pass  # the plural title above already says who
    elif reading.title_alone:
        titled = " ".join(reading.titles)
        out.append(
            Evidence(
                source=SOURCE_TITLE,
                category=None,
                confidence=LOW,
                detail=f"the title '{titled}' alone names nobody in particular",
            )
        )
    elif reading.title_gender and reading.generic_title and guess is not None and guess.gender == WOMAN:
        # "Arquitecto Julia Guarino": the masculine profession is generic here.
        out.append(
            Evidence(
                source=SOURCE_TITLE,
                category=None,
                confidence=LOW,
                detail=f"title '{reading.titles[0]}' is a generic masculine; the first name decides",
            )
        )
    elif reading.title_gender:
        titled = ", ".join(f"'{t}'" for t in reading.titles)
        what = "a religious figure, " if reading.religious else ""
        out.append(
            Evidence(
                source=SOURCE_TITLE,
                category=reading.title_gender,
                confidence=MEDIUM,
                detail=f"title {titled} implies {what}a {reading.title_gender}",
            )
        )
    if guess is not None:
        out.append(
            Evidence(
                source=SOURCE_FIRST_NAME,
                category=guess.gender,
                confidence=guess.confidence,
                detail=f"inferred from the first name '{guess.first_name}' ({guess.answer})",
            )
        )
    return out


def decide_without_wikidata(
    name: str, languages: list[str], country: str | None
) -> tuple[NameReading, Decision]:
    """Offline: read the name and decide from title, first name and rules only."""
    reading = read_street_name(name, languages)
    return reading, decide(name, reading, build_evidence_from_reading(reading, country), {})




_PROTECTED = (SOURCE_REVIEW, *_TAG_SOURCES)


def propagate_within_city(streets: list[Street] | list[StreetBasis], decisions: dict[str, Decision]) -> dict[str, Decision]:
    """Let same-named streets of one city share a tag-based namesake.

    ``decisions`` maps ``Street.key`` to its decision. A street whose decision
    comes from an OSM tag or its own Wikidata item lends it to the other streets
    of the same normalised name whose decisions are weaker (name match, title,
    first name, unknown...), but only when every tagged street of that name
    agrees on the category and the QIDs; any disagreement and nothing moves.
    Returns a new dict; the inputs are not changed.
    """
    result = dict(decisions)
    groups: dict[str, list[Street]] = {}
    for street in streets:
        if street.key in decisions:
            groups.setdefault(normalise_name(street.name), []).append(street)
    for group in groups.values():
        tagged = [s for s in group if decisions[s.key].source in _TAG_SOURCES]
        if not tagged or len(tagged) == len(group):
            continue
        signatures = {(decisions[s.key].category, tuple(sorted(decisions[s.key].qids))) for s in tagged}
        if len(signatures) != 1:
            continue
        model_street = tagged[0]
        model = decisions[model_street.key]
        for street in group:
            current = decisions[street.key]
            if current.source in _PROTECTED:
                continue
            note = Evidence(
                source=model.source,
                qids=list(model.qids),
                category=model.category,
                confidence=MEDIUM,
                detail=f"same name as street {model_street.key}, whose namesake is tagged",
            )
            result[street.key] = Decision(
                category=model.category,
                source=model.source,
                confidence=MEDIUM,
                qids=list(model.qids),
                mix=model.mix,
                religious=model.religious,
                evidence=[note, *current.evidence],
                needs_review=current.category in (WOMAN, MAN, NONBINARY, SEVERAL)
                and current.category != model.category,
            )
    return result


# --- one decision per street, from what it rests on and its latest review ------------------------------


@dataclass
class StreetBasis:
    """What one street's decision rests on, apart from a review: its name, the reading of the name and
    every piece of evidence (OpenStreetMap's, Wikidata's, the name's own).

    Kept with the street (``StreetRow.basis``, through ``basis_to_json``), so that saving a review
    decides the street from the very values the next analysis will decide it from.
    """

    key: str
    name: str
    reading: NameReading | None
    evidence: list[Evidence]


_TUPLE_FIELDS = {f.name for f in fields(NameReading) if str(f.type).startswith("tuple")}
#: NameReading's fields in order (``dataclasses.fields`` costs more than the copy, once per street).
_READING_FIELDS = tuple(f.name for f in fields(NameReading))


def basis_to_json(basis: StreetBasis) -> dict:
    """A street's basis as the store keeps it (the key and the name are the street's own columns)."""
    reading = None
    if basis.reading is not None:
        reading = {name: getattr(basis.reading, name) for name in _READING_FIELDS}
        reading.update({name: list(reading[name]) for name in _TUPLE_FIELDS})
    return {"reading": reading, "evidence": evidence_to_json(basis.evidence)}


def basis_signature(basis: StreetBasis) -> tuple:
    """Streets with equal signatures rest on the very same reading and evidence objects, so they are
    decided alike and stored alike: ``app.analysis.street_bases`` hands equal bases the same objects
    (a region's towns share most of their names). By identity, so the objects must outlive the memo
    that keys on it (``decide_streets`` and ``bases_to_json`` keep them in it)."""
    return basis.name, id(basis.reading), id(basis.evidence)


def bases_to_json(bases: list[StreetBasis], written: dict | None = None) -> dict[str, dict]:
    """``basis_to_json`` of each street, by key, written once per signature (``basis_signature``);
    streets share the values, which nothing changes once written. ``written``: a memo kept across
    calls (a region's towns)."""
    written = {} if written is None else written
    out = {}
    for basis in bases:
        signature = basis_signature(basis)
        known = written.get(signature)
        if known is None:
            known = written[signature] = (basis, basis_to_json(basis))
        out[basis.key] = known[1]
    return out


def basis_from_json(key: str, name: str, values: dict) -> StreetBasis:
    """The basis ``basis_to_json`` stored, equal to the one that was stored."""
    reading = values.get("reading")
    if reading is not None:
        known = {f.name for f in fields(NameReading)}
        reading = NameReading(**{k: tuple(v) if k in _TUPLE_FIELDS else v
                                 for k, v in reading.items() if k in known})
    return StreetBasis(key, name, reading, evidence_from_json(values.get("evidence")))


def review_conflict(automatic: Decision, reviewed: Decision, review_qids: list[str]) -> str | None:
    """What OpenStreetMap or Wikidata now say against a review, or None when they agree.

    A review that named no one is compared by category only, and an automatic
    "unknown" contradicts nothing: the review filled a gap.
    """
    if automatic.source not in _REMOTE_SOURCES or automatic.category == UNKNOWN:
        return None
    differs = automatic.category != reviewed.category
    if review_qids:
        differs = differs or set(automatic.qids) != set(reviewed.qids)
    if not differs:
        return None
    said = ", ".join(automatic.qids) or automatic.category
    return f"{automatic.source} now says {said} ({automatic.category})"


def decide_streets(
    bases: list[StreetBasis], namesakes: dict[str, Namesake], reviews: dict[str, Evidence],
    memo: dict | None = None,
) -> tuple[dict[str, Decision], dict[str, str]]:
    """The one way streets are decided: in an analysis (all of a city's streets) and when a review is
    saved (the streets that share the reviewed street's name). Returns each street's decision and the
    review conflicts (what OSM or Wikidata now say against a street's review).

    ``reviews``: each reviewed street's latest review, as evidence (``app.reviews.review_evidence``).
    Each street's automatic decision is made once per signature (``basis_signature``), and streets
    share it (a Decision is never changed in place); ``memo``: that memo kept across calls with
    the same ``namesakes`` (a region's towns).
    """
    decisions: dict[str, Decision] = {}
    conflicts: dict[str, str] = {}
    memo = {} if memo is None else memo
    for basis in bases:
        signature = basis_signature(basis)
        known = memo.get(signature)
        if known is None:
            known = memo[signature] = (basis, decide(basis.name, basis.reading, basis.evidence, namesakes))
        automatic = known[1]
        review = reviews.get(basis.key)
        if review is None:
            decisions[basis.key] = automatic
            continue
        reviewed = decide(basis.name, basis.reading, basis.evidence, namesakes, review=review)
        decisions[basis.key] = reviewed
        if reviewed.source != SOURCE_REVIEW:
            conflicts[basis.key] = "the reviewed Wikidata ids are unknown to Wikidata and to the store"
        elif conflict := review_conflict(automatic, reviewed, list(review.qids)):
            conflicts[basis.key] = conflict
    # Spread tags to untagged homonyms last, so a tag a volunteer rejected on its street spreads no further.
    return propagate_within_city(bases, decisions), conflicts
