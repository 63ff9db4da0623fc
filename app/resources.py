"""Where the files that ship with the code are: the query templates and the site's own static files.

They live at the top of the repository (``queries/``, ``static/``) and are built into the wheel and
sdist as ``app/bundled/queries`` and ``app/bundled/static`` (see setup.py). An installed package reads
its own copy, beside its code; a source checkout (``PYTHONPATH`` pointing at it, or an editable
install) has no ``app/bundled`` and reads the repository's folders.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

BUNDLED = ("queries", "static")


@cache
def bundled_dir(name: str) -> Path:
    """The folder holding ``queries`` or ``static`` for the code that is running."""
    if name not in BUNDLED:
        raise ValueError(f"not a bundled folder: {name!r}")
    package_root = Path(str(files("app")))
    installed = package_root / "bundled" / name
    if installed.is_dir():
        return installed
    checkout = package_root.parent / name
    if checkout.is_dir() and (package_root.parent / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(f"the package has no {name}/ folder: it was built without its bundled files")
