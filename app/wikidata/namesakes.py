"""Who (or what) each street is named after, with the evidence for it.

Evidence is gathered in decreasing order of trust and each street's list keeps
that order:

(a) ``osm_tag`` (high): the ids in ``name:etymology:wikidata`` / ``subject:wikidata``
    on the street or its relation (``Street.etymology_ids``); several ids give one
    Evidence with several QIDs.
(b) ``street_item`` (high): the street's own item (``Street.wikidata``) says named
    after (P138), commemorates (P547) or dedicated to (P825). Statements with an end
    time (pq:P582) or deprecated rank are skipped.
(c) ``wikidata_street`` (high; medium + needs_review when several items of the city
    carry the same name with different namesakes): only for streets without (a) or
    (b). Items with P131 = the city (or a place whose P131 is the city) and P138,
    whose label in a city language equals, after ``normalise_name``, the OSM name
    or one of its ``name:<lang>`` values.
(d) Only for streets without (a)-(c), from the street name alone (app.wikidata.namematch):
    humans whose ``rdfs:label`` or ``skos:altLabel`` is EXACTLY (same characters) a person
    name read from the street name (``name_match``), street items elsewhere in the country
    with the same name and a P138 (``same_name_streets``), and humans whose family name
    (P734) matches a surname read from it (``family_name``). Only humans are matched by
    label: a label match on a thing ("Mercedes" the city, the given-name item...) would be
    wrong more often than right. Every candidate gathers points with reasons (citizenship
    of the country, ties to the city, a local article, sitelinks, the title); the best is
    chosen with the runners-up kept as ``alternatives``, medium when it leads clearly, low
    and ``needs_review`` when the runner-up is close.
"""
from __future__ import annotations

import re

from app.domain import (
    Progress,
    HIGH,
    MEDIUM,
    SOURCE_OSM_TAG,
    SOURCE_STREET_ITEM,
    SOURCE_WIKIDATA_STREET,
    Area,
    Namesake,
    Evidence,
    Street,
    is_qid,
    normalise_name,
)
from app.queries import Safe, load_query, render, sparql_qids, sparql_string
from app.wikidata.client import SparqlClient
from app.wikidata.namematch import (
    FamilyHit,
    Found,
    NameClue,
    choose,
    city_street_types,
    clue_for,
    humans_by_family_name,
    item_labels,
    royal_labels,
    score,
    shortlist,
    streets_elsewhere,
)
from app.wikidata.facts import (
    BATCH_SIZE,
    batches,
    clean_languages,
    fetch_namesakes,
    language_list,
    qid_of,
)

#: Names per request for the label match; each name is sent once per language.
NAME_BATCH_SIZE = 300

_PROPERTY_NAMES = {"P138": "named after", "P547": "commemorates", "P825": "dedicated to"}
_COUNTRY_CODE_RE = re.compile(r"^[A-Z]{2}$")


# --- lookups (one concern each, all batched) ------------------------------------------------


def country_qid(client: SparqlClient, country_code: str | None) -> str | None:
    """The country item for an ISO 3166-1 alpha-2 code (P297), or None."""
    code = (country_code or "").strip().upper()
    if not _COUNTRY_CODE_RE.match(code):
        return None
    rows = client.select(render(load_query("wikidata_country.rq"), code=sparql_string(code)))
    found = sorted({q for q in (qid_of(r.get("country", "")) for r in rows) if q}, key=lambda q: int(q[1:]))
    return found[0] if found else None


def street_item_namesakes(
    client: SparqlClient, street_qids: list[str], *, progress: Progress | None = None
) -> dict[str, list[tuple[str, str]]]:
    """street item -> [(property, namesake QID)] from P138/P547/P825 statements still in force."""
    wanted = sorted({q for q in street_qids if is_qid(q)}, key=lambda q: int(q[1:]))
    template = load_query("wikidata_street_namesakes.rq")
    found: dict[str, list[tuple[str, str]]] = {}
    done = 0
    for batch in batches(wanted, BATCH_SIZE):
        for row in client.select(render(template, items=sparql_qids(batch))):
            street, namesake = qid_of(row.get("street", "")), qid_of(row.get("namesake", ""))
            if street and namesake:
                pair = (row.get("property", "P138"), namesake)
                if pair not in found.setdefault(street, []):
                    found[street].append(pair)
        done += len(batch)
        if progress:
            progress("Wikidata street items", done, len(wanted))
    return found


