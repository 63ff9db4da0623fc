"""Every link to another site, built in one place: Wikipedia, Content Translation, Wikidata,
OpenStreetMap, iD, JOSM and Wikimedia Commons.

Python code calls the functions; templates use them as filters (registered in ``app.web.register_web``); the map script gets ``url_templates()`` in its
configuration and fills the ``{placeholders}`` with URL-encoded values, so no URL shape is
written twice. Values are always encoded here, never pasted: they come from OSM and Wikidata.
"""
from __future__ import annotations

from urllib.parse import quote, quote_plus, urlencode

ETYMOLOGY_TAG = "name:etymology:wikidata"

WIKIDATA_ITEM = "https://www.wikidata.org/wiki/{qid}"
OSM_OBJECT = "https://www.openstreetmap.org/{kind}/{number}"
ID_EDITOR = "https://www.openstreetmap.org/edit?editor=id&{kind}={number}"
WIKIPEDIA_NEW_ARTICLE = "https://{lang}.wikipedia.org/w/index.php?title={title}&action=edit"
COMMONS_THUMBNAIL = "https://commons.wikimedia.org/wiki/Special:FilePath/{file}?width={width}"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
JOSM_REMOTE_CONTROL = "http://127.0.0.1:8111/load_object"
OSM_KINDS = ("way", "relation", "node")


def url_templates() -> dict[str, str]:
    """The URL shapes the map script fills in (``{name}`` placeholders, values URL-encoded by it)."""
    return {"wikidata": WIKIDATA_ITEM, "osm": OSM_OBJECT, "editId": ID_EDITOR,
            "newArticle": WIKIPEDIA_NEW_ARTICLE, "commonsThumbnail": COMMONS_THUMBNAIL}


def wikidata_url(qid: str) -> str:
    return WIKIDATA_ITEM.format(qid=quote(qid, safe=""))


def osm_url(osm_id: str) -> str:
    """``way/101`` -> its page on openstreetmap.org."""
    kind, _, number = osm_id.partition("/")
    return OSM_OBJECT.format(kind=quote(kind, safe=""), number=quote(number, safe=""))


def osm_short(osm_id: str) -> str:
    """``way/101`` -> ``w101`` (the form JOSM's remote control takes)."""
    kind, _, number = osm_id.partition("/")
    return {"way": "w", "relation": "r", "node": "n"}.get(kind, kind[:1]) + number


def id_edit_url(osm_ids: list[str]) -> str | None:
    """iD on openstreetmap.org, opened on the street's first way."""
    for osm_id in osm_ids:
        kind, _, number = osm_id.partition("/")
        if kind in OSM_KINDS and number.isdigit():
            return ID_EDITOR.format(kind=kind, number=number)
    return None


def josm_url(osm_ids: list[str], qids: list[str]) -> str:
    """JOSM remote control: load the street's ways and add the etymology tag (several ids joined by ';').

    ``addtags`` takes ``key=value`` pairs separated by ``|``; the whole value is URL-encoded.
    """
    params = {"objects": ",".join(osm_short(o) for o in osm_ids),
              "addtags": f"{ETYMOLOGY_TAG}={';'.join(qids)}"}
    return JOSM_REMOTE_CONTROL + "?" + urlencode(params)


def wikipedia_new_article_url(lang: str, title: str) -> str:
    return WIKIPEDIA_NEW_ARTICLE.format(lang=quote(lang, safe=""), title=quote_plus(title))


def richest_article(articles: dict[str, str], target: str) -> tuple[str, str] | None:
    """(language, title) of the article to translate from: English first, then others alphabetically."""
    candidates = {lang: url for lang, url in (articles or {}).items() if lang != target and url}
    for lang in ["en", *sorted(candidates)]:
        if lang in candidates:
            title = candidates[lang].rstrip("/").rsplit("/", 1)[-1]
            return lang, title
    return None


def translation_url(lang: str, articles: dict[str, str]) -> str | None:
    """Content Translation from the richest existing article into ``lang``."""
    source = richest_article(articles, lang)
    if source is None:
        return None
    src, title = source
    # The title is already URL-encoded in the article URL: keep it as it is.
    return (f"https://{lang}.wikipedia.org/wiki/Special:ContentTranslation?page={quote(title, safe='%')}"
            f"&from={src}&to={lang}")


def wikidata_search_url(name: str) -> str:
    return "https://www.wikidata.org/w/index.php?" + urlencode({"search": name})


def wikidata_new_item_url(name: str, lang: str) -> str:
    return "https://www.wikidata.org/wiki/Special:NewItem?" + urlencode({"label": name, "lang": lang})


def commons_thumbnail_url(file_name: str, width: int = 120) -> str:
    return COMMONS_THUMBNAIL.format(file=quote(file_name, safe=""), width=int(width))


#: What templates may use as filters (``{{ qid|wikidata_url }}``).
TEMPLATE_FILTERS = {"wikidata_url": wikidata_url, "osm_url": osm_url, "id_edit_url": id_edit_url}
