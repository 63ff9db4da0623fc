"""How a declared table (app/tables.py) is answered over HTTP: its HTML display, CSV and JSON responses.

The HTML of every table is drawn by one template macro (``templates/_table.html``) from an
``HtmlTable``: the columns a reader sees (a title and the cell macro drawing it from a row),
which may gather several published columns into one cell (a name with its Wikidata id and
description). The CSV and JSON give the published columns of the same rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from flask import Response, jsonify

from app.tables import Table, csv_text


@dataclass(frozen=True)
class HtmlColumn:
    title: str
    #: The macro of the cells template drawing this column's cell from a row.
    cell: str
    #: The class of the header and the cells ("num": a column of figures), and one more for the cells only.
    css: str = ""
    cell_css: str = ""
    #: Sortable in the browser (static/js/sortable.js) as "text" or "number", on the ``value`` macro's text.
    sort_as: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class HtmlTable:
    columns: tuple[HtmlColumn, ...]
    #: (attribute, key) pairs: each row's ``data-<attribute>`` holds ``row[key]`` (for scripts and tests).
    row_attributes: tuple[tuple[str, str], ...] = ()
    css: str = "gaps"
    id: str | None = None
    row_class: str | None = None
    #: Header cells say they head columns (scope="col").
    scoped: bool = False


def csv_response(table: Table, rows: Iterable[dict], filename: str, *, mimetype: str = "text/csv") -> Response:
    """A CSV download of the table's rows (written by the one CSV writer, formulas neutralised)."""
    response = Response(csv_text(table, rows), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(table: Table, rows: Iterable[dict], **about) -> Response:
    """The table's rows as JSON objects under the published column names, after what describes them."""
    return jsonify({**about, "columns": table.keys, "rows": table.records(rows)})