#: Cities per request for their named-after street items (a region asks for all its towns at once).
CITY_BATCH_SIZE = 50


def city_street_items(client: SparqlClient, cities: list[str], languages: list[str]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """city -> normalised label -> {street item -> [namesake QIDs]} for the named-after items of cities."""
    wanted = sorted({c for c in cities if is_qid(c)}, key=lambda q: int(q[1:]))
    langs = clean_languages(languages, extra=())
    if not wanted or not langs:
        return {}
    template = load_query("wikidata_city_streets.rq")
    index: dict[str, dict[str, dict[str, list[str]]]] = {}
    for batch in batches(wanted, CITY_BATCH_SIZE):
        rows = client.select(render(template, cities=sparql_qids(batch), languages=language_list(langs)))
        for row in rows:
            city = qid_of(row.get("city", ""))
            street, namesake = qid_of(row.get("street", "")), qid_of(row.get("namesake", ""))
            label = normalise_name(row.get("label", ""))
            if city and street and namesake and label:
                namesakes = index.setdefault(city, {}).setdefault(label, {}).setdefault(street, [])
                if namesake not in namesakes:
                    namesakes.append(namesake)
    return index


def humans_by_name(
    client: SparqlClient, names: list[str], languages: list[str], *, progress: Progress | None = None
) -> dict[str, list[str]]:
    """name -> QIDs of humans whose label or alias is exactly that name (in any of the languages)."""
    langs = clean_languages(languages)
    wanted = sorted({n.strip() for n in names if n and n.strip()})
    template = load_query("wikidata_humans_by_name.rq")
    found: dict[str, list[str]] = {}
    done = 0
    for batch in batches(wanted, NAME_BATCH_SIZE):
        literals = Safe(" ".join(sparql_string(name, lang) for name in batch for lang in langs))
        for row in client.select(render(template, names=literals)):
            qid = qid_of(row.get("item", ""))
            name = row.get("name", "")
            if qid and name in batch and qid not in found.setdefault(name, []):
                found[name].append(qid)
        done += len(batch)
        if progress:
            progress("Wikidata names", done, len(wanted))
    for qids in found.values():
        qids.sort(key=lambda q: int(q[1:]))
    return found


# --- choosing between candidates (app.wikidata.namematch) ------------------------------------------


def name_evidence(
    name: str, candidates: list[str], namesakes: dict[str, Namesake], country: str | None, languages: list[str]
) -> Evidence | None:
    """One name_match Evidence for the humans labelled ``name``; None if there are none."""
    clue = NameClue(full_names=[name], name_part=name)
    found = Found(label_matches={q: name for q in candidates})
    return choose(clue, score(clue, found, namesakes, country, languages))


def match_name_parts(
    client: SparqlClient,
    names: list[str],
    languages: list[str],
    country_code: str | None,
    *,
    country: str | None = None,
    progress: Progress | None = None,
) -> dict[str, tuple[list[Evidence], dict[str, Namesake]]]:
    """For street lists without a map (CLI ``classify``): name -> (evidence, facts of its QIDs).

    Names with no human of that label get ``([], {})``. ``country`` (a QID)
    saves the P297 lookup when the caller knows it.
    """
    country = country if is_qid(country or "") else country_qid(client, country_code)
    found = humans_by_name(client, names, languages, progress=progress)
    all_qids = {q for qids in found.values() for q in qids}
    namesakes = fetch_namesakes(client, all_qids, languages, progress=progress)
    out: dict[str, tuple[list[Evidence], dict[str, Namesake]]] = {}
    for name in names:
        evidence = name_evidence(name, found.get(name.strip(), []), namesakes, country, languages)
        if evidence is None:
            out[name] = ([], {})
        else:
            mentioned = [*evidence.qids, *evidence.alternatives]
            out[name] = ([evidence], {q: namesakes[q] for q in mentioned if q in namesakes})
    return out


# --- the whole city -------------------------------------------------------------------------------


def resolve_namesakes(
    client: SparqlClient,
    area: Area,
    streets: list[Street],
    name_parts: dict[str, list[str]],
    *,
    progress: Progress | None = None,
    country: str | None = None,
    label_languages: list[str] | tuple[str, ...] = (),
    readings: dict | None = None,
    street_cities: dict[str, str | None] | None = None,
) -> tuple[dict[str, list[Evidence]], dict[str, Namesake]]:
    """street key -> evidence (maybe empty), and the facts of every QID mentioned (alternatives too).

    ``readings``: street key -> ``app.names.NameReading``. With them, a street without
    (a)-(c) is also looked for through same-named streets elsewhere and family names
    (app.wikidata.namematch); without them, only the exact ``name_parts``.

    ``area`` gives the languages, the country and the city whose street items are matched by
    name; for a region (streets of many cities resolved at once) ``street_cities`` maps each
    street key to its own city's Wikidata id instead.

    ``label_languages``: more languages to fetch labels, descriptions and articles in (the
    interface's), beyond the city's; names are still matched in the city's languages only.
    """
    languages = clean_languages(area.languages, extra=())
    evidence: dict[str, list[Evidence]] = {street.key: [] for street in streets}

    # (a) OSM tags.
    for street in streets:
        valid = [q for q in dict.fromkeys(street.etymology_ids) if is_qid(q)]
        if valid:
            dropped = [q for q in street.etymology_ids if not is_qid(q)]
            detail = "name:etymology:wikidata / subject:wikidata = " + ";".join(valid)
            if dropped:
                detail += f" (ignored invalid ids: {';'.join(dropped)})"
            evidence[street.key].append(Evidence(source=SOURCE_OSM_TAG, qids=valid, confidence=HIGH, detail=detail))

    # (b) The street's own item.
    own_items = [s.wikidata for s in streets if s.wikidata and is_qid(s.wikidata)]
    named_after = street_item_namesakes(client, own_items, progress=progress) if own_items else {}
    for street in streets:
        pairs = named_after.get(street.wikidata or "", [])
        if pairs:
            qids = list(dict.fromkeys(q for _, q in pairs))
            how = ", ".join(f"{_PROPERTY_NAMES.get(p, p)} ({p}) {q}" for p, q in pairs)
            evidence[street.key].append(
                Evidence(
                    source=SOURCE_STREET_ITEM,
                    qids=qids,
                    confidence=HIGH,
                    detail=f"street item {street.wikidata}: {how}",
                )
            )

    # (c) Street items of the city (of each street's own city, in a region), matched by name.
    def city_of(street: Street) -> str | None:
        return street_cities.get(street.key) if street_cities is not None else area.wikidata

    pending = [s for s in streets if not evidence[s.key]]
    cities = {city_of(s) for s in pending} - {None}
    if pending and cities and languages:
        index = city_street_items(client, sorted(cities), languages)
        if progress:
            progress("Wikidata city streets", len(pending), len(pending))
        for street in pending:
            found = _city_match(street, index.get(city_of(street) or "", {}))
            if found:
                evidence[street.key].append(found)

    # (d) The name alone: exact labels, same-named streets elsewhere in the country, family names.
    pending = [s for s in streets if not evidence[s.key]]
    readings = readings or {}
    types = city_street_types(streets, languages) if readings else {}
    # One clue per distinct name: the streets of a name share its reading (read once per name), and
    # a region's towns share most of their names.
    clue_of_name: dict[tuple, NameClue] = {}
    clues = {}
    for s in pending:
        reading, parts = readings.get(s.key), name_parts.get(s.key, [])
        same = (s.name, id(reading), tuple(parts))
        if same not in clue_of_name:
            clue_of_name[same] = clue_for(s, reading, parts, languages, types)
        clues[s.key] = clue_of_name[same]
    clues = {key: clue for key, clue in clues.items() if not clue.empty or clue.royal}
    royal = [clue for clue in clues.values() if clue.royal]
    if royal and country is None:
        country = country_qid(client, area.country_code)
    if royal and country:
        # "Avenue Louise": royals are labelled "Louise de Belgique", so ask for that label too.
        country_labels = item_labels(client, country, languages)
        for clue in royal:
            clue.full_names += [label for label, _ in royal_labels(clue.royal, country_labels)
                                if label not in clue.full_names]
    wanted_names = sorted({n for clue in clues.values() for n in clue.full_names})
    found_names = humans_by_name(client, wanted_names, languages, progress=progress) if wanted_names else {}
    wants_more = any(clue.street_labels or clue.surnames for clue in clues.values())
    if (found_names or wants_more) and country is None:
        country = country_qid(client, area.country_code)
    labels: dict[str, set[str]] = {}
    for clue in clues.values():
        for lang, names in clue.street_labels.items():
            labels.setdefault(lang, set()).update(names)
    elsewhere = streets_elsewhere(client, labels, country, progress=progress) if labels and country else {}
    surnames = {name for clue in clues.values() for name in clue.surnames}
    family = (
        humans_by_family_name(client, surnames, languages, country=country, city=area.wikidata, progress=progress)
        if surnames
        else {}
    )
    founds = {
        street.key: _found_for(street, clues[street.key], found_names, elsewhere, family)
        for street in pending
        if street.key in clues
    }

    mentioned = {q for items in evidence.values() for e in items for q in (*e.qids, *e.alternatives)}
    for found in founds.values():
        mentioned |= {*found.label_matches, *(q for qs in found.streets.values() for q in qs)}
        mentioned |= {hit.qid for hit in found.family}
    fact_languages = list(dict.fromkeys([*area.languages, *label_languages]))
    namesakes = fetch_namesakes(client, mentioned, fact_languages, progress=progress) if mentioned else {}

    for key, found in founds.items():
        chosen = choose(clues[key], score(clues[key], found, namesakes, country, languages))
        if chosen:
            evidence[key].append(chosen)
    return evidence, namesakes


def _found_for(
    street: Street,
    clue: NameClue,
    found_names: dict[str, list[str]],
    elsewhere: dict[str, dict[str, list[str]]],
    family: dict[str, list[FamilyHit]],
) -> Found:
    """What the batched lookups returned for one street's clue."""
    found = Found()
    for name in clue.full_names:
        for qid in found_names.get(name, []):
            found.label_matches.setdefault(qid, name)
    for label in dict.fromkeys(label for names in clue.street_labels.values() for label in names):
        for item, namesakes in elsewhere.get(label, {}).items():
            if item != street.wikidata:  # the street's own item is evidence (b), not a namesake elsewhere
                found.streets.setdefault(item, list(namesakes))
    hits: dict[str, FamilyHit] = {}
    for i, spelling in enumerate(clue.surnames):
        for hit in family.get(spelling, []):
            if hit.qid not in hits:
                hits[hit.qid] = hit
                if i:
                    found.loose_family.add(hit.qid)
    found.family = shortlist(list(hits.values()))
    return found


def _city_match(street: Street, index: dict[str, dict[str, list[str]]]) -> Evidence | None:
    items: dict[str, list[str]] = {}
    for name in [street.name, *street.names.values()]:
        items.update(index.get(normalise_name(name), {}))
    if not items:
        return None
    ordered = sorted(items, key=lambda q: int(q[1:]))
    first = ordered[0]
    others = sorted({q for item in ordered[1:] for q in items[item]} - set(items[first]), key=lambda q: int(q[1:]))
    return Evidence(
        source=SOURCE_WIKIDATA_STREET,
        qids=list(items[first]),
        confidence=MEDIUM if others else HIGH,
        detail=f"Wikidata item {first} in the city has this name and is named after (P138) "
        + ";".join(items[first])
        + (f"; other items of the same name: {', '.join(ordered[1:])}" if len(ordered) > 1 else ""),
        alternatives=others,
        needs_review=bool(others),
    )
