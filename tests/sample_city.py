"""A stored analysis of the fixture city (tests/FIXTURE_CITY.md), written through the real store code.

Page, export and review tests use it when they are not about the pipeline itself;
the end-to-end tests produce the same city through the stand-in servers instead.
"""
from __future__ import annotations

from app.domain import (
    HIGH, KIND_GROUP, KIND_HUMAN, KIND_THING, LOW, MAN, MEDIUM, NONBINARY, NOT_PERSON, SEVERAL, UNKNOWN, WOMAN,
    Area, Decision, Namesake, Evidence, Street,
)
from app.store import Store
from app.stats import headline
from app.store.records import find_or_create_area, save_run

AREA = Area(osm_type="relation", osm_id=1001, name="Villa Ejemplo", admin_level=8, country_code="UY",
            wikidata="Q900100", languages=["es"], parent="Uruguay")
XSS_NAME = "<img src=x onerror=alert(1)>"


def _line(i: int) -> list[tuple[float, float]]:
    lon, lat = -56.20 + 0.004 * i, -34.90
    return [(lon, lat), (lon + 0.002, lat + 0.001), (lon + 0.003, lat + 0.003)]


def _namesake(qid, label, gender=None, kind=KIND_HUMAN, **facts) -> Namesake:
    raw = {WOMAN: (["Q6581072"], ["female"]), MAN: (["Q6581097"], ["male"]),
           NONBINARY: (["Q48270"], ["non-binary"])}.get(gender, ([], []))
    return Namesake(qid=qid, labels={"es": label, "en": label}, gender=gender if kind != KIND_THING else None,
                  gender_qids=raw[0], gender_labels=raw[1], kind=kind, **facts)


ENTITIES = {
    "Q900001": _namesake("Q900001", "Juana de Ibarbourou", WOMAN, birth_year=1892, death_year=1979, sitelinks=30,
                       articles={"es": "https://es.wikipedia.org/wiki/Juana_de_Ibarbourou"},
                       occupations=["poeta"], descriptions={"es": "poeta uruguaya"},
                       image="Juana de Ibarbourou.jpg"),
    "Q900002": _namesake("Q900002", "José Artigas", MAN, birth_year=1764, death_year=1850, sitelinks=40,
                       articles={"es": "https://es.wikipedia.org/wiki/Jos%C3%A9_Artigas"}, occupations=["militar"]),
    "Q900003": _namesake("Q900003", "José Artigas", MAN, sitelinks=1),
    "Q900004": _namesake("Q900004", "Delmira Agustini", WOMAN, birth_year=1886, death_year=1914, sitelinks=2,
                       articles={}, occupations=["poeta"]),
    "Q900005": _namesake("Q900005", "María Ejemplo", WOMAN),
    "Q900006": _namesake("Q900006", "Pedro Ejemplo", MAN),
    "Q900007": _namesake("Q900007", "Alex Quiroga", NONBINARY),
    "Q900008": _namesake("Q900008", "Ana Sin Datos", "unknown"),
    "Q900009": _namesake("Q900009", "Ceibo", kind=KIND_THING),
    "Q900011": _namesake("Q900011", "Hermanos Pérez", kind=KIND_GROUP),
    "Q900015": _namesake("Q900015", "Clara Silva", WOMAN, sitelinks=3,
                       articles={"es": "https://es.wikipedia.org/wiki/Clara_Silva"}),
}

# (way id, name, decision)
ROWS = [
    (101, "Calle Juana de Ibarbourou", Decision(WOMAN, "osm_tag", HIGH, ["Q900001"])),
    (103, "Avenida José Artigas", Decision(MAN, "name_match", MEDIUM, ["Q900002"],
                                           evidence=[Evidence("name_match", ["Q900002"], alternatives=["Q900003"])])),
    (104, "Calle Delmira Agustini", Decision(WOMAN, "name_match", MEDIUM, ["Q900004"])),
    (105, "Calle 18 de Julio", Decision(NOT_PERSON, "rule", HIGH, [])),
    (106, "Rambla Hermanos Pérez", Decision(SEVERAL, "street_item", HIGH, ["Q900011"], mix="men")),
    (107, "Calle María y Pedro", Decision(SEVERAL, "osm_tag", HIGH, ["Q900005", "Q900006"], mix="mixed")),
    (108, "Calle Mercedes", Decision(UNKNOWN, None, LOW, [])),
    (109, "Calle Alex Quiroga", Decision(NONBINARY, "osm_tag", HIGH, ["Q900007"])),
    (110, "Calle Ana Sin Datos", Decision(UNKNOWN, "osm_tag", HIGH, ["Q900008"])),
    (111, "Plaza Independencia", Decision(NOT_PERSON, "rule", MEDIUM, [])),
    (112, "Calle Flor de Ceibo", Decision(NOT_PERSON, "osm_tag", HIGH, ["Q900009"])),
    (113, XSS_NAME, Decision(UNKNOWN, None, LOW, [])),
    (114, "Calle Laura Ramírez", Decision(WOMAN, "first_name", LOW, [],
                                          evidence=[Evidence("first_name", category=WOMAN, confidence=LOW,
                                                             detail="inferred from first name 'Laura'")])),
    (115, "Avenida General Flores", Decision(MAN, "title", LOW, [])),
    (117, "Calle Rivera", Decision(UNKNOWN, None, LOW, [])),
    (118, "Calle Rivera", Decision(UNKNOWN, None, LOW, [])),
    (119, "Calle Clara Silva", Decision(WOMAN, "wikidata_street", HIGH, ["Q900015"])),
]

PERSONS = {"Calle Laura Ramírez": "Laura Ramírez", "Avenida General Flores": "Flores",
           "Calle Mercedes": "Mercedes", "Calle Rivera": "Rivera"}


class _Reading:
    def __init__(self, person):
        self.name_part = person


def store_sample_city(store: Store, area: Area = AREA) -> int:
    """Save the fixture city's analysis as its current run; returns the area's row id."""
    row = find_or_create_area(store, area)
    streets, decisions, readings = [], {}, {}
    for i, (way, name, decision) in enumerate(ROWS):
        tags = {}
        if decision.source == "osm_tag":
            tags["etymology_ids"] = list(decision.qids)
        street = Street(key=f"w{way}", name=name, osm_ids=[f"way/{way}"] + (["way/102"] if way == 101 else []),
                        lines=[_line(i)], length_m=100.0 + 10 * i, **tags)
        if way == 106:
            street.wikidata = "Q900010"
        streets.append(street)
        decision.evidence = decision.evidence or [
            Evidence(decision.source or "none", list(decision.qids), category=decision.category,
                     confidence=decision.confidence)]
        decisions[street.key] = decision
        readings[street.key] = _Reading(PERSONS.get(name))
    save_run(store, row.id, figures=headline, streets=streets, readings=readings, decisions=decisions, namesakes=ENTITIES,
             conflicts={}, source="overpass")
    return row.id
