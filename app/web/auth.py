"""Volunteer accounts: sign-in for reviews. Reading stays public.

Accounts are made with ``whose-streets create-user NAME`` (passwords hashed with
werkzeug). Sign-in is a CSRF-protected form, rate-limited per client address
(``LOGIN_LIMIT``) so passwords cannot be guessed at speed; going over the limit
answers 429 with a readable page (or JSON under /api).
"""
from __future__ import annotations

import secrets
from functools import lru_cache

from flask import Blueprint, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.extensions import limiter, login_manager
from app.store.records import find_user
from app.store.models import UserRow
from app.web import local_path, store

bp = Blueprint("auth", __name__)

#: Sign-in attempts allowed per client address (POSTs only: showing the form is free).
LOGIN_LIMIT = "5 per minute"

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to review streets.")
login_manager.login_message_category = "info"


class Volunteer(UserMixin):
    def __init__(self, row: UserRow):
        self.id = row.id
        self.name = row.name


@login_manager.user_loader
def load_user(user_id: str):
    with store().session() as session:
        row = session.get(UserRow, int(user_id)) if user_id.isdigit() else None
        return Volunteer(row) if row is not None and row.active else None


class LoginForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    next_url = request.args.get("next") or request.form.get("next")
    if form.validate_on_submit():
        row = find_user(store(), form.name.data.strip())
        # Hash the password even for an unknown name, so the answer's timing does not tell names apart.
        password_hash = row.password_hash if row is not None else _unknown_user_hash()
        if check_password_hash(password_hash, form.password.data) and row is not None and row.active:
            login_user(Volunteer(row))
            flash(_("Signed in as %(name)s.", name=row.name), "info")
            return redirect(local_path(next_url))
        # The same answer for an unknown name and a wrong password: names are not revealed.
        flash(_("Wrong name or password."), "error")
        return render_template("login.html", form=form, next_url=next_url), 401
    status = 400 if request.method == "POST" else 200
    return render_template("login.html", form=form, next_url=next_url), status


@bp.post("/logout")
def logout():
    # A POST with the CSRF token (CSRFProtect checks every POST): a link elsewhere cannot sign anyone out.
    if current_user.is_authenticated:
        logout_user()
        flash(_("Signed out."), "info")
    return redirect(local_path(request.form.get("next")))


@bp.app_errorhandler(429)
def too_many_requests(exc):
    if request.path.startswith("/api/"):
        return jsonify({"error": "too many requests, try again later", "limit": str(exc.description)}), 429
    return render_template("429.html"), 429
