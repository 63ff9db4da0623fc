"""Public pages: the list of cities. (City pages, presenter mode and downloads join this blueprint.)"""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from app.store.models import AreaRow
from app.web import store

bp = Blueprint("pages", __name__)


@bp.route("/")
def home():
    with store().session() as session:
        cities = list(
            session.scalars(select(AreaRow).where(AreaRow.current_run_id.is_not(None)).order_by(AreaRow.name))
        )
    return render_template("home.html", cities=cities)
