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


@dataclass(frozen=True)
class HtmlTable:
    columns: tuple[HtmlColumn, ...]
    #: Each row's ``data-<row_attribute>`` holds ``row[row_key]`` (for scripts and tests); None: no attribute.
    row_attribute: str | None = None
    row_key: str | None = None
    css: str = "gaps"


def csv_response(table: Table, rows: Iterable[dict], filename: str, *, mimetype: str = "text/csv") -> Response:
    """A CSV download of the table's rows (written by the one CSV writer, formulas neutralised)."""
    response = Response(csv_text(table, rows), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(table: Table, rows: Iterable[dict], **about) -> Response:
    """The table's rows as JSON objects under the published column names, after what describes them."""
    return jsonify({**about, "columns": table.keys, "rows": table.records(rows)})
