"""A small region written as an .osm.pbf with pyosmium, and its Wikidata side as Turtle.

Spain (relation 5001) holds the province "Provincia de Ejemplo" (relation 5000, admin_level 6),
which holds three municipalities (admin_level 8), side by side, 0.01° wide:

- Villaclara (5101): twelve person-named streets (three women, nine men; one man found only by
  his name), a street not named after anyone, and the west part of "Avenida de la
  Constitución", which runs on into Rosaleda: two thirds of its length lie in Villaclara;
- Rosaleda (5102): "Calle de Benito Pérez Galdós" again (the same name as in Villaclara: it
  must be looked up once), one woman, a street not named after anyone;
- Yermo (5103): only an unnamed track: no named streets at all.

Fuera (5104), a municipality of the same level west of the province, and its street must be
left out when the region is the province. QIDs from Q910000 up are invented.
"""
from __future__ import annotations

import json

import osmium
import shapely

COUNTRY, PROVINCE = 5001, 5000
VILLACLARA, ROSALEDA, YERMO, FUERA = 5101, 5102, 5103, 5104
LAT0, LAT1 = 40.40, 40.41
MUNICIPALITIES = {
    VILLACLARA: ("Villaclara", -3.70, "Q910101"),
    ROSALEDA: ("Rosaleda", -3.69, "Q910102"),
    YERMO: ("Yermo", -3.68, "Q910103"),
    FUERA: ("Fuera", -3.75, "Q910104"),
}
WOMEN = {"Clara Campoamor": "Q910001", "Rosalía de Castro": "Q910002", "Emilia Pardo Bazán": "Q910003",
         "Concepción Arenal": "Q910004"}
MEN = {"Miguel de Cervantes": "Q910011", "Francisco de Goya": "Q910012", "Antonio Machado": "Q910013",
       "Federico García Lorca": "Q910014", "Santiago Ramón y Cajal": "Q910015", "Gustavo Adolfo Bécquer": "Q910016",
       "Juan Ramón Jiménez": "Q910017", "Miguel de Unamuno": "Q910018"}
#: Found by name only (no tag): in Villaclara and Rosaleda both.
BY_NAME = ("Benito Pérez Galdós", "Q910019")
BORDER_STREET = "Avenida de la Constitución"

VILLACLARA_STREETS = (
    [(f"Calle de {name}", qid) for name, qid in list(WOMEN.items())[:3]]
    + [(f"Calle de {name}", qid) for name, qid in MEN.items()]
    + [(f"Calle de {BY_NAME[0]}", None), ("Calle Mayor", None)]
)
ROSALEDA_STREETS = [(f"Calle de {BY_NAME[0]}", None), ("Calle de Concepción Arenal", WOMEN["Concepción Arenal"]),
                    ("Calle del Sol", None)]


def region_elements():
    """(nodes {id: (lon, lat)}, ways [(id, node ids, tags)], relations [(id, members, tags)])."""
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[tuple[int, list[int], dict]] = []
    relations: list[tuple[int, list[tuple[str, int, str]], dict]] = []

    def node(lon: float, lat: float) -> int:
        nid = 1 + len(nodes)
        nodes[nid] = (round(lon, 7), round(lat, 7))
        return nid

    def way(coords, tags) -> int:
        wid = 100 + len(ways)
        ways.append((wid, [node(lon, lat) for lon, lat in coords], tags))
        return wid

    def boundary(rid: int, west: float, south: float, east: float, north: float, tags: dict) -> None:
        ring = [(west, south), (east, south), (east, north), (west, north)]
        refs = [node(lon, lat) for lon, lat in ring]
        wid = 100 + len(ways)
        ways.append((wid, refs + refs[:1], {"boundary": "administrative"}))
        relations.append((rid, [("w", wid, "outer")], {"type": "boundary", "boundary": "administrative", **tags}))

    boundary(COUNTRY, -3.80, 40.30, -3.60, 40.50, {"admin_level": "2", "name": "España", "ISO3166-1": "ES"})
    boundary(PROVINCE, -3.71, 40.395, -3.66, 40.415,
             {"admin_level": "6", "name": "Provincia de Ejemplo", "wikidata": "Q910500"})
    for rid, (name, west, qid) in MUNICIPALITIES.items():
        boundary(rid, west, LAT0, west + 0.01, LAT1, {"admin_level": "8", "name": name, "wikidata": qid})

    def streets(west: float, named: list[tuple[str, str | None]]) -> None:
        for i, (name, qid) in enumerate(named):
            lat = LAT0 + 0.0007 * (i + 1)
            tags = {"highway": "residential", "name": name}
            if qid:
                tags["name:etymology:wikidata"] = qid
            way([(west + 0.001, lat), (west + 0.004, lat)], tags)

    streets(-3.70, VILLACLARA_STREETS)
    streets(-3.69, ROSALEDA_STREETS)
    way([(-3.695, 40.4096), (-3.6875, 40.4096)], {"highway": "primary", "name": BORDER_STREET})
    way([(-3.679, 40.405), (-3.671, 40.405)], {"highway": "track"})  # Yermo: nothing named
    way([(-3.749, 40.405), (-3.741, 40.405)], {"highway": "residential", "name": "Calle de Fuera"})
    return nodes, ways, relations


