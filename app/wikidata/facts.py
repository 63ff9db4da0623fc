"""Facts about possible namesakes, fetched in batches of QIDs.

Two queries per batch (queries/wikidata_namesake_facts.rq and
queries/wikidata_namesake_texts.rq), both answering in "long" form, one row per
value, so an item with many classes, citizenships and occupations never
multiplies into a cross product of rows.

Languages asked for: the city's languages, then English, then "mul" (Wikidata's
language-neutral label, used for many personal names since 2024). Wikipedia
articles are fetched for the city's languages and English.

QIDs Wikidata does not know (deleted or merged items) come back without any
row and are left out of the answer: callers treat a missing QID as unknown.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

from app.domain import Namesake, Progress, is_qid
from app.queries import Safe, load_query, render, sparql_qids, sparql_string
from app.wikidata.client import SparqlClient
from app.wikidata.gender import namesake_kind, gender_label, person_gender

#: QIDs per request: keeps the query text around 10 kB and the answer well under WDQS limits.
BATCH_SIZE = 400

ENTITY_PREFIX = "http://www.wikidata.org/entity/"
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
_YEAR_RE = re.compile(r"^([+-]?)0*(\d{1,9})-")
_SITE_RE = re.compile(r"^https://([a-z0-9-]+)\.wikipedia\.org/$")


def qid_of(iri: str) -> str | None:
    """``Q42`` from ``http://www.wikidata.org/entity/Q42``; None for anything else."""
    if iri.startswith(ENTITY_PREFIX):
        qid = iri[len(ENTITY_PREFIX):]
        if is_qid(qid):
            return qid
    return None


def clean_languages(languages: Iterable[str], *, extra: Iterable[str] = ("en", "mul")) -> list[str]:
    """The city's languages plus ``extra``, deduplicated, lower case, invalid codes dropped."""
    out: list[str] = []
    for lang in [*languages, *extra]:
        lang = (lang or "").strip().lower()
        if _LANGUAGE_RE.match(lang) and lang not in out:
            out.append(lang)
    return out


def language_list(languages: list[str]) -> Safe:
    """``"es", "en"`` for ``FILTER(LANG(?x) IN (...))``."""
    return Safe(", ".join(sparql_string(lang) for lang in languages))


def wikipedia_sites(languages: list[str]) -> Safe:
    """``<https://es.wikipedia.org/>, ...`` for ``FILTER(?site IN (...))``.

    (A nested VALUES would be the obvious form, but some engines, pyoxigraph among
    them, evaluate it as a cross product with every article in the store.)
    """
    sites = [f"<https://{lang}.wikipedia.org/>" for lang in languages if lang != "mul" and _LANGUAGE_RE.match(lang)]
    return Safe(", ".join(sites))


