"""The SQL of each gap list: one page of rows (or all of them, for a download).

Pure store reading (no Flask). Each list is filtered, sorted and paginated in SQL
on the current run's rows (the (run_id, category) index narrows every query to
one city), so a page of 50 rows costs a few small queries even for a city of
20,000 streets; only the rows of the page are turned into links in Python.

The lists (``app.gaps.tables.LISTS``):

- ``articles``: women honoured by a street with no Wikipedia article in the city's
  first language. One row per woman (not per street), best translation candidates
  (most sitelinks) first.
- ``tags``: streets whose namesake was found through Wikidata or by name (or set by a
  volunteer's review) but that carry no ``name:etymology:wikidata`` tag in OSM.
- ``unknown``: streets we could not resolve, grouped by name. "Most used" means the
  names carried by the most streets first, then the longest total length: a name
  shared by several streets is one review that helps many rows.
- ``first_names``: people known only from a first-name guess (no Wikidata item).
- ``matches``: namesakes found from the street name alone (a label, a family name, same-named
  streets elsewhere) whose runner-up came too close: a volunteer confirms the choice or picks
  another candidate in one click (a review). Longest streets first.

Each row is a plain dict (the HTML draws it; its published columns are declared in
``app.gaps.tables``) and carries the city's name, the first column of every download.
"""
from __future__ import annotations

from sqlalchemy import String, and_, func, literal, or_, select

from app.domain import SOURCE_FIRST_NAME, UNKNOWN, WOMAN, pick_text
from app.gaps.query import GapPage, GapQuery
from app.gaps.tables import NAME_ALONE_SOURCES, TAG_GAP_SOURCES
from app.links import (
    ETYMOLOGY_TAG,
    id_edit_url,
    josm_url,
    richest_article,
    translation_url,
    wikidata_new_item_url,
    wikidata_search_url,
    wikidata_url,
    wikipedia_new_article_url,
)
from app.store import Store, fold
from app.store.models import NamesakeRow, StreetNamesakeRow, StreetRow
from app.store.records import AnalysedArea


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_filter(column, text: str):
    # Both sides folded the same way: "alvarez" finds "Álvarez" (accents too on SQLite).
    return fold(column).like(fold(literal(_like(text), String())), escape="\\")


def _order(columns_desc: list, descending: bool):
    return [c.desc() if descending else c.asc() for c in columns_desc]


def gap_page(store: Store, area: AnalysedArea, query: GapQuery, *, everything: bool = False) -> GapPage:
    """One page of one gap list (``everything=True``: all rows, for CSV)."""
    query = query.normalised()
    language = (area.languages or ["en"])[0]
    handler = {"articles": _articles, "tags": _tags, "unknown": _unknown, "first_names": _first_names,
               "matches": _matches}[query.list]
    with store.session() as session:
        total, rows = handler(session, area, query, language, everything)
    for row in rows:
        row["city"] = area.name
    return GapPage(query=query, total=total, rows=rows, language=language)


def _paginate(stmt, query: GapQuery, everything: bool):
    if everything:
        return stmt
    return stmt.limit(query.page_size).offset((query.page - 1) * query.page_size)


def _articles(session, area: AnalysedArea, query: GapQuery, language: str, everything: bool):
    label = NamesakeRow.labels[language].as_string()
    label_en = NamesakeRow.labels["en"].as_string()
    conditions = [
        StreetRow.run_id == area.run_id,
        StreetRow.category.in_((WOMAN, "several")),
        NamesakeRow.gender == WOMAN,
        NamesakeRow.articles[language].as_string().is_(None),
    ]
    if query.text:
        conditions.append(or_(_text_filter(label, query.text), _text_filter(label_en, query.text),
                              _text_filter(StreetRow.name, query.text)))
    base = (
        select(NamesakeRow.qid)
        .select_from(StreetRow)
        .join(StreetNamesakeRow, StreetNamesakeRow.street_id == StreetRow.id)
        .join(NamesakeRow, NamesakeRow.qid == StreetNamesakeRow.qid)
        .where(and_(*conditions))
    )
    total = session.scalar(select(func.count()).select_from(base.distinct().subquery()))
    streets = func.count(StreetRow.id.distinct()).label("streets")
    name_key = func.coalesce(label, label_en, NamesakeRow.qid)
    primary = {"sitelinks": NamesakeRow.sitelinks, "streets": streets, "name": name_key}[query.sort]
    stmt = (
        select(NamesakeRow, streets, func.min(StreetRow.name), func.min(StreetRow.key))
        .select_from(StreetRow)
        .join(StreetNamesakeRow, StreetNamesakeRow.street_id == StreetRow.id)
        .join(NamesakeRow, NamesakeRow.qid == StreetNamesakeRow.qid)
        .where(and_(*conditions))
        .group_by(NamesakeRow.qid)
        .order_by(*_order([primary], query.is_descending), name_key, NamesakeRow.qid)
    )
    rows = []
    for namesake, count, street_name, street_key in session.execute(_paginate(stmt, query, everything)):
        name = pick_text(namesake.labels, [language]) or namesake.qid
        rows.append({
            "qid": namesake.qid,
            "name": name,
            "labels": dict(namesake.labels or {}),
            "descriptions": dict(namesake.descriptions or {}),
            "sitelinks": namesake.sitelinks or 0,
            "other_languages": sorted(namesake.articles or {}),
            "streets": count,
            "street_name": street_name,
            "street_key": street_key,
            "new_article_url": wikipedia_new_article_url(language, name),
            "translation_url": translation_url(language, namesake.articles or {}),
            "translate_from": (richest_article(namesake.articles or {}, language) or (None,))[0],
            "wikidata_url": wikidata_url(namesake.qid),
        })
    return total, rows


