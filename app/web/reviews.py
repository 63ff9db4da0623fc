"""The street page, volunteers' reviews, and the namesake check used before saving one.

Routes:
- GET  /cities/<slug>/streets/<key>          the street, its classification, evidence, namesakes, history
- POST /cities/<slug>/streets/<key>/review   signed-in volunteers only; a namesake review is first
                                              *checked* (labels and gender shown), then saved
- GET  /api/entities?ids=Q1,Q2&city=<slug>   who each id is (Wikidata through the app's cached
                                              SPARQL client, falling back to the store)

Template filters registered on the app (usable by every template):
- ``category|category_name``, ``source|source_name``, ``confidence|confidence_name``: translated words
- ``gender|gender_name``
- ``evidence|evidence_text``: one piece of stored evidence (a dict) as a translated sentence
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.analysis import make_clients
from app.extensions import limiter
from app.domain import pick_text
from app.links import id_edit_url
from app.namesake_check import check_namesakes, parse_qids
from app.remote import RetryPolicy
from app.reviews import N_, REVIEW_CATEGORIES, ReviewError, save_review
from app.store.records import area_by_slug, load_street, review_history
from app.web import analysed_area, store
from app.web.publish import offline_packs
from app.web.words import (
    CATEGORY_NAMES,
    CONFIDENCE_NAMES,
    GENDER_NAMES,
    KIND_NAMES,
    SOURCE_NAMES,
    word,
)

bp = Blueprint("reviews", __name__)

#: The namesake check may query Wikidata: keep scripts from turning it into a proxy.
ENTITY_LIMIT = "30 per minute"

def evidence_text(evidence: dict) -> str:
    """One piece of evidence in words: where it comes from, what it points to, how sure."""
    evidence = evidence or {}
    parts = [_("From %(source)s", source=word(SOURCE_NAMES, evidence.get("source")))]
    if evidence.get("qids"):
        parts.append(_("points to %(ids)s", ids=", ".join(evidence["qids"])))
    if evidence.get("category"):
        parts.append(_("suggests: %(category)s", category=word(CATEGORY_NAMES, evidence["category"])))
    if evidence.get("confidence"):
        parts.append(_("confidence: %(level)s", level=word(CONFIDENCE_NAMES, evidence["confidence"])))
    text = "; ".join(parts) + "."
    if evidence.get("alternatives"):
        text += " " + _("Other candidates: %(ids)s.", ids=", ".join(evidence["alternatives"]))
    if evidence.get("needs_review"):
        text += " " + _("Needs a volunteer's look.")
    return text


@bp.record_once
def register_filters(state) -> None:
    app = state.app
    app.add_template_filter(lambda v: word(CATEGORY_NAMES, v), "category_name")
    app.add_template_filter(lambda v: word(SOURCE_NAMES, v), "source_name")
    app.add_template_filter(lambda v: word(CONFIDENCE_NAMES, v), "confidence_name")
    app.add_template_filter(lambda v: word(GENDER_NAMES, v or "unknown"), "gender_name")
    app.add_template_filter(lambda v: word(KIND_NAMES, v), "kind_name")
    app.add_template_filter(evidence_text, "evidence_text")


def preferred_languages(area) -> list[str]:
    """Interface language first, then the city's languages (labels of people are shown in this order)."""
    return list(dict.fromkeys([str(get_locale()), *(area.languages or [])]))


def sparql_client():
    """The app's SPARQL client (cached answers in the store), with a short policy: a volunteer is waiting."""
    settings = current_app.config["SETTINGS"]
    client = make_clients(settings, store()).sparql
    client.policy = RetryPolicy(attempts=1, base_delay=0.0, timeout=min(settings.remote_timeout, 15.0))
    return client


def _area_and_street(slug: str, key: str):
    area = analysed_area(slug)
    street = load_street(store(), area.id, area.run_id, key)
    if street is None:
        abort(404)
    return area, street


def render_street(area, street, *, form=None, checks=None, error=None, status=200):
    form = form or {}
    return render_template(
        "street.html", area=area, street=street, history=review_history(store(), area.id, street.key),
        langs=preferred_languages(area), id_url=id_edit_url(street.osm_ids or []), form=form, checks=checks,
        error=error, review_categories=REVIEW_CATEGORIES,
    ), status


@bp.get("/cities/<slug>/streets/<key>")
def street(slug: str, key: str):
    area, row = _area_and_street(slug, key)
    return render_street(area, row)


@bp.get("/cities/<slug>/streets/<key>/review")
def review_form(slug: str, key: str):
    """Where sign-in sends a visitor who tried to post a review: back to the street's form."""
    return redirect(url_for("reviews.street", slug=slug, key=key) + "#review-namesake")


@bp.post("/cities/<slug>/streets/<key>/review")
@login_required
def review(slug: str, key: str):
    area, row = _area_and_street(slug, key)
    form = {
        "mode": request.form.get("mode", "namesake"),
        "qids": request.form.get("qids", "").strip(),
        "category": request.form.get("category", ""),
        "note": request.form.get("note", ""),
        "checked": request.form.get("checked", ""),
    }
    try:
        if form["mode"] == "namesake":
            qids = parse_qids(form["qids"])
            if not qids:
                raise ReviewError(N_("Give at least one Wikidata id."))
            canonical = ",".join(qids)
            if form["checked"] != canonical or request.form.get("action") == "check":
                # Step one: show who the ids are; saving needs a second, deliberate click.
                checks = check_namesakes(store(), qids, preferred_languages(area), sparql_client())
                form.update(qids=canonical, checked=canonical if all(c.found for c in checks.values()) else "")
                return render_street(area, row, form=form, checks=checks)
            save_review(store(), area.id, row.key, current_user.id, qids=qids, note=form["note"])
        else:
            save_review(store(), area.id, row.key, current_user.id, category=form["category"], note=form["note"])
    except ReviewError as exc:
        message = _(exc.message, **exc.params) if exc.params else _(exc.message)
        return render_street(area, row, form=form, error=message, status=400)
    offline_packs().after_review(slug, area.languages)
    flash(_("Review saved: the street's classification is updated."), "info")
    back = request.form.get("next", "")
    if back.startswith(f"/cities/{slug}/") and not back.startswith("//") and "\\" not in back:
        return redirect(back)  # one-click checks go back to their list; only this city's pages
    return redirect(url_for("reviews.street", slug=slug, key=key))


@bp.get("/api/entities")
@limiter.limit(ENTITY_LIMIT)
def namesakes():
    """Who each Wikidata id is, for the review form's check step (JSON).

    Only signed-in volunteers make it ask Wikidata (each id costs remote queries); anyone
    else gets what the store already knows.
    """
    try:
        qids = parse_qids(request.args.get("ids", "").replace(",", " "))
    except ReviewError as exc:
        return jsonify({"error": str(exc)}), 400
    if not qids:
        return jsonify({"error": "give ids=Q1,Q2"}), 400
    languages = [str(get_locale())]
    slug = request.args.get("city")
    if slug:
        with store().session() as session:
            area = area_by_slug(session, slug, analysed=False)
            if area is not None:
                languages = list(dict.fromkeys([*languages, *(area.languages or [])]))
    sparql = sparql_client() if current_user.is_authenticated else None
    checks = check_namesakes(store(), qids, languages, sparql)
    return jsonify({"entities": [
        {**check.as_json(), "label": pick_text(check.labels, languages) or check.qid,
         "description": pick_text(check.descriptions, languages)}
        for check in checks.values()
    ]})
