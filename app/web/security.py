"""Security headers on every response, by flask-talisman: a Content-Security-Policy, frame-ancestors
'none' (no page here can be framed, so sign-in and review forms cannot be clickjacked), nosniff, a
Referrer-Policy, and Secure cookies plus HSTS when the service is reached over HTTPS (SECURE_COOKIES).

The policy allows only this site's own scripts, styles, fonts and requests, plus images from the
configured tile host and Wikimedia Commons. Inline code needs the request's nonce:

* a template's own inline script or style: ``<script nonce="{{ csp_nonce() }}">…</script>``;
* HTML generated elsewhere (Folium's map head and script): ``{{ map.head|nonced }}`` adds the nonce
  to each ``<script>`` and ``<style>`` tag in it.

Style attributes (``style="…"`` in markup) are refused; set styles from scripts (element.style, which
a policy does not block) or with classes. A ``<script type="application/json">`` data block needs no nonce.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, request
from flask_talisman import Talisman
from markupsafe import Markup

#: Images of people in popups: Commons file pages redirect to upload.wikimedia.org.
COMMONS_HOSTS = ("https://commons.wikimedia.org", "https://upload.wikimedia.org")
_OPENING_TAG = re.compile(r"<(script|style)\b(?![^>]*\bnonce=)", re.IGNORECASE)

talisman = Talisman()


def tile_source(tiles: str | None) -> list[str]:
    """The CSP source for an XYZ tile URL: its origin, with ``{s}`` subdomains as a wildcard."""
    if not tiles:
        return []
    parts = urlsplit(tiles)
    host = re.sub(r"^\{s\}\.", "*.", parts.netloc)
    return [f"{parts.scheme}://{host}"] if parts.scheme in ("http", "https") and host else []


def content_security_policy(tiles: str | None) -> dict[str, str | list[str]]:
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": ["'self'", "data:", *tile_source(tiles), *COMMONS_HOSTS],
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def nonced(html: str) -> Markup:
    """``html`` (trusted, generated markup) with this request's CSP nonce on every script and style tag."""
    nonce = getattr(request, "csp_nonce", "")
    return Markup(_OPENING_TAG.sub(lambda m: f'<{m.group(1)} nonce="{nonce}"', str(html)))


def register_security(app: Flask, *, secure_cookies: bool, tiles: str | None) -> None:
    talisman.init_app(
        app,
        # TLS ends at the reverse proxy; redirecting here would loop behind a proxy that speaks HTTP to us.
        force_https=False,
        strict_transport_security=secure_cookies,
        session_cookie_secure=secure_cookies,
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=content_security_policy(tiles),
        content_security_policy_nonce_in=["script-src", "style-src"],
        referrer_policy="strict-origin-when-cross-origin",
    )
    # Set here too: talisman leaves the session cookie's flag to Flask, and flask-login has its own cookie.
    app.config.update(SESSION_COOKIE_SECURE=secure_cookies, REMEMBER_COOKIE_SECURE=secure_cookies,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax")
    app.jinja_env.filters["nonced"] = nonced
