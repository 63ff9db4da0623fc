"""QR codes for presenter mode: drawn here as SVG by segno, so showing one needs no network."""
from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url``; medium error correction survives a projector's glare."""
    code = segno.make(url, error="m", micro=False)
    # segno writes only modules and sizes (the URL is not in the SVG as text), so it is safe markup.
    svg = code.svg_inline(scale=8, border=4, dark="#000", light="#fff", omitsize=True)
    return Markup(svg)
