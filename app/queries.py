"""Query templates kept as files in ``queries/`` and filled in safely.

Overpass QL and SPARQL both get user-influenced values (a place name typed in
a search box, ids from URLs). A template placeholder looks like ``{{name}}``;
:func:`render` fills it only with values that cannot change the query's shape:

* ``int`` (not ``bool``),
* a QID string (``Q`` + digits, checked with the same rule as the domain),
* a string already quoted by :func:`ql_string` / :func:`sparql_string` (or
  another helper returning :class:`Safe`).

Anything else is a ``TypeError``: a plain ``str`` in a query is exactly the
bug this module exists to prevent. Unknown or missing placeholders are errors
too, so a typo in a template fails in tests instead of sending ``{{nmae}}``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from app.domain import is_qid
from app.resources import bundled_dir

_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
_PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class Safe(str):
    """A string that is already a well-formed literal/fragment of a query."""


@lru_cache(maxsize=None)
def load_query(name: str) -> str:
    """The text of ``queries/<name>`` (e.g. ``"streets.overpassql"``)."""
    if not _NAME_RE.match(name) or name.startswith("."):
        raise ValueError(f"not a query name: {name!r}")
    path = bundled_dir("queries") / name
    if not path.is_file():
        raise FileNotFoundError(f"no query file {path}")
    return path.read_text(encoding="utf-8")


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER_RE.findall(template))


def _checked(name: str, value: object) -> str:
    if isinstance(value, Safe):
        return str(value)
    if isinstance(value, bool):
        raise TypeError(f"query parameter {name}: booleans are not query values")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and is_qid(value):
        return value
    raise TypeError(
        f"query parameter {name}={value!r}: pass an int, a QID, or a string escaped with ql_string/sparql_string"
    )


def render(template: str, **params: object) -> str:
    """Fill ``{{name}}`` placeholders with validated values (see module doc)."""
    wanted = placeholders(template)
    missing = wanted - params.keys()
    extra = params.keys() - wanted
    if missing:
        raise KeyError(f"query needs parameters: {', '.join(sorted(missing))}")
    if extra:
        raise KeyError(f"query has no placeholders for: {', '.join(sorted(extra))}")
    values = {name: _checked(name, value) for name, value in params.items()}
    return _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], template)


def _no_nul(s: str) -> str:
    if not isinstance(s, str):
        raise TypeError(f"expected a string, got {type(s).__name__}")
    if "\x00" in s:
        raise ValueError("NUL character in a query string")
    return s


#: What each language's string literals need escaped; the backslash comes first so that
#: nothing the user typed can close the literal or form an escape of its own.
_QL_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("'", "\\'"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_SPARQL_ESCAPES = _QL_ESCAPES + (("\b", "\\b"), ("\f", "\\f"))


#: Any character either table escapes: most names hold none, and then need no replacing at all.
_NEEDS_ESCAPE_RE = re.compile("[" + re.escape("".join(char for char, _ in _SPARQL_ESCAPES)) + "]")
_LANGUAGE_TAG_RE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def _escape(s: str, table) -> str:
    if not _NEEDS_ESCAPE_RE.search(s):
        return s
    for char, escaped in table:
        s = s.replace(char, escaped)
    return s


def ql_string(s: str) -> Safe:
    """An Overpass QL double-quoted string literal holding exactly ``s``.

    Overpass unescapes ``\\\\``, ``\\"``, ``\\'``, ``\\n``, ``\\t`` inside
    quoted strings; escaping the backslash first means nothing the user typed
    can close the literal or form an escape of its own.
    """
    out = _escape(_no_nul(s), _QL_ESCAPES)
    return Safe(f'"{out}"')


def ql_regex_literal(s: str) -> Safe:
    """A QL string holding a regex that matches ``s`` literally (for ``~`` filters)."""
    return ql_string(re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", _no_nul(s)))


def sparql_string(s: str, lang: str | None = None) -> Safe:
    """A SPARQL double-quoted literal (ECHAR escapes), optionally ``@lang`` tagged."""
    out = _escape(_no_nul(s), _SPARQL_ESCAPES)
    if lang is not None:
        if not _LANGUAGE_TAG_RE.fullmatch(lang):
            raise ValueError(f"not a language tag: {lang!r}")
        return Safe(f'"{out}"@{lang}')
    return Safe(f'"{out}"')


def sparql_qids(qids: list[str] | tuple[str, ...], prefix: str = "wd:") -> Safe:
    """``wd:Q1 wd:Q2`` for a VALUES block; every id is checked to be a QID."""
    bad = [q for q in qids if not is_qid(q)]
    if bad:
        raise ValueError(f"not QIDs: {bad[:5]}")
    if prefix not in ("wd:", ""):
        raise ValueError(f"unexpected prefix {prefix!r}")
    return Safe(" ".join(f"{prefix}{q}" for q in qids))
