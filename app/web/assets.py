"""Third-party browser assets (Leaflet...), served from installed packages, never from a CDN."""
from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet as xleaflet
from flask import Blueprint, abort, send_from_directory

bp = Blueprint("assets", __name__, url_prefix="/vendor")

#: name -> folder on disk, from installed packages.
PACKAGES: dict[str, Path] = {
    "leaflet": Path(xleaflet.BASE_DIR),
}


@bp.route("/<package>/<path:filename>")
def vendor(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