def _tags(session, area: AnalysedArea, query: GapQuery, language: str, everything: bool):
    conditions = [
        StreetRow.run_id == area.run_id,
        StreetRow.source.in_([query.source] if query.source else TAG_GAP_SOURCES),
        StreetRow.tags[ETYMOLOGY_TAG].as_string().is_(None),
        # Only streets with a namesake id to write: a review that set a bare category has none.
        select(StreetNamesakeRow.id).where(StreetNamesakeRow.street_id == StreetRow.id).exists(),
    ]
    total, found = _streets_sorted(session, conditions, query, everything)
    links = _links_of(session, [r.id for r in found])
    rows = []
    for r in found:
        namesakes = links.get(r.id, [])
        qids = [n.qid for n in namesakes]
        rows.append({
            "key": r.key, "name": r.name, "osm_ids": list(r.osm_ids or []), "length_m": r.length_m,
            "source": r.source, "category": r.category, "qids": qids,
            "namesakes": [{"qid": n.qid, "labels": dict(n.labels or {})} for n in namesakes],
            "id_url": id_edit_url(r.osm_ids or []),
            "josm_url": josm_url(r.osm_ids or [], qids),
        })
    return total, rows


def _streets_sorted(session, conditions: list, query: GapQuery, everything: bool, *extra_columns):
    """(total, page of rows) of one street per row, filtered by name, sorted by name, length or source."""
    if query.text:
        conditions = [*conditions, _text_filter(StreetRow.name, query.text)]
    total = session.scalar(select(func.count(StreetRow.id)).where(*conditions))
    primary = {"name": StreetRow.name, "length": StreetRow.length_m, "source": StreetRow.source}[query.sort]
    stmt = (select(StreetRow.id, StreetRow.key, StreetRow.name, StreetRow.osm_ids, StreetRow.length_m,
                   StreetRow.source, StreetRow.category, *extra_columns)
            .where(*conditions).order_by(*_order([primary], query.is_descending), StreetRow.name, StreetRow.key))
    return total, session.execute(_paginate(stmt, query, everything)).all()


def _links_of(session, street_ids: list[int]) -> dict[int, list[NamesakeRow]]:
    if not street_ids:
        return {}
    out: dict[int, list[NamesakeRow]] = {}
    stmt = (select(StreetNamesakeRow.street_id, NamesakeRow)
            .join(NamesakeRow, NamesakeRow.qid == StreetNamesakeRow.qid)
            .where(StreetNamesakeRow.street_id.in_(street_ids))
            .order_by(StreetNamesakeRow.street_id, StreetNamesakeRow.position))
    for street_id, namesake in session.execute(stmt):
        out.setdefault(street_id, []).append(namesake)
    return out