def write_region_pbf(path, *, cut: int | None = None) -> None:
    """The region as an .osm.pbf; ``cut``: a boundary relation whose ring the extract leaves out."""
    nodes, ways, relations = region_elements()
    if cut is not None:
        dropped = {ref for rid, members, _ in relations if rid == cut for _, ref, _ in members}
        ways = [w for w in ways if w[0] not in dropped]
    write_pbf(path, nodes, ways, relations)


def write_pbf(path, nodes: dict, ways: list, relations: list) -> None:
    """Elements as ``region_elements`` gives them, written as an .osm.pbf at ``path``."""
    with osmium.SimpleWriter(str(path)) as writer:
        for nid in sorted(nodes):
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=nodes[nid], version=1))
        for wid, refs, tags in ways:
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        for rid, members, tags in sorted(relations):
            writer.add_relation(osmium.osm.mutable.Relation(id=rid, members=members, tags=tags, version=1))


def overpass_routes() -> list[tuple[str, str]]:
    """The same region as Overpass would answer it: (query pattern, JSON answer) for the stand-in.

    The province by id (with its country), its municipalities with their boundary geometry, and
    each municipality's named streets (every way with a part inside, as ``(area.a)`` gives them).
    """
    nodes, ways, relations = region_elements()
    way_by_id = {wid: (refs, tags) for wid, refs, tags in ways}
    rel_by_id = {rid: (members, tags) for rid, members, tags in relations}

    def geometry(refs):
        return [{"lat": nodes[n][1], "lon": nodes[n][0]} for n in refs]

    def relation(rid, with_geometry):
        members, tags = rel_by_id[rid]
        out = {"type": "relation", "id": rid, "tags": tags,
               "members": [{"type": "way", "ref": ref, "role": role} for _, ref, role in members]}
        if with_geometry:
            for member in out["members"]:
                member["geometry"] = geometry(way_by_id[member["ref"]][0])
        return out

    def answer(elements):
        return json.dumps({"version": 0.6, "generator": "Overpass API (stand-in)", "elements": elements})

    routes = [
        (rf"rel\({PROVINCE}\)", answer([{**relation(PROVINCE, False), "members": []},
                                         {"type": "area", "id": 3_600_000_000 + COUNTRY, "tags": rel_by_id[COUNTRY][1]}])),
        (rf"area\({3_600_000_000 + PROVINCE}\)", answer([relation(r, True) for r in (VILLACLARA, ROSALEDA, YERMO)])),
    ]
    for rid, (_name, west, _qid) in MUNICIPALITIES.items():
        box = shapely.box(west, LAT0, west + 0.01, LAT1)
        inside = [{"type": "way", "id": wid, "nodes": refs, "tags": tags, "geometry": geometry(refs)}
                  for wid, refs, tags in ways
                  if "highway" in tags and "name" in tags and box.intersects(shapely.LineString([nodes[n] for n in refs]))]
        routes.append((rf"area\({3_600_000_000 + rid}\)", answer(inside)))
    return routes


def region_turtle() -> str:
    """The people of the region's streets and its places, in Wikidata's shapes."""
    lines = [
        "@prefix wd: <http://www.wikidata.org/entity/> .",
        "@prefix wdt: <http://www.wikidata.org/prop/direct/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix schema: <http://schema.org/> .",
        "@prefix wikibase: <http://wikiba.se/ontology#> .",
        'wd:Q29 wdt:P297 "ES" ; rdfs:label "España"@es .',
        'wd:Q6581072 rdfs:label "female"@en . wd:Q6581097 rdfs:label "male"@en .',
    ]
    people = [(n, q, "Q6581072") for n, q in WOMEN.items()] + [(n, q, "Q6581097") for n, q in MEN.items()]
    people.append((BY_NAME[0], BY_NAME[1], "Q6581097"))
    for name, qid, gender in people:
        lines.append(f'wd:{qid} wdt:P31 wd:Q5 ; wdt:P21 wd:{gender} ; wdt:P27 wd:Q29 ; '
                     f'rdfs:label "{name}"@es ; wikibase:sitelinks 5 .')
        if name != "Emilia Pardo Bazán":  # the one woman without an article in Spanish
            title = name.replace(" ", "_")
            lines.append(f"<https://es.wikipedia.org/wiki/{title}> schema:about wd:{qid} ; "
                         "schema:isPartOf <https://es.wikipedia.org/> .")
    for name, _west, qid in MUNICIPALITIES.values():
        lines.append(f'wd:{qid} wdt:P31 wd:Q2074737 ; wdt:P17 wd:Q29 ; rdfs:label "{name}"@es .')
    return "\n".join(lines) + "\n"
