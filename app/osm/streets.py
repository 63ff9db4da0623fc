"""From OSM ways (and street relations) to streets.

One street in OSM is usually several ways: split at every change of speed
limit, surface or bridge, dual carriageways, a gap at a square. People count
it once, so ways are grouped:

* same normalised name (``app.domain.normalise_name``), AND
* connected: they share a node, belong to the same street relation, or come
  within ``NEAR_M`` = 150 m of each other (vertex to vertex). 150 m bridges
  the gaps of dual carriageways, roundabouts and squares that interrupt a
  street, while homonymous streets in different neighbourhoods (typically km
  apart) stay separate. Distances are checked between vertices: a very long
  straight segment with no vertex near the other way can miss a link, which
  errs on the side of two streets rather than a wrong merge.

The parts live beside this module: parsing Overpass answers in ``app.osm.elements``, lengths in
``app.osm.geometry``, which ways connect in ``app.osm.grouping``; this module groups and builds.

Stable key: ``w<lowest way id>`` of the street (e.g. ``w101``). It survives re-analyses as
long as that way is not deleted or split off, which is as stable as OSM
allows; reviews attach to it.

Tags: a street relation (associatedStreet/street) passes its name, etymology
and wikidata tags to member ways that lack them; where a way says otherwise
the way wins and the disagreement is noted. Across the segments of a street,
etymology/wikidata tags apply to the whole street (often only one segment is
tagged). When segments DISAGREE, the value carried by the greatest length
(ties: the one on the lowest way id) is kept and the disagreement is recorded
in ``Street.tag_conflicts`` so a volunteer can fix OSM; we never merge
contradicting ids silently.

Length: see ``app.osm.geometry``. A square's geometry is its outline as a line, so its "length"
is its perimeter.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from app.domain import Area, Street, is_qid, normalise_name
from app.osm.elements import OsmRelation, OsmWay, elements_from_overpass
from app.osm.geometry import way_measures
from app.osm.grouping import connect_ways
from app.osm.tags import (
    ETYMOLOGY_TEXT,
    ETYMOLOGY_WIKIDATA,
    INHERITED_KEYS,
    SUBJECT_WIKIDATA,
    WIKIDATA,
    is_square,
    is_street_relation,
    is_street_way,
)
from app.queries import load_query, render

NEAR_M = 150.0
#: Overpass's own time limit (seconds); below the HTTP layer's default 180 s so
#: the server gives up first and says why (a runtime remark we can retry).
STREETS_QUERY_TIMEOUT = 170
AREA_ID_OFFSET = 3_600_000_000


# --- sources -----------------------------------------------------------------


def streets_query(area: Area, timeout: int = STREETS_QUERY_TIMEOUT) -> str:
    if area.osm_type != "relation":
        raise ValueError(f"streets are fetched for boundary relations, not {area.osm_ref}")
    return render(
        load_query("streets.overpassql"), area_id=AREA_ID_OFFSET + int(area.osm_id), timeout=int(timeout)
    )


def fetch_streets(client, area: Area) -> list[Street]:
    """The streets of an area, from Overpass (``client``: an OverpassClient)."""
    # The decoded answer goes as soon as its elements are read: assembly reuses its memory.
    ways, relations = elements_from_overpass(client.raw(streets_query(area)))
    return assemble_streets(ways, relations)


# --- assembly ------------------------------------------------------------------


def _effective_tags(way: OsmWay, rels: list[OsmRelation] | None, notes: list[str]) -> dict[str, str]:
    if not rels:
        return way.tags
    tags = dict(way.tags)
    for rel in rels:
        for key, value in rel.tags.items():
            if not (key in INHERITED_KEYS or (key.startswith("name:") and not key.startswith("name:etymology"))):
                continue
            mine = tags.get(key)
            if mine is None:
                tags[key] = value
            elif key not in INHERITED_KEYS or key == "name":
                continue  # a member with its own spelling (of the name, in a language) keeps it
            elif _tag_value_key(key, mine) != _tag_value_key(key, value):
                notes.append(f"{key}: way/{way.id} says {mine}, its relation/{rel.id} says {value}; kept the way's")
    return tags


def _tag_value_key(key: str, value: str) -> Any:
    if key in (ETYMOLOGY_WIKIDATA, SUBJECT_WIKIDATA):
        return tuple(sorted({v.strip().upper() for v in value.split(";") if v.strip()}))
    if key == WIKIDATA:
        return value.strip().upper()
    return value.strip()


def assemble_streets(
    ways: Iterable[OsmWay], relations: Iterable[OsmRelation] = (), *, near_m: float = NEAR_M
) -> list[Street]:
    """Group ways into streets (see the module doc); the order is by key for stable output."""
    street_rels: dict[int, list[OsmRelation]] = defaultdict(list)
    for rel in relations:
        if is_street_relation(rel.tags):
            for wid in dict.fromkeys(rel.member_way_ids):
                street_rels[wid].append(rel)

    kept: list[OsmWay] = []
    kept_tags: list[dict[str, str]] = []
    kept_notes: list[list[str] | tuple[()]] = []
    seen: set[int] = set()
    for way in ways:
        # A way can come twice (as a named way and as a relation member): count it once.
        if way.id in seen or len(way.coords) < 2:
            continue
        seen.add(way.id)
        rels = street_rels.get(way.id)
        if rels:
            notes: list[str] | tuple[()] = []
            tags = _effective_tags(way, rels, notes)
        else:
            notes, tags = (), way.tags
        if not tags.get("name", "").strip() or not is_street_way(tags):
            continue
        kept.append(way)
        kept_tags.append(tags)
        kept_notes.append(notes)

    lengths, boxes = way_measures(kept)
    # Ways of one name, in their order (which nearness is measured in): spellings first, then their
    # normalised forms, which are fewer to work out than ways.
    spellings: dict[str, list[int]] = {}
    for i, tags in enumerate(kept_tags):
        found = spellings.get(tags["name"])
        if found is None:
            spellings[tags["name"]] = [i]
        else:
            found.append(i)
    groups: dict[str, list[int]] = {}
    for spelling, members in spellings.items():
        found = groups.get(key := normalise_name(spelling))
        if found is None:
            groups[key] = members
        else:
            found.extend(members)
            found.sort()

    streets = []
    for members in groups.values():
        for street in connect_ways(members, kept, street_rels, near_m, boxes) if len(members) > 1 else (members,):
            if len(street) > 1:
                street = sorted(street, key=lambda i: kept[i].id)
            streets.append(_street(street, kept, kept_tags, kept_notes, lengths, street_rels))
    streets.sort(key=lambda s: (int(s.key[1:]), s.key))
    return streets


def _street(members, ways, tags_of, notes_of, lengths, street_rels) -> Street:
    first = ways[members[0]]
    single = len(members) == 1  # most streets are one way: that case skips the loops below
    conflicts: list[str] = list(notes_of[members[0]]) if single else [n for i in members for n in notes_of[i]]
    # The keys any member has: most streets have few, and most keys asked for are on none.
    present = tags_of[members[0]] if single else set().union(*(tags_of[i] for i in members))

    def pick(key: str, normalise=None) -> str | None:
        """The value of ``key`` on the greatest length; a disagreement becomes a note."""
        if key not in present:
            return None
        if single:
            value = present[key]
            return value if value.strip() else None
        by_value: dict[Any, list[int]] = {}
        for i in members:
            value = tags_of[i].get(key)
            if value is None or not value.strip():
                continue
            k = normalise(key, value) if normalise else value
            by_value.setdefault(k, []).append(i)
        if len(by_value) < 2:
            return tags_of[by_value.popitem()[1][0]][key] if by_value else None
        # members are sorted by way id, so on equal length the first-seen (lowest id) wins
        ranked = sorted(by_value.values(), key=lambda idx: -sum(lengths[i] for i in idx))
        chosen = ranked[0]
        if len(ranked) > 1 and normalise is not None:
            parts = [
                f"{tags_of[idx[0]][key]} on " + ", ".join(f"way/{ways[i].id}" for i in idx) for idx in ranked
            ]
            conflicts.append(f"{key} differs between segments: {' vs '.join(parts)}; kept {tags_of[chosen[0]][key]}")
        return tags_of[chosen[0]][key]

    name = pick("name") or first.tags.get("name", "")
    names: dict[str, str] = {}
    lang_keys = [k for k in present if k.startswith("name:") and _is_lang_key(k)]
    for key in sorted(lang_keys) if lang_keys else ():
        value = pick(key)
        if value:
            names[key[5:]] = value

    etymology_ids: list[str] = []
    for key in (ETYMOLOGY_WIKIDATA, SUBJECT_WIKIDATA):
        value = pick(key, _tag_value_key)
        if value is None:
            continue
        for raw in value.split(";"):
            qid = raw.strip().upper()
            if not qid:
                continue
            if is_qid(qid):
                if qid not in etymology_ids:
                    etymology_ids.append(qid)
            else:
                conflicts.append(f"{key}: {raw.strip()!r} is not a Wikidata id (ignored)")
    wikidata = pick(WIKIDATA, _tag_value_key)
    if wikidata is not None:
        wikidata = wikidata.strip().upper()
        if not is_qid(wikidata):
            conflicts.append(f"wikidata: {wikidata!r} is not a Wikidata id (ignored)")
            wikidata = None
    etymology_text = pick(ETYMOLOGY_TEXT, _tag_value_key)

    osm_ids = [f"way/{first.id}"] if single else [f"way/{ways[i].id}" for i in members]
    if street_rels:
        osm_ids += [f"relation/{r}" for r in sorted({rel.id for i in members for rel in street_rels.get(ways[i].id, ())})]
    kind = "street"
    for i in members:
        coords = ways[i].coords
        if is_square(tags_of[i], coords[0] == coords[-1] and len(coords) > 3):
            kind = "square"
            break
    return Street(
        key=f"w{first.id}",
        name=name.strip(),
        osm_ids=osm_ids,
        # The ways' own coordinate lists: nothing changes them after assembly.
        lines=[first.coords] if single else [ways[i].coords for i in members],
        length_m=round(lengths[members[0]] if single else sum(lengths[i] for i in members), 1),
        kind=kind,
        names=names,
        etymology_ids=etymology_ids,
        etymology_text=etymology_text,
        wikidata=wikidata,
        tag_conflicts=conflicts,
    )


def _is_lang_key(key: str) -> bool:
    # name:es, name:pt-BR, name:zh-Hant; not name:etymology, name:left, name:prefix...
    sub = key[5:]
    head = sub.split("-")[0]
    return 2 <= len(head) <= 3 and head.isalpha() and head.islower()
