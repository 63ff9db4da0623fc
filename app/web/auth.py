"""Volunteer accounts: sign-in for reviews. Reading stays public."""
from __future__ import annotations

from flask import Blueprint
from flask_login import UserMixin

from app.extensions import login_manager
from app.store.models import UserRow
from app.web import store

bp = Blueprint("auth", __name__)


class Volunteer(UserMixin):
    def __init__(self, row: UserRow):
        self.id = row.id
        self.name = row.name


@login_manager.user_loader
def load_user(user_id: str):
    with store().session() as session:
        row = session.get(UserRow, int(user_id)) if user_id.isdigit() else None
        return Volunteer(row) if row is not None and row.active else None