def _unknown(session, area: AnalysedArea, query: GapQuery, language: str, everything: bool):
    conditions = [StreetRow.run_id == area.run_id, StreetRow.category == UNKNOWN]
    if query.source == "none":
        conditions.append(StreetRow.source.is_(None))
    elif query.source:
        conditions.append(StreetRow.source == query.source)
    if query.text:
        conditions.append(_text_filter(StreetRow.name, query.text))
    total = session.scalar(select(func.count(StreetRow.name.distinct())).where(*conditions))
    count = func.count(StreetRow.id).label("streets")
    length = func.sum(StreetRow.length_m).label("length")
    order = {"streets": [count, length], "length": [length, count], "name": [StreetRow.name]}[query.sort]
    stmt = (select(StreetRow.name, count, length).where(*conditions).group_by(StreetRow.name)
            .order_by(*_order(order, query.is_descending), StreetRow.name))
    groups = session.execute(_paginate(stmt, query, everything)).all()
    members: dict[str, list] = {}
    if groups:
        names = [g.name for g in groups]
        for chunk_start in range(0, len(names), 500):  # stay under SQLite's bound-parameter limit
            chunk = names[chunk_start:chunk_start + 500]
            for r in session.execute(
                select(StreetRow.name, StreetRow.key, StreetRow.osm_ids, StreetRow.length_m, StreetRow.source,
                       StreetRow.name_part)
                .where(*conditions, StreetRow.name.in_(chunk)).order_by(StreetRow.key)
            ):
                members.setdefault(r.name, []).append(
                    {"key": r.key, "osm_ids": list(r.osm_ids or []), "length_m": r.length_m, "source": r.source,
                     "name_part": r.name_part})
    rows = [{"name": g.name, "streets": g.streets, "length_m": round(g.length or 0.0, 1),
             "members": members.get(g.name, [])} for g in groups]
    return total, rows


def _first_names(session, area: AnalysedArea, query: GapQuery, language: str, everything: bool):
    conditions = [
        StreetRow.run_id == area.run_id,
        StreetRow.source == SOURCE_FIRST_NAME,
        ~select(StreetNamesakeRow.id).where(StreetNamesakeRow.street_id == StreetRow.id).exists(),
    ]
    if query.text:
        conditions.append(or_(_text_filter(StreetRow.name, query.text),
                              _text_filter(StreetRow.name_part, query.text)))
    total = session.scalar(select(func.count(StreetRow.id)).where(*conditions))
    primary = {"name": StreetRow.name, "length": StreetRow.length_m,
               "person": func.coalesce(StreetRow.name_part, StreetRow.name)}[query.sort]
    stmt = (select(StreetRow.key, StreetRow.name, StreetRow.name_part, StreetRow.osm_ids, StreetRow.length_m,
                   StreetRow.category, StreetRow.confidence)
            .where(*conditions).order_by(*_order([primary], query.is_descending), StreetRow.name, StreetRow.key))
    rows = []
    for r in session.execute(_paginate(stmt, query, everything)):
        person = r.name_part or r.name
        rows.append({
            "key": r.key, "name": r.name, "person": person, "osm_ids": list(r.osm_ids or []),
            "length_m": r.length_m, "category": r.category, "confidence": r.confidence,
            "search_url": wikidata_search_url(person),
            "new_item_url": wikidata_new_item_url(person, language),
        })
    return total, rows


def _matches(session, area: AnalysedArea, query: GapQuery, language: str, everything: bool):
    conditions = [
        StreetRow.run_id == area.run_id,
        StreetRow.source.in_([query.source] if query.source else NAME_ALONE_SOURCES),
        StreetRow.needs_review.is_(True),
        StreetRow.reviewed.is_(False),
    ]
    total, found = _streets_sorted(session, conditions, query, everything,
                                   StreetRow.confidence, StreetRow.evidence)
    links = _links_of(session, [r.id for r in found])
    how = {r.id: next((e for e in (r.evidence or []) if isinstance(e, dict) and e.get("source") == r.source), {})
           for r in found}
    other_qids = {q for e in how.values() for q in (e.get("alternatives") or [])}
    others = {n.qid: n for n in session.scalars(select(NamesakeRow).where(NamesakeRow.qid.in_(sorted(other_qids))))} \
        if other_qids else {}
    rows = []
    for r in found:
        chosen = links.get(r.id, [])
        alternatives = [q for q in (how[r.id].get("alternatives") or []) if q not in {n.qid for n in chosen}]
        rows.append({
            "key": r.key, "name": r.name, "osm_ids": list(r.osm_ids or []), "length_m": r.length_m,
            "source": r.source, "category": r.category, "confidence": r.confidence,
            "qids": [n.qid for n in chosen],
            "namesakes": [_candidate(n) for n in chosen],
            "alternatives": [_candidate(others[q]) if q in others else {"qid": q, "labels": {}, "descriptions": {}}
                             for q in alternatives],
            "how_found": how[r.id].get("detail") or "",
        })
    return total, rows


def _candidate(namesake: NamesakeRow) -> dict:
    return {"qid": namesake.qid, "labels": dict(namesake.labels or {}),
            "descriptions": dict(namesake.descriptions or {}), "gender": namesake.gender,
            "birth_year": namesake.birth_year, "death_year": namesake.death_year}
