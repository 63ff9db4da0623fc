"""The gap lists as declared tables: their published columns, the sorts and the filters each accepts.

The CSV columns are published (tests/fixtures/contract/gaps-*.csv): do not rename or reorder them.
Each column reads its value from a row of ``app.gaps.lists`` (which carries the city's name too).
"""
from __future__ import annotations

from app.domain import SOURCE_FAMILY_NAME, SOURCE_NAME_MATCH, SOURCE_SAME_NAME_STREETS, sources_where
from app.tables import Column, Table

PAGE_SIZE = 50
#: Sources that found a namesake from the street name alone: guesses a volunteer should check.
NAME_ALONE_SOURCES = (SOURCE_NAME_MATCH, SOURCE_SAME_NAME_STREETS, SOURCE_FAMILY_NAME)
#: Sources whose namesake is known but not (yet) written into OSM. A reviewed street with
#: a Wikidata id is a gap too: the volunteer's finding belongs in OSM; so is an osm_tag
#: decision on an untagged street, inherited from a tagged street of the same name.
TAG_GAP_SOURCES = sources_where("names_namesake")


def _from(key: str):
    return lambda row: row[key]


CITY = Column("city")

TABLES = {
    "articles": Table(
        "articles",
        (CITY, Column("wikidata_id", _from("qid")), Column("name"), Column("sitelinks"),
         Column("wikipedia_languages", _from("other_languages")), Column("streets"), Column("street_name"),
         Column("new_article_url"), Column("translation_url")),
        sorts=("sitelinks", "name", "streets"), descending=frozenset({"sitelinks", "streets"}),
        page_size=PAGE_SIZE,
    ),
    "tags": Table(
        "tags",
        (CITY, Column("street_id", _from("key")), Column("street_name", _from("name")), Column("osm_ids"),
         Column("length_m"), Column("source"), Column("wikidata_ids", _from("qids")), Column("id_url"),
         Column("josm_url")),
        sorts=("name", "length", "source"), descending=frozenset({"length"}),
        filters={"source": TAG_GAP_SOURCES}, page_size=PAGE_SIZE,
    ),
    "unknown": Table(
        "unknown",
        (CITY, Column("street_name", _from("name")), Column("streets"), Column("length_m"),
         Column("street_ids", lambda row: [m["key"] for m in row["members"]]),
         Column("osm_ids", lambda row: [o for m in row["members"] for o in m["osm_ids"]])),
        sorts=("streets", "length", "name"), descending=frozenset({"streets", "length"}),
        filters={"source": ("none", *TAG_GAP_SOURCES)}, page_size=PAGE_SIZE,
    ),
    "first_names": Table(
        "first_names",
        (CITY, Column("street_id", _from("key")), Column("street_name", _from("name")), Column("person"),
         Column("category"), Column("osm_ids"), Column("length_m"), Column("wikidata_search_url", _from("search_url")),
         Column("wikidata_new_item_url", _from("new_item_url"))),
        sorts=("name", "length", "person"), descending=frozenset({"length"}), page_size=PAGE_SIZE,
    ),
    "matches": Table(
        "matches",
        (CITY, Column("street_id", _from("key")), Column("street_name", _from("name")), Column("length_m"),
         Column("source"), Column("confidence"), Column("category"), Column("wikidata_ids", _from("qids")),
         Column("other_candidates", lambda row: [a["qid"] for a in row["alternatives"]]), Column("how_found")),
        sorts=("length", "name", "source"), descending=frozenset({"length"}),
        filters={"source": NAME_ALONE_SOURCES}, page_size=PAGE_SIZE,
    ),
}
#: The lists in the order of the page's tabs (the first is the default).
LISTS = tuple(TABLES)
