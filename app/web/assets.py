"""Third-party browser assets (Leaflet...), served from installed packages, never from a CDN."""
from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet as xleaflet
from flask import Blueprint, abort, request, send_from_directory

bp = Blueprint("assets", __name__, url_prefix="/vendor")

#: name -> folder on disk, from installed packages.
PACKAGES: dict[str, Path] = {
    "leaflet": Path(xleaflet.BASE_DIR),
}
#: Text assets worth compressing (Leaflet's JS is 147 kB raw, 42 kB gzipped).
COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".map")


@bp.route("/<package>/<path:filename>")
def vendor(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)


@bp.after_app_request
def let_text_assets_be_compressed(response):
    """Let flask-compress compress our own and vendored JS/CSS (Leaflet: 147 kB raw, 42 kB gzipped).

    send_file responses are passed through untouched and streamed, which flask-compress leaves alone
    (or only gives br/deflate): read these small files into memory so every encoding applies.
    """
    if (response.status_code == 200 and request.path.endswith(COMPRESSIBLE)
            and (request.path.startswith("/vendor/") or request.path.startswith("/static/"))):
        response.direct_passthrough = False
        # Read into memory (at most a few hundred kB): streamed bodies only get br/deflate, not gzip.
        response.make_sequence()
    return response