def batches(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def year_of(value: str) -> int | None:
    """The year of an xsd:dateTime as WDQS writes it (``1892-05-08T00:00:00Z``, ``-0500-01-01T…``)."""
    match = _YEAR_RE.match(value or "")
    if not match:
        return None
    year = int(match.group(2))
    return -year if match.group(1) == "-" else year


def commons_file(iri: str) -> str:
    """``Foo bar.jpg`` from ``http://commons.wikimedia.org/wiki/Special:FilePath/Foo%20bar.jpg``."""
    marker = "Special:FilePath/"
    name = iri.split(marker, 1)[1] if marker in iri else iri.rsplit("/", 1)[-1]
    return unquote(name).replace("_", " ")


def fetch_namesakes(
    client: SparqlClient,
    qids: Iterable[str],
    languages: list[str],
    *,
    progress: Progress | None = None,
) -> dict[str, Namesake]:
    """Facts about every (valid, existing) QID, keyed by QID.

    Invalid ids are skipped before they reach a query; each batch of
    ``BATCH_SIZE`` ids costs two requests (facts, texts).
    """
    wanted = sorted({q for q in qids if is_qid(q)}, key=lambda q: int(q[1:]))
    langs = clean_languages(languages)
    article_langs = clean_languages(languages, extra=("en",))
    facts_query = load_query("wikidata_namesake_facts.rq")
    texts_query = load_query("wikidata_namesake_texts.rq")
    namesakes: dict[str, Namesake] = {}
    done = 0
    for batch in batches(wanted, BATCH_SIZE):
        items = sparql_qids(batch)
        facts = client.select(render(facts_query, items=items, languages=language_list(langs)))
        texts = client.select(
            render(texts_query, items=items, languages=language_list(langs), sites=wikipedia_sites(article_langs))
        )
        namesakes.update(_build(facts, texts, langs))
        done += len(batch)
        if progress:
            progress("Wikidata facts", done, len(wanted))
    return namesakes


class _Draft:
    """Values gathered from the rows of one item before they become an Namesake."""

    def __init__(self, qid: str):
        self.qid = qid
        self.instance_of: list[str] = []
        self.genders: list[str] = []
        self.gender_texts: dict[str, str] = {}
        self.births: list[int] = []
        self.deaths: list[int] = []
        self.images: list[str] = []
        self.citizenships: list[str] = []
        self.occupations: dict[str, dict[str, str]] = {}  # occupation QID -> lang -> label
        self.ranks: list[str] = []  # military rank (P410) QIDs
        self.sitelinks = 0
        self.labels: dict[str, str] = {}
        self.descriptions: dict[str, str] = {}
        self.articles: dict[str, str] = {}
        self.canonized = False


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _build(facts: list[dict[str, str]], texts: list[dict[str, str]], langs: list[str]) -> dict[str, Namesake]:
    drafts: dict[str, _Draft] = {}

    def draft(row: dict[str, str]) -> _Draft | None:
        qid = qid_of(row.get("item", ""))
        if qid is None:
            return None
        return drafts.setdefault(qid, _Draft(qid))

    for row in facts:
        d = draft(row)
        if d is None:
            continue
        field, value = row.get("field"), row.get("value", "")
        if field == "P31":
            _add(d.instance_of, qid_of(value))
        elif field == "P21":
            # "unknown value" (a blank node) is not a gender: the person stays "unknown".
            gender = qid_of(value)
            _add(d.genders, gender)
            if gender and row.get("text"):
                d.gender_texts[gender] = row["text"]
        elif field == "P569":
            year = year_of(value)
            if year is not None:
                d.births.append(year)
        elif field == "P570":
            year = year_of(value)
            if year is not None:
                d.deaths.append(year)
        elif field == "P18":
            _add(d.images, commons_file(value))
        elif field == "P27":
            _add(d.citizenships, qid_of(value))
        elif field == "P106":
            occupation = qid_of(value)
            if occupation:
                labels = d.occupations.setdefault(occupation, {})
                if row.get("text") and row.get("lang"):
                    labels[row["lang"]] = row["text"]
        elif field == "P410":
            _add(d.ranks, qid_of(value))
        elif field == "P411":
            d.canonized = True
        elif field == "sitelinks":
            try:
                d.sitelinks = max(d.sitelinks, int(value))
            except ValueError:
                pass

    for row in texts:
        d = draft(row)
        if d is None:
            continue
        field, value, lang = row.get("field"), row.get("value", ""), row.get("lang", "")
        if field == "label":
            d.labels[lang] = value
        elif field == "description":
            d.descriptions[lang] = value
        elif field == "article":
            site = _SITE_RE.match(lang)
            # Only a link to an article of that very site goes into pages and exports: the
            # endpoint is configurable, so its answers are data, not trusted markup.
            if site and value.startswith(f"https://{site.group(1)}.wikipedia.org/wiki/"):
                d.articles[site.group(1)] = value

    return {qid: _namesake(d, langs) for qid, d in drafts.items()}


def _namesake(d: _Draft, langs: list[str]) -> Namesake:
    kind = namesake_kind(d.instance_of, d.genders)
    occupations = []
    for labels in d.occupations.values():
        # The occupation's name in the first language that has one; unnamed occupations are left out.
        for lang in langs:
            if lang in labels:
                _add(occupations, labels[lang])
                break
    return Namesake(
        qid=d.qid,
        labels=d.labels,
        descriptions=d.descriptions,
        instance_of=d.instance_of,
        gender_qids=d.genders,
        gender_labels=[d.gender_texts.get(g) or gender_label(g) or g for g in d.genders],
        gender=person_gender(kind, d.genders),
        kind=kind,
        # Several dates (disputed sources): the earliest is kept, consistently for both.
        birth_year=min(d.births) if d.births else None,
        death_year=min(d.deaths) if d.deaths else None,
        image=sorted(d.images)[0] if d.images else None,
        occupations=occupations,
        # "P410" stands for "holds a military rank": titles check that, not which rank.
        occupation_qids=[*d.occupations, *(["P410"] if d.ranks else [])],
        canonized=d.canonized,
        citizenships=d.citizenships,
        sitelinks=d.sitelinks,
        articles=d.articles,
    )
