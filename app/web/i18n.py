"""Interface language: Spanish, Portuguese or English, from a visible switch or the browser."""
from __future__ import annotations

from flask import Flask, current_app, redirect, request, session
from flask_babel import get_locale

from app.web import local_path


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def register_i18n(app: Flask) -> None:
    @app.route("/language/<code>")
    def set_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        return redirect(local_path(request.args.get("next")))

    @app.context_processor
    def language_context():
        return {"current_language": str(get_locale()), "languages": app.config["LANGUAGES"]}
